/**
 * My List: the chosen profile's titles in its own order. Each row moves up or
 * down and can be removed with buttons (so the keyboard does everything); changes
 * show at once and are saved in order behind the scenes; a failed save reloads
 * the list as stored and says so.
 */
import { A, createAsync, revalidate } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { errorMessage } from "../components/form.tsx";
import { getMyList, removeFromMyList, reorderMyList, type MyListItem } from "../data/api.ts";
import { usePageTitle } from "../components/page-title.ts";
import { formatNumber } from "../i18n/format.ts";
import { t as appT } from "../i18n/index.ts";
import { libraryWords } from "../i18n/pages/library/index.ts";

const { t } = libraryWords;

export default function MyList() {
  usePageTitle(() => appT("nav.myList"));
  const stored = createAsync(() => getMyList());
  /** The list as shown, ahead of the server while saves are in flight; undefined: as stored. */
  const [local, setLocal] = createSignal<MyListItem[]>();
  const [status, setStatus] = createSignal("");
  const items = () => local() ?? stored();
  let saving: Promise<unknown> = Promise.resolve();

  /** Queues a save after the previous one; on failure shows the stored list again. */
  function save(work: () => Promise<unknown>) {
    saving = saving
      .then(work)
      .then(() => revalidate(getMyList.key))
      .catch((e: unknown) => {
        setStatus(t("list.saveFailed", { reason: errorMessage(e) }));
        setLocal(undefined);
        return revalidate(getMyList.key);
      });
  }

  function focusRow(titleId: number, preferred: "up" | "down" | "remove") {
    requestAnimationFrame(() => {
      const row = document.querySelector(`.my-list [data-title-id="${titleId}"]`);
      const order = preferred === "up" ? ["up", "down"] : preferred === "down" ? ["down", "up"] : ["remove"];
      for (const which of order) {
        const button = row?.querySelector<HTMLButtonElement>(`.move-${which}, .${which}`);
        if (button && !button.disabled) return button.focus();
      }
    });
  }

  function move(index: number, delta: -1 | 1) {
    const list = [...(items() ?? [])];
    const target = index + delta;
    if (target < 0 || target >= list.length) return;
    const [item] = list.splice(index, 1);
    list.splice(target, 0, item!);
    setLocal(list);
    setStatus(t("list.moved", { title: item!.title, position: formatNumber(target + 1), total: formatNumber(list.length) }));
    focusRow(item!.id, delta < 0 ? "up" : "down");
    const order = list.map((entry) => entry.id);
    save(() => reorderMyList(order));
  }

  function remove(index: number) {
    const list = [...(items() ?? [])];
    const [item] = list.splice(index, 1);
    setLocal(list);
    setStatus(t("list.removed", { title: item!.title }));
    const next = list[Math.min(index, list.length - 1)];
    if (next) focusRow(next.id, "remove");
    else requestAnimationFrame(() => document.querySelector<HTMLElement>(".my-list h1")?.focus());
    save(() => removeFromMyList(item!.id));
  }

  return (
    <div class="page my-list">
      <h1 tabindex="-1">{appT("nav.myList")}</h1>
      <p class="status" role="status">{status()}</p>
      <Show when={items()} fallback={<div class="list-skeleton skeleton" aria-hidden="true" />}>
        <Show
          when={items()!.length > 0}
          fallback={
            <p class="empty">
              {t("list.empty")} <A href="/browse">{t("list.browse")}</A>
            </p>
          }
        >
          <ol class="list-items">
            <For each={items()}>
              {(item, i) => (
                <li class="list-item" data-title-id={item.id}>
                  <span class="list-position" aria-hidden="true">{formatNumber(i() + 1)}</span>
                  <A class="list-art" href={`/title/${item.id}`} tabindex="-1" aria-hidden="true">
                    <Artwork id={item.id} title={item.title} kind="poster" src={item.posterUrl} />
                  </A>
                  <span class="list-text">
                    <A class="list-title" href={`/title/${item.id}`} dir="auto">{item.title}</A>
                    <span class="list-meta">
                      {appT(item.type === "series" ? "title.series" : "title.film")} · {item.releaseYear} · {item.maturity.label}
                    </span>
                  </span>
                  <span class="list-actions">
                    <button type="button" class="icon-button move-up" aria-label={t("list.moveUp", { title: item.title })} disabled={i() === 0} onClick={() => move(i(), -1)}>
                      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M12 5l7 8h-5v6h-4v-6H5z" /></svg>
                    </button>
                    <button type="button" class="icon-button move-down" aria-label={t("list.moveDown", { title: item.title })} disabled={i() === items()!.length - 1} onClick={() => move(i(), 1)}>
                      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M12 19l-7-8h5V5h4v6h5z" /></svg>
                    </button>
                    <button type="button" class="button button-outline remove" aria-label={t("list.removeLabel", { title: item.title })} onClick={() => remove(i())}>
                      {t("remove")}
                    </button>
                  </span>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </Show>
    </div>
  );
}
