/**
 * A ViewerState's signal outbox: views and completions wait here, in the
 * object's storage, until its alarm sends them in one batch to the account's
 * statistics shard (worker/stats/), which adds them up and writes D1's
 * statistics (trending, Top 10, co-watching) once a minute — so neither this
 * object nor any other writes D1 per view. A batch keeps its id until the
 * shard took it, so a retry after a lost answer is recognised and counted once.
 * A failed flush retries with backoff; at most MAX_PENDING_SIGNALS wait (the
 * oldest go first).
 */
import { SqlStore } from "../lib/sql-store.ts";
import { statisticsShardFor } from "../stats/stub.ts";

/** Signals kept at most while the D1 sink is unreachable; the oldest are dropped first. */
const MAX_PENDING_SIGNALS = 20_000;
/** Signals wait at most this long before the alarm sends them to the statistics shard. */
export const SIGNAL_FLUSH_MS = 60_000;
/** Signals per batch sent. */
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
-- The batch being sent: its id and its last signal, kept until the shard took it.
CREATE TABLE IF NOT EXISTS outbox_batch (id INTEGER PRIMARY KEY CHECK (id = 1), batch_id TEXT NOT NULL, last_id INTEGER NOT NULL);
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
   * Sends one batch to the statistics shard of the account (`accountKey`, the
   * object's id). Answers when the alarm should come back: soon while signals
   * are left, after a backoff when the send failed, or null when the outbox is empty.
   */
  async flush(env: Env, accountKey: string, nowMs: number): Promise<number | null> {
    const open = this.openBatch();
    if (open) {
      const batch = this.sql
        .exec<{ profile_id: string; title_id: number; kind: string; country: string; at_ms: number }>("SELECT * FROM signals WHERE id <= ? ORDER BY id", open.lastId)
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id, kind: r.kind as PendingSignal["kind"], country: r.country, atMs: r.at_ms }));
      try {
        await statisticsShardFor(env, accountKey).ingest(open.batchId, batch);
        this.sql.exec("DELETE FROM signals WHERE id <= ?", open.lastId);
        this.sql.exec("DELETE FROM outbox_batch");
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

  /**
   * The batch to send: the one a failed send left open (the same id, so the
   * shard can tell a retry; a forgotten profile's signals may have left it), or
   * a new one over the oldest SIGNAL_BATCH signals; null when none wait.
   */
  private openBatch(): { batchId: string; lastId: number } | null {
    const open = this.sql.exec<{ batch_id: string; last_id: number }>("SELECT batch_id, last_id FROM outbox_batch").toArray()[0];
    if (open) return { batchId: open.batch_id, lastId: open.last_id };
    const last = this.sql.exec<{ id: number | null }>("SELECT max(id) AS id FROM (SELECT id FROM signals ORDER BY id LIMIT ?)", SIGNAL_BATCH).one().id;
    if (last === null) return null;
    const batchId = crypto.randomUUID();
    this.sql.exec("INSERT INTO outbox_batch (id, batch_id, last_id) VALUES (1, ?, ?)", batchId, last);
    return { batchId, lastId: last };
  }

  /** The benchmark floor: a bare counter increment in the same object's storage. */
  increment(): number {
    return this.sql.exec<{ n: number }>("INSERT INTO counter (id, n) VALUES (1, 1) ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n").one().n;
  }
}
