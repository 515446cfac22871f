/**
 * The account page's QoE switch: "Share playback quality statistics". Off
 * opts the account out (PUT /api/qoe/consent) and is remembered on this device
 * (data/qoe.ts), so the player sends nothing; with Global Privacy Control the
 * browser's signal already stops collection, and the switch says so.
 */
import { createResource, createSignal, Show } from "solid-js";
import { qoeConsent, setQoeConsent } from "../data/api.ts";
import { rememberQoeOptOut } from "../data/qoe.ts";
import { accountWords } from "../i18n/pages/account/index.ts";
import { errorMessage, FormError } from "./form.tsx";

const { t } = accountWords;

export function QoeConsent() {
  const [consent, { mutate }] = createResource(qoeConsent);
  const [error, setError] = createSignal("");
  const [saving, setSaving] = createSignal(false);

  async function toggle(share: boolean) {
    setError("");
    setSaving(true);
    try {
      const next = await setQoeConsent(!share);
      rememberQoeOptOut(next.optedOut);
      mutate(next);
    } catch (err) {
      setError(err instanceof Error ? errorMessage(err) : t("qoe.saveFailed"));
    } finally {
      setSaving(false);
    }
  }

  return (
    <div class="qoe-consent">
      <label class="check">
        <input
          type="checkbox"
          checked={consent() ? !consent()!.optedOut : true}
          disabled={consent.loading || saving()}
          onChange={(e) => void toggle(e.currentTarget.checked)}
        />
        <span>{t("qoe.share")}</span>
      </label>
      <p class="muted">{t("qoe.explain")}</p>
      <Show when={consent()?.gpc}>
        <p class="muted">{t("qoe.gpc")}</p>
      </Show>
      <FormError message={error()} />
    </div>
  );
}
