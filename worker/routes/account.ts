/**
 * Privacy: `GET /api/account/export` answers everything stored for the account
 * (D1 rows and its ViewerState object) as one JSON document;
 * `DELETE /api/account` erases it all after the password is confirmed;
 * `POST /api/account/password` changes the password and signs out every other
 * device. All are account-level, so not from a kids profile.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { clearSessionCookies } from "../auth/cookies.ts";
import { requireSession, sessionAccount, type Session } from "../auth/session.ts";
import { accountPasswordMatches } from "../auth/attempts.ts";
import { unindexEmail } from "../auth/email-index.ts";
import { changePassword } from "../auth/password-change.ts";
import { accountProfileIds, deleteAccountRows, exportAccountRows } from "../db/account-data.ts";
import { database } from "../db/client.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { forgetCachedHomes } from "../home/rows-cache.ts";
import { viewerState } from "../progress/stub.ts";
import { newPassword, presentedPassword } from "../../common/schemas.ts";

const deleteBody = z.object({ password: presentedPassword });
const passwordBody = z.object({ currentPassword: presentedPassword, newPassword });

function requireAdult(c: Context<AppEnv>): Session {
  const session = requireSession(c);
  if (session.profile?.isKids) throw new AppError(403, "kids_profile", "Account settings are not available from a kids profile.");
  return session;
}

export const accountRoutes = new Hono<AppEnv>()
  .get("/export", async (c) => {
    const { account } = requireAdult(c);
    const [rows, state] = await Promise.all([exportAccountRows(database(c.env.DB), account.id), viewerState(c.env, account.id).exportAll()]);
    c.header("Content-Disposition", `attachment; filename="marquee-account-${new Date().toISOString().slice(0, 10)}.json"`);
    return c.json({ format: "marquee-account-export/1", exportedAt: new Date().toISOString(), ...rows, viewerState: state });
  })
  .post("/password", validate("json", passwordBody), async (c) => {
    const session = requireAdult(c);
    const body = c.req.valid("json");
    return c.json(await changePassword(c, database(c.env.DB), session, body.currentPassword, body.newPassword));
  })
  .delete("/", validate("json", deleteBody), async (c) => {
    const db = database(c.env.DB);
    const account = await sessionAccount(db, requireAdult(c));
    // The password check is rate-limited like sign-in, so a stolen session cannot guess it here.
    const ok = await accountPasswordMatches(c, db, account, c.req.valid("json").password);
    if (!ok) throw new AppError(403, "wrong_password", "That is not this account's password.");
    // The e-mail index row first, so no sign-in finds the account meanwhile; if a later step fails, the account still
    // exists in DB, its next sign-in writes the row again (auth/email-index.ts), and deletion can be retried.
    await unindexEmail(c.env, account);
    // The object before D1: if D1 then fails, the account still exists and deletion can be retried; the other order could orphan the object.
    await viewerState(c.env, account.id).erase();
    const profileIds = await accountProfileIds(db, account.id);
    await deleteAccountRows(db, account.id);
    // The profiles' cached home rows are derived from their data: they go too, not an hour later.
    await forgetCachedHomes(c.env.ROWS, profileIds);
    clearSessionCookies(c);
    return c.body(null, 204);
  });
