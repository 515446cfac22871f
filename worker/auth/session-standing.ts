/**
 * How a request's session stands, as personal routes must know it: the
 * account's ViewerState object answers (revoked, stale, live), and a session
 * the object has not seen (signed in before it kept sessions, idle past its
 * row's life, or its account erased) is checked once in D1 and admitted.
 * The session guard asks through `sessionProblem`; the licence and Home ask in
 * the same object call as their own (the stream's lease, the profile's home
 * state) through `callCheckingSession`.
 */
import type { Session, SessionProblem } from "../app-env.ts";
import { liveSessionExpiry } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import { viewerState } from "../progress/stub.ts";
import type { SessionCheck, SessionStanding } from "./session-registry.ts";

/** What a standing means for the request: revoked is `invalid_session`, stale (facts changed since the token) `session_expired`, live or unknown nothing yet. */
export function standingProblem(standing: SessionStanding): SessionProblem | undefined {
  if (standing === "revoked") return "invalid_session";
  if (standing === "stale") return "session_expired";
  return undefined;
}

/** The D1 check for a session its object does not know: until when it lives, or undefined when it is revoked, expired or its account gone. */
export function liveSessionUntil(env: Env, session: Session): Promise<number | undefined> {
  return liveSessionExpiry(database(env.DB), session.sessionId, session.account.id, Date.now());
}

/**
 * For an object call that answers the session's standing together with its own result (the
 * licence's lease, Home's state), so a personal route asks the object once: `call` is made with
 * the session's check; an unknown session costs the D1 check and a second call that admits it, as
 * the guard's check would; anything but live is thrown as `refuse` words it.
 */
export async function callCheckingSession<R extends { standing: SessionStanding }>(
  env: Env,
  session: Session,
  call: (check: SessionCheck) => PromiseLike<R>,
  refuse: (problem: SessionProblem) => Error,
): Promise<Extract<R, { standing: "live" }>> {
  const check: SessionCheck = { sessionId: session.sessionId, issuedAtMs: session.accessIssuedAt };
  let answer = await call(check);
  if (answer.standing === "unknown") {
    const admitUntilMs = await liveSessionUntil(env, session);
    if (admitUntilMs === undefined) throw refuse("invalid_session");
    answer = await call({ ...check, admitUntilMs });
  }
  if (answer.standing !== "live") throw refuse(standingProblem(answer.standing) ?? "invalid_session");
  return answer as Extract<R, { standing: "live" }>;
}

/** Asks the account's object how the session stands (one call; two and a D1 read for an unknown session, which it admits when live). */
export async function sessionProblem(env: Env, session: Session): Promise<SessionProblem | undefined> {
  const state = viewerState(env, session.account.id);
  const standing = await state.sessionStanding(session.sessionId, session.accessIssuedAt);
  if (standing !== "unknown") return standingProblem(standing);
  const expiresAt = await liveSessionUntil(env, session);
  if (expiresAt === undefined) return "invalid_session";
  await state.admitSession(session.sessionId, expiresAt);
  return undefined;
}
