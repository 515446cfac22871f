import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { liveSessionExpiry } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import { viewerState } from "../progress/stub.ts";

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
 * On personal routes, asks the account's object — which those routes call
 * anyway — how the request's session stands: revoked (sign-out, password
 * change, refresh-token reuse) is refused as `invalid_session`, a token issued
 * before the account's facts changed (plan, a profile edited or deleted) as
 * `session_expired`, so the client refreshes and acts on the new facts. A
 * session the object has not seen (signed in before it kept sessions, idle past
 * its row's life, or its account erased) is checked once in D1 and admitted.
 * It sets `sessionProblem` rather than throwing, so viewerContext and the
 * licence's ended-session answer stay the one place that words the refusal.
 */
export function sessionGuard(): MiddlewareHandler<AppEnv> {
  return async function sessionGuard(c, next) {
    const session = c.get("session");
    if (session && isPersonalRoute(c.req.method, c.req.path)) {
      const state = viewerState(c.env, session.account.id);
      let standing = await state.sessionStanding(session.sessionId, session.accessIssuedAt);
      if (standing === "unknown") {
        const expiresAt = await liveSessionExpiry(database(c.env.DB), session.sessionId, session.account.id, Date.now());
        if (expiresAt === undefined) standing = "revoked";
        else await state.admitSession(session.sessionId, expiresAt);
      }
      if (standing === "revoked" || standing === "stale") {
        c.set("session", undefined);
        c.set("sessionProblem", standing === "revoked" ? "invalid_session" : "session_expired");
      }
    }
    await next();
  };
}
