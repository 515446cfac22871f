import type { Context, MiddlewareHandler } from "hono";
import { isPlan } from "../../common/plans.ts";
import type { AppEnv } from "../app-env.ts";
import { sessionProblemError } from "../auth/session.ts";
import { MATURITY_AGES } from "../db/schema.ts";
import { demoPlan, isDevelopment } from "../lib/environment.ts";
import { AppError } from "../lib/errors.ts";
import { DEMO_VIEWER_ID } from "../lib/viewer.ts";
import { acceptedLocale, canonicalLocale, DEFAULT_CATALOG_LOCALE } from "../catalog/localise.ts";

const COUNTRY = /^[A-Z]{2}$/;
/** Cloudflare's codes for "unknown" and Tor; treat them as no country. */
const UNKNOWN_COUNTRIES = new Set(["XX", "T1"]);
/** The demo viewer's maturity ceiling (no session). */
const DEMO_MAX_MATURITY_AGE = 18;
/** A signed-in account with no profile chosen yet sees all-ages titles only (fail closed). */
const NO_PROFILE_MAX_MATURITY_AGE = 0;

/** A development-only override from a header (or query parameter); 403 `dev_only` in a deployed Worker. */
function devOverride(c: Context<AppEnv>, header: string, query: string, what: string): string | undefined {
  const value = c.req.header(header) ?? c.req.query(query);
  if (value !== undefined && !isDevelopment(c.env)) {
    throw new AppError(403, "dev_only", `The ${what} override is only available in local development.`);
  }
  return value;
}

/**
 * Sets `viewer` from the request: country from `request.cf.country`, the clock,
 * the maturity ceiling and the plan. Signed in (sessionContext ran before), the
 * viewer is the account (its id and plan) with the chosen profile's maturity
 * ceiling; without a session it is the demo viewer. A refused access token is
 * 401, never a fall-back to the demo viewer, which would lift a kids profile's
 * ceiling. In
 * development only, `X-Dev-Country` / `X-Dev-Plan` / `X-Dev-Max-Maturity` (or
 * the `devCountry` / `devPlan` / `devMaxMaturity` query parameters) override them
 * so tests and people can try other regions and entitlements; a deployed Worker
 * refuses the overrides with 403. The plan and maturity overrides apply to the
 * demo viewer only; a session's own values always win. The locale of catalog text
 * comes from `?locale=`, else `Accept-Language`, else English; a bad value is
 * ignored (never an error: a browser's header is not the viewer's fault).
 */
export function viewerContext(): MiddlewareHandler<AppEnv> {
  return async function viewerContext(c, next) {
    const problem = c.get("sessionProblem");
    if (problem) throw sessionProblemError(problem);
    const countryOverride = devOverride(c, "x-dev-country", "devCountry", "region");
    let country: string | undefined;
    if (countryOverride !== undefined) {
      const code = countryOverride.toUpperCase();
      if (!COUNTRY.test(code)) {
        throw new AppError(400, "invalid_country", "The region override must be a two-letter ISO country code.");
      }
      country = code;
    } else {
      const cf = c.req.raw.cf as { country?: unknown } | undefined;
      const fromCf = typeof cf?.country === "string" ? cf.country.toUpperCase() : undefined;
      country = fromCf && COUNTRY.test(fromCf) && !UNKNOWN_COUNTRIES.has(fromCf) ? fromCf : undefined;
    }
    const planOverride = devOverride(c, "x-dev-plan", "devPlan", "plan");
    if (planOverride !== undefined && !isPlan(planOverride)) {
      throw new AppError(400, "invalid_plan", "The plan override must be basic, standard or premium.");
    }
    const maturityOverride = devOverride(c, "x-dev-max-maturity", "devMaxMaturity", "maturity");
    const maturity = maturityOverride === undefined ? DEMO_MAX_MATURITY_AGE : Number(maturityOverride);
    if (maturityOverride !== undefined && !MATURITY_AGES.map(String).includes(maturityOverride)) {
      throw new AppError(400, "invalid_maturity", `The maturity override must be one of ${MATURITY_AGES.join(", ")}.`);
    }
    const session = c.get("session");
    c.set("viewer", {
      viewerId: session ? session.account.id : DEMO_VIEWER_ID,
      // An unknown country sees only worldwide titles ("ZZ" matches no region row).
      country: country ?? "ZZ",
      nowMs: Date.now(),
      maxMaturityAge: session ? (session.profile?.maxMaturityAge ?? NO_PROFILE_MAX_MATURITY_AGE) : maturity,
      plan: session ? (isPlan(session.account.plan) ? session.account.plan : "basic") : (planOverride ?? demoPlan(c.env)),
      qoeOptOut: session?.qoeOptOut ?? false,
      // `?locale=` wins over Accept-Language (the SPA sends its interface language); anything that is not a language tag means English.
      locale: canonicalLocale(c.req.query("locale")) ?? acceptedLocale(c.req.header("accept-language")) ?? DEFAULT_CATALOG_LOCALE,
    });
    await next();
  };
}
