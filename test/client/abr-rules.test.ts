/** The decision rules in client/src/player/abr/rules.ts, as sentences, plus fast-check properties. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abandonTo, decideLevel, DEFAULT_ABR_PARAMS, type DecisionInput, maxAllowedLevel, type Rendition, ThroughputEstimator, upFactorFor } from "../../client/src/player/abr/rules.ts";

const R: Rendition[] = [
  { bitrateBps: 1_000_000, heightPx: 360 },
  { bitrateBps: 2_000_000, heightPx: 540 },
  { bitrateBps: 3_000_000, heightPx: 720 },
  { bitrateBps: 6_000_000, heightPx: 1080 },
  { bitrateBps: 15_000_000, heightPx: 2160 },
];
const P = DEFAULT_ABR_PARAMS;
const input = (over: Partial<DecisionInput>): DecisionInput => ({
  renditions: R, currentLevel: 1, bandwidthBps: 2_500_000, bufferS: P.healthyBufferS, segmentS: 4, positionS: 100,
  lastUpSwitchAtS: 0, playing: true, caps: {}, manualLevel: -1, ...over,
});

/** Decides at each media position in turn from the rung and the last up-switch so far; returns the positions of the up-switches. */
function upSwitches(positions: number[], inputAt: (i: number, level: number, lastUpSwitchAtS: number) => DecisionInput): number[] {
  let level = 0;
  let lastUp = Number.NEGATIVE_INFINITY;
  const ups: number[] = [];
  positions.forEach((positionS, i) => {
    const d = decideLevel(inputAt(i, level, lastUp));
    if (d.level > level) {
      ups.push(positionS);
      lastUp = positionS;
    }
    level = d.level;
  });
  return ups;
}

/** Every two up-switches at least 10 s of media apart; returns how many such pairs there were. */
function expectSpaced(ups: number[]): number {
  for (let i = 1; i < ups.length; i++) expect(ups[i]! - ups[i - 1]!).toBeGreaterThanOrEqual(P.minUpSwitchIntervalS);
  return Math.max(0, ups.length - 1);
}

describe("ABR decision rules", () => {
  it("an up-switch needs bandwidth of 1.5× the target's bitrate", () => {
    expect(decideLevel(input({ bandwidthBps: 1.49 * 3_000_000 })).level).toBe(1);
    expect(decideLevel(input({ bandwidthBps: 1.5 * 3_000_000 }))).toEqual({ level: 2, reason: "up" });
  });

  it("an up-switch needs a healthy buffer", () => {
    expect(decideLevel(input({ bandwidthBps: 10_000_000, bufferS: P.healthyBufferS - 0.1 })).level).toBe(1);
    expect(decideLevel(input({ bandwidthBps: 10_000_000, bufferS: P.healthyBufferS })).reason).toBe("up");
  });

  it("the up-switch margin eases from 1.5× at a healthy buffer to the rich factor, never below the down-switch threshold", () => {
    expect(upFactorFor(P.healthyBufferS)).toBe(1.5);
    const mid = upFactorFor((P.healthyBufferS + P.richBufferS) / 2);
    expect(mid).toBeLessThan(1.5);
    expect(mid).toBeGreaterThan(P.richUpFactor);
    expect(upFactorFor(P.richBufferS)).toBe(Math.max(P.downFactor, P.richUpFactor));
    expect(decideLevel(input({ bandwidthBps: 3_000_000 * P.richUpFactor, bufferS: P.richBufferS })).level).toBe(2);
    expect(decideLevel(input({ bandwidthBps: 3_000_000 * P.richUpFactor, bufferS: P.healthyBufferS + 1 })).level).toBe(1);
  });

  it("no second up-switch within 10 s of media of the last one, however fast the buffer fills", () => {
    expect(decideLevel(input({ bandwidthBps: 10_000_000, lastUpSwitchAtS: 92 })).level).toBe(1);
    expect(decideLevel(input({ bandwidthBps: 10_000_000, lastUpSwitchAtS: 90 })).reason).toBe("up");
  });

  it("the first climb after the start does not wait for a healthy buffer, once a download has been measured", () => {
    // The start rung was picked blind; one segment on a fast link later, the top fills the buffer 1.5× faster than it plays.
    const start = input({ currentLevel: 0, bandwidthBps: 50_000_000, bufferS: 4, positionS: 4, lastUpSwitchAtS: Number.NEGATIVE_INFINITY });
    expect(decideLevel(start)).toEqual({ level: 4, reason: "up" });
    // Nothing measured yet: no climb on the default estimate.
    expect(decideLevel({ ...start, bandwidthBps: Number.NaN }).level).toBe(0);
    // Only a rung whose segment arrives in under 1/1.5 of its duration: at 8 Mbps 6 Mbps takes 3 s of 4 (too slow), 3 Mbps 1.5 s.
    expect(decideLevel({ ...start, bandwidthBps: 8_000_000 }).level).toBe(2);
    // Once: after an up-switch the healthy-buffer rule is back.
    expect(decideLevel({ ...start, lastUpSwitchAtS: 0, positionS: 40 }).level).toBe(0);
  });

  it("a rich buffer is spent on a rung the link does not sustain only while a lookahead of it leaves the buffer rich", () => {
    // 6 Mbps playing on a 9.5 Mbps link: a 15 Mbps segment takes ~6.3 s to fetch, 2.3 s more than it plays.
    const rich = input({ currentLevel: 3, bandwidthBps: 9_500_000, lastUpSwitchAtS: 0 });
    const deficitS = P.lookaheadSegments * ((15_000_000 * 4) / 9_500_000 - 4);
    expect(decideLevel({ ...rich, bufferS: P.richBufferS + deficitS + 0.5 }).level).toBe(4);
    expect(decideLevel({ ...rich, bufferS: P.richBufferS + deficitS - 0.5 }).level).toBe(3);
    // Playing it with the buffer back under rich, the bandwidth rule brings it down.
    expect(decideLevel({ ...rich, currentLevel: 4, bufferS: P.richBufferS - 1 })).toMatchObject({ level: 3, reason: "down-bandwidth" });
  });

  it("switches down at once when bandwidth falls below 0.8× the current bitrate", () => {
    const d = decideLevel(input({ currentLevel: 2, bandwidthBps: 0.79 * 3_000_000, bufferS: 8, lastUpSwitchAtS: 99 }));
    expect(d.reason).toBe("down-bandwidth");
    expect(d.level).toBeLessThan(2);
    expect(decideLevel(input({ currentLevel: 2, bandwidthBps: 0.81 * 3_000_000, bufferS: 8 })).level).toBe(2);
  });

  it("with a rich buffer a bandwidth dip is ridden out, and the low-buffer rule still fires", () => {
    expect(decideLevel(input({ currentLevel: 2, bandwidthBps: 0.7 * 3_000_000, bufferS: P.richBufferS }))).toEqual({ level: 2, reason: "hold" });
    expect(decideLevel(input({ currentLevel: 2, bandwidthBps: 0.7 * 3_000_000, bufferS: P.richBufferS - 1 })).reason).toBe("down-bandwidth");
  });

  it("never starts a download predicted to outlast the buffer (but the lowest rung)", () => {
    // Holding the 3 Mbps rung at 2.5 Mbps takes 4.8 s with 5 s banked: too close; 2 Mbps takes 3.2 s.
    expect(decideLevel(input({ currentLevel: 2, bandwidthBps: 2_500_000, bufferS: 5 }))).toEqual({ level: 1, reason: "down-stall" });
    expect(decideLevel(input({ currentLevel: 0, bandwidthBps: 100_000, bufferS: 5 })).level).toBe(0);
  });

  it("counts the time to first byte per request, so a rung that barely fits is refused on a slow-to-answer link", () => {
    const quick = input({ bandwidthBps: 4_500_000, ttfbS: 0 });
    expect(decideLevel(quick).level).toBe(2);
    expect(decideLevel({ ...quick, ttfbS: 0.5 }).level).toBe(1);
  });

  it("the lookahead does not up-switch when the switch is not repaid before the end", () => {
    const rich = input({ bandwidthBps: 10_000_000, bufferS: 30, lastUpSwitchAtS: -100 });
    expect(decideLevel({ ...rich, segmentsLeft: 1 })).toEqual({ level: 1, reason: "hold" });
    expect(decideLevel({ ...rich, segmentsLeft: 3 }).level).toBeGreaterThan(1);
    expect(decideLevel({ ...rich, segmentsLeft: 3 }, { ...P, lookaheadSegments: 0 }).level).toBe(decideLevel(rich, { ...P, lookaheadSegments: 0 }).level);
  });

  it("near the end, a rung whose remaining segments all arrive before the buffer runs low is allowed without the margin", () => {
    // 15 Mbps at 11 Mbps: short of even the rich margin (12 Mbps), and 20 s banked is too little to spend on five
    // of its segments (1.45 s short each) and stay rich; but 2 segments take 11 s with 20 s banked.
    const end = input({ currentLevel: 3, bandwidthBps: 11_000_000, bufferS: 20, lastUpSwitchAtS: -100 });
    expect(decideLevel({ ...end, segmentsLeft: 2 }).level).toBe(4);
    expect(decideLevel({ ...end, segmentsLeft: 20 }).level).toBe(3);
  });

  it("near the end of the video the buffer is banked, then spent on a rung the link does not sustain, to the last segment", () => {
    // 6 Mbps playing on a steady 9.5 Mbps link, 30 s banked, a 60 s buffer limit: a 15 Mbps segment takes 6.3 s (2.3 s short).
    const end = input({ currentLevel: 3, bandwidthBps: 9_500_000, bufferS: 30, lastUpSwitchAtS: -100, maxBufferS: 60, worstBps: 9_500_000, spread: 0 });
    // Mid-video a rich buffer is spent in cycles (five segments of 15 Mbps leave it rich)…
    expect(decideLevel(end).level).toBe(4);
    expect(decideLevel({ ...end, segmentsLeft: 1000 }).level).toBe(4);
    // …but with 20 or 10 segments left it is banked for the end: 15 Mbps to the last one needs 54 s or 31 s, and holding 6 Mbps banks 1.5 s a segment…
    expect(decideLevel({ ...end, segmentsLeft: 20 })).toEqual({ level: 3, reason: "hold" });
    expect(decideLevel({ ...end, segmentsLeft: 10 })).toEqual({ level: 3, reason: "hold" });
    // …and spent once it covers every segment left (9: 29 s), the last arriving above the low mark.
    expect(decideLevel({ ...end, segmentsLeft: 9 })).toEqual({ level: 4, reason: "up" });
    // Banking is not forced while the buffer limit would be reached before it is needed: cycles may spend it meanwhile.
    expect(decideLevel({ ...end, segmentsLeft: 10, maxBufferS: 30 }).level).toBe(4);
  });

  it("near the end a rung the buffer carries to the last segment is kept, though the link does not sustain it", () => {
    // 15 Mbps at 9.5 Mbps with 15 s banked (under rich): the bandwidth rule switches down…
    const end = input({ currentLevel: 4, bandwidthBps: 9_500_000, bufferS: 15, lastUpSwitchAtS: -100, maxBufferS: 60 });
    expect(decideLevel(end).reason).toBe("down-bandwidth");
    // …unless the buffer covers the segments left at 15 Mbps (2: 12.6 s, 3: 15 s).
    expect(decideLevel({ ...end, segmentsLeft: 2 })).toEqual({ level: 4, reason: "hold" });
    expect(decideLevel({ ...end, segmentsLeft: 3 })).toEqual({ level: 4, reason: "hold" });
    // No end plan without a lookahead.
    expect(decideLevel({ ...end, segmentsLeft: 2 }, { ...P, lookaheadSegments: 0 }).reason).toBe("down-bandwidth");
  });

  it("a link seen under twice the lowest rung's bitrate gets no buffer spending: full margin, no riding out dips", () => {
    // 2 Mbps playing at 2.5 Mbps with a rich buffer: the eased margin (0.8×) allows 3 Mbps…
    const rich = input({ currentLevel: 1, bandwidthBps: 2_500_000, bufferS: P.richBufferS, lastUpSwitchAtS: -100 });
    expect(decideLevel(rich).level).toBe(2);
    expect(decideLevel({ ...rich, worstBps: P.floorSafeFactor * 1_000_000 }).level).toBe(2);
    // …not once a recent download ran under 2 × 1 Mbps: the buffer may be all there is against the next such dip.
    expect(decideLevel({ ...rich, worstBps: 1_900_000 })).toEqual({ level: 1, reason: "hold" });
    // A dip under 0.8× is ridden out with a rich buffer, but not on such a link.
    const dip = input({ currentLevel: 2, bandwidthBps: 2_100_000, bufferS: 20, lastUpSwitchAtS: -100 });
    expect(decideLevel(dip)).toEqual({ level: 2, reason: "hold" });
    expect(decideLevel({ ...dip, worstBps: 1_900_000 })).toEqual({ level: 1, reason: "down-bandwidth" });
  });

  it("on a steady link the up-switch margin shrinks with the spread of recent rates", () => {
    // 2 Mbps on a 2.1 Mbps link: 1.05×, short of the 1.5× margin at a healthy buffer…
    const steady = input({ currentLevel: 0, bandwidthBps: 2_100_000, bufferS: P.healthyBufferS, lastUpSwitchAtS: -100 });
    expect(decideLevel(steady).level).toBe(0);
    // …enough when the recent rates are all alike, not when they spread by half the steady mark or more, nor when too few to tell.
    expect(decideLevel({ ...steady, spread: 0 })).toEqual({ level: 1, reason: "up" });
    expect(decideLevel({ ...steady, spread: P.steadySpread / 2 }).level).toBe(0);
    expect(decideLevel({ ...steady, spread: P.steadySpread }).level).toBe(0);
    expect(decideLevel({ ...steady, spread: Number.NaN }).level).toBe(0);
    // The other up-switch rules still hold: a healthy buffer and 10 s of media since the last one.
    expect(decideLevel({ ...steady, spread: 0, bufferS: P.healthyBufferS - 0.5 }).level).toBe(0);
    expect(decideLevel({ ...steady, spread: 0, lastUpSwitchAtS: 95 }).level).toBe(0);
  });

  it("switches down at once when the buffer runs low, even with bandwidth to spare", () => {
    const d = decideLevel(input({ currentLevel: 2, bandwidthBps: 20_000_000, bufferS: P.lowBufferS - 0.5 }));
    expect(d).toEqual({ level: 1, reason: "down-buffer" });
  });

  it("abandons a download that will not finish before the buffer drains, for a lower rung that would", () => {
    // 3 Mbps rung, 1.5 MB expected, 200 kB in 2 s (≈ 0.84 Mbps): 12 s to go with 3 s of buffer.
    const base = { renditions: R, level: 2, loadedBytes: 200_000, expectedBytes: 1_500_000, elapsedS: 2, ttfbS: 0.1, segmentS: 4, bandwidthBps: 3e6, playing: true, manualLevel: -1 };
    expect(abandonTo({ ...base, bufferS: 3 })).toBe(0);
    expect(abandonTo({ ...base, bufferS: 30 })).toBe(-1);
    expect(abandonTo({ ...base, level: 0, bufferS: 3 })).toBe(-1);
  });

  it("never goes above the player's size in device pixels, a rung that drops frames, or the plan's limit", () => {
    const rich = input({ currentLevel: 0, bandwidthBps: 100e6, bufferS: 30, lastUpSwitchAtS: -100 });
    expect(decideLevel(rich).level).toBe(4);
    expect(decideLevel({ ...rich, caps: { playerHeightPx: 600 } }).level).toBe(2);
    expect(decideLevel({ ...rich, caps: { droppingFrameLevels: [3] } }).level).toBe(2);
    expect(decideLevel({ ...rich, caps: { planMaxHeightPx: 1080 } }).level).toBe(3);
    expect(decideLevel({ ...rich, currentLevel: 4, caps: { planMaxHeightPx: 720 } })).toEqual({ level: 2, reason: "cap" });
  });

  it("honours Save-Data by staying at or under its bitrate ceiling", () => {
    expect(maxAllowedLevel(R, { saveData: true })).toBe(0);
    expect(decideLevel(input({ currentLevel: 0, bandwidthBps: 100e6, bufferS: 30, caps: { saveData: true } })).level).toBe(0);
  });

  it("the plan's limit holds from the start and whatever the bandwidth", () => {
    expect(decideLevel(input({ currentLevel: -1, playing: false, bandwidthBps: 1e9, caps: { planMaxHeightPx: 720 } }))).toEqual({ level: 2, reason: "start" });
    expect(maxAllowedLevel(R, { planMaxHeightPx: 540 })).toBe(1);
    expect(maxAllowedLevel(R, { planMaxHeightPx: 100 })).toBe(0);
  });

  it("the viewer's manual choice overrides the adaptation and the device caps, but not the plan's limit", () => {
    expect(decideLevel(input({ manualLevel: 4, bandwidthBps: 100_000, bufferS: 0, caps: { saveData: true, playerHeightPx: 360, droppingFrameLevels: [2] } }))).toEqual({ level: 4, reason: "manual" });
    expect(decideLevel(input({ manualLevel: 4, caps: { planMaxHeightPx: 1080 } }))).toEqual({ level: 3, reason: "manual" });
    expect(abandonTo({ renditions: R, level: 2, loadedBytes: 1, expectedBytes: 1e6, elapsedS: 5, ttfbS: 0.1, bufferS: 0.1, segmentS: 4, bandwidthBps: 1e5, playing: true, manualLevel: 2 })).toBe(-1);
  });

  const capsArb = fc.record({
    playerHeightPx: fc.option(fc.integer({ min: 100, max: 3000 }), { nil: undefined }),
    droppingFrameLevels: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    planMaxHeightPx: fc.option(fc.constantFrom(360, 540, 720, 1080, 2160), { nil: undefined }),
    saveData: fc.boolean(),
  });

  it("never picks above the caps (property)", () => {
    fc.assert(
      fc.property(capsArb, fc.integer({ min: -1, max: 4 }), fc.double({ min: 1e4, max: 1e8, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), fc.boolean(), (caps, current, bw, buffer, playing) => {
        const d = decideLevel(input({ caps, currentLevel: current, bandwidthBps: bw, bufferS: buffer, playing, lastUpSwitchAtS: -1e9 }));
        expect(d.level).toBeLessThanOrEqual(maxAllowedLevel(R, caps));
        expect(d.level).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("never up-switches twice within 10 s of media (property)", () => {
    // Any step, or a fast one (room to go up) or a starved one (forced down): uniform steps alone
    // almost never made a second up-switch, so the property held vacuously.
    const dt = fc.double({ min: 0.1, max: 8, noNaN: true });
    const abrStep = fc.oneof(
      fc.record({ bw: fc.double({ min: 1e5, max: 5e7, noNaN: true }), buffer: fc.double({ min: 0, max: 60, noNaN: true }), dt }),
      fc.record({ bw: fc.double({ min: 2e7, max: 5e7, noNaN: true }), buffer: fc.double({ min: 5, max: 15, noNaN: true }), dt }),
      fc.record({ bw: fc.double({ min: 1e5, max: 1e6, noNaN: true }), buffer: fc.double({ min: 0, max: 3, noNaN: true }), dt }),
    );
    let pairs = 0;
    fc.assert(
      fc.property(fc.array(abrStep, { minLength: 2, maxLength: 40 }), (steps) => {
        const positions = steps.map((_, i) => steps.slice(0, i + 1).reduce((t, s) => t + s.dt, 0));
        pairs += expectSpaced(upSwitches(positions, (i, level, lastUp) => input({ currentLevel: level, bandwidthBps: steps[i]!.bw, bufferS: steps[i]!.buffer, positionS: positions[i]!, lastUpSwitchAtS: lastUp })));
      }),
    );
    // Sequences with no second up-switch check nothing: some must have had two or more.
    expect(pairs, "consecutive up-switches checked").toBeGreaterThan(0);
  });

  it("never up-switches twice within 10 s of media with the end of the video in sight (property)", () => {
    // As above: any step, a fast one or a starved one, so that sequences with several up-switches are common.
    const spread = fc.double({ min: 0, max: 1, noNaN: true });
    const abrStep = fc.oneof(
      fc.record({ bw: fc.double({ min: 1e5, max: 5e7, noNaN: true }), buffer: fc.double({ min: 0, max: 60, noNaN: true }), spread }),
      fc.record({ bw: fc.double({ min: 2e7, max: 5e7, noNaN: true }), buffer: fc.double({ min: 5, max: 40, noNaN: true }), spread }),
      fc.record({ bw: fc.double({ min: 1e5, max: 1e6, noNaN: true }), buffer: fc.double({ min: 0, max: 3, noNaN: true }), spread }),
    );
    let pairs = 0;
    fc.assert(
      fc.property(fc.array(abrStep, { minLength: 2, maxLength: 30 }), (steps) => {
        const positions = steps.map((_, i) => 4 * i);
        pairs += expectSpaced(
          upSwitches(positions, (i, level, lastUp) => {
            const s = steps[i]!;
            return input({ currentLevel: level, bandwidthBps: s.bw, bufferS: s.buffer, spread: s.spread, worstBps: s.bw, positionS: positions[i]!, lastUpSwitchAtS: lastUp, segmentsLeft: steps.length - i, maxBufferS: 60 });
          }),
        );
      }),
    );
    expect(pairs, "consecutive up-switches checked").toBeGreaterThan(0);
  });

  it("the estimator keeps the spread of recent rates and the slowest of a longer history", () => {
    const e = new ThroughputEstimator(5, 20);
    const at = (mbps: number) => e.sample((mbps * 1e6) / 8, 1, 0);
    at(4);
    at(4);
    expect(e.spread()).toBeNaN();
    at(4);
    expect(e.spread()).toBeCloseTo(0, 9);
    at(2);
    expect(e.spread()).toBeGreaterThan(0.3);
    // Out of the five-sample window after five more, but still the slowest of the last twenty.
    for (let i = 0; i < 5; i++) at(4);
    expect(e.spread()).toBeCloseTo(0, 9);
    expect(e.worstBps()).toBeCloseTo(2e6, 3);
    for (let i = 0; i < 20; i++) at(4);
    expect(e.worstBps()).toBeCloseTo(4e6, 3);
  });

  it("the estimator takes the time to first byte out of each sample and predicts it apart", () => {
    const e = new ThroughputEstimator();
    // 500 kB in 1.1 s of which 0.1 s waiting: 4 Mbps of transfer, not 3.6.
    e.sample(500_000, 1.1, 0.1);
    expect(e.estimateBps()).toBeCloseTo(4_000_000, 6);
    expect(e.ttfbS()).toBeCloseTo(0.1, 9);
    // Harmonic mean: one slow sample weighs more than one fast one.
    e.sample(500_000, 0.1 + 4, 0.1);
    expect(e.estimateBps()).toBeCloseTo(2 / (1 / 4e6 + 1 / 1e6), 3);
  });
});
