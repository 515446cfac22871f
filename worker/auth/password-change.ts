/**
 * Password change: the current password is checked inside the sign-in limiter
 * (attempts.ts, so a stolen session cannot guess it here either), the new one is
 * hashed afresh and written to the account's e-mail index row first (sign-in's
 * record of it, auth/email-index.ts; DB's copy follows), and every other session
 * of the account ends at once in the account's object, the sessions' record —
 * its family forgotten, its live-sync sockets closed and its stream leases freed
 * (a session signed in before the object kept sessions is revoked in D1 too, in
 * the batch with DB's copy of the hash). Playback on those devices stops at
 * its next licence renewal (the session check of worker/licence/policy.ts); the
 * device that made the change stays signed in.
 */
import type { Context } from "hono";
import type { AppEnv, Session } from "../app-env.ts";
import { setPasswordRevokingOthers } from "../db/accounts.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../lib/errors.ts";
import { viewerState } from "../progress/stub.ts";
import { accountPasswordMatches } from "./attempts.ts";
import { indexPassword } from "./email-index.ts";
import { hashPassword } from "./passwords.ts";
import { sessionAccount } from "./session.ts";

/** Changes the session's account password; returns how many other sessions were signed out. 403 `wrong_password`, 400 `password_unchanged`, 429 `too_many_attempts`. */
export async function changePassword(c: Context<AppEnv>, db: Db, session: Session, currentPassword: string, newPassword: string): Promise<{ signedOutSessions: number }> {
  // Before the check, so a no-op request spends no attempt of the limiter.
  if (currentPassword === newPassword) throw new AppError(400, "password_unchanged", "The new password is the same as the current one.");
  const account = await sessionAccount(db, session);
  if (!(await accountPasswordMatches(c, db, account, currentPassword))) throw new AppError(403, "wrong_password", "That is not this account's current password.");
  const password = await hashPassword(newPassword);
  const nowMs = Date.now();
  // The index first: if a write after it fails, the new password is already the one sign-in checks.
  await indexPassword(c.env, account, password, nowMs);
  const revokedInD1 = await setPasswordRevokingOthers(db, account.id, password, session.sessionId, nowMs);
  const state = viewerState(c.env, account.id);
  const ended = new Set(await state.closeOtherSessions(session.sessionId));
  for (const sessionId of revokedInD1) if (!ended.has(sessionId)) ended.add(sessionId), await state.closeSession(sessionId);
  return { signedOutSessions: ended.size };
}
