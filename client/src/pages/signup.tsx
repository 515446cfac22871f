/** Sign up: e-mail, password, a plan (each with its best picture quality) and the first profile's name. */
import { useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, For } from "solid-js";
import { AuthCard } from "../components/auth-card.tsx";
import { createSubmit } from "../components/form.tsx";
import { planName, planQuality, PLANS, type Plan } from "../components/plan.ts";
import { landingAfterSignIn, signUp } from "../data/session.ts";
import { usePageTitle } from "../components/page-title.ts";
import { accountWords } from "../i18n/pages/account/index.ts";
// The server's rule, checked here only to say so before a round trip.
import { PASSWORD_MIN_CHARS } from "../../../common/passwords.ts";

const { t, tn } = accountWords;

export default function SignUp() {
  usePageTitle(() => t("signup.title"));
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const submit = createSubmit();
  const [plan, setPlan] = createSignal<Plan>("standard");
  let email!: HTMLInputElement;
  let password!: HTMLInputElement;
  let profileName!: HTMLInputElement;

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const name = profileName.value.trim();
    const me = await submit.run(() => signUp({ email: email.value, password: password.value, plan: plan(), ...(name ? { profileName: name } : {}) }));
    if (me) navigate(landingAfterSignIn(me, params.next), { replace: true });
  }

  return (
    <AuthCard
      heading={t("signup.title")}
      wide
      next={params.next}
      error={submit.error()}
      pending={submit.pending()}
      submitLabel={t("signup.submit")}
      pendingLabel={t("signup.pending")}
      switchText={t("signup.haveAccount")}
      switchLabel={t("signin.title")}
      switchPath="/signin"
      onSubmit={onSubmit}
    >
      <label class="field">
        <span>{t("field.email")}</span>
        <input ref={email} type="email" name="email" autocomplete="email" required autofocus />
      </label>
      <label class="field">
        <span>{t("field.password")}</span>
        <input ref={password} type="password" name="password" autocomplete="new-password" required minlength={PASSWORD_MIN_CHARS} aria-describedby="password-hint" />
        <small id="password-hint" class="hint">{tn("signup.passwordHint", PASSWORD_MIN_CHARS)}</small>
      </label>
      <label class="field">
        <span>{t("signup.profileName")} <span class="optional">{t("field.optional")}</span></span>
        <input ref={profileName} type="text" name="profileName" autocomplete="nickname" maxlength={40} />
      </label>
      <fieldset class="plans">
        <legend>{t("signup.plan")}</legend>
        <For each={PLANS}>
          {(p) => (
            <label class="plan-option">
              <input type="radio" name="plan" value={p} checked={plan() === p} onChange={() => setPlan(p)} />
              <span class="plan-name">{planName(p)}</span>
              <span class="plan-quality">{planQuality(p)}</span>
            </label>
          )}
        </For>
      </fieldset>
    </AuthCard>
  );
}
