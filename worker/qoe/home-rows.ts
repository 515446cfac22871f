/**
 * Home-row click-through intake (common/home-rows.ts): the zod schema of a batch
 * (anything else is 400), and what a batch adds to each row kind's day — row
 * showings, tile showings and plays. Title ids are checked but not kept: the
 * console judges rows, and per-title sums would only grow the table.
 */
import { z } from "zod";
import { HOME_ROW_BATCH_ID, HOME_ROW_KINDS, HOME_ROW_MAX_ITEMS, type HomeRowBatch, type HomeRowKind } from "../../common/home-rows.ts";
import { QOE_DEVICE_CLASSES, type QoeDeviceClass } from "../../common/qoe.ts";
import type { RowKind } from "../recs/types.ts";

// Every row kind Home serves is one the intake takes (a compile-time check).
const everyRowKindCounted: RowKind extends HomeRowKind ? true : never = true;
void everyRowKindCounted;

const titleId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const row = z.enum(HOME_ROW_KINDS);

export const homeRowBatch = z
  .object({
    v: z.literal(1),
    batchId: z.string().regex(HOME_ROW_BATCH_ID, "must be 16-64 letters, digits, '-' or '_'"),
    device: z.enum(QOE_DEVICE_CLASSES),
    shown: z.array(z.object({ row, titleId, first: z.boolean().optional() }).strict()).max(HOME_ROW_MAX_ITEMS),
    plays: z.array(z.object({ row, titleId }).strict()).max(HOME_ROW_MAX_ITEMS),
  })
  .strict()
  .refine((b) => b.shown.length + b.plays.length > 0, { message: "a batch needs something shown or played" })
  .refine((b) => b.shown.length + b.plays.length <= HOME_ROW_MAX_ITEMS, { message: `at most ${HOME_ROW_MAX_ITEMS} items` }) satisfies z.ZodType<HomeRowBatch>;

/** What a batch adds to one row kind on one device. */
export interface RowIncrement {
  row: HomeRowKind;
  device: QoeDeviceClass;
  rowViews: number;
  tileViews: number;
  plays: number;
}

/** A batch's sums per row kind. */
export function rowIncrements(batch: HomeRowBatch): RowIncrement[] {
  const byRow = new Map<HomeRowKind, RowIncrement>();
  const of = (row: HomeRowKind) => byRow.get(row) ?? byRow.set(row, { row, device: batch.device, rowViews: 0, tileViews: 0, plays: 0 }).get(row)!;
  for (const s of batch.shown) {
    const inc = of(s.row);
    inc.tileViews++;
    if (s.first) inc.rowViews++;
  }
  for (const p of batch.plays) of(p.row).plays++;
  return [...byRow.values()];
}

/** The UTC day (days since the epoch) of `ms`: rows are summed per day. */
export function epochDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}
