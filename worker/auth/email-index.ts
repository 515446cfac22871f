/**
 * The e-mail → account index, sharded (docs/SCALING.md §6.1): each e-mail's row
 * (account id, password hash) lives in one of the EMAIL_INDEX_<n> D1 databases,
 * chosen by FNV-1a of the normalised e-mail modulo the number of bindings (2 in
 * local development and the tests, 32 in production). Sign-in reads only that
 * shard, through a D1 session so a replica can answer, and never the primary DB.
 * The index is where e-mail uniqueness lives: sign-up claims the e-mail there
 * first, then writes the account to DB.
 *
 * Migration without a flag day: an account signed up before the index has no row;
 * its first sign-in (or password change) finds it in DB once and writes the row.
 */
import type { Db } from "../db/client.ts";
import { accountByEmail, accountById, createAccount, type NewProfile } from "../db/accounts.ts";
import { activateEmail, claimEmail, emailIndexEntry, putEmailEntry, releaseEmail, type EmailIndexEntry } from "../db/email-index.ts";
import { fnv1a } from "../lib/hash.ts";
import type { Plan } from "../../common/plans.ts";
import type { PasswordHash } from "./passwords.ts";

/** How long a sign-up's pending claim is left alone: after this, a claim whose account is not in DB is abandoned. */
export const PENDING_CLAIM_MS = 60_000;

/** What a password check needs of an account. */
export interface Credentials {
  id: string;
  password: PasswordHash;
}

/** The e-mail as the index keys it (sign-up and sign-in lower-case and trim it the same way). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The shard number (0 ≤ n < shards) of an e-mail: stable, and the same for any case or surrounding space. */
export function emailShardOf(email: string, shards: number): number {
  return fnv1a(normaliseEmail(email)) % shards;
}

/** The index shards, EMAIL_INDEX_0 upwards while bound (wrangler.toml lists them). */
export function emailIndexBindings(env: Env): D1Database[] {
  const bindings = env as unknown as Record<string, D1Database | undefined>;
  const shards: D1Database[] = [];
  for (let shard = bindings.EMAIL_INDEX_0; shard !== undefined; shard = bindings[`EMAIL_INDEX_${shards.length}`]) shards.push(shard);
  if (shards.length === 0) throw new Error("no EMAIL_INDEX_0 binding: the e-mail index is not configured (wrangler.toml)");
  return shards;
}

/** The shard holding `email`'s row. */
export function emailShard(env: Env, email: string): D1Database {
  const shards = emailIndexBindings(env);
  return shards[emailShardOf(email, shards.length)]!;
}

const credentialsOf = (entry: EmailIndexEntry): Credentials => ({ id: entry.accountId, password: entry.password });

/**
 * The credentials of the account with `email`, for sign-in: one read of its index
 * shard's primary, not a replica — a lagging replica would still verify a password
 * changed a moment ago, or find the row of an account being deleted (each shard sees
 * a 1/Nth of sign-ins, SCALING §6.1). Only off the common path does `db` (the
 * request's D1 session) answer: a pending claim is checked against DB and made active
 * or abandoned, and an e-mail with no row is looked up there (an account from before
 * the index). An account found that way is read again from `primary` (DB's primary)
 * before its row is written, so a replica that has not yet seen the account's
 * deletion cannot write it back into the index.
 */
export async function credentialsByEmail(env: Env, db: Db, email: string, primary: Db, nowMs = Date.now()): Promise<Credentials | undefined> {
  const key = normaliseEmail(email);
  const shard = emailShard(env, key);
  const entry = await emailIndexEntry(shard, key);
  if (entry?.state === "active") return credentialsOf(entry);
  if (entry) {
    if (await accountById(db, entry.accountId)) {
      await activateEmail(shard, key, entry.accountId);
      return credentialsOf(entry);
    }
    // A sign-up may still be writing its account; past the grace it never will.
    if (entry.updatedAt > nowMs - PENDING_CLAIM_MS) return undefined;
    await releaseEmail(shard, key, entry.accountId);
  }
  // A mistyped e-mail ends here, on a replica; an account found is confirmed on the primary.
  const legacy = (await accountByEmail(db, key)) && (await accountByEmail(primary, key));
  if (!legacy) return undefined;
  const password = { hash: legacy.passwordHash, salt: legacy.passwordSalt, iterations: legacy.passwordIterations };
  await putEmailEntry(shard, key, legacy.id, password, nowMs);
  return { id: legacy.id, password };
}

/** The signed-in account's own credentials (password checks on account routes); undefined if its e-mail's row is another account's. */
export async function accountCredentials(env: Env, db: Db, account: { id: string; email: string }): Promise<Credentials | undefined> {
  // Account routes that check the password write DB, so their session starts on the primary already.
  const credentials = await credentialsByEmail(env, db, account.email, db);
  return credentials?.id === account.id ? credentials : undefined;
}

/**
 * Sign-up: claims the e-mail in its index shard (uniqueness), writes the account
 * and its first profile to DB, then makes the claim active. False when the e-mail
 * is taken — in the index, or in DB by an account from before the index (the claim
 * is then withdrawn; that account's first sign-in writes its row). If DB fails the
 * claim is withdrawn too; if that fails as well, the claim stays pending and the
 * e-mail's next sign-in or sign-up abandons it after PENDING_CLAIM_MS.
 */
export async function createIndexedAccount(
  env: Env,
  db: Db,
  account: { id: string; email: string; password: PasswordHash; plan: Plan; createdAt: number },
  profile: NewProfile & { id: string },
): Promise<boolean> {
  const key = normaliseEmail(account.email);
  const shard = emailShard(env, key);
  const claim = () => claimEmail(shard, key, account.id, account.password, account.createdAt, account.createdAt - PENDING_CLAIM_MS);
  if (!(await claim())) {
    // An active row whose account is gone from DB (a sign-in that re-added it while the account was being deleted) frees the e-mail.
    const holder = await emailIndexEntry(shard, key);
    if (holder?.state !== "active" || (await accountById(db, holder.accountId))) return false;
    await releaseEmail(shard, key, holder.accountId);
    if (!(await claim())) return false;
  }
  let created: boolean;
  try {
    created = await createAccount(db, { ...account, email: key }, profile);
  } catch (err) {
    await releaseEmail(shard, key, account.id).catch(() => undefined);
    throw err;
  }
  if (!created) {
    await releaseEmail(shard, key, account.id);
    return false;
  }
  // The account exists now; a failure here leaves the claim pending, which sign-in resolves against DB.
  await activateEmail(shard, key, account.id).catch((err: unknown) => console.error("e-mail index: claim left pending", err));
  return true;
}

/** A new password: the index row is its record for sign-in (written, or added for an account from before the index). */
export async function indexPassword(env: Env, account: { id: string; email: string }, password: PasswordHash, nowMs: number): Promise<void> {
  const key = normaliseEmail(account.email);
  await putEmailEntry(emailShard(env, key), key, account.id, password, nowMs);
}

/** Account deletion: the e-mail's row goes first, so no sign-in finds the account while the rest is erased. */
export async function unindexEmail(env: Env, account: { id: string; email: string }): Promise<void> {
  const key = normaliseEmail(account.email);
  await releaseEmail(emailShard(env, key), key, account.id);
}
