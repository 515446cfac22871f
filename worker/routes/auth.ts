import { Hono } from "hono";
import { z } from "zod";
import { refreshCookie } from "../auth/cookies.ts";
import { hashPassword } from "../auth/passwords.ts";
import { endSession, refreshSession, requireSession, sessionProblemError, startSession } from "../auth/session.ts";
import { passwordMatches, reserveSignUp } from "../auth/attempts.ts";
import { rememberDevice } from "../auth/device-cookie.ts";
import { createIndexedAccount, credentialsByEmail } from "../auth/email-index.ts";
import { accountView, toAccount, toProfile } from "../db/accounts.ts";
import { database, type Db } from "../db/client.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { PLANS } from "../../common/plans.ts";
import { validate } from "../lib/validate.ts";
import { PROFILE_NAME } from "../profiles/rules.ts";
import { DEFAULT_SUBTITLES } from "../../common/subtitles.ts";
import { newPassword, presentedPassword } from "../../common/schemas.ts";

const email = z
  .string()
  .trim()
  .max(254)
  .transform((e) => e.toLowerCase())
  .pipe(z.email("must be an e-mail address"));

const signupBody = z.object({
  email,
  password: newPassword,
  plan: z.enum(PLANS).default("basic"),
  /** Name of the first profile (default: the e-mail's local part). */
  profileName: PROFILE_NAME.optional(),
});
// Sign-in accepts any password length, so a policy change never locks out an older account.
const signinBody = z.object({ email, password: presentedPassword });

/**
 * The signed-in view: account, its profiles and the one chosen on this device, and the account's
 * QoE opt-out (`qoeOptOut`), so a choice made on one device reaches the player on every other.
 * One D1 batch (`accountView`); undefined when the account is gone.
 */
async function me(db: Db, accountId: string, profileId: string | null) {
  const view = await accountView(db, accountId);
  return view && { account: toAccount(view.account), profiles: view.profiles.map(toProfile), profileId, qoeOptOut: view.qoeOptOut };
}

/**
 * Accounts and sessions: sign-up, sign-in (rate limited, see sign-in-limiter.ts),
 * refresh-token rotation, sign-out and the signed-in account.
 */
export const auth = new Hono<AppEnv>()
  .post("/signup", validate("json", signupBody), async (c) => {
    const body = c.req.valid("json");
    // Limited per client network (429 with Retry-After): throwaway accounts are how one client poses as many viewers.
    await reserveSignUp(c);
    const db = database(c.env.DB);
    const nowMs = Date.now();
    const accountId = crypto.randomUUID();
    const profile = {
      id: crypto.randomUUID(),
      name: body.profileName ?? (body.email.split("@")[0] || "Me").slice(0, 40),
      avatar: "default",
      isKids: false,
      maxMaturityAge: 18,
      language: "en",
      autoplay: true,
      subtitles: { ...DEFAULT_SUBTITLES },
      pinHash: null,
    };
    // The e-mail is claimed in its index shard first: that is where uniqueness lives (auth/email-index.ts).
    const created = await createIndexedAccount(c.env, db, { id: accountId, email: body.email, password: await hashPassword(body.password), plan: body.plan, createdAt: nowMs }, profile);
    if (!created) throw new AppError(409, "email_taken", "An account with this e-mail already exists; sign in instead.");
    // The only profile is chosen at once: a new account lands on the catalog, not on a profile picker.
    // A new account has not opted out of QoE.
    const session = await startSession(c, { id: accountId, plan: body.plan }, profile, false);
    // This browser signed in to the account: its own failed-attempt budget from now on (device-cookie.ts).
    await rememberDevice(c, accountId);
    return c.json({ ...(await me(db, accountId, profile.id))!, accessExpiresAt: session.accessExpiresAt }, 201);
  })
  .post("/signin", validate("json", signinBody), async (c) => {
    const body = c.req.valid("json");
    // Sign-in writes no DB row, so its D1 session starts unconstrained (middleware/d1-session.ts): a replica may
    // answer the reads of DB below. The e-mail's credentials come from its index shard's primary (a password changed
    // a moment ago must not verify on a lagging replica), the session is the account's object.
    const db = database(c.env.DB);
    const credentials = await credentialsByEmail(c.env, db, body.email, database(c.get("primaryDb") ?? c.env.DB));
    const ok = await passwordMatches(c, body.email, body.password, credentials);
    const view = credentials && ok ? await accountView(db, credentials.id) : undefined;
    if (!view) throw new AppError(401, "invalid_credentials", "Wrong e-mail or password.");
    const { account, profiles, qoeOptOut } = view;
    // With a single profile and no PIN there is nothing to choose; otherwise the client shows the picker.
    const only = profiles.length === 1 && profiles[0]!.pinHash === null ? profiles[0]! : null;
    const session = await startSession(c, account, only, qoeOptOut);
    return c.json({ account: toAccount(account), profiles: profiles.map(toProfile), profileId: only?.id ?? null, qoeOptOut, accessExpiresAt: session.accessExpiresAt });
  })
  .post("/refresh", async (c) => {
    const result = await refreshSession(c, database(c.env.DB), refreshCookie(c));
    return c.json(result);
  })
  .post("/signout", async (c) => {
    // The session ends in the account's object (its live-sync sockets with it); D1 only for a session from before.
    await endSession(c, database(c.env.DB), refreshCookie(c));
    return c.body(null, 204);
  })
  .get("/me", async (c) => {
    const session = requireSession(c);
    const view = await me(database(c.env.DB), session.account.id, session.profile?.id ?? null);
    if (!view) throw sessionProblemError("invalid_session");
    return c.json(view);
  });
