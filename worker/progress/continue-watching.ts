/**
 * Continue watching and the resumable rule: which of a profile's positions are
 * offered to pick up again (GET /api/progress/continue, the Home row, the
 * resume point of POST /api/playback/:id).
 */
import { catalogEpoch, recheckMs } from "../catalog/edge-cache.ts";
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
type ContinueRow = TitleCard | EpisodeInfo | null;
const continueRows = new HotCache<ContinueRow>(2 * 1024 * 1024);

/**
 * `continueData` through the isolate's memory, row by row: a title's card as the viewer's country
 * and ceiling see it (null: hidden), an episode being resumed, the episode after a finished one
 * (null: none with video). These are the same for every viewer of the variant until the catalog
 * changes, so they are kept under the catalog's epoch as the licence's source is
 * (playback/entitlement.ts): an edit or a window edge starts a new key. A Home hit whose rows are
 * all kept reads no D1 row; only the rows missing are read, in one batch. Nothing personal is kept:
 * which titles a profile watches is in the request, not in what is stored. If the epoch cannot be
 * read, D1 answers as before.
 */
async function cachedContinueData(env: Env, viewer: Viewer, titleIds: number[], resumeIds: number[], finishedIds: number[]) {
  const db = database(env.DB);
  const epoch = await catalogEpoch(env.DB, viewer.country, viewer.nowMs, recheckMs(env)).catch(() => null);
  if (!epoch) return continueData(db, viewer, titleIds, resumeIds, finishedIds);
  const prefix = `v${epoch.version}/${viewer.country}/m${viewer.maxMaturityAge}/`;
  const wanted = { c: [...new Set(titleIds)], e: [...new Set(resumeIds)], n: [...new Set(finishedIds)] };
  // Each row from memory, or missing; the missing ones are read in one batch and kept.
  const rows = new Map<string, ContinueRow>();
  const missing = { c: [] as number[], e: [] as number[], n: [] as number[] };
  for (const kind of ["c", "e", "n"] as const) {
    for (const id of wanted[kind]) {
      const row = continueRows.get(`${prefix}${kind}${id}`, viewer.nowMs);
      if (row === undefined) missing[kind].push(id);
      else rows.set(`${kind}${id}`, row);
    }
  }
  if (missing.c.length + missing.e.length + missing.n.length > 0) {
    const read = await continueData(db, viewer, missing.c, missing.e, missing.n);
    const fresh = { c: read.cards as Map<number, ContinueRow>, e: read.episodes as Map<number, ContinueRow>, n: read.next as Map<number, ContinueRow> };
    const ttlMs = Math.min(CONTINUE_ROWS_TTL_MS, (epoch.nextEdgeMs ?? Infinity) - viewer.nowMs);
    for (const kind of ["c", "e", "n"] as const) {
      for (const id of missing[kind]) {
        const row = fresh[kind].get(id) ?? null;
        rows.set(`${kind}${id}`, row);
        continueRows.set(`${prefix}${kind}${id}`, row, row === null ? 16 : JSON.stringify(row).length, ttlMs, viewer.nowMs);
      }
    }
  }
  const found = <T>(kind: "c" | "e" | "n") => new Map(wanted[kind].flatMap((id) => (rows.get(`${kind}${id}`) ? [[id, rows.get(`${kind}${id}`) as T] as const] : [])));
  return { cards: found<TitleCard>("c"), episodes: found<EpisodeInfo>("e"), next: found<EpisodeInfo>("n") };
}
