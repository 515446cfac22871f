import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { accessCookie } from "../auth/cookies.ts";
import { verifyAccessToken } from "../auth/session-tokens.ts";

/**
 * Reads the `mq_at` cookie: a valid token sets `session` from the token's own
 * facts (account, plan, chosen profile, QoE opt-out) with no storage read — the check every
 * API call runs must not meet one shared database (docs/SCALING.md §6.1); a
 * bad or expired one sets `sessionProblem`, which viewerContext answers with
 * 401. No cookie, neither. Revocation is checked only where it must be
 * immediate, on personal routes (middleware/session-guard.ts).
 */
export function sessionContext(): MiddlewareHandler<AppEnv> {
  return async function sessionContext(c, next) {
    const token = accessCookie(c);
    if (token !== undefined) {
      const claims = await verifyAccessToken(c.env, token);
      if (typeof claims === "string") {
        c.set("sessionProblem", claims);
      } else {
        c.set("session", {
          sessionId: claims.sid,
          account: { id: claims.sub, plan: claims.plan },
          profile: claims.profile,
          qoeOptOut: claims.qoeOptOut,
          accessIssuedAt: claims.iat * 1000,
          accessExpiresAt: claims.exp * 1000,
        });
      }
    }
    await next();
  };
}
