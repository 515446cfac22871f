/**
 * "Who's watching?": the account's profiles as large buttons. A profile locked
 * with a PIN asks for it in a modal dialog; then the page goes back to where the
 * visitor was headed (`?next=`) or home.
 */
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { Avatar } from "../components/avatar.tsx";
import { createSubmit, FormError } from "../components/form.tsx";
import { currentProfile, MAX_PROFILES, safeNext, selectProfile, session, type Profile } from "../data/session.ts";
import { usePageTitle } from "../components/page-title.ts";
import { profileWords } from "../i18n/pages/profiles/index.ts";

const { t } = profileWords;

export default function Profiles() {
  usePageTitle(() => t("who.title"));
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const choose = createSubmit();
  const unlock = createSubmit();
  const [locked, setLocked] = createSignal<Profile | null>(null);
  let dialog!: HTMLDialogElement;
  let pinInput!: HTMLInputElement;
  let opener: HTMLElement | null = null;
  const profiles = () => session()?.profiles ?? [];
  const done = () => navigate(safeNext(params.next) ?? "/");

  async function pick(profile: Profile, button: HTMLElement) {
    // The profile already in use on this device needs no second unlock.
    if (currentProfile()?.id === profile.id) return done();
    if (profile.hasPin) {
      opener = button;
      unlock.setError("");
      setLocked(profile);
      pinInput.value = "";
      dialog.showModal();
      pinInput.focus();
      return;
    }
    if (await choose.run(() => selectProfile(profile.id))) done();
  }

  async function submitPin(e: SubmitEvent) {
    e.preventDefault();
    const profile = locked();
    if (!profile || !/^\d{4}$/.test(pinInput.value)) {
      unlock.setError(t("pin.invalid"));
      pinInput.focus();
      return;
    }
    if (await unlock.run(() => selectProfile(profile.id, pinInput.value))) {
      dialog.close();
      done();
    } else {
      pinInput.select();
    }
  }

  return (
    <div class="page profiles-page">
      <h1 class="profiles-title">{t("who.title")}</h1>
      <ul class="profile-grid">
        <For each={profiles()}>
          {(p) => (
            <li>
              <button type="button" class="profile-choice" aria-current={currentProfile()?.id === p.id ? "true" : undefined} disabled={choose.pending()} onClick={(e) => void pick(p, e.currentTarget)}>
                <Avatar id={p.avatar} class="avatar-large" />
                <span class="profile-name">{p.name}</span>
                <span class="profile-tags">
                  <Show when={p.isKids}><span class="tag">{t("tag.kids")}</span></Show>
                  <Show when={p.hasPin}>
                    <span class="tag tag-lock">
                      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path fill="currentColor" d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1zm2 0h6V7a3 3 0 0 0-6 0z" /></svg>
                      <span>{t("tag.pin")}</span>
                    </span>
                  </Show>
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
      <FormError message={choose.error()} />
      <p class="profiles-actions">
        <A class="button button-outline" href="/profiles/manage">{t("manage")}</A>
        <Show when={profiles().length < MAX_PROFILES && !currentProfile()?.isKids}>
          <A class="button button-outline" href="/profiles/manage?new=1">{t("add")}</A>
        </Show>
      </p>

      <dialog ref={dialog} class="dialog" aria-labelledby="pin-title" onClose={() => { setLocked(null); opener?.focus(); }}>
        <form onSubmit={submitPin}>
          <h2 id="pin-title">{t("pin.title", { name: locked()?.name ?? "" })}</h2>
          <label class="field">
            <span>{t("pin.label")}</span>
            <input
              ref={pinInput}
              class="pin-input"
              type="password"
              inputmode="numeric"
              pattern="[0-9]{4}"
              maxlength={4}
              autocomplete="off"
              required
              aria-describedby="pin-error"
              onInput={(e) => {
                if (/^\d{4}$/.test(e.currentTarget.value)) e.currentTarget.form!.requestSubmit();
              }}
            />
          </label>
          <FormError id="pin-error" message={unlock.error()} />
          <div class="dialog-actions">
            <button type="button" class="button button-outline" onClick={() => dialog.close()}>{t("cancel")}</button>
            <button type="submit" class="button button-primary" disabled={unlock.pending()}>{t("unlock")}</button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
