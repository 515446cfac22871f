/**
 * Steering for one region, in SQLite-backed Durable Objects of one class whose
 * name says the role (steering-shards.ts, docs/SCALING.md §6.5):
 *
 * - The **leader** (`idFromName(region)`) holds the pathway health. Why a
 *   Durable Object and not KV: demotion counts errors in a window, and KV is
 *   eventually consistent with last-writer-wins, so concurrent reports would
 *   overwrite each other and a count could never reach its threshold reliably.
 *   It hears only the region's report shards (a merge each about once a second)
 *   and the QoE cron, and pushes every new priority to the read copies.
 * - A **read copy** answers the isolates' priority reads (each at most once a
 *   second) from the last push; one that has none, or none for a minute, asks
 *   the leader itself (a push lost to a failure heals without a change).
 * - A **report shard** collects the isolates' batches (samples reduced in
 *   memory, served marks in storage: steering-reports.ts) and merges them into
 *   the leader from its alarm, a second after the first.
 *
 * A report counts only when media was served to its playback session: the
 * media route marks a session when it serves it a segment (ServedStore, at the
 * leader, reached through the shards like the reports), and reports of
 * sessions never served — accounts that only asked for a token to report
 * with — are dropped by the leader, before the policy sees them. A merge
 * carries its marks before its reports.
 */
import { DurableObject } from "cloudflare:workers";
import { SqlStore } from "../lib/sql-store.ts";
import { pathways } from "./pathways.ts";
import { PublishedStore, samePriority, type PublishedPriority } from "./steering-copies.ts";
import { reduceSamples, WaitingMarkStore } from "./steering-reports.ts";
import { emptyHealth, pathwayPriority, QUIET_PERIOD_MS, recordQuality, recordSample, type PathwayQuality, type PathwaySample, type SteeringHealth } from "./steering-policy.ts";
import type { ServedMark } from "./steering-ids.ts";
import { readCopyCount, roleOf, steeringCopy, steeringLeader, type SteeringRole } from "./steering-shards.ts";

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

/** How long a report shard collects before it merges into the leader. */
export const MERGE_INTERVAL_MS = 1000;
/** A read copy asks the leader itself when it has heard nothing for this long. */
export const COPY_REFRESH_MS = 60_000;
/** Served marks one merge records at most (a second of a region's new sessions through one shard). */
const MAX_SERVED_PER_MERGE = 5000;
/** Retry delay for a push that did not reach every copy, or a merge the leader refused. */
const RETRY_MS = 1000;

/** One region's steering: the leader (health in, priority out), a read copy or a report shard, by its name. */
export class SteeringState extends DurableObject<Env> {
  private readonly store: HealthStore;
  private readonly served: ServedStore;
  private readonly published: PublishedStore;
  private readonly waitingMarks: WaitingMarkStore;
  /** A report shard's samples waiting for the next merge, reduced as they come (steering-reports.ts). */
  private waitingSamples: PathwaySample[] = [];
  /** Read from storage on first use in this instance (SQLite reads are synchronous: no request can interleave). */
  private cached: SteeringHealth | undefined;
  /** A copy's call to the leader under way, which concurrent reads share. */
  private pulling: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new HealthStore(ctx.storage);
    this.served = new ServedStore(ctx.storage);
    this.published = new PublishedStore(ctx.storage);
    this.waitingMarks = new WaitingMarkStore(ctx.storage);
  }

  private get role(): SteeringRole {
    return roleOf(this.ctx.id.name ?? "");
  }

  private get health(): SteeringHealth {
    return (this.cached ??= this.store.load());
  }

  // ── Leader ──

  /**
   * Leader: records sessions served media, then player reports — only those of
   * served sessions — and returns the region's pathway priority (the reports
   * already counted in it), pushed to the read copies if it changed.
   */
  async observe(samples: PathwaySample[], served: ServedMark[] = []): Promise<string[]> {
    const ids = pathways(this.env).map((p) => p.id);
    const nowMs = Date.now();
    const health = this.health;
    this.served.expire(nowMs);
    this.served.mark(served.slice(0, MAX_SERVED_PER_MERGE));
    for (const sample of samples.slice(0, 500)) if (this.served.served(sample.session, nowMs)) recordSample(health, ids, sample, nowMs);
    return this.decide(ids, nowMs);
  }

  /** Leader: records the region's QoE per pathway (qoe/steering-quality.ts, every minute) and answers the priority it leads to. */
  async noteQuality(quality: Record<string, PathwayQuality>, nowMs: number = Date.now()): Promise<string[]> {
    const ids = pathways(this.env).map((p) => p.id);
    recordQuality(this.health, ids, quality, nowMs);
    return this.decide(ids, nowMs);
  }

  /** Leader: the priority now, with its version (a read copy that has none asks for it). */
  async currentPriority(): Promise<PublishedPriority> {
    const ids = pathways(this.env).map((p) => p.id);
    await this.decide(ids, Date.now());
    const p = this.published.read()!;
    return { priority: p.priority, version: p.version };
  }

  /** The raw health state, for the development diagnostics route. */
  snapshot(): SteeringHealth {
    return this.health;
  }

  /**
   * The priority from the health as it is now: saved with the health, published
   * with a new version when it changed, then pushed to the copies (after the
   * writes: nothing awaited sits between a read and the write it decides). The
   * alarm is set for the moment a demoted pathway may come back, which no
   * report would otherwise trigger.
   */
  private async decide(ids: string[], nowMs: number): Promise<string[]> {
    const health = this.health;
    const priority = pathwayPriority(health, ids, nowMs);
    this.store.save(health);
    const before = this.published.read();
    if (!before || !samePriority(before.priority, priority)) {
      this.published.keep({ priority, version: Math.max(nowMs, (before?.version ?? 0) + 1) }, nowMs);
    }
    const dueMs = Object.values(health.pathways)
      .filter((h) => h.demoted && h.lastErrorMs !== null)
      .map((h) => h.lastErrorMs! + QUIET_PERIOD_MS);
    await this.pushToCopies();
    const pending = this.published.read()!;
    if (!pending.pushed) dueMs.push(nowMs + RETRY_MS);
    if (dueMs.length) await this.alarmAtLatest(Math.min(...dueMs));
    return priority;
  }

  /** Pushes the published priority to every read copy unless they have it; a failed push is retried from the alarm. */
  private async pushToCopies(): Promise<void> {
    const p = this.published.read();
    if (!p || p.pushed) return;
    const { region } = this.role;
    const results = await Promise.allSettled(Array.from({ length: readCopyCount(this.env) }, (_, i) => steeringCopy(this.env, region, i).publish(p.priority, p.version)));
    if (results.every((r) => r.status === "fulfilled")) this.published.markPushed(p.version);
    else console.warn(`steering ${region}: a read copy missed priority version ${p.version}; retrying`);
  }

  /** Sets the alarm to `atMs` unless one is set sooner. */
  private async alarmAtLatest(atMs: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) await this.ctx.storage.setAlarm(atMs);
  }

  // ── Read copy ──

  /** Read copy: keeps a priority the leader published, unless it already has a newer one. */
  publish(priority: string[], version: number): void {
    this.published.keep({ priority, version }, Date.now(), true);
  }

  /** Read copy: the region's priority as last published (asking the leader when it has none, or none lately); null if unknown. */
  async readPriority(): Promise<string[] | null> {
    const p = this.published.read();
    if (p && Date.now() - p.atMs < COPY_REFRESH_MS) return p.priority;
    this.pulling ??= this.pull().finally(() => (this.pulling = null));
    await this.pulling;
    return this.published.read()?.priority ?? null;
  }

  private async pull(): Promise<void> {
    try {
      const p = await steeringLeader(this.env, this.role.region).currentPriority();
      this.published.keep(p, Date.now(), true);
    } catch (err) {
      // The leader is unreachable: the copy answers what it has (or nothing: the caller's configured order).
      console.warn("steering leader unavailable to its read copy:", err instanceof Error ? err.message : err);
    }
  }

  // ── Report shard ──

  /** Report shard: adds an isolate's batch to the next merge, due MERGE_INTERVAL_MS after the first one waiting. */
  async addReports(samples: PathwaySample[], served: ServedMark[]): Promise<void> {
    this.waitingMarks.add(served.slice(0, 500));
    this.waitingSamples = reduceSamples([...this.waitingSamples, ...samples.slice(0, 500)]);
    await this.alarmAtLatest(Date.now() + MERGE_INTERVAL_MS);
  }

  /** Merges what waits into the leader, marks before samples; it stays (and the merge is retried) if that fails. */
  private async merge(): Promise<void> {
    const { marks, lastId } = this.waitingMarks.waiting();
    const samples = this.waitingSamples;
    if (!marks.length && !samples.length) return;
    this.waitingSamples = [];
    try {
      await steeringLeader(this.env, this.role.region).observe(samples, marks);
      this.waitingMarks.drop(lastId);
    } catch (err) {
      // Samples that came in meanwhile are newer: they win over the returned ones.
      this.waitingSamples = reduceSamples([...samples, ...this.waitingSamples]);
      console.warn("steering leader refused a merge; retrying:", err instanceof Error ? err.message : err);
      await this.alarmAtLatest(Date.now() + RETRY_MS);
    }
  }

  /** Leader: re-promotion when its quiet period ends, and pushes that failed; report shard: the merge. */
  override async alarm(): Promise<void> {
    const role = this.role;
    if (role.role === "reports") return this.merge();
    if (role.role === "leader") await this.decide(pathways(this.env).map((p) => p.id), Date.now());
  }
}
