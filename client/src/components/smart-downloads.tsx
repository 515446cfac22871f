/**
 * The Downloads page's Smart downloads switch, for the profile on this device
 * (offline/smart.ts): on, a watched episode makes room for the next one.
 */
import { Show } from "solid-js";
import { currentProfile } from "../data/session.ts";
import { t } from "../i18n/index.ts";
import { replaceWatched, setSmartDownloads, smartDownloadsOn } from "../offline/smart.ts";

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
