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
  /** Seconds left to watch ("12 min left" in the interface language: i18n/format.ts `formatTimeLeft`). */
  secondsLeft: number;
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
    secondsLeft: Math.max(0, latest.durationSeconds - latest.positionSeconds),
  };
}
