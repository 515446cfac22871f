/** The ABR simulator's network model (bench/abr/sim.ts) on hand-made traces. */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALGORITHMS, OursAbr } from "../../bench/abr/algorithms.ts";
import { constantTraces, envivioVideo, Link, linkRateBefore, loadTraces, parseTrace, PAYLOAD_SHARE, RTT_S, secondsToSustainableTop, simulate, type Video } from "../../bench/abr/sim.ts";

const trace = parseTrace("hand", "0 1\n1 2\n2 4\n3 8\n");

describe("ABR simulator", () => {
  it("a download's time integrates the trace's throughput × 0.95 over its spans", () => {
    // Span (0,1] carries 2 Mbps, (1,2] 4 Mbps, (2,3] 8 Mbps; at 95% payload: 237,500 B/s, then 475,000 B/s.
    const link = new Link(trace);
    const bytes = (2e6 / 8) * PAYLOAD_SHARE + 0.5 * (4e6 / 8) * PAYLOAD_SHARE;
    const r = link.receive(bytes, Number.POSITIVE_INFINITY);
    expect(r.bytes).toBe(bytes);
    expect(r.seconds).toBeCloseTo(1.5, 9);
  });

  it("the trace loops to its start when it runs out", () => {
    const link = new Link(trace);
    link.idle(3);
    // Back at (0,1]: 2 Mbps.
    expect(link.receive((2e6 / 8) * PAYLOAD_SHARE * 0.5, Number.POSITIVE_INFINITY).seconds).toBeCloseTo(0.5, 9);
  });

  it("a segment costs one RTT plus its transfer, and stalls are charged to QoE_lin at 4.3 per second", () => {
    const flat = parseTrace("flat", "0 1\n100 1\n");
    const video: Video = { name: "t", segmentS: 4, bitratesBps: [1e6], heightsPx: [360], sizesBytes: [[475_000, 475_000]] };
    const r = simulate(video, flat, { name: "one", choose: () => ({ level: 0 }) }, { bufferCapS: 60 });
    // 475,000 B at 1 Mbps × 0.95 = 4 s, plus the RTT.
    expect(r.startupS).toBeCloseTo(4 + RTT_S, 9);
    expect(r.rebufferS).toBeCloseTo(RTT_S, 9);
    expect(r.qoe).toBeCloseTo(1 - 4.3 * RTT_S, 9);
  });

  it("on constant fast links our controller plays the highest sustainable rung from its second segment on", () => {
    const sizes = (b: number) => Array.from({ length: 30 }, () => (b * 4) / 8);
    const ladder = [1e6, 2e6, 3e6, 6e6, 15e6];
    const video: Video = { name: "ladder", segmentS: 4, bitratesBps: ladder, heightsPx: [360, 540, 720, 1080, 2160], sizesBytes: ladder.map(sizes) };
    for (const t of constantTraces([25, 50])) {
      const r = simulate(video, t, ALGORITHMS.ours!(), { bufferCapS: 60 });
      expect(r.levels.slice(1).every((l) => l === 4), `${t.name}: ${r.levels.join("")}`).toBe(true);
      expect(secondsToSustainableTop(video, Number(t.name.match(/[\d.]+/)![0]), r)).toBe(r.levelEndS[1]);
    }
    // 10 Mbps sustains 6 Mbps; once the buffer is rich, some 15 Mbps segments are bought with it, and none stalls.
    const [ten] = constantTraces([10]);
    const r = simulate(video, ten!, ALGORITHMS.ours!(), { bufferCapS: 60 });
    expect(r.levels[1]).toBe(3);
    expect(r.levels).toContain(4);
    expect(r.rebufferS).toBe(0);
  });

  it("a session can start part-way into a trace (tuning draws several sessions from one long trace)", () => {
    const video: Video = { name: "t", segmentS: 4, bitratesBps: [1e6], heightsPx: [360], sizesBytes: [[475_000, 475_000]] };
    const one = { name: "one", choose: () => ({ level: 0 }) };
    // From 2 s in, the first segment rides the 8 Mbps span: 475,000 B at 950,000 B/s = 0.5 s.
    const r = simulate(video, trace, one, { bufferCapS: 60, startS: 2 + RTT_S });
    expect(r.startupS).toBeCloseTo(RTT_S + 0.5, 9);
    expect(r.stallsS).toHaveLength(2);
  });

  it("ours starts where the player starts (start.ts: the cheapest rung at 360p or above), then the rules decide", () => {
    // A per-title ladder: four rungs at 240p, then 360p and 720p.
    const kbps = [160, 240, 370, 580, 900, 2000];
    const video: Video = { name: "pt", segmentS: 4, bitratesBps: kbps.map((k) => k * 1000), heightsPx: [240, 240, 240, 240, 360, 720], sizesBytes: kbps.map((k) => [1, 2, 3].map(() => (k * 1000 * 4) / 8)) };
    const fast = parseTrace("fast", "0 50\n100 50\n");
    expect(simulate(video, fast, new OursAbr(), { bufferCapS: 60 }).levels[0]).toBe(4);
    // The rules' own start, for when the player names none: the highest rung under 0.7 × an assumed 1.2 Mbps.
    expect(simulate(video, fast, new OursAbr(undefined, "rules"), { bufferCapS: 60 }).levels[0]).toBe(3);
    // With a stored link estimate of 0.5 Mbps the player starts on the highest rung within half of it (240 kbps)…
    expect(simulate(video, fast, new OursAbr(undefined, "player", 500_000), { bufferCapS: 60 }).levels[0]).toBe(1);
    // …and never above the rule's rung however fast the estimate.
    expect(simulate(video, fast, new OursAbr(undefined, "player", 100e6), { bufferCapS: 60 }).levels[0]).toBe(4);
    // The bench's `link` estimate: what the link gave in the seconds before the session (the trace's tail), payload share applied.
    expect(linkRateBefore(parseTrace("steps", "0 1\n10 1\n20 3\n"), 20)).toBeCloseTo(2e6 * PAYLOAD_SHARE, 3);
    expect(linkRateBefore(parseTrace("steps", "0 1\n10 1\n20 3\n"), 5)).toBeCloseTo(3e6 * PAYLOAD_SHARE, 3);
  });

  it.skipIf(!existsSync("../shared/data/chunk-sizes-envivio") || !existsSync("../shared/data/traces-pensieve/cooked_test_traces"))(
    "every algorithm plays Pensieve's video over real traces without error (skipped when ../shared/data is absent)",
    () => {
      const video = envivioVideo("../shared/data/chunk-sizes-envivio");
      const traces = loadTraces("../shared/data/traces-pensieve/cooked_test_traces").slice(0, 5);
      for (const make of Object.values(ALGORITHMS)) for (const t of traces) expect(simulate(video, t, make(), { bufferCapS: 60 }).levels).toHaveLength(48);
    },
  );
});
