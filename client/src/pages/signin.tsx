/** Sign in: e-mail and password; then the profile picker (several profiles, or a PIN) or straight back. */
import { useNavigate, useSearchParams } from "@solidjs/router";
import { AuthCard } from "../components/auth-card.tsx";
import { createSubmit } from "../components/form.tsx";
import { landingAfterSignIn, signIn } from "../data/session.ts";
import { usePageTitle } from "../components/page-title.ts";
import { accountWords } from "../i18n/pages/account/index.ts";

const { t } = accountWords;

export default function SignIn() {
  usePageTitle(() => t("signin.title"));
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const submit = createSubmit();
  let email!: HTMLInputElement;
  let password!: HTMLInputElement;

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const me = await submit.run(() => signIn(email.value, password.value));
    if (me) navigate(landingAfterSignIn(me, params.next), { replace: true });
    else password.select();
  }

  return (
    <AuthCard
      heading={t("signin.title")}
      next={params.next}
      error={submit.error()}
      pending={submit.pending()}
      submitLabel={t("signin.title")}
      pendingLabel={t("signin.pending")}
      switchText={t("signin.new")}
      switchLabel={t("signin.create")}
      switchPath="/signup"
      onSubmit={onSubmit}
      footer={<p class="auth-note">{t("signin.browse")}</p>}
    >
      <label class="field">
        <span>{t("field.email")}</span>
        <input ref={email} type="email" name="email" autocomplete="username" required autofocus />
      </label>
      <label class="field">
        <span>{t("field.password")}</span>
        <input ref={password} type="password" name="password" autocomplete="current-password" required />
      </label>
    </AuthCard>
  );
}
