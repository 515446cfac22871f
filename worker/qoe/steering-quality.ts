/**
 * QoE closes the loop into content steering: every minute (qoe/schedule.ts) each
 * region's rebuffer and failure rates per pathway over the last minutes of
 * rollups go to that region's SteeringState, whose policy moves a pathway that
 * plays badly behind the ones that play well (media/steering-policy.ts
 * recordQuality: thresholds, hysteresis, bounds) — so a degraded CDN loses its
 * traffic even when it never fails outright. Regions are countries, as the
 * playback token's `cc` names the steering object.
 */
import type { Db } from "../db/client.ts";
import { countersByCountryPathway } from "../db/qoe.ts";
import { QOE_MIN_VIEWS, type PathwayQuality } from "../media/steering-policy.ts";
import { alertWindow } from "./alerts.ts";
import { metricsOf } from "./metrics.ts";

/** The minutes of rollups a reading covers. */
export const STEERING_QOE_WINDOW_MINUTES = 5;
/** Regions told per run at most (country × pathway groups read). */
const MAX_GROUPS = 2000;

/** Each region's QoE per pathway over the window before `nowMs` (pathways with too few views left out). */
export async function regionQuality(db: Db, nowMs: number): Promise<Map<string, Record<string, PathwayQuality>>> {
  const { fromMinute, toMinute } = alertWindow(nowMs, STEERING_QOE_WINDOW_MINUTES);
  const out = new Map<string, Record<string, PathwayQuality>>();
  for (const g of await countersByCountryPathway(db, fromMinute, toMinute, QOE_MIN_VIEWS, MAX_GROUPS)) {
    if (g.pathway === "") continue;
    const m = metricsOf(g.counters, new Map());
    const region = out.get(g.country) ?? {};
    region[g.pathway] = { views: m.views, rebufferPct: m.rebufferPct, failurePct: m.failurePct };
    out.set(g.country, region);
  }
  return out;
}

/** Tells each region with enough playback its pathways' QoE. */
export async function feedSteering(env: Env, db: Db, nowMs: number): Promise<void> {
  for (const [region, quality] of await regionQuality(db, nowMs)) {
    await env.STEERING.get(env.STEERING.idFromName(region)).noteQuality(quality, nowMs);
  }
}
