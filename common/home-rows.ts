/**
 * Home-row click-through (the design's "recommendation CTR > 15 %"): the SPA reports
 * which tiles of which Home row were shown and which plays started from a row, in
 * small batches (POST /api/qoe/rows, JSON or text/plain for sendBeacon), under the
 * same privacy switches as QoE beacons. A batch carries no account, profile or view:
 * a random batch id (so a retried batch counts once), the device class, row kinds
 * and title ids. The Worker keeps only sums per day, row kind and device class.
 */
import type { QoeDeviceClass } from "./qoe.ts";

/** What a Home row is, as counted: the Worker's row kinds (worker/recs/types.ts RowKind), the hero and Continue Watching. */
export const HOME_ROW_KINDS = ["hero", "continue", "my-list", "because-you-watched", "trending", "top10", "new-releases", "genre", "picked-for-you", "popular"] as const;
export type HomeRowKind = (typeof HOME_ROW_KINDS)[number];

/** One tile seen on Home (at least half of it on screen), once per Home visit; `first`: the first of its row in that visit (the row was shown). */
export interface HomeRowImpression {
  row: HomeRowKind;
  titleId: number;
  first?: boolean;
}

/** A play started from a row's tile (through the title page or straight from the hero). */
export interface HomeRowPlay {
  row: HomeRowKind;
  titleId: number;
}

export interface HomeRowBatch {
  v: 1;
  /** Random per batch: a retried batch is counted once. */
  batchId: string;
  device: QoeDeviceClass;
  shown: HomeRowImpression[];
  plays: HomeRowPlay[];
}

/** Items per batch at most (a Home of ten rows of twenty tiles fits in one). */
export const HOME_ROW_MAX_ITEMS = 200;
export const HOME_ROW_BATCH_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** A row needs this many showings in a day before its CTR is shown (the console's privacy floor). */
export const HOME_ROW_MIN_VIEWS = 5;
