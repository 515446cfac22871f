/**
 * The header's account corner: "Sign in" when signed out; when signed in, the
 * current profile's avatar opening a menu (switch or manage profiles, My List,
 * viewing history, account, sign out). A menu button per the ARIA pattern:
 * Enter/Space/↓ open it on the first item, ↑/↓/Home/End move, Escape closes and
 * returns focus to the button, Tab or a click elsewhere closes it.
 */
import { A, useNavigate } from "@solidjs/router";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { currentProfile, session, signOut } from "../data/session.ts";
import { t } from "../i18n/index.ts";
import { Avatar, NoProfileAvatar } from "./avatar.tsx";

interface MenuEntry {
  label: string;
  href?: string;
  action?: () => void;
}

export function AccountMenu() {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal(false);
  let button!: HTMLButtonElement;
  let menu: HTMLUListElement | undefined;
  let root!: HTMLDivElement;

  const entries = (): MenuEntry[] => [
    { label: t("menu.switchProfile"), href: "/profiles" },
    { label: t("menu.manageProfiles"), href: "/profiles/manage" },
    ...(currentProfile() ? [{ label: t("nav.myList"), href: "/my-list" }, { label: t("menu.history"), href: "/history" }] : []),
    { label: t("nav.account"), href: "/account" },
    {
      label: t("menu.signOut"),
      action: () => {
        void signOut()
          .catch(() => {})
          .then(() => navigate("/"));
      },
    },
  ];

  const items = () => [...(menu?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
  function show(focus: "first" | "last") {
    setOpen(true);
    const all = items();
    (focus === "first" ? all[0] : all[all.length - 1])?.focus();
  }
  function close(refocus: boolean) {
    setOpen(false);
    if (refocus) button.focus();
  }
  function onMenuKey(e: KeyboardEvent) {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: all.length - 1 };
    if (e.key in move) {
      e.preventDefault();
      all[(move[e.key]! + all.length) % all.length]?.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      close(true);
    } else if (e.key === "Tab") {
      close(false);
    }
  }
  const onDocumentClick = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) close(false);
  };
  document.addEventListener("click", onDocumentClick);
  onCleanup(() => document.removeEventListener("click", onDocumentClick));

  return (
    <Show
      when={session()}
      fallback={
        <Show when={session() === null}>
          <A href="/signin" class="button button-small sign-in-link">{t("nav.signIn")}</A>
        </Show>
      }
    >
      <div class="account-menu" ref={root}>
        <button
          ref={button}
          type="button"
          class="avatar-button"
          aria-haspopup="menu"
          aria-expanded={open()}
          aria-controls="account-menu-list"
          aria-label={currentProfile() ? t("menu.buttonOf", { name: currentProfile()!.name }) : t("menu.button")}
          onClick={() => (open() ? close(false) : show("first"))}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              show(e.key === "ArrowDown" ? "first" : "last");
            }
          }}
        >
          <Show when={currentProfile()} fallback={<NoProfileAvatar />}>
            {(p) => <Avatar id={p().avatar} />}
          </Show>
          <span class="avatar-caret" aria-hidden="true">▾</span>
        </button>
        <ul id="account-menu-list" ref={menu} role="menu" class="menu" hidden={!open()} aria-label={t("menu.label")} onKeyDown={onMenuKey}>
          <Show when={currentProfile()}>
            {(p) => (
              <li role="none" class="menu-profile" aria-hidden="true">
                <Avatar id={p().avatar} />
                <span>{p().name}</span>
              </li>
            )}
          </Show>
          <For each={entries()}>
            {(entry) => (
              <li role="none">
                <Show
                  when={entry.href}
                  fallback={
                    <button type="button" role="menuitem" tabindex="-1" onClick={() => { close(true); entry.action!(); }}>
                      {entry.label}
                    </button>
                  }
                >
                  <A href={entry.href!} role="menuitem" tabindex="-1" onClick={() => close(false)}>
                    {entry.label}
                  </A>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </div>
    </Show>
  );
}
