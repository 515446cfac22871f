/**
 * Where a profile is in one title, as a title page shows it ("Resume · 12 min
 * left" with a progress bar; for a series the episode in progress and a bar per
 * episode): positions from GET /api/progress/title/:id, kept current by live
 * sync (data/progress.ts). Pure, so the rules are tested without a browser.
 */
import { worthResuming } from "../player/start.ts";

/** The fields of a stored position the page needs (ProgressEntry, with or without its profile). */
export interface PositionEntry {
  titleId: number;
  episodeId: number | null;
  positionSeconds: number;
  durationSeconds: number;
  updatedAt: number;
  finished: boolean;
}

/** Positions of one title by episode id (0 for a movie). */
export type TitlePositions = ReadonlyMap<number, PositionEntry>;

/** Adds `entry` to the positions (when it is of `titleId` and newer than the one it replaces). */
export function withEntry(positions: TitlePositions, titleId: number, entry: PositionEntry): TitlePositions {
  if (entry.titleId !== titleId) return positions;
  const key = entry.episodeId ?? 0;
  const current = positions.get(key);
  if (current && current.updatedAt >= entry.updatedAt) return positions;
  return new Map(positions).set(key, entry);
}

/** The share of an episode or movie watched, 0–1 (a finished one is 1). */
export function watchedShare(entry: PositionEntry): number {
  if (entry.finished) return 1;
  return entry.durationSeconds > 0 ? Math.min(1, Math.max(0, entry.positionSeconds / entry.durationSeconds)) : 0;
}

export interface ResumeSummary {
  /** The episode in progress (null: a movie). */
  episodeId: number | null;
  positionSeconds: number;
  share: number;
  /** "12 min left", "1 h 5 min left", "40 sec left". */
  left: string;
}

/** "12 min left": minutes from one up (hours from 60), seconds below a minute. */
export function timeLeft(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} sec left`;
  const minutes = Math.round(s / 60);
  return minutes < 60 ? `${minutes} min left` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""} left`;
}

/** The most recent position, when it is worth resuming (started, not finished or nearly so); else null. */
export function resumeSummary(positions: TitlePositions): ResumeSummary | null {
  let latest: PositionEntry | undefined;
  for (const e of positions.values()) if (!latest || e.updatedAt > latest.updatedAt) latest = e;
  if (!latest || latest.finished || !worthResuming(latest.positionSeconds, latest.durationSeconds)) return null;
  return {
    episodeId: latest.episodeId,
    positionSeconds: latest.positionSeconds,
    share: watchedShare(latest),
    left: timeLeft(latest.durationSeconds - latest.positionSeconds),
  };
}

/** A running time as a title page states it: "1h 26m", "45 min", or "12 sec" for a short clip. */
export function runningTime(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} sec`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
