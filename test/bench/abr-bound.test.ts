/** The upper bound on QoE_lin (bench/abr/bound.ts) that `bench:abr` measures saturation against. */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALGORITHMS } from "../../bench/abr/algorithms.ts";
import { qoeUpperBound } from "../../bench/abr/bound.ts";
import { constantTraces, envivioVideo, loadTraces, parseTrace, simulate, type Video } from "../../bench/abr/sim.ts";

/** Two rungs, 1 and 2 Mbps, 12 segments of exactly their bitrate × 4 s. */
const video: Video = {
  name: "two",
  segmentS: 4,
  bitratesBps: [1e6, 2e6],
  heightsPx: [360, 720],
  sizesBytes: [1e6, 2e6].map((b) => Array.from({ length: 12 }, () => (b * 4) / 8)),
};

const never = (v: Video, t: Parameters<typeof qoeUpperBound>[1]) => {
  const results = Object.values(ALGORITHMS).map((make) => simulate(v, t, make(), { bufferCapS: 60 }));
  const bound = qoeUpperBound(v, t, Math.max(...results.map((r) => r.startupS)));
  for (const r of results) expect(r.qoe).toBeLessThanOrEqual(bound + 1e-9);
  return { bound, results };
};

describe("ABR upper bound", () => {
  it("on a link that carries the top rung with room to spare, it is the top rung's bitrate", () => {
    const { bound } = never(video, constantTraces([50])[0]!);
    expect(bound).toBeCloseTo(2, 9);
  });

  it("on a link under the lowest rung, it is close to what the lowest rung alone scores", () => {
    const slow = constantTraces([0.5])[0]!;
    const { bound, results } = never(video, slow);
    const lowest = results[Object.keys(ALGORITHMS).indexOf("lowest")]!.qoe;
    expect(bound).toBeGreaterThanOrEqual(lowest);
    // What it leaves out: the round trips (80 ms each) are charged at the link's slowest rate, which is exact here.
    expect(bound - lowest).toBeLessThan(0.05);
  });

  it("is never below what a controller scores, on a link that swings", () => {
    const swings = parseTrace("swings", Array.from({ length: 120 }, (_, i) => `${i} ${[3, 0.4, 2.5, 0.8][Math.floor(i / 7) % 4]}`).join("\n"));
    never(video, swings);
  });

  it.skipIf(!existsSync("../shared/data/chunk-sizes-envivio") || !existsSync("../shared/data/traces-pensieve/cooked_test_traces"))(
    "is never below what any of the six controllers scores on real traces (skipped when ../shared/data is absent)",
    () => {
      const envivio = envivioVideo("../shared/data/chunk-sizes-envivio");
      for (const t of loadTraces("../shared/data/traces-pensieve/cooked_test_traces").slice(0, 12)) never(envivio, t);
    },
  );
});
