/**
 * QoeShard: one of QOE_SHARDS SQLite-backed Durable Objects that ingest QoE
 * beacons, chosen by a hash of the view id (stub.ts) — so no object is hot,
 * and every beacon of one view reaches the same object, which keeps the view's
 * state. A thin front over two stores:
 * - view-store.ts: raw per-view rows (state, beacons), deleted after 24 h;
 * - rollup-store.ts: minute rollups waiting for D1;
 * - row-store.ts: home-row click-through sums waiting for D1 (batches sharded by their id).
 * Its alarm flushes the rollups to D1 at most FLUSH_MS after they change,
 * closes silent views (their outcome counted) and deletes expired raw rows.
 */
import { DurableObject } from "cloudflare:workers";
import type { HomeRowBatch } from "../../common/home-rows.ts";
import { QOE_MAX_VIEW_MS, type QoeBeacon, type QoeEvent } from "../../common/qoe.ts";
import { database } from "../db/client.ts";
import { addHomeRowDays, deleteHomeRowDaysBefore } from "../db/home-rows.ts";
import { addRollups, deleteRollupsBefore } from "../db/qoe.ts";
import { BatchLedger } from "../lib/batch-ledger.ts";
import { isDevelopment } from "../lib/environment.ts";
import { storageIsEmpty } from "../lib/sql-store.ts";
import { epochDay, rowIncrements } from "./home-rows.ts";
import { RollupStore } from "./rollup-store.ts";
import { ROW_BATCH_RETENTION_MS, RowStore } from "./row-store.ts";
import { RAW_RETENTION_MS, ViewStore } from "./view-store.ts";
import { applyEvents, closeView, newView, VIEW_IDLE_CLOSE_MS, type ViewInit, type ViewState } from "./view-model.ts";

/** Rollups reach D1 at most this long after they change (the console's live view is at most a minute behind). */
export const FLUSH_MS = 20_000;
/**
 * The flush delay: FLUSH_MS, or `QOE_FLUSH_SECONDS` (1–20) in local development only, so the
 * browser suite sees its beacons on the console in seconds; a deployed Worker ignores the var.
 */
export function flushMs(env: Env): number {
  const n = Number((env as { QOE_FLUSH_SECONDS?: string }).QOE_FLUSH_SECONDS);
  return isDevelopment(env) && Number.isInteger(n) && n >= 1 && n * 1000 <= FLUSH_MS ? n * 1000 : FLUSH_MS;
}

/** Minute rollups are kept 13 calendar months. */
export const ROLLUP_RETENTION_MONTHS = 13;

/** The first epoch minute still kept at `nowMs`. */
export function rollupRetentionStart(nowMs: number): number {
  const d = new Date(nowMs);
  d.setUTCMonth(d.getUTCMonth() - ROLLUP_RETENTION_MONTHS);
  return Math.floor(d.getTime() / 60_000);
}

/** After a failed flush, the alarm retries after this long. */
const FLUSH_RETRY_MS = 30_000;

/** The edge's facts about a beacon, never stored beyond the country. */
export interface BeaconContext {
  country: string;
  nowMs: number;
}

export class QoeShard extends DurableObject<Env> {
  private readonly views: ViewStore;
  private readonly rollups: RollupStore;
  private readonly rows: RowStore;
  private readonly rowBatches: BatchLedger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.views = new ViewStore(ctx.storage);
    this.rollups = new RollupStore(ctx.storage);
    this.rows = new RowStore(ctx.storage);
    this.rowBatches = new BatchLedger(ctx.storage, "home_row_batches");
  }

  /** Adds one home-row batch to its day's sums (a repeated batch id is ignored); answers whether it was added. */
  async ingestRows(batch: HomeRowBatch, nowMs: number): Promise<boolean> {
    if (!this.rowBatches.admit(batch.batchId, nowMs)) return false;
    this.rows.add(epochDay(nowMs), rowIncrements(batch));
    await this.scheduleAlarm(nowMs + flushMs(this.env));
    return true;
  }

  /** Applies one beacon of a view (a repeated `seq` is ignored); answers whether it was applied. */
  async ingest(beacon: QoeBeacon, at: BeaconContext): Promise<boolean> {
    if (!this.views.recordBeacon(beacon.viewId, beacon.seq, beacon.events, at.nowMs)) return false;
    const state = this.views.view(beacon.viewId) ?? newView({ titleId: beacon.titleId, country: at.country, device: beacon.device, player: beacon.player });
    await this.apply(beacon.viewId, state, beacon.events, at.nowMs);
    return true;
  }

  /**
   * Applies the events one CMCD-bearing media request stands for (cmcd.ts) to
   * its view, clocked by the server: `t` is the time since the view's first
   * request. No beacon row is kept (there is no sequence to replay).
   */
  async ingestCmcd(viewId: string, init: Omit<ViewInit, "country">, events: Omit<QoeEvent, "t">[], at: BeaconContext): Promise<void> {
    const state = this.views.view(viewId) ?? { ...newView({ ...init, country: at.country }), originMs: at.nowMs };
    const t = Math.min(QOE_MAX_VIEW_MS, Math.max(state.lastT, at.nowMs - (state.originMs ?? at.nowMs)));
    await this.apply(viewId, state, events.map((e) => ({ ...e, t })), at.nowMs);
  }

  private async apply(viewId: string, state: ViewState, events: QoeEvent[], nowMs: number): Promise<void> {
    const increments = applyEvents(state, events);
    this.rollups.add(Math.floor(nowMs / 60_000), increments);
    this.views.save(viewId, state, nowMs);
    await this.scheduleAlarm(nowMs + flushMs(this.env));
  }

  /** Closes silent views, flushes rollups to D1 and deletes expired raw rows. */
  override async alarm(): Promise<void> {
    await this.sweep(Date.now());
  }

  /** The alarm's work at `nowMs` (tests call it directly, with a clock of their own). */
  async sweep(nowMs: number): Promise<void> {
    for (const { viewId, state } of this.views.idle(nowMs - VIEW_IDLE_CLOSE_MS)) {
      this.rollups.add(Math.floor(nowMs / 60_000), closeView(state));
      this.views.markClosed(viewId, state);
    }
    let next: number | null = null;
    if (this.rollups.pending()) {
      const taken = this.rollups.take();
      try {
        await addRollups(database(this.env.DB), taken.cells, taken.buckets);
      } catch (err) {
        console.error("qoe flush failed; retrying", err);
        this.rollups.restore(taken);
        next = nowMs + FLUSH_RETRY_MS;
      }
      // Every flush also ends what is past retention: one indexed range delete (minute leads the key).
      await deleteRollupsBefore(database(this.env.DB), rollupRetentionStart(nowMs)).catch((err) => console.error("qoe retention failed", err));
    }
    if (this.rows.pending()) {
      const cells = this.rows.take();
      try {
        await addHomeRowDays(database(this.env.DB), cells);
      } catch (err) {
        console.error("home-row flush failed; retrying", err);
        this.rows.restore(cells);
        next = nowMs + FLUSH_RETRY_MS;
      }
      // Days are kept as long as the minute rollups (13 months).
      await deleteHomeRowDaysBefore(database(this.env.DB), Math.floor(rollupRetentionStart(nowMs) / 1440)).catch((err) => console.error("home-row retention failed", err));
    }
    const oldestBatch = this.rowBatches.prune(nowMs - ROW_BATCH_RETENTION_MS);
    if (oldestBatch !== null) next = Math.min(next ?? Infinity, oldestBatch + ROW_BATCH_RETENTION_MS + 1000);
    const oldest = this.views.prune(nowMs - RAW_RETENTION_MS);
    if (this.views.anyOpen()) next = Math.min(next ?? Infinity, nowMs + flushMs(this.env));
    if (this.rollups.pending()) next = Math.min(next ?? Infinity, nowMs + flushMs(this.env));
    if (oldest !== null) next = Math.min(next ?? Infinity, oldest + RAW_RETENTION_MS + 1000);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  /** Every stored row (privacy scan, tests). */
  dump() {
    return { ...this.views.dump(), ...this.rollups.dump(), ...this.rows.dump(), rowBatches: this.rowBatches.dump() };
  }

  /** Whether the object stores nothing at all (retention tests). */
  async isEmpty(): Promise<boolean> {
    return storageIsEmpty(this.ctx.storage);
  }

  private async scheduleAlarm(atMs: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) await this.ctx.storage.setAlarm(atMs);
  }
}
