/**
 * Continue watching and the resumable rule: which of a profile's positions are
 * offered to pick up again (GET /api/progress/continue, the Home row, the
 * resume point of POST /api/playback/:id).
 */
import { database } from "../db/client.ts";
import { continueData, type EpisodeInfo, type TitleCard } from "../db/progress.ts";
import type { Viewer } from "../lib/viewer.ts";
import type { ProgressEntry } from "./model.ts";
import { viewerState } from "./stub.ts";

/** Below this (or 5% of a short video) a title has barely been started and is not offered for resuming. */
export const MIN_RESUME_SECONDS = 10;

/** Whether an entry is worth resuming: started (past the threshold) and not finished. */
export function isResumable(e: ProgressEntry): boolean {
  return !e.finished && e.positionSeconds >= Math.min(MIN_RESUME_SECONDS, e.durationSeconds * 0.05);
}

/** Items in continue watching at most. */
const CONTINUE_LIMIT = 20;
/** Titles looked at to fill continue watching (some are finished or no longer visible). */
export const CONTINUE_SCAN = 60;

export type ContinueItem = {
  kind: "resume" | "next_episode";
  title: TitleCard;
  episode: EpisodeInfo | null;
  positionSeconds: number;
  durationSeconds: number | null;
  updatedAt: number;
  deviceName: string;
};

/** Continue watching from the latest entry of each title: in-progress first-class, a finished episode becomes the next one. */
export async function continueWatching(env: Env, viewer: Viewer, accountId: string, profileId: string, limit = CONTINUE_LIMIT): Promise<ContinueItem[]> {
  return continueFrom(env, viewer, await viewerState(env, accountId).latestPerTitle(profileId, CONTINUE_SCAN), limit);
}

/** Continue watching from entries already read from the object (Home reads them in its one call); D1 only for the cards of what is left. */
export async function continueFrom(env: Env, viewer: Viewer, latest: ProgressEntry[], limit = CONTINUE_LIMIT): Promise<ContinueItem[]> {
  const candidates = latest.filter((e) => (e.finished ? e.episodeId !== null : isResumable(e)));
  if (candidates.length === 0) return [];
  const { cards, episodes, next } = await continueData(
    database(env.DB),
    viewer,
    candidates.map((e) => e.titleId),
    candidates.flatMap((e) => (!e.finished && e.episodeId !== null ? [e.episodeId] : [])),
    candidates.flatMap((e) => (e.finished ? [e.episodeId!] : [])),
  );
  const items: ContinueItem[] = [];
  for (const e of candidates) {
    const title = cards.get(e.titleId);
    if (!title) continue;
    if (e.finished) {
      const episode = next.get(e.episodeId!);
      if (!episode) continue;
      const durationSeconds = episode.runtimeMinutes === null ? null : episode.runtimeMinutes * 60;
      items.push({ kind: "next_episode", title, episode, positionSeconds: 0, durationSeconds, updatedAt: e.updatedAt, deviceName: e.deviceName });
    } else {
      const episode = e.episodeId === null ? null : (episodes.get(e.episodeId) ?? null);
      items.push({ kind: "resume", title, episode, positionSeconds: e.positionSeconds, durationSeconds: e.durationSeconds, updatedAt: e.updatedAt, deviceName: e.deviceName });
    }
    if (items.length >= limit) break;
  }
  return items;
}
