/** Accounts, sessions (refresh-token families signed in before the account's object kept them) and profiles in D1. */
import { and, asc, count, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { Plan } from "../../common/plans.ts";
import type { PasswordHash } from "../auth/passwords.ts";
import type { Db } from "./client.ts";
import type { SubtitlePrefs } from "../../common/subtitles.ts";
import { accounts, profiles, qoeOptOuts, sessions } from "./schema.ts";

/** Whether `err` (or its cause: drizzle wraps D1's error) is a UNIQUE violation on `columns`. */
function uniqueViolation(err: unknown, columns: string): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes(`UNIQUE constraint failed: ${columns}`)) return true;
  }
  return false;
}

export type AccountRow = typeof accounts.$inferSelect;
export type ProfileRow = typeof profiles.$inferSelect;

/** An account's public shape. */
export function toAccount(row: AccountRow) {
  return { id: row.id, email: row.email, plan: row.plan, createdAt: row.createdAt };
}

/** A profile's public shape (the PIN hash never leaves the server; `hasPin` says whether there is one). */
export function toProfile(row: ProfileRow) {
  return {
    id: row.id,
    name: row.name,
    avatar: row.avatar,
    isKids: row.isKids,
    maxMaturityAge: row.maxMaturityAge,
    language: row.language,
    autoplay: row.autoplay,
    subtitles: row.subtitles,
    hasPin: row.pinHash !== null,
    createdAt: row.createdAt,
  };
}

export interface NewProfile {
  name: string;
  avatar: string;
  isKids: boolean;
  maxMaturityAge: number;
  language: string;
  autoplay: boolean;
  subtitles: SubtitlePrefs;
  pinHash: string | null;
}

/** Inserts an account and its first profile in one transaction; false if the e-mail is taken. */
export async function createAccount(
  db: Db,
  account: { id: string; email: string; password: PasswordHash; plan: Plan; createdAt: number },
  profile: NewProfile & { id: string },
): Promise<boolean> {
  try {
    await db.batch([
      db.insert(accounts).values({
        id: account.id,
        email: account.email,
        passwordHash: account.password.hash,
        passwordSalt: account.password.salt,
        passwordIterations: account.password.iterations,
        plan: account.plan,
        createdAt: account.createdAt,
      }),
      db.insert(profiles).values({ ...profile, accountId: account.id, createdAt: account.createdAt }),
    ]);
    return true;
  } catch (err) {
    if (uniqueViolation(err, "accounts.email")) return false;
    throw err;
  }
}

/** The account with this (lower-cased) e-mail. */
export async function accountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db.select().from(accounts).where(eq(accounts.email, email)).get();
}

export async function accountById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.select().from(accounts).where(eq(accounts.id, id)).get();
}

/** Sets the account's plan (auth/plan-change.ts tells its sessions); false when there is no such account. */
export async function setAccountPlan(db: Db, id: string, plan: Plan): Promise<boolean> {
  const row = await db.update(accounts).set({ plan }).where(eq(accounts.id, id)).returning({ id: accounts.id }).get();
  return row !== undefined;
}

/* ---------- sessions ---------- */

/**
 * A D1 session row, as sign-in wrote one per session before the account's object became the sessions'
 * record (auth/session.ts): nothing in the Worker writes one now; the tests make them to stand for such sessions.
 */
export async function createSession(
  db: Db,
  s: { id: string; accountId: string; refreshHash: string; profileId: string | null; nowMs: number; expiresAtMs: number },
): Promise<void> {
  await db.insert(sessions).values({
    id: s.id,
    accountId: s.accountId,
    refreshHash: s.refreshHash,
    profileId: s.profileId,
    createdAt: s.nowMs,
    rotatedAt: s.nowMs,
    expiresAt: s.expiresAtMs,
  });
}

/**
 * Swaps the family's current refresh hash `oldHash` for `newHash` in one
 * statement (so two concurrent uses cannot both win) — only for a family signed
 * in before families moved into the account's object: its last D1 rotation; returns the family, or
 * undefined when it is unknown, revoked, expired or `oldHash` is not current.
 */
export async function rotateSession(db: Db, id: string, oldHash: string, newHash: string, nowMs: number, expiresAtMs: number) {
  return db
    .update(sessions)
    .set({ refreshHash: newHash, rotatedAt: nowMs, expiresAt: expiresAtMs })
    .where(and(eq(sessions.id, id), eq(sessions.refreshHash, oldHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, nowMs)))
    .returning({ id: sessions.id, accountId: sessions.accountId, expiresAt: sessions.expiresAt })
    .get();
}

/** Revokes a family if it is still live and its current hash is not `hash` (a reused, older token); its account if so. */
export async function revokeOnReuse(db: Db, id: string, hash: string, nowMs: number): Promise<string | undefined> {
  const row = await db
    .update(sessions)
    .set({ revokedAt: nowMs })
    .where(and(eq(sessions.id, id), ne(sessions.refreshHash, hash), isNull(sessions.revokedAt)))
    .returning({ accountId: sessions.accountId })
    .get();
  return row?.accountId;
}

/** Revokes a family (sign-out); revoking twice is harmless. */
export async function revokeSession(db: Db, id: string, nowMs: number): Promise<void> {
  await db.update(sessions).set({ revokedAt: nowMs }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/**
 * Sets the account's password and revokes every other live refresh family of
 * the account in one batch (a password change signs out every other device);
 * `keepSessionId`, the device that changed it, stays signed in. Returns the
 * revoked families' ids.
 */
export async function setPasswordRevokingOthers(db: Db, accountId: string, password: PasswordHash, keepSessionId: string, nowMs: number): Promise<string[]> {
  const [, revoked] = await db.batch([
    db.update(accounts).set({ passwordHash: password.hash, passwordSalt: password.salt, passwordIterations: password.iterations }).where(eq(accounts.id, accountId)),
    db
      .update(sessions)
      .set({ revokedAt: nowMs })
      .where(and(eq(sessions.accountId, accountId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id }),
  ]);
  return revoked.map((r) => r.id);
}

/** A live family's D1 refresh-token hash (sign-out checks a token of the older shape against it; current families are the object's). */
export async function sessionRefreshHash(db: Db, id: string): Promise<{ accountId: string; refreshHash: string } | undefined> {
  return db
    .select({ accountId: sessions.accountId, refreshHash: sessions.refreshHash })
    .from(sessions)
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .get();
}

/** Chooses (or clears) the profile of a session. */
export async function setSessionProfile(db: Db, id: string, profileId: string | null): Promise<void> {
  await db.update(sessions).set({ profileId }).where(eq(sessions.id, id));
}

/**
 * Everything an access token states, in one query: the live session, its
 * account and its chosen profile (if any); undefined when the session is
 * revoked, expired or belongs to someone else. Read only at the last D1
 * refresh of a family signed in before families moved into the account's
 * object (auth/session.ts), not per request.
 */
export async function liveSession(db: Db, sessionId: string, accountId: string, nowMs: number) {
  const row = await db
    .select({ session: sessions, account: accounts, profile: profiles })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .leftJoin(profiles, and(eq(profiles.id, sessions.profileId), eq(profiles.accountId, sessions.accountId)))
    .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId), isNull(sessions.revokedAt), gt(sessions.expiresAt, nowMs)))
    .get();
  return row;
}

/**
 * The facts an access token states, read afresh: the account's plan, the
 * profile (if it still exists and is the account's) and the account's QoE
 * opt-out, in one batch. Read at a refresh only after the account's facts
 * changed (auth/refresh-families.ts); undefined when the account is gone.
 */
export async function tokenFacts(db: Db, accountId: string, profileId: string | null): Promise<{ plan: Plan; profile: ProfileRow | null; qoeOptOut: boolean } | undefined> {
  const [accountRows, profileRows, optOutRows] = await db.batch([
    db.select({ plan: accounts.plan }).from(accounts).where(eq(accounts.id, accountId)),
    db.select().from(profiles).where(and(eq(profiles.accountId, accountId), eq(profiles.id, profileId ?? ""))),
    db.select({ a: qoeOptOuts.accountId }).from(qoeOptOuts).where(eq(qoeOptOuts.accountId, accountId)),
  ]);
  const account = accountRows[0];
  return account ? { plan: account.plan, profile: profileRows[0] ?? null, qoeOptOut: optOutRows.length > 0 } : undefined;
}

/**
 * When a live session of the account expires, or undefined when it is revoked,
 * expired, unknown or someone else's: the one D1 check for a session its
 * account's object has not seen (middleware/session-guard.ts).
 */
export async function liveSessionExpiry(db: Db, sessionId: string, accountId: string, nowMs: number): Promise<number | undefined> {
  const row = await db
    .select({ expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId), isNull(sessions.revokedAt), gt(sessions.expiresAt, nowMs)))
    .get();
  return row?.expiresAt;
}

/**
 * The signed-in view's rows in one batch: the account, its profiles (in
 * `listProfiles`' order) and whether it opted out of QoE; undefined when the
 * account is gone. Through a D1 session a replica may answer (sign-in, /me).
 */
export async function accountView(db: Db, accountId: string): Promise<{ account: AccountRow; profiles: ProfileRow[]; qoeOptOut: boolean } | undefined> {
  const [accountRows, profileRows, optOutRows] = await db.batch([
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db.select().from(profiles).where(eq(profiles.accountId, accountId)).orderBy(asc(profiles.createdAt), asc(profiles.id)),
    db.select({ a: qoeOptOuts.accountId }).from(qoeOptOuts).where(eq(qoeOptOuts.accountId, accountId)),
  ]);
  const account = accountRows[0];
  return account ? { account, profiles: profileRows, qoeOptOut: optOutRows.length > 0 } : undefined;
}

/* ---------- profiles ---------- */

export async function listProfiles(db: Db, accountId: string): Promise<ProfileRow[]> {
  return db.select().from(profiles).where(eq(profiles.accountId, accountId)).orderBy(asc(profiles.createdAt), asc(profiles.id)).all();
}

export async function profileOf(db: Db, accountId: string, profileId: string): Promise<ProfileRow | undefined> {
  return db.select().from(profiles).where(and(eq(profiles.accountId, accountId), eq(profiles.id, profileId))).get();
}

/**
 * Adds a profile unless the account already has `maxProfiles`; the count and
 * the insert are one statement, so concurrent creates cannot pass the limit.
 * Returns "limit", "name_taken" or the new row.
 */
export async function createProfile(db: Db, accountId: string, profile: NewProfile & { id: string; createdAt: number }, maxProfiles: number) {
  try {
    const p = profile;
    const result = await db.run(sql`
      INSERT INTO ${profiles} (id, account_id, name, avatar, is_kids, max_maturity_age, language, autoplay, subtitles, pin_hash, created_at)
      SELECT ${p.id}, ${accountId}, ${p.name}, ${p.avatar}, ${p.isKids ? 1 : 0}, ${p.maxMaturityAge}, ${p.language},
        ${p.autoplay ? 1 : 0}, ${JSON.stringify(p.subtitles)}, ${p.pinHash}, ${p.createdAt}
      WHERE (SELECT count(*) FROM ${profiles} WHERE account_id = ${accountId}) < ${maxProfiles}`);
    if (result.meta.changes === 0) return "limit" as const;
    return (await profileOf(db, accountId, p.id))!;
  } catch (err) {
    if (uniqueViolation(err, "profiles.account_id, profiles.name")) return "name_taken" as const;
    throw err;
  }
}

/** Updates a profile's fields; "name_taken" on a duplicate name, undefined if there is no such profile. */
export async function updateProfile(db: Db, accountId: string, profileId: string, changes: Partial<NewProfile>) {
  try {
    if (Object.keys(changes).length === 0) return profileOf(db, accountId, profileId);
    return await db
      .update(profiles)
      .set(changes)
      .where(and(eq(profiles.accountId, accountId), eq(profiles.id, profileId)))
      .returning()
      .get();
  } catch (err) {
    if (uniqueViolation(err, "profiles.account_id, profiles.name")) return "name_taken" as const;
    throw err;
  }
}

/** Deletes a profile (its list and ratings go with it); false if there was none. */
export async function deleteProfile(db: Db, accountId: string, profileId: string): Promise<boolean> {
  const row = await db
    .delete(profiles)
    .where(and(eq(profiles.accountId, accountId), eq(profiles.id, profileId)))
    .returning({ id: profiles.id })
    .get();
  return row !== undefined;
}

/** How many profiles an account has. */
export async function profileCount(db: Db, accountId: string): Promise<number> {
  const row = await db.select({ n: count() }).from(profiles).where(eq(profiles.accountId, accountId)).get();
  return row?.n ?? 0;
}
