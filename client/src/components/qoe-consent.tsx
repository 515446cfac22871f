/**
 * The account page's QoE switch: "Share playback quality statistics". Off
 * opts the account out (PUT /api/qoe/consent) and is remembered on this device
 * (data/qoe.ts), so the player sends nothing; with Global Privacy Control the
 * browser's signal already stops collection, and the switch says so.
 */
import { createResource, createSignal, Show } from "solid-js";
import { qoeConsent, setQoeConsent } from "../data/api.ts";
import { rememberQoeOptOut } from "../data/qoe.ts";
import { FormError } from "./form.tsx";

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
      setError(err instanceof Error ? err.message : "Could not save the choice.");
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
        <span>Share playback quality statistics</span>
      </label>
      <p class="muted">
        How quickly videos start, rebuffering and errors, sent without your account, profile, address or browser — so we can fix slow or failing
        streams. Raw reports are deleted after 24 hours.
      </p>
      <Show when={consent()?.gpc}>
        <p class="muted">Your browser sends Global Privacy Control, so nothing is collected from it either way.</p>
      </Show>
      <FormError message={error()} />
    </div>
  );
}
