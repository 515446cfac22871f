import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { sessionProblem } from "../auth/session-standing.ts";

/**
 * Routes whose answers are the account's own data or act for it: a revoked
 * session is refused there at once. Everything else (catalog, search, artwork,
 * schedule listings, steering, QoE beacons) trusts the access token alone for
 * up to its 15 minutes — the trade-off of docs/SCALING.md §6.1.
 * A prefix ending in "/" matches below it only.
 */
export const PERSONAL_ROUTES = [
  "/api/auth/me",
  "/api/profiles",
  "/api/my-list",
  "/api/ratings",
  "/api/home",
  "/api/progress",
  "/api/history",
  "/api/account",
  "/api/playback",
  "/api/licence",
  "/api/downloads",
  "/api/ops",
  "/api/qoe/consent",
  "/api/schedule/",
] as const;

/** Whether a request to `path` with `method` reaches personal data (an operator's schedule write counts: it acts for the account). */
export function isPersonalRoute(method: string, path: string): boolean {
  if (path === "/api/schedule" && method !== "GET" && method !== "HEAD") return true;
  return PERSONAL_ROUTES.some((p) => (p.endsWith("/") ? path.startsWith(p) : path === p || path.startsWith(`${p}/`)));
}

/**
 * Personal routes that ask the account's object themselves, in the one call
 * they make to it anyway (auth/session-standing.ts, `callCheckingSession`): a
 * licence and its renewal learn the session's standing together with the
 * stream's lease (licence/policy.ts), Home together with the profile's home
 * state (home/load-home.ts), so the guard leaves them alone rather than cost
 * them a second object call. Exact method and path: any other licence or Home
 * route, or a path that only resembles these, is still guarded here.
 */
const SELF_GUARDED = new Set(["POST /api/licence", "POST /api/licence/renew", "GET /api/home"]);

/** Whether the route itself checks the session's standing (the guard skips it). */
export function guardsItsOwnSession(method: string, path: string): boolean {
  return SELF_GUARDED.has(`${method} ${path}`);
}

/**
 * On personal routes, asks the account's object — which those routes call
 * anyway — how the request's session stands (auth/session-standing.ts):
 * revoked (sign-out, password change, refresh-token reuse) is refused as
 * `invalid_session`, a token issued before the account's facts changed (plan,
 * a profile edited or deleted) as `session_expired`, so the client refreshes
 * and acts on the new facts; a session the object has not seen is checked once
 * in D1. It sets `sessionProblem` rather than throwing, so viewerContext and the
 * licence's ended-session answer stay the one place that words the refusal.
 */
export function sessionGuard(): MiddlewareHandler<AppEnv> {
  return async function sessionGuard(c, next) {
    const session = c.get("session");
    if (session && isPersonalRoute(c.req.method, c.req.path) && !guardsItsOwnSession(c.req.method, c.req.path)) {
      const problem = await sessionProblem(c.env, session);
      if (problem) {
        c.set("session", undefined);
        c.set("sessionProblem", problem);
      }
    }
    await next();
  };
}
