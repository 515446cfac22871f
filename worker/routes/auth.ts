import { Hono } from "hono";
import { z } from "zod";
import { refreshCookie } from "../auth/cookies.ts";
import { hashPassword } from "../auth/passwords.ts";
import { endSession, refreshSession, requireSession, sessionAccount, startSession } from "../auth/session.ts";
import { passwordMatches, reserveSignUp } from "../auth/attempts.ts";
import { rememberDevice } from "../auth/device-cookie.ts";
import { accountByEmail, createAccount, listProfiles, toAccount, toProfile, type AccountRow } from "../db/accounts.ts";
import { database, type Db } from "../db/client.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { PLANS } from "../../common/plans.ts";
import { validate } from "../lib/validate.ts";
import { PROFILE_NAME } from "../profiles/rules.ts";
import { viewerState } from "../progress/stub.ts";
import { DEFAULT_SUBTITLES } from "../../common/subtitles.ts";
import { newPassword, presentedPassword } from "../../common/schemas.ts";
import { qoeOptedOut } from "../db/qoe.ts";

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
 */
async function me(db: Db, account: AccountRow, profileId: string | null) {
  const [profiles, qoeOptOut] = await Promise.all([listProfiles(db, account.id), qoeOptedOut(db, account.id)]);
  return { account: toAccount(account), profiles: profiles.map(toProfile), profileId, qoeOptOut };
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
    const created = await createAccount(db, { id: accountId, email: body.email, password: await hashPassword(body.password), plan: body.plan, createdAt: nowMs }, profile);
    if (!created) throw new AppError(409, "email_taken", "An account with this e-mail already exists; sign in instead.");
    // The only profile is chosen at once: a new account lands on the catalog, not on a profile picker.
    // A new account has not opted out of QoE.
    const session = await startSession(c, db, { id: accountId, plan: body.plan }, profile, false);
    // This browser signed in to the account: its own failed-attempt budget from now on (device-cookie.ts).
    await rememberDevice(c, accountId);
    const account = (await accountByEmail(db, body.email))!;
    return c.json({ ...(await me(db, account, profile.id)), accessExpiresAt: session.accessExpiresAt }, 201);
  })
  .post("/signin", validate("json", signinBody), async (c) => {
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const account = await accountByEmail(db, body.email);
    const ok = await passwordMatches(c, body.email, body.password, account);
    if (!account || !ok) throw new AppError(401, "invalid_credentials", "Wrong e-mail or password.");
    const [profiles, qoeOptOut] = await Promise.all([listProfiles(db, account.id), qoeOptedOut(db, account.id)]);
    // With a single profile and no PIN there is nothing to choose; otherwise the client shows the picker.
    const only = profiles.length === 1 && profiles[0]!.pinHash === null ? profiles[0]! : null;
    const session = await startSession(c, db, account, only, qoeOptOut);
    return c.json({ account: toAccount(account), profiles: profiles.map(toProfile), profileId: only?.id ?? null, qoeOptOut, accessExpiresAt: session.accessExpiresAt });
  })
  .post("/refresh", async (c) => {
    const result = await refreshSession(c, database(c.env.DB), refreshCookie(c));
    return c.json(result);
  })
  .post("/signout", async (c) => {
    const ended = await endSession(c, database(c.env.DB), refreshCookie(c));
    // This device's live-sync socket ends with its session.
    for (const { sessionId, accountId } of ended) await viewerState(c.env, accountId).closeSession(sessionId);
    return c.body(null, 204);
  })
  .get("/me", async (c) => {
    const session = requireSession(c);
    const db = database(c.env.DB);
    return c.json(await me(db, await sessionAccount(db, session), session.profile?.id ?? null));
  });
