/**
 * Account: e-mail, plan (with its best picture quality), profiles, sign-out, a
 * password change (which signs out every other device), and the privacy
 * controls (download everything stored, delete the account).
 */
import { A, useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { createSubmit, FormError } from "../components/form.tsx";
import { QoeConsent } from "../components/qoe-consent.tsx";
import { planName, planQuality } from "../components/plan.ts";
import { changePassword, deleteAccount, exportAccount } from "../data/api.ts";
import { PASSWORD_MIN_CHARS } from "../../../common/passwords.ts";
import { currentProfile, forgetSession, session, signOut } from "../data/session.ts";
import { usePageTitle } from "../components/page-title.ts";

export default function AccountPage() {
  usePageTitle(() => "Account");
  const navigate = useNavigate();
  const leave = createSubmit();
  const download = createSubmit();
  const erase = createSubmit();
  const [downloaded, setDownloaded] = createSignal("");
  const [password, setPassword] = createSignal("");
  const rekey = createSubmit();
  const [rekeyed, setRekeyed] = createSignal("");
  let confirmDialog!: HTMLDialogElement;

  async function onSignOut() {
    await leave.run(signOut);
    navigate("/");
  }

  async function onDownload() {
    setDownloaded("");
    const blob = await download.run(exportAccount);
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `marquee-account-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setDownloaded("Your data was downloaded as a JSON file.");
  }

  async function onChangePassword(e: SubmitEvent) {
    e.preventDefault();
    setRekeyed("");
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const done = await rekey.run(() => changePassword(String(data.get("current")), String(data.get("next"))));
    if (!done) return;
    form.reset();
    const others = done.signedOutSessions;
    setRekeyed(`Password changed.${others > 0 ? ` ${others} other device${others === 1 ? " was" : "s were"} signed out.` : ""}`);
  }

  async function onDelete(e: SubmitEvent) {
    e.preventDefault();
    const done = await erase.run(() => deleteAccount(password()).then(() => true));
    if (!done) return;
    confirmDialog.close();
    forgetSession();
    navigate("/", { replace: true });
  }

  return (
    <Show when={session()}>
      {(s) => (
        <div class="page account-page">
          <h1>Account</h1>
          <section class="panel" aria-labelledby="membership">
            <h2 id="membership">Membership</h2>
            <dl class="facts-list">
              <dt>E-mail</dt>
              <dd>{s().account.email}</dd>
              <dt>Plan</dt>
              <dd>
                {planName(s().account.plan)} <span class="muted">· {planQuality(s().account.plan)}</span>
              </dd>
              <dt>Member since</dt>
              <dd>{new Date(s().account.createdAt).toLocaleDateString()}</dd>
              <dt>Profiles</dt>
              <dd>
                {s().profiles.length} · <A href="/profiles/manage">Manage profiles</A>
              </dd>
            </dl>
            <FormError message={leave.error()} />
            <button type="button" class="button button-outline" disabled={leave.pending()} onClick={() => void onSignOut()}>
              Sign out
            </button>
          </section>

          <Show when={!currentProfile()?.isKids}>
            <section class="panel" aria-labelledby="password">
              <h2 id="password">Password</h2>
              <form class="password-form" onSubmit={onChangePassword}>
                <label class="field">
                  <span>Current password</span>
                  <input type="password" name="current" autocomplete="current-password" required />
                </label>
                <label class="field">
                  <span>New password</span>
                  <input type="password" name="next" autocomplete="new-password" required minlength={PASSWORD_MIN_CHARS} aria-describedby="new-password-hint" />
                  <small id="new-password-hint" class="hint">At least {PASSWORD_MIN_CHARS} characters. Every other device is signed out.</small>
                </label>
                <FormError message={rekey.error()} />
                <p class="status" role="status">{rekeyed()}</p>
                <button type="submit" class="button button-outline" disabled={rekey.pending()}>
                  Change password
                </button>
              </form>
            </section>
          </Show>

          {/* The privacy endpoints (worker/routes/account.ts) are called by plain fetch, outside the typed client. */}
          <section class="panel privacy" aria-labelledby="privacy">
            <h2 id="privacy">Privacy</h2>
            <p class="muted">Everything Marquee stores about this account — profiles, My List, ratings and viewing history.</p>
            <Show when={!currentProfile()?.isKids} fallback={<p>Switch to an adult profile to download or delete the account's data.</p>}>
              <div class="privacy-actions">
                <div>
                  <button type="button" class="button button-outline" disabled={download.pending()} onClick={() => void onDownload()}>
                    {download.pending() ? "Preparing…" : "Download my data"}
                  </button>
                  <p class="status" role="status">{downloaded()}</p>
                  <FormError message={download.error()} />
                </div>
                <div>
                  <button type="button" class="button button-danger" onClick={() => { setPassword(""); erase.setError(""); confirmDialog.showModal(); }}>
                    Delete account
                  </button>
                </div>
              </div>
              <QoeConsent />
            </Show>
          </section>

          <dialog ref={confirmDialog} class="dialog" aria-labelledby="delete-account-title">
            <form onSubmit={onDelete}>
              <h2 id="delete-account-title">Delete your account?</h2>
              <p>This erases {s().account.email}, every profile, My List, ratings and viewing history, on every device. It cannot be undone.</p>
              <label class="field">
                <span>Account password, to confirm</span>
                <input type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
              </label>
              <FormError message={erase.error()} />
              <div class="dialog-actions">
                <button type="button" class="button button-outline" onClick={() => confirmDialog.close()}>Cancel</button>
                <button type="submit" class="button button-danger" disabled={!password() || erase.pending()}>
                  Delete account
                </button>
              </div>
            </form>
          </dialog>
        </div>
      )}
    </Show>
  );
}
