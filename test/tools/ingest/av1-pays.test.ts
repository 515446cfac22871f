import { describe, expect, it } from "vitest";
import type { PlannedRung, ProbePoint } from "../../../tools/ingest/hull.ts";
import { av1Pays } from "../../../tools/ingest/per-title.ts";

const point = (height: number, crf: number, kbps: number, vmaf: number): ProbePoint => ({ height, width: Math.round((height * 16) / 9), crf, kbps, vmaf });
const rung = (height: number, kbps: number, vmaf: number): PlannedRung => ({ height, width: Math.round((height * 16) / 9), crf: 23, kbps, vmaf, targetVmaf: vmaf });
/** Shaped like bench:encode's flat animation at 720p: x264 veryfast rungs, SVT-AV1 preset 11 probes at CRF 24 and 30 (those at 20 made up). */
const animationRungs = [rung(240, 426, 60), rung(360, 676, 82), rung(720, 940, 95)];
const animationAv1 = [
  point(240, 24, 441, 57.3), point(240, 30, 334, 52.9), point(240, 20, 560, 61.5),
  point(360, 24, 759, 73.8), point(360, 30, 590, 70.6), point(360, 20, 1000, 83.0),
  point(720, 24, 1630, 93.6), point(720, 30, 1202, 91.4), point(720, 20, 2100, 95.2),
];

describe("whether the second codec pays on a title", () => {
  it("pays where every rung is matched for fewer bits in all", () => {
    const av1 = [point(240, 42, 90, 55), point(240, 30, 150, 70), point(360, 42, 400, 80), point(360, 30, 600, 88)];
    const verdict = av1Pays(av1, [rung(240, 160, 60), rung(360, 700, 85)]);
    expect(verdict.pays).toBe(true);
    expect(verdict.why).toMatch(/fewer bits/);
  });

  it("does not pay where a rung's VMAF is out of its probes' reach", () => {
    const verdict = av1Pays(animationAv1.filter((p) => p.crf !== 20), animationRungs);
    expect(verdict).toEqual({ pays: false, why: expect.stringMatching(/^its probes at 240p stay under VMAF 60\.0/) });
  });

  it("does not pay where it reaches every rung but spends more bits in all", () => {
    const verdict = av1Pays(animationAv1, animationRungs);
    expect(verdict.pays).toBe(false);
    expect(verdict.why).toMatch(/more bits than H\.264/);
  });

  it("counts a rung its cheapest probe already beats at that probe's bitrate", () => {
    // AV1's cheapest probe (VMAF 70) is above the 60 rung: that rung costs AV1 the probe's 120 kbps, more than H.264's 100.
    const av1 = [point(240, 63, 120, 70), point(240, 54, 200, 80)];
    expect(av1Pays(av1, [rung(240, 100, 60)]).pays).toBe(false);
    expect(av1Pays(av1, [rung(240, 100, 60), rung(240, 400, 80)]).pays).toBe(true);
  });
});
