/** The Bjøntegaard delta rate bench:encode reports for the second codec (bench/bd-rate.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bdRate, type RatePoint } from "../../bench/bd-rate.ts";

/** A rate–quality curve shaped like x264's: VMAF rising with log bitrate. */
const curve = (kbps: number[]): RatePoint[] => kbps.map((k) => ({ kbps: k, vmaf: 20 * Math.log2(k / 50) }));

describe("Bjøntegaard delta rate", () => {
  it("is the bitrate ratio minus one when one curve is the other with every bitrate scaled", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 5, noNaN: true }), (scale) => {
        const a = curve([100, 200, 400, 800]);
        const b = a.map((p) => ({ kbps: p.kbps * scale, vmaf: p.vmaf }));
        expect(bdRate(a, b)!.rate).toBeCloseTo(scale - 1, 6);
      }),
    );
  });

  it("averages only over the quality range both curves cover", () => {
    const a = [{ kbps: 100, vmaf: 50 }, { kbps: 400, vmaf: 90 }];
    const b = [{ kbps: 50, vmaf: 70 }, { kbps: 100, vmaf: 95 }];
    const r = bdRate(a, b)!;
    expect(r.vmafRange).toEqual([70, 90]);
    // At VMAF 70 A spends 200 kbps and B 50; at 90, 400 and 84.1: B needs 75–79 % fewer bits throughout.
    expect(r.rate).toBeLessThan(-0.75);
    expect(r.rate).toBeGreaterThan(-0.8);
  });

  it("says there is nothing to compare when the qualities do not overlap or a curve has one point", () => {
    expect(bdRate([{ kbps: 100, vmaf: 40 }, { kbps: 200, vmaf: 50 }], [{ kbps: 100, vmaf: 60 }, { kbps: 200, vmaf: 70 }])).toBeNull();
    expect(bdRate([{ kbps: 100, vmaf: 40 }], [{ kbps: 100, vmaf: 40 }, { kbps: 200, vmaf: 70 }])).toBeNull();
  });

  it("ignores a noisy probe that scores lower than a cheaper one", () => {
    const a = [{ kbps: 100, vmaf: 50 }, { kbps: 150, vmaf: 49 }, { kbps: 400, vmaf: 90 }];
    const clean = [{ kbps: 100, vmaf: 50 }, { kbps: 400, vmaf: 90 }];
    const b = [{ kbps: 80, vmaf: 55 }, { kbps: 300, vmaf: 92 }];
    expect(bdRate(a, b)!.rate).toBeCloseTo(bdRate(clean, b)!.rate, 9);
  });
});
