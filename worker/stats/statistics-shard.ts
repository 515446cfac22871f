/**
 * StatisticsShard: one of STATISTICS_SHARDS SQLite-backed Durable Objects
 * between the accounts' objects and D1's statistics (docs/SCALING.md §6.2).
 * Each ViewerState's alarm sends its waiting views and completions here
 * (stub.ts picks the shard by account) instead of writing D1 itself; the shard
 * adds them up in storage (minute-store.ts) and its alarm writes D1 once a
 * minute. So D1 sees at most one statistics write per shard per minute,
 * however many accounts are watching, and the results are those of writing
 * each batch directly (recordStatistics works co-watching out in time order).
 */
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import { recordStatistics, summarizeSignals, type SignalEvent } from "../recs/signals.ts";
import { BatchLedger } from "../lib/batch-ledger.ts";
import { BATCH_RETENTION_MS, MinuteStore } from "./minute-store.ts";

/** Signals reach D1 at most this long after the first of a minute arrives. */
export const STATISTICS_FLUSH_MS = 60_000;
/** After a failed D1 write the alarm retries after this long. */
const FLUSH_RETRY_MS = 30_000;

export class StatisticsShard extends DurableObject<Env> {
  private readonly minute: MinuteStore;
  private readonly batches: BatchLedger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.minute = new MinuteStore(ctx.storage);
    this.batches = new BatchLedger(ctx.storage, "stat_batches");
  }

  /** Adds one account object's batch (a batch id seen before is ignored); answers whether it was added. */
  async ingest(batchId: string, events: SignalEvent[]): Promise<boolean> {
    const nowMs = Date.now();
    if (!this.batches.admit(batchId, nowMs)) return false;
    this.minute.add(summarizeSignals(events));
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > nowMs + STATISTICS_FLUSH_MS) await this.ctx.storage.setAlarm(nowMs + STATISTICS_FLUSH_MS);
    return true;
  }

  override async alarm(): Promise<void> {
    await this.sweep(Date.now());
  }

  /** The alarm's work: the minute into D1 (kept for a retry if D1 fails), old batch ids forgotten. */
  async sweep(nowMs: number): Promise<void> {
    let next: number | null = null;
    if (this.minute.pending()) {
      const taken = this.minute.peek();
      try {
        await recordStatistics(database(this.env.DB), taken);
        this.minute.settle(taken);
      } catch (err) {
        console.error("statistics flush failed; retrying", err);
        next = nowMs + FLUSH_RETRY_MS;
      }
    }
    // Batches that arrived while D1 was writing wait for the next minute.
    if (next === null && this.minute.pending()) next = nowMs + STATISTICS_FLUSH_MS;
    const oldest = this.batches.prune(nowMs - BATCH_RETENTION_MS);
    if (oldest !== null) next = Math.min(next ?? Infinity, oldest + BATCH_RETENTION_MS + 1000);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }
}
