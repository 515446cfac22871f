/**
 * Smart downloads, as streaming apps do them: an episode watched to the end on
 * this device is deleted (its grant revoked, its place free) and the next
 * episode of the series is downloaded at the same quality, once the network is
 * there and the episode is no longer on screen. A setting per profile on this
 * device, on unless the profile turned it off; films are never touched.
 */
import { createEffect, createRoot, createSignal, on } from "solid-js";
import { isFinished } from "../../../common/progress.ts";
import { getTitle, type ProgressBody } from "../data/api.ts";
import { currentProfile } from "../data/session.ts";
import { deleteDownload, startDownload } from "./downloader.ts";
import { episodeAfter } from "./episode-order.ts";
import { listDownloads, updateDownload, type StoredDownload } from "./store.ts";

const settingKey = (profileId: string) => `marquee.smartDownloads.${profileId}`;
const [changed, setChanged] = createRoot(() => createSignal(0));

/** Whether smart downloads are on for the profile on this device (on by default). */
export function smartDownloadsOn(profileId: string | undefined): boolean {
  changed();
  if (!profileId) return false;
  try {
    return localStorage.getItem(settingKey(profileId)) !== "off";
  } catch {
    return true;
  }
}

export function setSmartDownloads(profileId: string, on: boolean): void {
  try {
    if (on) localStorage.removeItem(settingKey(profileId));
    else localStorage.setItem(settingKey(profileId), "off");
  } catch {
    // storage unavailable: the default stays
  }
  setChanged((n) => n + 1);
}

/** Downloads on screen now: never replaced under the player. */
const playing = new Set<string>();

/** The offline player shows `downloadId` until the returned function is called. */
export function playingDownload(downloadId: string): () => void {
  playing.add(downloadId);
  return () => playing.delete(downloadId);
}

/** Marks an episode download watched on this device when a position it reports is at its end (the credits, or 90 %). */
export async function noteWatched(d: StoredDownload, body: ProgressBody): Promise<void> {
  if (d.episodeId === null || !isFinished(body.positionSeconds, body.durationSeconds, d.media.markers.creditsStart ?? null)) return;
  await updateDownload(d.downloadId, (current) => (current.watchedAt === undefined ? { ...current, watchedAt: Date.now() } : null));
}

let replacing: Promise<void> | null = null;

/**
 * Online, for the current profile with smart downloads on: each watched
 * episode download that is not on screen is deleted, and the next episode
 * downloaded at its quality unless the device holds it already. A refusal of
 * the next one (the plan's limit, a ceiling) leaves it; the watched one is
 * gone either way, as its viewer finished it.
 */
export function replaceWatched(): Promise<void> {
  replacing ??= (async () => {
    const profile = currentProfile();
    if (!navigator.onLine || !profile || !smartDownloadsOn(profile.id)) return;
    const all = await listDownloads();
    for (const d of all) {
      if (d.watchedAt === undefined || d.episodeId === null || d.state !== "done" || playing.has(d.downloadId) || d.grant.profileId !== profile.id) continue;
      const title = await getTitle(String(d.titleId)).catch(() => null);
      await deleteDownload(d.downloadId);
      const next = title ? episodeAfter(title.seasons ?? [], d.episodeId) : null;
      if (!next || (await listDownloads()).some((o) => o.titleId === d.titleId && o.episodeId === next.id)) continue;
      await startDownload(d.titleId, next.id, d.quality === "higher" ? "higher" : "standard", d.heading, `S${next.season}:E${next.number} · ${next.name}`).catch(() => {});
    }
  })().finally(() => {
    replacing = null;
  });
  return replacing;
}

let smartStarted = false;

/** Replaces watched episodes once a profile is chosen (at start or a switch) and at every reconnect; once per page, in a root of its own. */
export function startSmartDownloads(): void {
  if (smartStarted) return;
  smartStarted = true;
  const kick = () => void replaceWatched();
  createRoot(() => createEffect(on(() => currentProfile()?.id, (id) => id && kick())));
  addEventListener("online", kick);
}
