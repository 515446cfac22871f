/**
 * Exact sign-in rate limiting in a SQLite-backed Durable Object, one object per
 * key (`account:<email>`, `client:<network>`, `pin:<profileId>`, `signup:<network>`), each named by a
 * keyed hash of its key (limiterName), never by the e-mail or address itself. Why a Durable
 * Object: the count must be exact under concurrency, and one object per key is
 * a single writer; KV's eventual consistency would let a burst of parallel
 * guesses through.
 *
 * Policy (sliding window, failures only, except sign-ups):
 * - per account e-mail: 5 failed sign-ins per 15 minutes;
 * - per client network (`cf-connecting-ip`: an IPv4 address, an IPv6 /64): 20 failed sign-ins per 15 minutes;
 * - per profile PIN: 5 wrong PINs per 15 minutes (and they count on the client's key too);
 * - per client network (`signup:<network>`): 10 sign-ups per hour, successful or not.
 * While a key has its limit of failures inside the window, every attempt is
 * refused with 429 `too_many_attempts` and `Retry-After` (seconds until the
 * oldest counted failure leaves the window) *before* the password is checked,
 * so a correct password is refused too. An attempt is reserved (counted as a
 * failure) before the password is checked, so parallel guesses cannot overshoot
 * the limit; a success forgives the reservation, and on the account key clears
 * all its failures. Routes never call this directly: every password and PIN
 * check goes through attempts.ts.
 */
import { DurableObject } from "cloudflare:workers";
import { AppError } from "../lib/errors.ts";
import { SqlStore, wipeStorage } from "../lib/sql-store.ts";
import { sessionKeys } from "./session-tokens.ts";

export interface LimitPolicy {
  /** Failures allowed inside the window before attempts are refused. */
  maxFailures: number;
  windowMs: number;
}

const WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_POLICY: LimitPolicy = { maxFailures: 5, windowMs: WINDOW_MS };
export const CLIENT_POLICY: LimitPolicy = { maxFailures: 20, windowMs: WINDOW_MS };
export const PIN_POLICY: LimitPolicy = { maxFailures: 5, windowMs: WINDOW_MS };
/** Sign-ups per client network (`signup:<network>`): every sign-up counts, none is forgiven. */
export const SIGNUP_POLICY: LimitPolicy = { maxFailures: 10, windowMs: 60 * 60 * 1000 };

export type AttemptResult = { allowed: true; attemptId: number } | { allowed: false; retryAfterMs: number };

/** One key's counted failures (reserved attempts included), oldest first. */
export class FailureStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(
      storage,
      `CREATE TABLE IF NOT EXISTS failures (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL);
       CREATE TABLE IF NOT EXISTS policy_window (id INTEGER PRIMARY KEY CHECK (id = 1), ms INTEGER NOT NULL);`,
    );
  }

  /** The key's window, kept with its failures so the alarm of an evicted and revived object expires them by the right one. */
  windowMs(): number | null {
    return this.sql.exec<{ ms: number }>("SELECT ms FROM policy_window WHERE id = 1").toArray()[0]?.ms ?? null;
  }

  setWindowMs(ms: number): void {
    this.sql.exec("INSERT INTO policy_window (id, ms) VALUES (1, ?) ON CONFLICT DO UPDATE SET ms = excluded.ms", ms);
  }

  /** Forgets failures at or before `cutoffMs` (out of the window). */
  expire(cutoffMs: number): void {
    this.sql.exec("DELETE FROM failures WHERE at_ms <= ?", cutoffMs);
  }

  /** The times of the counted failures, oldest first. */
  times(): number[] {
    return this.sql.exec<{ at_ms: number }>("SELECT at_ms FROM failures ORDER BY at_ms, id").toArray().map((r) => r.at_ms);
  }

  /** Counts one failure; its id lets a success forgive it. */
  add(atMs: number): number {
    return this.sql.exec<{ id: number }>("INSERT INTO failures (at_ms) VALUES (?) RETURNING id", atMs).one().id;
  }

  /** Forgets one failure, or (null) all of them. */
  remove(id: number | null): void {
    if (id === null) this.sql.exec("DELETE FROM failures");
    else this.sql.exec("DELETE FROM failures WHERE id = ?", id);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM failures").one().n;
  }
}

/** Failure timestamps of one key, inside its window. */
export class SignInLimiter extends DurableObject<Env> {
  private readonly failures: FailureStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.failures = new FailureStore(ctx.storage);
  }

  /** Reserves one attempt (counted as a failure until forgiven), or refuses it while the key is locked out. */
  attempt(policy: LimitPolicy): AttemptResult {
    const nowMs = Date.now();
    if (this.failures.windowMs() !== policy.windowMs) this.failures.setWindowMs(policy.windowMs);
    this.failures.expire(nowMs - policy.windowMs);
    const times = this.failures.times();
    if (times.length >= policy.maxFailures) {
      // The attempt is allowed again once enough failures have aged out to go below the limit.
      const freeing = times[times.length - policy.maxFailures]!;
      return { allowed: false, retryAfterMs: Math.max(1, freeing + policy.windowMs - nowMs) };
    }
    const attemptId = this.failures.add(nowMs);
    void this.ctx.storage.setAlarm(nowMs + policy.windowMs + 1000);
    return { allowed: true, attemptId };
  }

  /** Forgives a reserved attempt that succeeded; `clearAll` also forgets every earlier failure of this key. */
  forgive(attemptId: number, clearAll: boolean): void {
    this.failures.remove(clearAll ? null : attemptId);
  }

  /** Drops expired failures; an object with none left frees its storage (the next attempt, often on this same instance, creates the table again). */
  override async alarm(): Promise<void> {
    const windowMs = this.failures.windowMs() ?? WINDOW_MS;
    this.failures.expire(Date.now() - windowMs);
    if (this.failures.count() === 0) await wipeStorage(this.ctx.storage, [this.failures]);
    else await this.ctx.storage.setAlarm(Date.now() + windowMs);
  }

  /** Whether the object holds anything (tests: an expired key frees its storage). */
  async isEmpty(): Promise<boolean> {
    if ((await this.ctx.storage.getAlarm()) !== null) return false;
    return this.ctx.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'failures'").toArray().length === 0;
  }
}

/** A reservation on one or more limiter keys, to forgive on success. */
export interface Reservation {
  forgive(clearAccount: boolean): Promise<void>;
}

/**
 * The object's name for a key: HMAC-SHA256 of the key under the current
 * SESSION_KEYS key, hex. Keys hold e-mails and IP addresses; object names are
 * persisted by the platform, so they carry only this keyed hash (which no one
 * without the secret can reverse by trying likely e-mails). A rotation of the
 * current session key renames every object, which only restarts the counts.
 */
export async function limiterName(env: Env, key: string): Promise<string> {
  const keySet = await sessionKeys(env);
  const mac = await crypto.subtle.sign("HMAC", keySet.keys.get(keySet.currentKid)!, new TextEncoder().encode(`sign-in-limiter\u0000${key}`));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function stub(env: Env, key: string) {
  return env.SIGN_IN_LIMITER.get(env.SIGN_IN_LIMITER.idFromName(await limiterName(env, key)));
}

/**
 * Reserves an attempt on every key (`[key, policy, clearOnSuccess]`); if any key
 * is locked out, releases the others and throws 429 `too_many_attempts` with
 * Retry-After (the longest wait among the locked keys).
 */
export async function reserveAttempt(env: Env, keys: [key: string, policy: LimitPolicy, clearOnSuccess: boolean][]): Promise<Reservation> {
  const stubs = await Promise.all(keys.map(([key]) => stub(env, key)));
  const results = await Promise.all(keys.map(([, policy], i) => stubs[i]!.attempt(policy)));
  const forgiveAll = (clear: boolean) =>
    Promise.all(results.map((r, i) => (r.allowed ? stubs[i]!.forgive(r.attemptId, clear && keys[i]![2]) : undefined))).then(() => undefined);
  const refused = results.filter((r) => !r.allowed);
  if (refused.length > 0) {
    await forgiveAll(false);
    const retryAfterSeconds = Math.ceil(Math.max(...refused.map((r) => r.retryAfterMs)) / 1000);
    throw new AppError(429, "too_many_attempts", `Too many failed attempts; try again in ${retryAfterSeconds} seconds.`, {
      details: { retryAfterSeconds },
      headers: { "Retry-After": String(retryAfterSeconds) },
    });
  }
  return { forgive: forgiveAll };
}
