/** Subscription plans and what each allows; the one place a plan's quality limit is decided (Worker and SPA). */

export const PLANS = ["basic", "standard", "premium"] as const;
export type Plan = (typeof PLANS)[number];

/** Tallest video rendition (pixels) each plan may stream. */
export const PLAN_MAX_HEIGHT_PX: Record<Plan, number> = { basic: 720, standard: 1080, premium: 2160 };

/** Streams each plan may play at once (one per device), as streaming services sell them. */
export const PLAN_MAX_STREAMS: Record<Plan, number> = { basic: 1, standard: 2, premium: 4 };

/** Whether `value` names a plan. */
export function isPlan(value: unknown): value is Plan {
  return typeof value === "string" && (PLANS as readonly string[]).includes(value);
}
