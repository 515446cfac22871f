/**
 * Pathway health for one region (`idFromName(region)`), in a SQLite-backed
 * Durable Object. Why a Durable Object and not KV: demotion counts errors in a
 * window, and KV is eventually consistent with last-writer-wins, so concurrent
 * reports from many players would overwrite each other and a count could never
 * reach its threshold reliably. One object per region is a single writer with
 * exact counters and keeps the load spread by region.
 */
import { DurableObject } from "cloudflare:workers";
import { pathways } from "./pathways.ts";
import { emptyHealth, pathwayPriority, recordSample, type PathwaySample, type SteeringHealth } from "./steering-policy.ts";

/** One region's pathway health: player reports in, PATHWAY-PRIORITY out. */
export class SteeringState extends DurableObject<Env> {
  private health: SteeringHealth = emptyHealth();
  private savedJson = "";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)");
      const row = ctx.storage.sql.exec<{ json: string }>("SELECT json FROM health WHERE id = 1").toArray()[0];
      if (row) {
        this.health = JSON.parse(row.json) as SteeringHealth;
        this.savedJson = row.json;
      }
    });
  }

  /** Records player reports and returns this region's pathway priority (the reports are already counted in it). */
  observe(samples: PathwaySample[]): string[] {
    const ids = pathways(this.env).map((p) => p.id);
    const nowMs = Date.now();
    for (const sample of samples.slice(0, 500)) recordSample(this.health, ids, sample, nowMs);
    const priority = pathwayPriority(this.health, ids, nowMs);
    const json = JSON.stringify(this.health);
    if (json !== this.savedJson) {
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO health (id, json) VALUES (1, ?)", json);
      this.savedJson = json;
    }
    return priority;
  }

  /** The raw health state, for the development diagnostics route. */
  snapshot(): SteeringHealth {
    return this.health;
  }
}
