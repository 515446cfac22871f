/**
 * The rules of watch progress, apart from storage so they can be reasoned about
 * (and property-tested) on their own.
 *
 * Conflicts resolve last-writer-wins by (client time, device id): the write
 * observed latest on its device wins, the device id breaks exact ties so every
 * replica of the decision agrees. A client's clock is trusted only up to the
 * server's clock plus a small skew, so a device whose clock runs ahead cannot
 * pin a position for hours. Because the order is on the time a position was
 * *observed*, a retried or reordered write never moves progress backwards, and
 * a deliberate rewind (observed later) wins.
 */

/** How far ahead of the server's clock a client's clock is believed. */
export const CLOCK_SKEW_MS = 5_000;
/** A title counts as a new view (a signal for recommendations) after this long without progress. */
export const NEW_VIEW_GAP_MS = 30 * 60 * 1000;

/** The LWW order key of a write. */
export interface Stamp {
  /** Client time of the observation, clamped (epoch ms). */
  updatedAt: number;
  deviceId: string;
}

/** The client's clock, believed up to the server's clock plus the skew. */
export function clampClientTime(clientTime: number, serverNowMs: number): number {
  return Math.min(Math.trunc(clientTime), serverNowMs + CLOCK_SKEW_MS);
}

/** Whether `a` is strictly newer than `b` in the (client time, device id) order. */
export function isNewer(a: Stamp, b: Stamp): boolean {
  return a.updatedAt !== b.updatedAt ? a.updatedAt > b.updatedAt : a.deviceId > b.deviceId;
}

export { FINISHED_FRACTION, isFinished } from "../../common/progress.ts";

/** One profile's position in one movie or episode. */
export interface ProgressEntry {
  profileId: string;
  titleId: number;
  /** null for a movie. */
  episodeId: number | null;
  positionSeconds: number;
  durationSeconds: number;
  /** The winning write's clamped client time (epoch ms). */
  updatedAt: number;
  deviceId: string;
  deviceName: string;
  finished: boolean;
}

/** A progress write as the Worker hands it to the account's object (validated, the target checked in D1). */
export interface ProgressWrite {
  opId: string;
  profileId: string;
  titleId: number;
  episodeId: number | null;
  positionSeconds: number;
  durationSeconds: number;
  clientTime: number;
  deviceId: string;
  deviceName: string;
  /** From the asset's markers; null when unknown. */
  creditsStartSeconds: number | null;
  /** Where the viewer is, for regional trending. */
  country: string;
}

export interface WriteResult {
  /** false: a replay of an earlier operation, or older than what is stored. */
  applied: boolean;
  /** The stored state after the write; null when nothing is stored (a write voided by a history removal). */
  entry: ProgressEntry | null;
  /** This write finished the title or episode (a taste event: the profile's home rows are rebuilt). */
  finishedNow: boolean;
  /** This write starts a new view (a taste event too: the title joins the profile's signals). */
  newView: boolean;
}
