/**
 * Each console metric's formula against the fixture streams (fixtures.ts)
 * summed as the rollups sum them, with the expected values worked out by hand:
 * 7 views (clean, abandoned, seeks, background, recovered, failed, paused),
 * 5 started with startup times 400, 500, 700, 800 and 1000 ms, 2 completed,
 * 74 800 ms watch time of which 1000 ms rebuffering.
 */
import { describe, expect, it } from "vitest";
import { bucketUpperMs, histogramBucket, histogramQuantile } from "../../../common/qoe.ts";
import { metricsOf } from "../../../worker/qoe/metrics.ts";
import { zeroCounters, type Counters } from "../../../worker/qoe/view-model.ts";
import { FIXTURES, run } from "./fixtures.ts";

function totals(): { counters: Counters; histogram: Map<number, number> } {
  const counters = zeroCounters();
  const histogram = new Map<number, number>();
  for (const { events } of Object.values(FIXTURES)) {
    const r = run(events);
    for (const k of Object.keys(counters) as (keyof Counters)[]) counters[k] += r.counters[k];
    for (const ms of r.startups) histogram.set(histogramBucket(ms), (histogram.get(histogramBucket(ms)) ?? 0) + 1);
  }
  return { counters, histogram };
}

describe("QoE metrics over the fixture streams", () => {
  const { counters, histogram } = totals();
  const m = metricsOf(counters, histogram);

  it("counts 7 views, 5 of them started", () => {
    expect([m.views, counters.started]).toEqual([7, 5]);
  });
  it("playback failure % is fatal-error views over all views: 1 of 7 (the recovered error is not one)", () => {
    expect(m.failurePct).toBeCloseTo(100 / 7, 6);
  });
  it("exits before video start are views left before the first frame without a failure: 1 of 7", () => {
    expect(m.exitBeforeStartPct).toBeCloseTo(100 / 7, 6);
  });
  it("rebuffer % is rebuffering over watch time: 1000 of 74 800 ms (seek waits and background stalls excluded)", () => {
    expect(counters.watchMs).toBe(74_800);
    expect(m.rebufferPct).toBeCloseTo((100 * 1000) / 74_800, 6);
  });
  it("video startup time: median 700 ms and p95 1000 ms, read from log buckets (their upper bounds), mean 680 ms", () => {
    expect(m.startupMs).toBe(bucketUpperMs(histogramBucket(700)));
    expect(m.startupMs! / 700).toBeGreaterThanOrEqual(1);
    expect(m.startupMs! / 700).toBeLessThan(1.19);
    expect(m.startupP95Ms).toBe(bucketUpperMs(histogramBucket(1000)));
    expect(m.startupMeanMs).toBe(680);
  });
  it("bitrate is weighted by playing time at a known bitrate: (3000 × 20 000 + 1000 × 12 500) ÷ 32 500 kbps", () => {
    expect(m.bitrateKbps).toBeCloseTo((3000 * 20_000 + 1000 * 12_500) / 32_500, 6);
  });
  it("completion is views that reached the end over views that started: 2 of 5 (a replay is not another)", () => {
    expect(m.completionPct).toBe(40);
  });
  it("the quality score multiplies the penalties: 100 × 6/7 × 6/7 × (1 − 10 × 1000/74 800) × 1", () => {
    expect(m.qualityScore).toBeCloseTo(100 * (6 / 7) * (6 / 7) * (1 - 10_000 / 74_800), 6);
  });
  it("with no views every ratio is null, not NaN or 0", () => {
    const empty = metricsOf(zeroCounters(), new Map());
    expect([empty.failurePct, empty.rebufferPct, empty.startupMs, empty.bitrateKbps, empty.completionPct, empty.qualityScore]).toEqual([null, null, null, null, null, null]);
  });
});

describe("log-bucket histograms", () => {
  it("a value lies in (upper bound of the bucket below, its bucket's upper bound]", () => {
    for (const ms of [2, 3, 100, 700, 999, 1000, 1024, 60_000, 1_000_000]) {
      const b = histogramBucket(ms);
      expect(ms).toBeLessThanOrEqual(bucketUpperMs(b) * (1 + 1e-12));
      expect(ms).toBeGreaterThan(bucketUpperMs(b - 1));
    }
  });
  it("a quantile is the upper bound of the bucket holding that rank", () => {
    const h = new Map([[histogramBucket(100), 9], [histogramBucket(5000), 1]]);
    expect(histogramQuantile(h, 0.5)).toBe(bucketUpperMs(histogramBucket(100)));
    expect(histogramQuantile(h, 0.9)).toBe(bucketUpperMs(histogramBucket(100)));
    expect(histogramQuantile(h, 0.95)).toBe(bucketUpperMs(histogramBucket(5000)));
  });
});
