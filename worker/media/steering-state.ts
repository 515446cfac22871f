/**
 * Pathway health for one region (`idFromName(region)`), in a SQLite-backed
 * Durable Object. Why a Durable Object and not KV: demotion counts errors in a
 * window, and KV is eventually consistent with last-writer-wins, so concurrent
 * reports from many players would overwrite each other and a count could never
 * reach its threshold reliably. One object per region is a single writer with
 * exact counters and keeps the load spread by region.
 */
import { DurableObject } from "cloudflare:workers";
import { SqlStore } from "../lib/sql-store.ts";
import { pathways } from "./pathways.ts";
import { emptyHealth, pathwayPriority, recordSample, type PathwaySample, type SteeringHealth } from "./steering-policy.ts";

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
  /** Read from storage on first use in this instance (SQLite reads are synchronous: no request can interleave). */
  private cached: SteeringHealth | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HealthStore(ctx.storage);
  }

  private get health(): SteeringHealth {
    return (this.cached ??= this.store.load());
  }

  /** Records player reports and returns this region's pathway priority (the reports are already counted in it). */
  observe(samples: PathwaySample[]): string[] {
    const ids = pathways(this.env).map((p) => p.id);
    const nowMs = Date.now();
    const health = this.health;
    for (const sample of samples.slice(0, 500)) recordSample(health, ids, sample, nowMs);
    const priority = pathwayPriority(health, ids, nowMs);
    this.store.save(health);
    return priority;
  }

  /** The raw health state, for the development diagnostics route. */
  snapshot(): SteeringHealth {
    return this.health;
  }
}
