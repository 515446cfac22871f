/** The zod schema of a QoE beacon (shape: common/qoe.ts QoeBeacon); anything else is 400. */
import { z } from "zod";
import {
  QOE_DEVICE_CLASSES,
  QOE_ERROR_CODE,
  QOE_EVENT_TYPES,
  QOE_MAX_EVENTS,
  QOE_MAX_VIEW_MS,
  QOE_PATHWAY_ID,
  QOE_PLAYER_VERSION,
  QOE_VIEW_ID,
  type QoeBeacon,
} from "../../common/qoe.ts";

/** A beacon is a few kilobytes at most; anything far larger is refused unread. */
export const QOE_MAX_BODY_BYTES = 16 * 1024;

const event = z
  .object({
    type: z.enum(QOE_EVENT_TYPES),
    t: z.number().int().min(0).max(QOE_MAX_VIEW_MS),
    kbps: z.number().int().min(1).max(1_000_000).optional(),
    height: z.number().int().min(1).max(8640).optional(),
    pathway: z.string().regex(QOE_PATHWAY_ID).optional(),
    code: z.string().regex(QOE_ERROR_CODE).optional(),
    fatal: z.boolean().optional(),
  })
  .strict()
  .refine((e) => e.type !== "rendition" || (e.kbps !== undefined && e.height !== undefined), { message: "a rendition event needs kbps and height" })
  .refine((e) => e.type !== "pathway" || e.pathway !== undefined, { message: "a pathway event needs pathway" })
  .refine((e) => e.type !== "error" || (e.code !== undefined && e.fatal !== undefined), { message: "an error event needs code and fatal" });

export const qoeBeacon = z
  .object({
    v: z.literal(1),
    viewId: z.string().regex(QOE_VIEW_ID, "must be 16-64 letters, digits, '-' or '_'"),
    seq: z.number().int().min(0).max(100_000),
    titleId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    device: z.enum(QOE_DEVICE_CLASSES),
    player: z.string().regex(QOE_PLAYER_VERSION),
    events: z.array(event).min(1).max(QOE_MAX_EVENTS),
  })
  .strict() satisfies z.ZodType<QoeBeacon>;
