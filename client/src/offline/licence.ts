/**
 * The licence of a download, played offline. Chromium supports only temporary
 * ClearKey sessions (no persistent licences), so the device keeps the licence
 * response the Worker granted (offline/store.ts) and feeds it to a temporary
 * session each time the download plays, after checking the grant's expiry
 * against the device's trusted time (a clock set backwards does not revive an
 * expired download). A commercial DRM would store a persistent licence inside
 * its CDM, which enforces the expiry itself; with ClearKey this is deterrence.
 */
import { downloadPlayableUntil, DOWNLOAD_PLAY_WINDOW_MS } from "../../../common/downloads.ts";
import { deviceId } from "../data/device.ts";
import { reportDownloadPlayed } from "../data/api.ts";
import { updateDownload, type StoredDownload } from "./store.ts";

/**
 * Why a stored download cannot play now: `missing` (not on this device), `incomplete`,
 * `clock` (the device's clock was set back) or `expired`. A reason, not words: the
 * offline player words it in the viewer's language (the player's namespace).
 */
export type OfflineRefusal = "missing" | "incomplete" | "clock" | "expired";

/** Why a stored download cannot play at the trusted time `time` (store.ts trustedTime); null when it can. */
export function offlineRefusal(d: StoredDownload, time: { nowMs: number; clockMovedBack: boolean }): OfflineRefusal | null {
  if (d.state !== "done") return "incomplete";
  if (time.clockMovedBack) return "clock";
  if (time.nowMs >= downloadPlayableUntil(d.grant)) return "expired";
  return null;
}

/** Starts the 48 h window at the first play, at the trusted `nowMs` (locally; told to the account now, in the background, or at the next sync). */
export async function notePlayed(d: StoredDownload, nowMs: number): Promise<void> {
  if (d.grant.firstPlayedAt !== null) return;
  // The record as stored now (a renewal may have come since `d` was read); a first play noted meanwhile stays.
  await updateDownload(d.downloadId, (current) =>
    current.grant.firstPlayedAt !== null ? null : { ...current, grant: { ...current.grant, firstPlayedAt: nowMs, playableUntil: Math.min(current.grant.expiresAt, nowMs + DOWNLOAD_PLAY_WINDOW_MS) } },
  );
  // Told to the account without holding up the start (a failure is retried by the next sync).
  if (navigator.onLine) void reportDownloadPlayed(d.downloadId, deviceId(), d.grant.token, nowMs).catch(() => {});
}

/**
 * MediaKeys for a download: ClearKey, one temporary session holding every key
 * of the stored licence (asked for by key id, answered from storage).
 */
export async function offlineMediaKeys(d: StoredDownload): Promise<MediaKeys> {
  const access = await navigator.requestMediaKeySystemAccess("org.w3.clearkey", [
    {
      initDataTypes: ["keyids", "cenc"],
      videoCapabilities: [{ contentType: `video/mp4; codecs="${d.media.video.codecs}"` }],
      audioCapabilities: d.media.audio ? [{ contentType: `audio/mp4; codecs="${d.media.audio.codecs}"` }] : [],
    },
  ]);
  const keys = await access.createMediaKeys();
  const session = keys.createSession("temporary");
  const licence = new TextEncoder().encode(JSON.stringify(d.licence));
  const updated = new Promise<void>((resolve, reject) => {
    session.addEventListener("message", () => session.update(licence).then(resolve, reject), { once: true });
  });
  await session.generateRequest("keyids", new TextEncoder().encode(JSON.stringify({ kids: d.licence.keys.map((k) => k.kid) })));
  await updated;
  return keys;
}
