/**
 * The console's metrics from summed rollup counters and the startup
 * histogram, each with its published definition (common/qoe.ts QOE_METRICS,
 * after Mux Data). Pure; a metric whose denominator is zero is null.
 */
import { histogramQuantile, type QoeMetricName } from "../../common/qoe.ts";
import type { Counters } from "./view-model.ts";

export type Metrics = Record<QoeMetricName, number | null> & {
  views: number;
  /** 95th percentile of video startup time (ms). */
  startupP95Ms: number | null;
  /** Mean video startup time (ms). */
  startupMeanMs: number | null;
  /** Rebuffering events per minute of watch time. */
  rebufferPerMinute: number | null;
};

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const pct = (a: number, b: number): number | null => (b > 0 ? (100 * a) / b : null);

/** The metrics of summed counters and a startup histogram (counts by bucket). */
export function metricsOf(c: Counters, startupHistogram: ReadonlyMap<number, number>): Metrics {
  const startupMs = histogramQuantile(startupHistogram, 0.5);
  const failurePct = pct(c.failed, c.views);
  const exitBeforeStartPct = pct(c.exitsBeforeStart, c.views);
  const rebufferRatio = ratio(c.rebufferMs, c.watchMs);
  const qualityScore =
    failurePct === null || exitBeforeStartPct === null
      ? null
      : 100 * (1 - failurePct / 100) * (1 - exitBeforeStartPct / 100) * (1 - Math.min(1, 10 * (rebufferRatio ?? 0))) * (startupMs === null ? 1 : Math.min(1, 1000 / startupMs));
  return {
    views: c.views,
    startupMs,
    startupP95Ms: histogramQuantile(startupHistogram, 0.95),
    startupMeanMs: ratio(c.startupMs, c.started),
    failurePct,
    exitBeforeStartPct,
    rebufferPct: rebufferRatio === null ? null : 100 * rebufferRatio,
    rebufferPerMinute: ratio(c.stalls, c.watchMs / 60_000),
    bitrateKbps: ratio(c.kbpsMs, c.ratedMs),
    completionPct: pct(c.completed, c.started),
    qualityScore,
  };
}
