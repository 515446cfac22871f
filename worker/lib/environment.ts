/** Which environment the Worker runs in, and what that decides. */
import { isPlan, type Plan } from "../../common/plans.ts";

/** True only in local development (`npm start`, `wrangler dev`, tests), never in a deployed Worker. */
export function isDevelopment(env: Env): boolean {
  return env.ENVIRONMENT === "development";
}

/**
 * How often an isolate re-reads something it keeps in memory: `productionMs`
 * deployed; in local development at once (an ingest, a seed or a live channel
 * shows in the next request of `npm start` and the browser suite); or the
 * variable `name` when set (`wrangler dev --var NAME:ms`: bench:scale and
 * bench:drm time what production serves).
 */
export function recheckInterval(env: Env, name: string, productionMs: number): number {
  const configured = Number((env as unknown as Record<string, string | undefined>)[name] ?? NaN);
  if (Number.isFinite(configured) && configured >= 0) return configured;
  return isDevelopment(env) ? 0 : productionMs;
}

/**
 * Whether a signed-out visitor (the demo viewer) may play: only in local
 * development, where `npm start`, the tests and the browser suite play the demo
 * catalog. A deployed Worker needs an account with a plan (and its profile's
 * ceiling), whatever `DEMO_PLAN` says, so signing out or a private window never
 * lifts a kids profile's ceiling.
 */
export function demoViewerPlays(env: Env): boolean {
  return isDevelopment(env);
}

/** The demo viewer's plan from `DEMO_PLAN` (development only; premium when unset); an unknown value falls back to the smallest plan (fail closed). */
export function demoPlan(env: Env): Plan {
  const plan = (env as { DEMO_PLAN?: string }).DEMO_PLAN ?? "premium";
  return isPlan(plan) ? plan : "basic";
}

/**
 * The configured site origin (the SITE_ORIGIN var, as an origin), or "" when it
 * is unset or malformed. "" lets same-origin URLs stay relative (the steering
 * server URI); a pathway on its own origin needs it set.
 */
export function configuredSiteOrigin(env: Env): string {
  const configured = env.SITE_ORIGIN?.trim();
  if (!configured) return "";
  try {
    return new URL(configured).origin;
  } catch {
    return "";
  }
}

/** The site's own origin: the SITE_ORIGIN var when set (and well-formed), else the request's. */
export function siteOrigin(env: Env, requestUrl: string): string {
  return configuredSiteOrigin(env) || new URL(requestUrl).origin;
}

/** The QoE alert webhook (`QOE_ALERT_WEBHOOK`, a secret; optional): where alert events are posted, or undefined. Never logged. */
export function alertWebhook(env: Env): string | undefined {
  const url = (env as { QOE_ALERT_WEBHOOK?: string }).QOE_ALERT_WEBHOOK?.trim();
  return url ? url : undefined;
}
