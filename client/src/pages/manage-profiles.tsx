/**
 * Profile management: the account's profiles with an editor for a new or an
 * existing one (name, avatar, kids flag, maturity ceiling, language, autoplay,
 * subtitles, PIN) and deletion with a confirmation. The editor's state is in the
 * URL (`?new=1`, `?edit=<id>`), so Back closes it. Profiles cannot be managed
 * from a kids profile (the server refuses it too).
 */
import { A, useSearchParams } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { Avatar, AVATARS } from "../components/avatar.tsx";
import { createSubmit, FormError } from "../components/form.tsx";
import { createProfile, currentProfile, deleteProfile, KIDS_MAX_MATURITY_AGE, MAX_PROFILES, session, updateProfile, type Profile } from "../data/session.ts";
import type { ProfileChanges } from "../data/api.ts";
import { usePageTitle } from "../components/page-title.ts";
import { formatNumber } from "../i18n/format.ts";
import { profileWords } from "../i18n/pages/profiles/index.ts";

const { t, tn } = profileWords;

/** The catalog's maturity scale (worker/db/catalog.ts labels: 0 is "All ages", the others "<age>+"). */
const MATURITY_AGES = [0, 7, 13, 16, 18] as const;
const LANGUAGES = ["en", "fr", "es", "de", "it", "pt", "nl", "sv", "ja", "ko", "ar", "en-XA"];

/** A language's name in that language ("Français"), falling back to its tag. */
function endonym(tag: string): string {
  try {
    const name = new Intl.DisplayNames([tag], { type: "language" }).of(tag) ?? tag;
    return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
  } catch {
    return tag;
  }
}

/** An avatar's name in the interface language (the avatar table's own label for one the words do not know). */
function avatarName(id: string, label: string): string {
  const key = `avatar.${id}` as const;
  return profileWords.knows(key) ? t(key) : label;
}

function maturityLabel(age: number): string {
  return age === 0 ? t("maturity.all") : `${formatNumber(age)}+`;
}

function summary(p: Profile): string {
  return [p.isKids ? t("tag.kids") : null, t("summary.upTo", { rating: maturityLabel(p.maxMaturityAge) }), endonym(p.language), p.hasPin ? t("summary.pinLock") : null]
    .filter(Boolean)
    .join(" · ");
}

export default function ManageProfiles() {
  usePageTitle(() => t("manage"));
  const [params, setParams] = useSearchParams<{ new?: string; edit?: string }>();
  const [status, setStatus] = createSignal("");
  const profiles = () => session()?.profiles ?? [];
  const editing = createMemo(() => (params.edit ? profiles().find((p) => p.id === params.edit) : undefined));
  const creating = () => params.new === "1" && !editing() && profiles().length < MAX_PROFILES;
  /** Which editor is open: a profile's id, "new", or none; a new key gives a fresh form. */
  const editorKey = () => editing()?.id ?? (creating() ? "new" : undefined);

  function closeEditor(message: string, focusProfileId?: string) {
    setStatus(message);
    setParams({ new: undefined, edit: undefined });
    requestAnimationFrame(() => {
      const target = focusProfileId ? document.querySelector<HTMLElement>(`[data-edit-profile="${focusProfileId}"]`) : null;
      (target ?? document.querySelector<HTMLElement>(".manage-page h1"))?.focus();
    });
  }

  return (
    <div class="page manage-page">
      <Show
        when={!currentProfile()?.isKids}
        fallback={
          <>
            <h1 tabindex="-1">{t("manage")}</h1>
            <p>{t("kidsLocked")}</p>
            <A class="button button-primary" href="/profiles">{t("switch")}</A>
          </>
        }
      >
        <Show
          when={editorKey()}
          keyed
          fallback={
            <>
              <h1 tabindex="-1">{t("manage")}</h1>
              <p class="status" role="status">{status()}</p>
              <ul class="manage-list">
                <For each={profiles()}>
                  {(p) => (
                    <li class="manage-item">
                      <Avatar id={p.avatar} class="avatar-medium" />
                      <span class="manage-text">
                        <span class="profile-name">{p.name}</span>
                        <span class="manage-summary">{summary(p)}</span>
                      </span>
                      <button type="button" class="button button-outline" data-edit-profile={p.id} onClick={() => { setStatus(""); setParams({ edit: p.id, new: undefined }); }}>
                        {t("edit")}<span class="visually-hidden"> {p.name}</span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
              <p class="profiles-actions">
                <button type="button" class="button button-outline" disabled={profiles().length >= MAX_PROFILES} onClick={() => { setStatus(""); setParams({ new: "1", edit: undefined }); }}>
                  {t("add")}
                </button>
                <A class="button button-primary" href="/profiles">{t("done")}</A>
              </p>
              <Show when={profiles().length >= MAX_PROFILES}>
                <p class="hint">{tn("maxProfiles", MAX_PROFILES)}</p>
              </Show>
            </>
          }
        >
          <ProfileEditor
            profile={editing() ?? null}
            canDelete={profiles().length > 1}
            onDone={(message, id) => closeEditor(message, id)}
          />
        </Show>
      </Show>
    </div>
  );
}

type PinMode = "keep" | "set" | "remove";

/** The form for one profile (null: a new one). */
function ProfileEditor(props: { profile: Profile | null; canDelete: boolean; onDone: (message: string, profileId?: string) => void }) {
  const p = props.profile;
  const [form, setForm] = createStore({
    name: p?.name ?? "",
    avatar: p?.avatar ?? AVATARS[(session()?.profiles.length ?? 0) % AVATARS.length]!.id,
    isKids: p?.isKids ?? false,
    maxMaturityAge: p?.maxMaturityAge ?? 18,
    language: p?.language ?? "en",
    autoplay: p?.autoplay ?? true,
    subtitleLanguage: p?.subtitles.language ?? "",
    subtitleSize: p?.subtitles.size ?? "medium",
    subtitleBackground: p?.subtitles.background ?? "semi",
    pinMode: "keep" as PinMode,
    pin: "",
    password: "",
  });
  const save = createSubmit();
  const remove = createSubmit();
  let confirmDialog!: HTMLDialogElement;
  const languages = () => (LANGUAGES.includes(form.language) ? LANGUAGES : [form.language, ...LANGUAGES]);
  // A kids profile cannot keep a PIN: turning a locked profile into a kids profile removes it (with the password).
  const pinMode = (): PinMode => (form.isKids ? (p?.hasPin ? "remove" : "keep") : form.pinMode);

  function setKids(isKids: boolean) {
    setForm({ isKids, maxMaturityAge: isKids ? Math.min(form.maxMaturityAge, KIDS_MAX_MATURITY_AGE) : form.maxMaturityAge });
  }

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const fields = {
      name: form.name.trim(),
      avatar: form.avatar,
      isKids: form.isKids,
      maxMaturityAge: form.maxMaturityAge,
      language: form.language,
      autoplay: form.autoplay,
      subtitles: { language: form.subtitleLanguage || null, size: form.subtitleSize, background: form.subtitleBackground },
    };
    const lock: Pick<ProfileChanges, "pin" | "password"> =
      pinMode() === "set" ? { pin: form.pin, password: form.password } : pinMode() === "remove" ? { pin: null, password: form.password } : {};
    if (pinMode() === "set" && !/^\d{4}$/.test(form.pin)) return save.setError(t("error.pinDigits"));
    if (pinMode() !== "keep" && !form.password) return save.setError(t("error.passwordForPin"));
    const saved = await save.run(() =>
      p ? updateProfile(p.id, { ...fields, ...lock }) : createProfile({ ...fields, ...(lock.pin ? { pin: lock.pin, password: lock.password } : {}) }),
    );
    if (saved) props.onDone(t(p ? "status.saved" : "status.added", { name: saved.name }), saved.id);
  }

  async function confirmDelete() {
    if (!p) return;
    const ok = await remove.run(() => deleteProfile(p.id).then(() => true));
    if (ok) {
      confirmDialog.close();
      props.onDone(t("status.deleted", { name: p.name }));
    }
  }

  return (
    <form class="profile-editor" onSubmit={onSubmit} aria-labelledby="editor-title">
      <h1 id="editor-title" tabindex="-1" ref={(el) => requestAnimationFrame(() => el.focus())}>
        {p ? t("editor.editTitle", { name: p.name }) : t("editor.addTitle")}
      </h1>
      <div class="editor-grid">
        <div class="editor-column">
          <label class="field">
            <span>{t("editor.name")}</span>
            <input type="text" required maxlength={40} value={form.name} onInput={(e) => setForm("name", e.currentTarget.value)} autocomplete="off" />
          </label>

          <fieldset class="avatar-picker">
            <legend>{t("editor.avatar")}</legend>
            <For each={AVATARS}>
              {(a) => (
                <label class="avatar-option">
                  <input type="radio" name="avatar" value={a.id} class="visually-hidden" checked={form.avatar === a.id} onChange={() => setForm("avatar", a.id)} />
                  <Avatar id={a.id} />
                  <span class="visually-hidden">{avatarName(a.id, a.label)}</span>
                </label>
              )}
            </For>
          </fieldset>

          <label class="check">
            <input type="checkbox" checked={form.isKids} onChange={(e) => setKids(e.currentTarget.checked)} />
            <span>{t("editor.kids")} <small class="hint">{t("editor.kidsHint", { rating: maturityLabel(KIDS_MAX_MATURITY_AGE) })}</small></span>
          </label>

          <label class="field">
            <span>{t("editor.maturity")}</span>
            <select value={form.maxMaturityAge} onChange={(e) => setForm("maxMaturityAge", Number(e.currentTarget.value))}>
              <For each={MATURITY_AGES}>
                {(age) => (
                  <option value={age} disabled={form.isKids && age > KIDS_MAX_MATURITY_AGE}>
                    {age === 18 ? t("editor.maturityAll") : t("editor.maturityUpTo", { rating: maturityLabel(age) })}
                  </option>
                )}
              </For>
            </select>
          </label>

          <label class="field">
            <span>{t("editor.language")}</span>
            <select value={form.language} onChange={(e) => setForm("language", e.currentTarget.value)}>
              <For each={languages()}>{(tag) => <option value={tag} lang={tag}>{endonym(tag)}</option>}</For>
            </select>
          </label>

          <label class="check">
            <input type="checkbox" checked={form.autoplay} onChange={(e) => setForm("autoplay", e.currentTarget.checked)} />
            <span>{t("editor.autoplay")}</span>
          </label>
        </div>

        <div class="editor-column">
          <fieldset class="group">
            <legend>{t("editor.subtitles")}</legend>
            <label class="field">
              <span>{t("editor.subtitleLanguage")}</span>
              <select value={form.subtitleLanguage} onChange={(e) => setForm("subtitleLanguage", e.currentTarget.value)}>
                <option value="">{t("editor.off")}</option>
                <For each={LANGUAGES}>{(tag) => <option value={tag} lang={tag}>{endonym(tag)}</option>}</For>
              </select>
            </label>
            <label class="field">
              <span>{t("editor.size")}</span>
              <select value={form.subtitleSize} onChange={(e) => setForm("subtitleSize", e.currentTarget.value as "small" | "medium" | "large")}>
                <option value="small">{t("editor.small")}</option>
                <option value="medium">{t("editor.medium")}</option>
                <option value="large">{t("editor.large")}</option>
              </select>
            </label>
            <label class="field">
              <span>{t("editor.background")}</span>
              <select value={form.subtitleBackground} onChange={(e) => setForm("subtitleBackground", e.currentTarget.value as "none" | "semi" | "solid")}>
                <option value="none">{t("editor.none")}</option>
                <option value="semi">{t("editor.semi")}</option>
                <option value="solid">{t("editor.solid")}</option>
              </select>
            </label>
          </fieldset>

          <fieldset class="group">
            <legend>{t("lock.title")}</legend>
            <Show
              when={!form.isKids}
              fallback={
                <p class="hint">{p?.hasPin ? t("lock.kidsRemoves") : t("lock.kidsNone")}</p>
              }
            >
              <p class="hint">{p?.hasPin ? t("lock.hasPin") : t("lock.noPin")}</p>
              <div class="radio-row">
                <label class="check">
                  <input type="radio" name="pinMode" checked={form.pinMode === "keep"} onChange={() => setForm("pinMode", "keep")} />
                  <span>{p?.hasPin ? t("lock.keep") : t("lock.none")}</span>
                </label>
                <label class="check">
                  <input type="radio" name="pinMode" checked={form.pinMode === "set"} onChange={() => setForm("pinMode", "set")} />
                  <span>{p?.hasPin ? t("lock.change") : t("lock.set")}</span>
                </label>
                <Show when={p?.hasPin}>
                  <label class="check">
                    <input type="radio" name="pinMode" checked={form.pinMode === "remove"} onChange={() => setForm("pinMode", "remove")} />
                    <span>{t("lock.remove")}</span>
                  </label>
                </Show>
              </div>
              <Show when={form.pinMode === "set"}>
                <label class="field">
                  <span>{t("lock.newPin")}</span>
                  <input class="pin-input" type="password" inputmode="numeric" pattern="[0-9]{4}" maxlength={4} autocomplete="off" required value={form.pin} onInput={(e) => setForm("pin", e.currentTarget.value)} />
                </label>
              </Show>
            </Show>
            <Show when={pinMode() !== "keep"}>
              <label class="field">
                <span>{t("lock.password")}</span>
                <input type="password" autocomplete="current-password" required value={form.password} onInput={(e) => setForm("password", e.currentTarget.value)} />
              </label>
            </Show>
          </fieldset>
        </div>
      </div>

      <FormError message={save.error()} />
      <div class="editor-actions">
        <button type="submit" class="button button-primary" disabled={save.pending()}>{save.pending() ? t("editor.saving") : t("editor.save")}</button>
        <button type="button" class="button button-outline" onClick={() => props.onDone("", p?.id)}>{t("cancel")}</button>
        <Show when={p}>
          <button type="button" class="button button-danger" disabled={!props.canDelete} aria-describedby={props.canDelete ? undefined : "last-profile-hint"} onClick={() => confirmDialog.showModal()}>
            {t("editor.delete")}
          </button>
          <Show when={!props.canDelete}>
            <small id="last-profile-hint" class="hint">{t("editor.lastProfile")}</small>
          </Show>
        </Show>
      </div>

      <dialog ref={confirmDialog} class="dialog" aria-labelledby="delete-title">
        <h2 id="delete-title">{t("delete.title", { name: p?.name ?? "" })}</h2>
        <p>{t("delete.text")}</p>
        <FormError message={remove.error()} />
        <div class="dialog-actions">
          <button type="button" class="button button-outline" autofocus onClick={() => confirmDialog.close()}>{t("cancel")}</button>
          <button type="button" class="button button-danger" disabled={remove.pending()} onClick={() => void confirmDelete()}>{t("delete.confirm")}</button>
        </div>
      </dialog>
    </form>
  );
}
