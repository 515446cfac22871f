/**
 * Pathway health for one region (`idFromName(region)`), in a SQLite-backed
 * Durable Object. Why a Durable Object and not KV: demotion counts errors in a
 * window, and KV is eventually consistent with last-writer-wins, so concurrent
 * reports from many players would overwrite each other and a count could never
 * reach its threshold reliably. One object per region is a single writer with
 * exact counters and keeps the load spread by region.
 *
 * A report counts only when media was served to its playback session: the
 * media route marks a session when it serves it a segment (ServedStore), and
 * reports of sessions never served — accounts that only asked for a token to
 * report with — are dropped here, before the policy sees them.
 */
import { DurableObject } from "cloudflare:workers";
import { SqlStore } from "../lib/sql-store.ts";
import { pathways } from "./pathways.ts";
import { emptyHealth, pathwayPriority, recordQuality, recordSample, type PathwayQuality, type PathwaySample, type SteeringHealth } from "./steering-policy.ts";

/** A playback session that was served media, until its token expires. */
export interface ServedMark {
  /** Keyed hash of the session (steering-ids.ts). */
  session: string;
  untilMs: number;
}

/** Sessions served media (keyed hashes only), each until its playback token expires. */
export class ServedStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(
      storage,
      `CREATE TABLE IF NOT EXISTS served (session TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
       CREATE INDEX IF NOT EXISTS served_until ON served (until_ms);`,
    );
  }

  /** Marks sessions as served (a later expiry, from a renewed token, extends the mark). */
  mark(marks: ServedMark[]): void {
    for (const m of marks) {
      this.sql.exec("INSERT INTO served (session, until_ms) VALUES (?, ?) ON CONFLICT DO UPDATE SET until_ms = max(until_ms, excluded.until_ms)", m.session, m.untilMs);
    }
  }

  /** Whether media was served to the session and its token has not expired since. */
  served(session: string, nowMs: number): boolean {
    return this.sql.exec("SELECT 1 FROM served WHERE session = ? AND until_ms > ?", session, nowMs).toArray().length > 0;
  }

  /** Forgets sessions whose tokens expired. */
  expire(nowMs: number): void {
    this.sql.exec("DELETE FROM served WHERE until_ms <= ?", nowMs);
  }
}

/** The region's pathway health as one JSON row, written only when it changed. */
export class HealthStore extends SqlStore {
  private savedJson = "";

  constructor(storage: DurableObjectStorage) {
    super(storage, "CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)");
  }

  /** The stored health, or a fresh one. */
  load(): SteeringHealth {
    const row = this.sql.exec<{ json: string }>("SELECT json FROM health WHERE id = 1").toArray()[0];
    if (!row) return emptyHealth();
    this.savedJson = row.json;
    return JSON.parse(row.json) as SteeringHealth;
  }

  save(health: SteeringHealth): void {
    const json = JSON.stringify(health);
    if (json === this.savedJson) return;
    this.sql.exec("INSERT OR REPLACE INTO health (id, json) VALUES (1, ?)", json);
    this.savedJson = json;
  }
}

/** One region's pathway health: player reports in, PATHWAY-PRIORITY out. */
export class SteeringState extends DurableObject<Env> {
  private readonly store: HealthStore;
  private readonly served: ServedStore;
  /** Read from storage on first use in this instance (SQLite reads are synchronous: no request can interleave). */
  private cached: SteeringHealth | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HealthStore(ctx.storage);
    this.served = new ServedStore(ctx.storage);
  }

  private get health(): SteeringHealth {
    return (this.cached ??= this.store.load());
  }

  /**
   * Records sessions served media, then player reports — only those of served
   * sessions — and returns this region's pathway priority (the reports are
   * already counted in it).
   */
  observe(samples: PathwaySample[], served: ServedMark[] = []): string[] {
    const ids = pathways(this.env).map((p) => p.id);
    const nowMs = Date.now();
    const health = this.health;
    this.served.expire(nowMs);
    this.served.mark(served.slice(0, 500));
    for (const sample of samples.slice(0, 500)) if (this.served.served(sample.session, nowMs)) recordSample(health, ids, sample, nowMs);
    const priority = pathwayPriority(health, ids, nowMs);
    this.store.save(health);
    return priority;
  }

  /** Records the region's QoE per pathway (qoe/steering-quality.ts, every minute) and answers the priority it leads to. */
  noteQuality(quality: Record<string, PathwayQuality>, nowMs: number = Date.now()): string[] {
    const ids = pathways(this.env).map((p) => p.id);
    const health = this.health;
    recordQuality(health, ids, quality, nowMs);
    const priority = pathwayPriority(health, ids, nowMs);
    this.store.save(health);
    return priority;
  }

  /** The raw health state, for the development diagnostics route. */
  snapshot(): SteeringHealth {
    return this.health;
  }
}
