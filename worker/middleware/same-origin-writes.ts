/**
 * Cross-site request refusal. A state-changing request (POST, PUT, PATCH,
 * DELETE) that carries one of our session cookies, or that signs in or up
 * (login CSRF), must come from the site itself: its `Origin` (or, when a browser
 * sends none, its `Referer`) must equal the site's origin, `SITE_ORIGIN` when set,
 * else the request URL's. Otherwise 403 `cross_site`. SameSite=Lax already keeps
 * the cookies off most cross-site requests; this is the second lock (same-site
 * but cross-origin pages, older browsers). hono/csrf is not used because it only
 * looks at form content types, and JSON requests are state-changing here too.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../auth/cookies.ts";
import { siteOrigin } from "../lib/environment.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function requestOrigin(origin: string | undefined, referer: string | undefined): string | undefined {
  if (origin !== undefined) return origin;
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** Refuses cookie-authenticated (and sign-in/up) writes that do not come from the site's own origin. */
export function sameOriginWrites(): MiddlewareHandler<AppEnv> {
  return async function sameOriginWrites(c, next) {
    if (UNSAFE.has(c.req.method)) {
      const cookies = getCookie(c);
      const needsCheck = ACCESS_COOKIE in cookies || REFRESH_COOKIE in cookies || c.req.path.startsWith("/api/auth/");
      if (needsCheck) {
        const from = requestOrigin(c.req.header("origin"), c.req.header("referer"));
        if (from !== siteOrigin(c.env, c.req.url)) {
          throw new AppError(403, "cross_site", "This request did not come from this site.");
        }
      }
    }
    await next();
  };
}
