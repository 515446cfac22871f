/**
 * The D1 side of QoE: the shards' minute rollups added in (additive upserts,
 * so any shard may flush any cell at any time), the console's reads over them,
 * retention, QoE opt-outs and operator accounts.
 */
import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { QOE_MIN_CELL_VIEWS } from "../../common/qoe.ts";
import { QOE_COUNTERS, zeroCounters, type CellDims, type Counters } from "../qoe/view-model.ts";
import { runBatch, type Db } from "./client.ts";
import { accounts, operators, qoeMinutes, qoeOptOuts, qoeStartupHistogram, titles } from "./schema.ts";

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

const COUNTER_COLUMNS = {
  views: qoeMinutes.views,
  started: qoeMinutes.started,
  startupMs: qoeMinutes.startupMs,
  failed: qoeMinutes.failed,
  exitsBeforeStart: qoeMinutes.exitsBeforeStart,
  completed: qoeMinutes.completed,
  stalls: qoeMinutes.stalls,
  watchMs: qoeMinutes.watchMs,
  rebufferMs: qoeMinutes.rebufferMs,
  playingMs: qoeMinutes.playingMs,
  ratedMs: qoeMinutes.ratedMs,
  kbpsMs: qoeMinutes.kbpsMs,
  errors: qoeMinutes.errors,
} satisfies Record<(typeof QOE_COUNTERS)[number], unknown>;

const DIM_TARGET = [qoeMinutes.minute, qoeMinutes.titleId, qoeMinutes.rendition, qoeMinutes.pathway, qoeMinutes.country, qoeMinutes.device, qoeMinutes.player];

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Adds rollup cells and histogram buckets into D1, all in one batch (one transaction). */
export async function addRollups(db: Db, cells: RollupRow[], buckets: HistogramRow[]): Promise<void> {
  const statements: SQL[] = [];
  const addCounters = Object.fromEntries(QOE_COUNTERS.map((k) => [k, sql.raw(`"${COUNTER_COLUMNS[k].name}" + excluded."${COUNTER_COLUMNS[k].name}"`)]));
  for (const chunk of chunks(cells, CELLS_PER_STATEMENT)) {
    const q = db
      .insert(qoeMinutes)
      .values(chunk.map(({ counters, ...dims }) => ({ ...dims, ...counters })))
      .onConflictDoUpdate({ target: DIM_TARGET, set: addCounters });
    statements.push(q.getSQL());
  }
  for (const chunk of chunks(buckets, BUCKETS_PER_STATEMENT)) {
    const q = db
      .insert(qoeStartupHistogram)
      .values(chunk)
      .onConflictDoUpdate({
        target: [qoeStartupHistogram.minute, qoeStartupHistogram.titleId, qoeStartupHistogram.rendition, qoeStartupHistogram.pathway, qoeStartupHistogram.country, qoeStartupHistogram.device, qoeStartupHistogram.player, qoeStartupHistogram.bucket],
        set: { count: sql.raw(`"count" + excluded."count"`) },
      });
    statements.push(q.getSQL());
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
}

function where(fromMinute: number, toMinute: number, f: QoeFilter, t: typeof qoeMinutes | typeof qoeStartupHistogram): SQL {
  return and(
    gte(t.minute, fromMinute),
    lt(t.minute, toMinute),
    f.titleId === undefined ? undefined : eq(t.titleId, f.titleId),
    f.pathway === undefined ? undefined : eq(t.pathway, f.pathway),
    f.country === undefined ? undefined : eq(t.country, f.country),
    f.device === undefined ? undefined : eq(t.device, f.device),
    f.player === undefined ? undefined : eq(t.player, f.player),
  )!;
}

const sums = Object.fromEntries(QOE_COUNTERS.map((k) => [k, sql<number>`coalesce(sum(${COUNTER_COLUMNS[k]}), 0)`])) as Record<keyof Counters, SQL<number>>;

function countersOf(row: Record<string, unknown>): Counters {
  const c = zeroCounters();
  for (const k of QOE_COUNTERS) c[k] = Number(row[k] ?? 0);
  return c;
}

/** Summed counters per time step ([from, to) in epoch minutes, `stepMinutes` wide), oldest first; steps with no data are absent. */
export async function countersByStep(db: Db, fromMinute: number, toMinute: number, stepMinutes: number, f: QoeFilter): Promise<{ step: number; counters: Counters }[]> {
  const step = sql<number>`(${qoeMinutes.minute} - ${fromMinute}) / ${stepMinutes}`;
  const rows = await db
    .select({ step, ...sums })
    .from(qoeMinutes)
    .where(where(fromMinute, toMinute, f, qoeMinutes))
    .groupBy(step)
    .orderBy(step)
    .all();
  return rows.map((r) => ({ step: Number(r.step), counters: countersOf(r) }));
}

/** Startup histograms per time step, as bucket → count maps. */
export async function startupByStep(db: Db, fromMinute: number, toMinute: number, stepMinutes: number, f: QoeFilter): Promise<Map<number, Map<number, number>>> {
  const t = qoeStartupHistogram;
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
export async function countersBy(db: Db, dim: QoeDimension, fromMinute: number, toMinute: number, f: QoeFilter, limit: number): Promise<{ value: string | number; counters: Counters }[]> {
  const col = qoeMinutes[dim];
  const rows = await db
    .select({ value: col, ...sums })
    .from(qoeMinutes)
    .where(where(fromMinute, toMinute, f, qoeMinutes))
    .groupBy(col)
    .having(sql`sum(${qoeMinutes.views}) >= ${QOE_MIN_CELL_VIEWS}`)
    .orderBy(sql`sum(${qoeMinutes.views}) DESC`)
    .limit(limit)
    .all();
  return rows.map((r) => ({ value: r.value, counters: countersOf(r) }));
}

/** Startup histogram per value of one dimension. */
export async function startupBy(db: Db, dim: QoeDimension, fromMinute: number, toMinute: number, f: QoeFilter): Promise<Map<string | number, Map<number, number>>> {
  const t = qoeStartupHistogram;
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

/** Deletes rollups older than `beforeMinute` (retention: 13 months). */
export async function deleteRollupsBefore(db: Db, beforeMinute: number): Promise<void> {
  await runBatch(db, [
    sql`DELETE FROM ${qoeMinutes} WHERE ${qoeMinutes.minute} < ${beforeMinute}`,
    sql`DELETE FROM ${qoeStartupHistogram} WHERE ${qoeStartupHistogram.minute} < ${beforeMinute}`,
  ]);
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

/** Title names by id (the console's top and failing titles); ids without a title are absent. */
export async function titleNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: titles.id, title: titles.title })
    .from(titles)
    .where(sql`${titles.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
    .all();
  return new Map(rows.map((r) => [r.id, r.title]));
}

/** Grants the operator role to the account with this e-mail; false when there is no such account. */
export async function grantOperator(db: Db, email: string, nowMs: number): Promise<boolean> {
  const account = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, email.trim().toLowerCase())).get();
  if (!account) return false;
  await db.insert(operators).values({ accountId: account.id, grantedAt: nowMs }).onConflictDoNothing().run();
  return true;
}
