import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { accessCookie } from "../auth/cookies.ts";
import { verifyAccessToken } from "../auth/session-tokens.ts";
import { liveSession } from "../db/accounts.ts";
import { database } from "../db/client.ts";

/**
 * Reads the `mq_at` cookie: a valid token of a live session sets `session`
 * (account and chosen profile, one D1 query); a bad, expired or revoked one
 * sets `sessionProblem`, which viewerContext answers with 401. No cookie, neither.
 */
export function sessionContext(): MiddlewareHandler<AppEnv> {
  return async function sessionContext(c, next) {
    const token = accessCookie(c);
    if (token !== undefined) {
      const claims = await verifyAccessToken(c.env, token);
      if (typeof claims === "string") {
        c.set("sessionProblem", claims);
      } else {
        const row = await liveSession(database(c.env.DB), claims.sid, claims.sub, Date.now());
        if (row) c.set("session", { sessionId: row.session.id, account: row.account, profile: row.profile, accessExpiresAt: claims.exp * 1000 });
        else c.set("sessionProblem", "invalid_session");
      }
    }
    await next();
  };
}
