/**
 * The Downloads page's Smart downloads switch, for the profile on this device
 * (offline/smart.ts): on, a watched episode makes room for the next one.
 */
import { Show } from "solid-js";
import { currentProfile } from "../data/session.ts";
import { downloadWords } from "../i18n/pages/download/index.ts";
import { replaceWatched, setSmartDownloads, smartDownloadsOn } from "../offline/smart.ts";

/** The download words (i18n/pages/download): loaded with the pages that offer downloads, not with Home. */
const { t } = downloadWords;

export function SmartDownloads() {
  return (
    <Show when={currentProfile()}>
      {(profile) => (
        <div class="smart-downloads">
          <label class="check">
            <input
              type="checkbox"
              checked={smartDownloadsOn(profile().id)}
              onChange={(e) => {
                setSmartDownloads(profile().id, e.currentTarget.checked);
                if (e.currentTarget.checked) void replaceWatched();
              }}
            />
            <span>{t("download.smart")}</span>
          </label>
          <p class="muted">{t("download.smartHint")}</p>
        </div>
      )}
    </Show>
  );
}
