/** How plans are described in the app (in the account pages' words); the limits themselves come from the Worker's plan table. */
import { PLAN_MAX_HEIGHT_PX, PLANS, type Plan } from "../../../common/plans.ts";
import { accountWords } from "../i18n/pages/account/index.ts";

export { PLANS, type Plan };

const QUALITY_KEYS = { 720: "quality.720", 1080: "quality.1080", 2160: "quality.2160" } as const;

/** "Full HD (1080p)": the best picture a plan streams. */
export function planQuality(plan: string): string {
  const height = PLAN_MAX_HEIGHT_PX[plan as Plan];
  if (!height) return "";
  const key = QUALITY_KEYS[height as keyof typeof QUALITY_KEYS];
  return key ? accountWords.t("quality.format", { name: accountWords.t(key), height }) : accountWords.t("quality.upTo", { height });
}

/** A plan's name in the interface language ("Standard", "Estándar"); the plan's id when it is not one we know. */
export function planName(plan: string): string {
  return (PLANS as readonly string[]).includes(plan) ? accountWords.t(`plan.${plan as Plan}`) : plan;
}
