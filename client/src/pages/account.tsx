/**
 * Account: e-mail, plan (with its best picture quality), profiles, sign-out, and
 * the privacy controls (download everything stored, delete the account).
 */
import { A, useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { createSubmit, FormError } from "../components/form.tsx";
import { planName, planQuality } from "../components/plan.ts";
import { deleteAccount, exportAccount } from "../data/api.ts";
import { forgetSession, session, signOut } from "../data/session.ts";

export default function AccountPage() {
  const navigate = useNavigate();
  const leave = createSubmit();
  const download = createSubmit();
  const erase = createSubmit();
  const [downloaded, setDownloaded] = createSignal("");
  const [understood, setUnderstood] = createSignal(false);
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

  async function onDelete() {
    const done = await erase.run(() => deleteAccount().then(() => true));
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

          {/* Placeholder: the privacy endpoints (GET /api/account/export, DELETE /api/account) are being built separately. */}
          <section class="panel privacy" aria-labelledby="privacy" data-placeholder="privacy">
            <h2 id="privacy">Privacy</h2>
            <p class="muted">Everything Marquee stores about this account — profiles, My List, ratings and viewing history.</p>
            <div class="privacy-actions">
              <div>
                <button type="button" class="button button-outline" disabled={download.pending()} onClick={() => void onDownload()}>
                  {download.pending() ? "Preparing…" : "Download my data"}
                </button>
                <p class="status" role="status">{downloaded()}</p>
                <FormError message={download.error()} />
              </div>
              <div>
                <button type="button" class="button button-danger" onClick={() => { setUnderstood(false); confirmDialog.showModal(); }}>
                  Delete account
                </button>
              </div>
            </div>
          </section>

          <dialog ref={confirmDialog} class="dialog" aria-labelledby="delete-account-title">
            <h2 id="delete-account-title">Delete your account?</h2>
            <p>This erases {s().account.email}, every profile, My List, ratings and viewing history, on every device. It cannot be undone.</p>
            <label class="check">
              <input type="checkbox" checked={understood()} onChange={(e) => setUnderstood(e.currentTarget.checked)} />
              <span>I understand that everything is deleted for good.</span>
            </label>
            <FormError message={erase.error()} />
            <div class="dialog-actions">
              <button type="button" class="button button-outline" autofocus onClick={() => confirmDialog.close()}>Cancel</button>
              <button type="button" class="button button-danger" disabled={!understood() || erase.pending()} onClick={() => void onDelete()}>
                Delete account
              </button>
            </div>
          </dialog>
        </div>
      )}
    </Show>
  );
}
