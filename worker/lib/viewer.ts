import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { AppError } from "./errors.ts";

const COUNTRY = /^[A-Z]{2}$/;
/** Cloudflare's codes for "unknown" and Tor; treat them as no country. */
const UNKNOWN_COUNTRIES = new Set(["XX", "T1"]);

/** True only in local development (`npm start`, `wrangler dev`, tests), never in a deployed Worker. */
export function isDevelopment(env: Env): boolean {
  return env.ENVIRONMENT === "development";
}

/**
 * Sets `viewer` from the request: country from `request.cf.country`, the clock,
 * and the maturity ceiling. In development only, `X-Dev-Country` (or the
 * `devCountry` query parameter) overrides the country so tests and people can try
 * other regions; a deployed Worker refuses the override with 403.
 */
export function viewerContext(): MiddlewareHandler<AppEnv> {
  return async function viewerContext(c, next) {
    const override = c.req.header("x-dev-country") ?? c.req.query("devCountry");
    let country: string | undefined;
    if (override !== undefined) {
      if (!isDevelopment(c.env)) {
        throw new AppError(403, "dev_only", "The region override is only available in local development.");
      }
      const code = override.toUpperCase();
      if (!COUNTRY.test(code)) {
        throw new AppError(400, "invalid_country", "The region override must be a two-letter ISO country code.");
      }
      country = code;
    } else {
      const cf = c.req.raw.cf as { country?: unknown } | undefined;
      const fromCf = typeof cf?.country === "string" ? cf.country.toUpperCase() : undefined;
      country = fromCf && COUNTRY.test(fromCf) && !UNKNOWN_COUNTRIES.has(fromCf) ? fromCf : undefined;
    }
    c.set("viewer", {
      // An unknown country sees only worldwide titles ("ZZ" matches no region row).
      country: country ?? "ZZ",
      nowMs: Date.now(),
      maxMaturityAge: 18,
    });
    await next();
  };
}
