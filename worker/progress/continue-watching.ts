/**
 * Continue watching and the resumable rule: which of a profile's positions are
 * offered to pick up again (GET /api/progress/continue, the Home row, the
 * resume point of POST /api/playback/:id).
 */
import { keptUnderEpoch } from "../catalog/epoch-kept.ts";
import { database } from "../db/client.ts";
import { continueData, type EpisodeInfo, type TitleCard } from "../db/progress.ts";
import { HotCache } from "../lib/hot-cache.ts";
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
  const { cards, episodes, next } = await cachedContinueData(
    env,
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

/** How long an isolate keeps a Continue Watching row of the catalog (the epoch and its next window edge end it sooner). */
const CONTINUE_ROWS_TTL_MS = 30_000;
type ContinueRow = TitleCard | EpisodeInfo;
const continueRows = new HotCache<ContinueRow | null>(2 * 1024 * 1024);

/**
 * `continueData` through the isolate's memory (catalog/epoch-kept.ts), row by row: a title's card
 * as the viewer's country and ceiling see it, an episode being resumed, the episode after a finished
 * one (absent: none with video). A Home hit whose rows are all kept reads no D1 row.
 */
async function cachedContinueData(env: Env, viewer: Viewer, titleIds: number[], resumeIds: number[], finishedIds: number[]) {
  const keys = [...titleIds.map((id) => `c${id}`), ...resumeIds.map((id) => `e${id}`), ...finishedIds.map((id) => `n${id}`)];
  const rows = await keptUnderEpoch(env, viewer, continueRows, "continue", keys, async (missing) => {
    const ids = (kind: string) => missing.filter((k) => k[0] === kind).map((k) => Number(k.slice(1)));
    const read = await continueData(database(env.DB), viewer, ids("c"), ids("e"), ids("n"));
    const keyed = (kind: string, m: Map<number, ContinueRow>) => [...m].map(([id, row]) => [`${kind}${id}`, row] as const);
    return new Map([...keyed("c", read.cards), ...keyed("e", read.episodes), ...keyed("n", read.next)]);
  }, CONTINUE_ROWS_TTL_MS);
  const found = <T>(kind: string) => new Map([...rows].flatMap(([key, row]) => (key[0] === kind ? [[Number(key.slice(1)), row as T] as const] : [])));
  return { cards: found<TitleCard>("c"), episodes: found<EpisodeInfo>("e"), next: found<EpisodeInfo>("n") };
}
