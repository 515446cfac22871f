/**
 * Viewing signals into D1 statistics, and the readers the home engine needs.
 *
 * The statistics shards (worker/stats/) call recordStatistics from their
 * minute alarm with everything their accounts' objects sent them since the last
 * one, summed per day where sums are enough (summarizeSignals). A call costs one
 * read statement and, in one D1 batch (one transaction), ⌈rows / BULK_ROWS⌉
 * upserts per table plus one prune:
 * - title_stats_daily: one row per (title, country, UTC day), views and
 *   completions pre-aggregated in the Worker, added with ON CONFLICT;
 * - co_watch: pairs counted by cowatch.ts's rule (a title new to a profile's
 *   recent window pairs with the at most RECENT_TITLES titles in it), so a
 *   batch of N events writes at most N · (RECENT_TITLES + 1) pair rows;
 * - profile_recent_titles: the window itself, pruned to RECENT_TITLES per profile.
 * Rows travel as one JSON parameter per statement (worker/db/bulk.ts), far under
 * D1's 100-bound-parameter limit. Events for titles or profiles that no longer
 * exist are skipped, so one deleted profile cannot fail a whole batch. A "view"
 * should be one per viewing session (ViewerState's NEW_VIEW_GAP_MS), not one per
 * progress report.
 */
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { bulkInsertStatements } from "../db/bulk.ts";
import { runBatch, type Db } from "../db/client.ts";
import { coWatch, profileRecentTitles, titleStatsDaily } from "../db/schema.ts";
import { applyView, emptyCoWatch, RECENT_TITLES, setCoView, type CoWatchCounts } from "./cowatch.ts";
import type { ScoredTitle } from "./types.ts";

export interface SignalEvent {
  profileId: string;
  titleId: number;
  country: string;
  kind: "view" | "complete";
  atMs: number;
}

const DAY_MS = 86_400_000;
const COUNTRY = /^[A-Z]{2}$/;

/** UTC day number of an instant (days since the epoch). */
export function utcDay(atMs: number): number {
  return Math.floor(atMs / DAY_MS);
}

function isValid(e: SignalEvent): boolean {
  return (
    typeof e.profileId === "string" && e.profileId.length > 0 && Number.isSafeInteger(e.titleId) && e.titleId > 0 &&
    Number.isFinite(e.atMs) && (e.kind === "view" || e.kind === "complete")
  );
}

/**
 * Upserts rows with bulk.ts's `INSERT … SELECT … FROM json_each(?)`; SQLite wants
 * a WHERE before an upsert's ON CONFLICT when the rows come from a SELECT.
 */
function upsertStatements<T extends SQLiteTable>(table: T, rows: T["$inferInsert"][], target: string, set: string): SQL[] {
  return bulkInsertStatements(table, rows).map((s) => sql`${s} WHERE true ON CONFLICT (${sql.raw(target)}) DO UPDATE SET ${sql.raw(set)}`);
}

/** Which of the batch's profiles and titles exist, and the profiles' recent windows (oldest first). */
async function readBatchState(db: Db, profileIds: string[], titleIds: number[]) {
  const rows = await db.all<{ k: "p" | "t"; profile_id: string | null; title_id: number | null }>(sql`
    SELECT 'p' AS k, p.id AS profile_id, r.title_id AS title_id, r.last_at AS last_at
    FROM json_each(${JSON.stringify(profileIds)}) j
    JOIN profiles p ON p.id = j.value
    LEFT JOIN ${profileRecentTitles} r ON r.profile_id = p.id
    UNION ALL
    SELECT 't', NULL, t.id, NULL FROM json_each(${JSON.stringify(titleIds)}) j JOIN titles t ON t.id = j.value
    ORDER BY 1, 2, 4, 3`);
  const recent = new Map<string, number[]>();
  const titleExists = new Set<number>();
  for (const r of rows) {
    if (r.k === "t") titleExists.add(r.title_id!);
    else {
      const list = recent.get(r.profile_id!) ?? [];
      if (r.title_id !== null) list.push(r.title_id);
      recent.set(r.profile_id!, list);
    }
  }
  return { recent, titleExists };
}

/** One (title, country, UTC day) cell of views and completions. */
export interface DailyCount {
  titleId: number;
  country: string;
  day: number;
  views: number;
  completions: number;
}

/** A profile watched (viewed or finished) a title: what co-watching counts, in time order. */
export interface Watched {
  profileId: string;
  titleId: number;
  atMs: number;
}

/**
 * A batch of signals in the form the sink writes: the day cells summed (they
 * only ever add up, so a shard can keep adding to them), and the watch events
 * kept one by one (co-watching depends on their order and on each profile's
 * window in D1, so it is worked out only when they are written).
 */
export interface StatisticsBatch {
  daily: DailyCount[];
  watched: Watched[];
}

/** Sums valid events into day cells (an unknown country counts as "ZZ") and keeps their watch events. */
export function summarizeSignals(events: SignalEvent[]): StatisticsBatch {
  const valid = events.filter(isValid);
  const daily = new Map<string, DailyCount>();
  for (const e of valid) {
    const country = COUNTRY.test(e.country) ? e.country : "ZZ";
    const day = utcDay(e.atMs);
    const key = `${e.titleId}|${country}|${day}`;
    const row = daily.get(key) ?? { titleId: e.titleId, country, day, views: 0, completions: 0 };
    if (e.kind === "view") row.views++;
    else row.completions++;
    daily.set(key, row);
  }
  return { daily: [...daily.values()], watched: valid.map((e) => ({ profileId: e.profileId, titleId: e.titleId, atMs: e.atMs })) };
}

/** Writes a batch of views and completions into the statistics (see the module comment for the statement bound). */
export async function recordSignals(db: Db, events: SignalEvent[]): Promise<void> {
  await recordStatistics(db, summarizeSignals(events));
}

/** Writes summed day cells and watch events (from summarizeSignals, possibly added up over many batches). */
export async function recordStatistics(db: Db, batch: StatisticsBatch): Promise<void> {
  if (batch.daily.length === 0 && batch.watched.length === 0) return;
  const titleIds = [...new Set([...batch.daily.map((d) => d.titleId), ...batch.watched.map((w) => w.titleId)])];
  const state = await readBatchState(db, [...new Set(batch.watched.map((e) => e.profileId))], titleIds);
  const daily = batch.daily.filter((d) => state.titleExists.has(d.titleId));
  const known = batch.watched.filter((e) => state.titleExists.has(e.titleId));

  // Co-watching, per profile in time order (a completion without a view still counts as having watched).
  const pairs = new Map<string, { titleA: number; titleB: number; count: number }>();
  const addPair = (a: number, b: number) => {
    const [x, y] = a <= b ? [a, b] : [b, a];
    const key = `${x}|${y}`;
    const p = pairs.get(key) ?? { titleA: x, titleB: y, count: 0 };
    p.count++;
    pairs.set(key, p);
  };
  const lastAt = new Map<string, { profileId: string; titleId: number; lastAt: number }>();
  const ordered = known.filter((e) => state.recent.has(e.profileId)).sort((a, b) => a.atMs - b.atMs || a.titleId - b.titleId);
  for (const e of ordered) {
    const step = applyView(state.recent.get(e.profileId)!, e.titleId, RECENT_TITLES);
    state.recent.set(e.profileId, step.recent);
    if (step.isNew) {
      addPair(e.titleId, e.titleId);
      for (const other of step.pairedWith) addPair(e.titleId, other);
    }
    const key = `${e.profileId}|${e.titleId}`;
    lastAt.set(key, { profileId: e.profileId, titleId: e.titleId, lastAt: Math.max(e.atMs, lastAt.get(key)?.lastAt ?? -Infinity) });
  }

  const profileIds = [...new Set(ordered.map((e) => e.profileId))];
  await runBatch(db, [
    ...upsertStatements(titleStatsDaily, daily, "title_id, country, day",
      "views = views + excluded.views, completions = completions + excluded.completions"),
    ...upsertStatements(coWatch, [...pairs.values()], "title_a, title_b", "count = count + excluded.count"),
    ...upsertStatements(profileRecentTitles, [...lastAt.values()], "profile_id, title_id", "last_at = max(last_at, excluded.last_at)"),
    ...(profileIds.length === 0 ? [] : [sql`
      DELETE FROM ${profileRecentTitles} WHERE rowid IN (
        SELECT rowid FROM (
          SELECT rowid, row_number() OVER (PARTITION BY profile_id ORDER BY last_at DESC, title_id DESC) AS n
          FROM ${profileRecentTitles} WHERE profile_id IN (SELECT value FROM json_each(${JSON.stringify(profileIds)}))
        ) WHERE n > ${RECENT_TITLES})`]),
  ]);
}

export interface TrendingQuery {
  /** ISO country, or null for every country together. */
  country: string | null;
  nowMs: number;
  /** Days looked back, today included. */
  days?: number;
  /** A day's views count half after this many days. */
  halfLifeDays?: number;
  limit?: number;
}

/** "Trending now": views over the last `days` days, each day's weighted by 0.5^(age / halfLifeDays), best first. */
export async function readTrending(db: Db, q: TrendingQuery): Promise<ScoredTitle[]> {
  const days = q.days ?? 14;
  const halfLife = q.halfLifeDays ?? 2;
  const weights = Array.from({ length: days }, (_, age) => 0.5 ** (age / halfLife));
  const today = utcDay(q.nowMs);
  return db.all<ScoredTitle>(sql`
    SELECT s.title_id AS titleId, sum(s.views * w.value) AS score
    FROM ${titleStatsDaily} s JOIN json_each(${JSON.stringify(weights)}) w ON w.key = ${today} - s.day
    WHERE s.day > ${today - days} AND s.day <= ${today} ${q.country === null ? sql`` : sql`AND s.country = ${q.country}`}
    GROUP BY s.title_id HAVING score > 0
    ORDER BY score DESC, s.title_id LIMIT ${q.limit ?? 60}`);
}

/** "Top 10": plain views over the last `days` days (today included), most first. */
export async function readTopTitles(db: Db, q: { country: string | null; nowMs: number; days?: number; limit?: number }): Promise<ScoredTitle[]> {
  const today = utcDay(q.nowMs);
  return db.all<ScoredTitle>(sql`
    SELECT title_id AS titleId, sum(views) AS score FROM ${titleStatsDaily}
    WHERE day > ${today - (q.days ?? 7)} AND day <= ${today} ${q.country === null ? sql`` : sql`AND country = ${q.country}`}
    GROUP BY title_id HAVING score > 0
    ORDER BY score DESC, title_id LIMIT ${q.limit ?? 30}`);
}

/**
 * Co-watch counts around `titleIds`: each one's `perTitle` most co-viewed titles
 * with the pair counts, and the distinct viewers of all of them (for the shrunk cosine).
 */
export async function readCoWatch(db: Db, titleIds: number[], perTitle = 100): Promise<CoWatchCounts> {
  const counts = emptyCoWatch();
  if (titleIds.length === 0) return counts;
  const rows = await db.all<{ seed: number; other: number; n: number; viewers: number | null }>(sql`
    WITH seeds(id) AS (SELECT DISTINCT value FROM json_each(${JSON.stringify(titleIds)})),
    links(seed, other, n) AS (
      SELECT c.title_a, c.title_b, c.count FROM ${coWatch} c WHERE c.title_a IN (SELECT id FROM seeds) AND c.title_b <> c.title_a
      UNION ALL
      SELECT c.title_b, c.title_a, c.count FROM ${coWatch} c WHERE c.title_b IN (SELECT id FROM seeds) AND c.title_a <> c.title_b
    ),
    ranked AS (SELECT seed, other, n, row_number() OVER (PARTITION BY seed ORDER BY n DESC, other) AS rank FROM links)
    SELECT r.seed AS seed, r.other AS other, r.n AS n, d.count AS viewers
    FROM ranked r LEFT JOIN ${coWatch} d ON d.title_a = r.other AND d.title_b = r.other
    WHERE r.rank <= ${perTitle}
    UNION ALL
    SELECT d.title_a, d.title_a, d.count, d.count FROM ${coWatch} d WHERE d.title_a IN (SELECT id FROM seeds) AND d.title_b = d.title_a`);
  for (const r of rows) {
    if (r.seed === r.other) counts.viewers.set(r.seed, r.n);
    else {
      setCoView(counts, r.seed, r.other, r.n);
      if (r.viewers !== null) counts.viewers.set(r.other, r.viewers);
    }
  }
  return counts;
}
