/**
 * The D1 side of QoE: the shards' minute rollups added in (additive upserts,
 * so any shard may flush any cell at any time), the console's reads over them,
 * retention, QoE opt-outs and operator accounts.
 */
import { and, eq, gte, like, lt, notLike, sql, type SQL } from "drizzle-orm";
import { QOE_LIVE_SUFFIX, QOE_MIN_CELL_VIEWS, type QoeStream } from "../../common/qoe.ts";
import { QOE_COUNTERS, zeroCounters, type CellDims, type Counters } from "../qoe/view-model.ts";
import { runBatch, type Db } from "./client.ts";
import { accounts, operators, qoeHours, qoeMinutes, qoeOptOuts, qoeStartupHistogram, qoeStartupHours, titles } from "./schema.ts";

/**
 * The time grain a read uses: minute rollups, or the same summed per hour
 * (written together in addRollups) for ranges counted in hours.
 */
export type QoeGrain = "minute" | "hour";
const TABLES = {
  minute: { counters: qoeMinutes, histogram: qoeStartupHistogram },
  hour: { counters: qoeHours, histogram: qoeStartupHours },
} as const;
type CounterTable = typeof qoeMinutes | typeof qoeHours;
type HistogramTable = typeof qoeStartupHistogram | typeof qoeStartupHours;

/** One flushed cell: its minute, dims and summed counters. */
export interface RollupRow extends CellDims {
  minute: number;
  counters: Counters;
}
/** One flushed histogram bucket of a cell. */
export interface HistogramRow extends CellDims {
  minute: number;
  bucket: number;
  count: number;
}

/** Rows per INSERT: D1 binds at most 100 parameters per statement. */
const CELLS_PER_STATEMENT = 5;
const BUCKETS_PER_STATEMENT = 10;

const dimTarget = (t: CounterTable | HistogramTable) => [t.minute, t.titleId, t.rendition, t.pathway, t.country, t.device, t.player];

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Adds rollup cells and histogram buckets into D1, per minute and per hour
 * (the hour's first minute; cells of one hour add up through the upsert), all
 * in one batch (one transaction).
 */
export async function addRollups(db: Db, cells: RollupRow[], buckets: HistogramRow[]): Promise<void> {
  const statements: SQL[] = [];
  for (const grain of ["minute", "hour"] as const) {
    const { counters: t, histogram: h } = TABLES[grain];
    const at = (minute: number) => (grain === "hour" ? minute - (minute % 60) : minute);
    const addCounters = Object.fromEntries(QOE_COUNTERS.map((k) => [k, sql.raw(`"${t[k].name}" + excluded."${t[k].name}"`)]));
    for (const chunk of chunks(cells, CELLS_PER_STATEMENT)) {
      const q = db
        .insert(t)
        .values(chunk.map(({ counters, minute, ...dims }) => ({ ...dims, minute: at(minute), ...counters })))
        .onConflictDoUpdate({ target: dimTarget(t), set: addCounters });
      statements.push(q.getSQL());
    }
    for (const chunk of chunks(buckets, BUCKETS_PER_STATEMENT)) {
      const q = db
        .insert(h)
        .values(chunk.map((b) => ({ ...b, minute: at(b.minute) })))
        .onConflictDoUpdate({ target: [...dimTarget(h), h.bucket], set: { count: sql.raw(`"count" + excluded."count"`) } });
      statements.push(q.getSQL());
    }
  }
  await runBatch(db, statements);
}

/** What the console filters on; absent = all. */
export interface QoeFilter {
  titleId?: number;
  pathway?: string;
  country?: string;
  device?: string;
  player?: string;
  /** Live views only, or VOD only (common/qoe.ts QOE_LIVE_SUFFIX). */
  stream?: QoeStream;
}

function where(fromMinute: number, toMinute: number, f: QoeFilter, t: CounterTable | HistogramTable): SQL {
  return and(
    gte(t.minute, fromMinute),
    lt(t.minute, toMinute),
    f.titleId === undefined ? undefined : eq(t.titleId, f.titleId),
    f.pathway === undefined ? undefined : eq(t.pathway, f.pathway),
    f.country === undefined ? undefined : eq(t.country, f.country),
    f.device === undefined ? undefined : eq(t.device, f.device),
    f.player === undefined ? undefined : eq(t.player, f.player),
    f.stream === undefined ? undefined : f.stream === "live" ? like(t.player, `%${QOE_LIVE_SUFFIX}`) : notLike(t.player, `%${QOE_LIVE_SUFFIX}`),
  )!;
}

const sums = (t: CounterTable) => Object.fromEntries(QOE_COUNTERS.map((k) => [k, sql<number>`coalesce(sum(${t[k]}), 0)`])) as Record<keyof Counters, SQL<number>>;

function countersOf(row: Record<string, unknown>): Counters {
  const c = zeroCounters();
  for (const k of QOE_COUNTERS) c[k] = Number(row[k] ?? 0);
  return c;
}

/** Summed counters per time step ([from, to) in epoch minutes, `stepMinutes` wide), oldest first; steps with no data are absent. */
export async function countersByStep(db: Db, fromMinute: number, toMinute: number, stepMinutes: number, f: QoeFilter, grain: QoeGrain = "minute"): Promise<{ step: number; counters: Counters }[]> {
  const t = TABLES[grain].counters;
  const step = sql<number>`(${t.minute} - ${fromMinute}) / ${stepMinutes}`;
  const rows = await db
    .select({ step, ...sums(t) })
    .from(t)
    .where(where(fromMinute, toMinute, f, t))
    .groupBy(step)
    .orderBy(step)
    .all();
  return rows.map((r) => ({ step: Number(r.step), counters: countersOf(r) }));
}

/** Startup histograms per time step, as bucket → count maps. */
export async function startupByStep(db: Db, fromMinute: number, toMinute: number, stepMinutes: number, f: QoeFilter, grain: QoeGrain = "minute"): Promise<Map<number, Map<number, number>>> {
  const t = TABLES[grain].histogram;
  const step = sql<number>`(${t.minute} - ${fromMinute}) / ${stepMinutes}`;
  const rows = await db
    .select({ step, bucket: t.bucket, n: sql<number>`sum(${t.count})` })
    .from(t)
    .where(where(fromMinute, toMinute, f, t))
    .groupBy(step, t.bucket)
    .all();
  const out = new Map<number, Map<number, number>>();
  for (const r of rows) {
    const m = out.get(Number(r.step)) ?? new Map<number, number>();
    m.set(r.bucket, Number(r.n));
    out.set(Number(r.step), m);
  }
  return out;
}

/** A dimension the console breaks down by. */
export type QoeDimension = "titleId" | "pathway" | "country" | "device" | "player" | "rendition";

/**
 * Summed counters per value of one dimension, most views first, only values
 * with at least QOE_MIN_CELL_VIEWS views (smaller groups are not shown).
 */
export async function countersBy(db: Db, dim: QoeDimension, fromMinute: number, toMinute: number, f: QoeFilter, limit: number, grain: QoeGrain = "minute"): Promise<{ value: string | number; counters: Counters }[]> {
  const t = TABLES[grain].counters;
  const col = t[dim];
  const rows = await db
    .select({ value: col, ...sums(t) })
    .from(t)
    .where(where(fromMinute, toMinute, f, t))
    .groupBy(col)
    .having(sql`sum(${t.views}) >= ${QOE_MIN_CELL_VIEWS}`)
    .orderBy(sql`sum(${t.views}) DESC`)
    .limit(limit)
    .all();
  return rows.map((r) => ({ value: r.value, counters: countersOf(r) }));
}

/** Summed counters per country and pathway over [from, to) minutes, groups of at least `minViews` views (QoE → steering). */
export async function countersByCountryPathway(db: Db, fromMinute: number, toMinute: number, minViews: number, limit: number): Promise<{ country: string; pathway: string; counters: Counters }[]> {
  const t = qoeMinutes;
  const rows = await db
    .select({ country: t.country, pathway: t.pathway, ...sums(t) })
    .from(t)
    .where(where(fromMinute, toMinute, {}, t))
    .groupBy(t.country, t.pathway)
    .having(sql`sum(${t.views}) >= ${Math.max(minViews, QOE_MIN_CELL_VIEWS)}`)
    .limit(limit)
    .all();
  return rows.map((r) => ({ country: r.country, pathway: r.pathway, counters: countersOf(r) }));
}

/** Startup histogram per value of one dimension. */
export async function startupBy(db: Db, dim: QoeDimension, fromMinute: number, toMinute: number, f: QoeFilter, grain: QoeGrain = "minute"): Promise<Map<string | number, Map<number, number>>> {
  const t = TABLES[grain].histogram;
  const col = t[dim];
  const rows = await db
    .select({ value: col, bucket: t.bucket, n: sql<number>`sum(${t.count})` })
    .from(t)
    .where(where(fromMinute, toMinute, f, t))
    .groupBy(col, t.bucket)
    .all();
  const out = new Map<string | number, Map<number, number>>();
  for (const r of rows) {
    const m = out.get(r.value) ?? new Map<number, number>();
    m.set(r.bucket, Number(r.n));
    out.set(r.value, m);
  }
  return out;
}

/** Deletes rollups older than `beforeMinute`, minutes and hours alike (retention: 13 months). */
export async function deleteRollupsBefore(db: Db, beforeMinute: number): Promise<void> {
  const tables = Object.values(TABLES).flatMap(({ counters, histogram }) => [counters, histogram]);
  await runBatch(db, tables.map((t) => sql`DELETE FROM ${t} WHERE ${t.minute} < ${beforeMinute}`));
}

/** Whether the account opted out of QoE collection. */
export async function qoeOptedOut(db: Db, accountId: string): Promise<boolean> {
  const row = await db.select({ a: qoeOptOuts.accountId }).from(qoeOptOuts).where(eq(qoeOptOuts.accountId, accountId)).get();
  return row !== undefined;
}

/** Records the account's choice (opted out, or back in). */
export async function setQoeOptOut(db: Db, accountId: string, optOut: boolean, nowMs: number): Promise<void> {
  if (optOut) await db.insert(qoeOptOuts).values({ accountId, optedOutAt: nowMs }).onConflictDoNothing().run();
  else await db.delete(qoeOptOuts).where(eq(qoeOptOuts.accountId, accountId)).run();
}

/** Whether the account is an operator (may open the console). */
export async function isOperator(db: Db, accountId: string): Promise<boolean> {
  const row = await db.select({ a: operators.accountId }).from(operators).where(eq(operators.accountId, accountId)).get();
  return row !== undefined;
}

/** Grants the operator role to the account with this e-mail; false when there is no such account. */
export async function grantOperator(db: Db, email: string, nowMs: number): Promise<boolean> {
  const account = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, email.trim().toLowerCase())).get();
  if (!account) return false;
  await db.insert(operators).values({ accountId: account.id, grantedAt: nowMs }).onConflictDoNothing().run();
  return true;
}
