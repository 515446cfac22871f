/**
 * What the operations console reads: metrics over time (the last hour by
 * minute, live, or 30 days by hour), breakdowns by a dimension (top titles,
 * failing titles, pathways, countries, devices, player versions), all with the
 * filters the console offers. Cells and groups with fewer than
 * QOE_MIN_CELL_VIEWS views are not shown: their metrics are null, and
 * breakdowns leave them out.
 */
import { QOE_MIN_CELL_VIEWS } from "../../common/qoe.ts";
import type { Db } from "../db/client.ts";
import { titleNames } from "../db/catalog.ts";
import { countersBy, countersByStep, startupBy, startupByStep, type QoeDimension, type QoeFilter, type QoeGrain } from "../db/qoe.ts";
import { metricsOf, type Metrics } from "./metrics.ts";
import { zeroCounters, type Counters } from "./view-model.ts";

export const CONSOLE_RANGES = {
  /** The last hour by minute: the live view. */
  "1h": { minutes: 60, stepMinutes: 1 },
  /** The last 24 hours by 15 minutes. */
  "24h": { minutes: 24 * 60, stepMinutes: 15 },
  /** The last 30 days by hour. */
  "30d": { minutes: 30 * 24 * 60, stepMinutes: 60 },
} as const;
export type ConsoleRange = keyof typeof CONSOLE_RANGES;

/** A time step's metrics, or only its start when it has too few views to show. */
export type SeriesPoint = { atMs: number } & (Metrics | { views: null });

export interface ConsoleSeries {
  range: ConsoleRange;
  fromMs: number;
  toMs: number;
  stepMs: number;
  /** The whole range's metrics (null when it has fewer than QOE_MIN_CELL_VIEWS views). */
  totals: Metrics | null;
  points: SeriesPoint[];
}

function shown(c: Counters, histogram: ReadonlyMap<number, number> | undefined): Metrics | null {
  return c.views >= QOE_MIN_CELL_VIEWS ? metricsOf(c, histogram ?? new Map()) : null;
}

/**
 * A range's window and grain. Ranges stepped by the hour read the hour rollups
 * (60× fewer rows over 30 days) with steps on hour boundaries; the others read
 * minutes.
 */
function window(range: ConsoleRange, nowMs: number) {
  const { minutes, stepMinutes } = CONSOLE_RANGES[range];
  const grain: QoeGrain = stepMinutes >= 60 ? "hour" : "minute";
  const grainMinutes = grain === "hour" ? 60 : 1;
  // Ends with the current minute (or hour), so the live view includes what was flushed seconds ago.
  const toMinute = (Math.floor(nowMs / 60_000 / grainMinutes) + 1) * grainMinutes;
  const fromMinute = toMinute - minutes;
  return { fromMinute, toMinute, stepMinutes, grain };
}

/** Metrics per time step over `range` ending now, with the filter. */
export async function consoleSeries(db: Db, range: ConsoleRange, filter: QoeFilter, nowMs: number): Promise<ConsoleSeries> {
  const { fromMinute, toMinute, stepMinutes, grain } = window(range, nowMs);
  const [steps, histograms] = await Promise.all([
    countersByStep(db, fromMinute, toMinute, stepMinutes, filter, grain),
    startupByStep(db, fromMinute, toMinute, stepMinutes, filter, grain),
  ]);
  const total = zeroCounters();
  const totalHistogram = new Map<number, number>();
  const byStep = new Map(steps.map((s) => [s.step, s.counters]));
  for (const s of steps) for (const k of Object.keys(total) as (keyof Counters)[]) total[k] += s.counters[k];
  for (const h of histograms.values()) for (const [b, n] of h) totalHistogram.set(b, (totalHistogram.get(b) ?? 0) + n);
  const points: SeriesPoint[] = [];
  for (let step = 0; step < (toMinute - fromMinute) / stepMinutes; step++) {
    const atMs = (fromMinute + step * stepMinutes) * 60_000;
    const c = byStep.get(step);
    const m = c ? shown(c, histograms.get(step)) : null;
    points.push(m ? { atMs, ...m } : { atMs, views: null });
  }
  return { range, fromMs: fromMinute * 60_000, toMs: toMinute * 60_000, stepMs: stepMinutes * 60_000, totals: shown(total, totalHistogram), points };
}

export interface BreakdownRow {
  value: string | number;
  /** The title's name, for a breakdown by title. */
  name?: string;
  metrics: Metrics;
}

/** Metrics per value of `dim` over `range` (groups of at least QOE_MIN_CELL_VIEWS views), most views first; `failing` orders by failure % instead. */
export async function consoleBreakdown(db: Db, dim: QoeDimension, range: ConsoleRange, filter: QoeFilter, nowMs: number, opts: { failing: boolean; limit: number }): Promise<BreakdownRow[]> {
  const { fromMinute, toMinute, grain } = window(range, nowMs);
  const [groups, histograms] = await Promise.all([countersBy(db, dim, fromMinute, toMinute, filter, 500, grain), startupBy(db, dim, fromMinute, toMinute, filter, grain)]);
  let rows: BreakdownRow[] = groups.map((g) => ({ value: g.value, metrics: metricsOf(g.counters, histograms.get(g.value) ?? new Map()) }));
  if (opts.failing) {
    rows = rows.filter((r) => (r.metrics.failurePct ?? 0) > 0).sort((a, b) => (b.metrics.failurePct ?? 0) - (a.metrics.failurePct ?? 0) || b.metrics.views - a.metrics.views);
  }
  rows = rows.slice(0, opts.limit);
  if (dim === "titleId") {
    const names = await titleNames(db, rows.map((r) => Number(r.value)));
    for (const r of rows) r.name = names.get(Number(r.value)) ?? `Title ${r.value}`;
  }
  return rows;
}
