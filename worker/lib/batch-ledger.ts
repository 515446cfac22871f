/**
 * The batch ids an aggregating object took recently, so a batch its sender
 * sends again (the answer was lost, the sender retried) counts once. Senders
 * keep a batch's id until they hear an answer; the ledger keeps it for a
 * retention window the object chooses, long past any retry.
 */
import { SqlStore } from "./sql-store.ts";

export class BatchLedger extends SqlStore {
  /** `table` names the object's ledger: each object keeps the name its storage already has. */
  constructor(
    storage: DurableObjectStorage,
    private readonly table: string,
  ) {
    super(
      storage,
      `CREATE TABLE IF NOT EXISTS ${table} (batch_id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL);
       CREATE INDEX IF NOT EXISTS ${table}_received ON ${table} (received_ms);`,
    );
  }

  /** Records `batchId`; false when it was taken already (then add nothing). */
  admit(batchId: string, nowMs: number): boolean {
    return this.sql.exec(`INSERT INTO ${this.table} (batch_id, received_ms) VALUES (?, ?) ON CONFLICT DO NOTHING`, batchId, nowMs).rowsWritten > 0;
  }

  /** Forgets ids taken before `beforeMs`; answers the oldest remaining receipt time, or null (nothing left to forget). */
  prune(beforeMs: number): number | null {
    this.sql.exec(`DELETE FROM ${this.table} WHERE received_ms < ?`, beforeMs);
    return this.sql.exec<{ oldest: number | null }>(`SELECT min(received_ms) AS oldest FROM ${this.table}`).one().oldest;
  }

  dump(): Record<string, unknown>[] {
    return this.sql.exec(`SELECT * FROM ${this.table}`).toArray();
  }
}
