/**
 * A ViewerState's signal outbox: views and completions wait here, in the
 * object's storage, until its alarm batches them into D1 statistics (trending,
 * Top 10, co-watching; worker/recs/signals.ts) — at most a minute after the
 * first, never one D1 write per view. A failed flush keeps them and retries
 * with backoff; at most MAX_PENDING_SIGNALS wait (the oldest go first).
 */
import { database } from "../db/client.ts";
import { SqlStore } from "../lib/sql-store.ts";
import { recordSignals } from "../recs/signals.ts";

/** Signals kept at most while the D1 sink is unreachable; the oldest are dropped first. */
const MAX_PENDING_SIGNALS = 20_000;
/** Signals wait at most this long before the alarm batches them into D1. */
export const SIGNAL_FLUSH_MS = 60_000;
/** Signals per D1 batch. */
const SIGNAL_BATCH = 500;
/** After a failed flush, the alarm retries after this long (doubling up to an hour). */
const FLUSH_RETRY_MS = 30_000;

export interface PendingSignal {
  id: number;
  profileId: string;
  titleId: number;
  kind: "view" | "complete";
  country: string;
  atMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  country TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
-- id 1: the benchmark floor's counter; id 2: consecutive failed signal flushes.
CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
`;

/** Signals waiting for D1, and the count of failed flushes. */
export class SignalOutbox extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Queues one view or completion. */
  queue(signal: Omit<PendingSignal, "id">): void {
    this.sql.exec(
      "INSERT INTO signals (profile_id, title_id, kind, country, at_ms) VALUES (?, ?, ?, ?, ?)",
      signal.profileId, signal.titleId, signal.kind, signal.country, signal.atMs,
    );
    this.sql.exec("DELETE FROM signals WHERE id <= (SELECT max(id) FROM signals) - ?", MAX_PENDING_SIGNALS);
  }

  /** The oldest waiting signals. */
  pending(limit = MAX_PENDING_SIGNALS): PendingSignal[] {
    return this.sql
      .exec<{ id: number; profile_id: string; title_id: number; kind: string; country: string; at_ms: number }>(
        "SELECT * FROM signals ORDER BY id LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, profileId: r.profile_id, titleId: r.title_id, kind: r.kind as PendingSignal["kind"], country: r.country, atMs: r.at_ms }));
  }

  /** Drops one profile's waiting signals (the profile was deleted). */
  forgetProfile(profileId: string): void {
    this.sql.exec("DELETE FROM signals WHERE profile_id = ?", profileId);
  }

  /**
   * Sends one batch to D1. Answers when the alarm should come back: soon while
   * signals are left, after a backoff when the flush failed, or null when the
   * outbox is empty.
   */
  async flush(env: Env, nowMs: number): Promise<number | null> {
    const batch = this.pending(SIGNAL_BATCH);
    if (batch.length > 0) {
      try {
        await recordSignals(database(env.DB), batch.map(({ id: _id, ...event }) => event));
        this.sql.exec("DELETE FROM signals WHERE id <= ?", batch.at(-1)!.id);
        this.sql.exec("DELETE FROM counter WHERE id = 2");
      } catch (err) {
        const failures = this.sql.exec<{ n: number }>("INSERT INTO counter (id, n) VALUES (2, 1) ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n").one().n;
        console.error("signal flush failed; retrying", failures, err);
        return nowMs + Math.min(3_600_000, FLUSH_RETRY_MS * 2 ** (failures - 1));
      }
    }
    const left = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM signals").one().n;
    return left > 0 ? nowMs + 1000 : null;
  }

  /** The benchmark floor: a bare counter increment in the same object's storage. */
  increment(): number {
    return this.sql.exec<{ n: number }>("INSERT INTO counter (id, n) VALUES (1, 1) ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n").one().n;
  }
}
