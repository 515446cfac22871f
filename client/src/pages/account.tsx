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
import { formatDate, formatNumber } from "../i18n/format.ts";
import { accountWords } from "../i18n/pages/account/index.ts";

const { t, tn } = accountWords;

export default function AccountPage() {
  usePageTitle(() => t("account.title"));
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
    setDownloaded(t("account.downloaded"));
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
    setRekeyed(others > 0 ? `${t("account.passwordChanged")} ${tn("account.othersSignedOut", others)}` : t("account.passwordChanged"));
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
          <h1>{t("account.title")}</h1>
          <section class="panel" aria-labelledby="membership">
            <h2 id="membership">{t("account.membership")}</h2>
            <dl class="facts-list">
              <dt>{t("field.email")}</dt>
              <dd class="account-email">{s().account.email}</dd>
              <dt>{t("account.plan")}</dt>
              <dd>
                {planName(s().account.plan)} <span class="muted">· {planQuality(s().account.plan)}</span>
              </dd>
              <dt>{t("account.memberSince")}</dt>
              <dd>
                <time datetime={new Date(s().account.createdAt).toISOString()}>{formatDate(new Date(s().account.createdAt).getTime())}</time>
              </dd>
              <dt>{t("account.profiles")}</dt>
              <dd>
                {formatNumber(s().profiles.length)} · <A href="/profiles/manage">{t("account.manageProfiles")}</A>
              </dd>
            </dl>
            <FormError message={leave.error()} />
            <button type="button" class="button button-outline" disabled={leave.pending()} onClick={() => void onSignOut()}>
              {t("account.signOut")}
            </button>
          </section>

          <Show when={!currentProfile()?.isKids}>
            <section class="panel" aria-labelledby="password">
              <h2 id="password">{t("field.password")}</h2>
              <form class="password-form" onSubmit={onChangePassword}>
                <label class="field">
                  <span>{t("account.currentPassword")}</span>
                  <input type="password" name="current" autocomplete="current-password" required />
                </label>
                <label class="field">
                  <span>{t("account.newPassword")}</span>
                  <input type="password" name="next" autocomplete="new-password" required minlength={PASSWORD_MIN_CHARS} aria-describedby="new-password-hint" />
                  <small id="new-password-hint" class="hint">{tn("account.newPasswordHint", PASSWORD_MIN_CHARS)}</small>
                </label>
                <FormError message={rekey.error()} />
                <p class="status" role="status">{rekeyed()}</p>
                <button type="submit" class="button button-outline" disabled={rekey.pending()}>
                  {t("account.changePassword")}
                </button>
              </form>
            </section>
          </Show>

          {/* The privacy endpoints (worker/routes/account.ts) are called by plain fetch, outside the typed client. */}
          <section class="panel privacy" aria-labelledby="privacy">
            <h2 id="privacy">{t("account.privacy")}</h2>
            <p class="muted">{t("account.privacyText")}</p>
            <Show when={!currentProfile()?.isKids} fallback={<p>{t("account.kidsPrivacy")}</p>}>
              <div class="privacy-actions">
                <div>
                  <button type="button" class="button button-outline" disabled={download.pending()} onClick={() => void onDownload()}>
                    {download.pending() ? t("account.preparing") : t("account.download")}
                  </button>
                  <p class="status" role="status">{downloaded()}</p>
                  <FormError message={download.error()} />
                </div>
                <div>
                  <button type="button" class="button button-danger" onClick={() => { setPassword(""); erase.setError(""); confirmDialog.showModal(); }}>
                    {t("account.delete")}
                  </button>
                </div>
              </div>
              <QoeConsent />
            </Show>
          </section>

          <dialog ref={confirmDialog} class="dialog" aria-labelledby="delete-account-title">
            <form onSubmit={onDelete}>
              <h2 id="delete-account-title">{t("account.deleteTitle")}</h2>
              <p>{t("account.deleteText", { email: s().account.email })}</p>
              <label class="field">
                <span>{t("account.confirmPassword")}</span>
                <input type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
              </label>
              <FormError message={erase.error()} />
              <div class="dialog-actions">
                <button type="button" class="button button-outline" onClick={() => confirmDialog.close()}>{t("account.cancel")}</button>
                <button type="submit" class="button button-danger" disabled={!password() || erase.pending()}>
                  {t("account.delete")}
                </button>
              </div>
            </form>
          </dialog>
        </div>
      )}
    </Show>
  );
}
