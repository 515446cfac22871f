import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { sessionEnded } from "../licence/policy.ts";

/**
 * For licence requests (they carry `X-Playback-Token`): an access token whose
 * session was revoked — a password change or refresh-token reuse on another
 * device — is 403 `playback_revoked`, the licence policy's refusal for a
 * signed-out stream, instead of viewerContext's generic 401 `invalid_session`,
 * so the player stops with the reason. An expired access token stays 401
 * `session_expired`: the client refreshes it, and a revoked family then fails there.
 */
export function endedSessionPlayback(): MiddlewareHandler<AppEnv> {
  return async function endedSessionPlayback(c, next) {
    if (c.get("sessionProblem") === "invalid_session" && c.req.header("x-playback-token") !== undefined) throw sessionEnded();
    await next();
  };
}
