/** How plans are described in the app; the limits themselves come from the Worker's plan table. */
import { PLAN_MAX_HEIGHT_PX, PLANS, type Plan } from "../../../common/plans.ts";

export { PLANS, type Plan };

const QUALITY_NAMES: Record<number, string> = { 720: "HD", 1080: "Full HD", 2160: "4K Ultra HD" };

/** "Full HD (1080p)": the best picture a plan streams. */
export function planQuality(plan: string): string {
  const height = PLAN_MAX_HEIGHT_PX[plan as Plan];
  if (!height) return "";
  return `${QUALITY_NAMES[height] ?? "Up to"} (${height}p)`;
}

export function planName(plan: string): string {
  return plan.charAt(0).toUpperCase() + plan.slice(1);
}
