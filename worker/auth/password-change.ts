/**
 * Password change: the current password is checked inside the sign-in limiter
 * (attempts.ts, so a stolen session cannot guess it here either), the new one is
 * hashed afresh, and every other session of the account ends at once — its
 * refresh family revoked in the same D1 batch as the new hash, its live-sync
 * sockets closed and its stream leases freed. Playback on those devices stops at
 * its next licence renewal (the session check of worker/licence/policy.ts); the
 * device that made the change stays signed in.
 */
import type { Context } from "hono";
import type { AppEnv, Session } from "../app-env.ts";
import { setPasswordRevokingOthers } from "../db/accounts.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../lib/errors.ts";
import { viewerState } from "../progress/stub.ts";
import { passwordMatches } from "./attempts.ts";
import { hashPassword } from "./passwords.ts";
import { sessionAccount } from "./session.ts";

/** Changes the session's account password; returns how many other sessions were signed out. 403 `wrong_password`, 400 `password_unchanged`, 429 `too_many_attempts`. */
export async function changePassword(c: Context<AppEnv>, db: Db, session: Session, currentPassword: string, newPassword: string): Promise<{ signedOutSessions: number }> {
  // Before the check, so a no-op request spends no attempt of the limiter.
  if (currentPassword === newPassword) throw new AppError(400, "password_unchanged", "The new password is the same as the current one.");
  const account = await sessionAccount(db, session);
  if (!(await passwordMatches(c, account.email, currentPassword, account))) throw new AppError(403, "wrong_password", "That is not this account's current password.");
  const revoked = await setPasswordRevokingOthers(db, account.id, await hashPassword(newPassword), session.sessionId, Date.now());
  const state = viewerState(c.env, account.id);
  for (const sessionId of revoked) await state.closeSession(sessionId);
  return { signedOutSessions: revoked.length };
}
