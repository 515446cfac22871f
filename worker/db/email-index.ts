/**
 * The e-mail → account index in one shard (an EMAIL_INDEX_<n> D1 database,
 * migrations-email-index/): the account id and password hash sign-in needs,
 * keyed by the normalised e-mail. Which shard holds an e-mail is
 * worker/auth/email-index.ts's choice; these queries take the shard (or a D1
 * session of it, so a replica can answer a read).
 */
import type { PasswordHash } from "../auth/passwords.ts";

/** A shard or one of its D1 sessions: what the queries need of either. */
export type EmailIndexShard = Pick<D1Database, "prepare">;

/** One index row. */
export interface EmailIndexEntry {
  email: string;
  accountId: string;
  password: PasswordHash;
  /** "pending" while sign-up has claimed the e-mail but not yet written the account to DB. */
  state: "pending" | "active";
  updatedAt: number;
}

type Row = { email: string; account_id: string; password_hash: string; password_salt: string; password_iterations: number; state: "pending" | "active"; updated_at: number };

/** The row of `email`, if any. */
export async function emailIndexEntry(shard: EmailIndexShard, email: string): Promise<EmailIndexEntry | undefined> {
  const row = await shard.prepare("SELECT * FROM email_index WHERE email = ?").bind(email).first<Row>();
  if (!row) return undefined;
  return {
    email: row.email,
    accountId: row.account_id,
    password: { hash: row.password_hash, salt: row.password_salt, iterations: row.password_iterations },
    state: row.state,
    updatedAt: row.updated_at,
  };
}

/**
 * Claims `email` for a new account as "pending": true when the e-mail was free,
 * or held only by a pending claim last touched before `staleBeforeMs` (a sign-up
 * that never wrote its account); false when it is taken. One statement, so two
 * sign-ups of one e-mail cannot both win.
 */
export async function claimEmail(shard: EmailIndexShard, email: string, accountId: string, password: PasswordHash, nowMs: number, staleBeforeMs: number): Promise<boolean> {
  const result = await shard
    .prepare(
      `INSERT INTO email_index (email, account_id, password_hash, password_salt, password_iterations, state, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)
       ON CONFLICT (email) DO UPDATE SET account_id = excluded.account_id, password_hash = excluded.password_hash, password_salt = excluded.password_salt,
         password_iterations = excluded.password_iterations, state = 'pending', updated_at = excluded.updated_at
       WHERE email_index.state = 'pending' AND email_index.updated_at < ?`,
    )
    .bind(email, accountId, password.hash, password.salt, password.iterations, nowMs, staleBeforeMs)
    .run();
  return result.meta.changes > 0;
}

/** The account's row in DB exists: its claim becomes the e-mail's active row. */
export async function activateEmail(shard: EmailIndexShard, email: string, accountId: string): Promise<void> {
  await shard.prepare("UPDATE email_index SET state = 'active' WHERE email = ? AND account_id = ?").bind(email, accountId).run();
}

/**
 * Writes the account's active row with `password` (an account found in DB with
 * no row yet; a password change). A row of another account is left alone.
 */
export async function putEmailEntry(shard: EmailIndexShard, email: string, accountId: string, password: PasswordHash, nowMs: number): Promise<void> {
  await shard
    .prepare(
      `INSERT INTO email_index (email, account_id, password_hash, password_salt, password_iterations, state, updated_at) VALUES (?, ?, ?, ?, ?, 'active', ?)
       ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash, password_salt = excluded.password_salt,
         password_iterations = excluded.password_iterations, state = 'active', updated_at = excluded.updated_at
       WHERE email_index.account_id = excluded.account_id`,
    )
    .bind(email, accountId, password.hash, password.salt, password.iterations, nowMs)
    .run();
}

/** Removes the e-mail's row if it is still the account's (its sign-up failed, or the account is deleted). */
export async function releaseEmail(shard: EmailIndexShard, email: string, accountId: string): Promise<void> {
  await shard.prepare("DELETE FROM email_index WHERE email = ? AND account_id = ?").bind(email, accountId).run();
}
