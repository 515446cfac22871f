/**
 * The hls.js port in bench/abr/hlsjs-port.ts against hls.js 1.7.4 itself,
 * imported from node_modules/hls.js/src: its EwmaBandWidthEstimator, and its
 * real AbrController driven with a minimal stand-in for the Hls instance
 * (FRAG_LOADED/FRAG_BUFFERED handlers called directly, then `nextAutoLevel` read),
 * over one recorded sequence of downloads and buffer levels.
 */
import { describe, expect, it, vi } from "vitest";
import { EwmaBandwidthEstimator, HLSJS_DEFAULTS, HlsJsAbrCore } from "../../bench/abr/hlsjs-port.ts";
import RealEstimator from "../../node_modules/hls.js/src/utils/ewma-bandwidth-estimator";

// url-toolkit is a build-time dependency of hls.js's sources that the package does not ship; the ABR never builds URLs.
vi.mock("url-toolkit", () => ({ buildAbsoluteURL: (base: string, rel: string) => new URL(rel, base).href }));
vi.mock("@svta/cml-id3", () => ({ utf8ArrayToStr: () => "" }));

const BITRATES = [300_000, 750_000, 1_200_000, 1_850_000, 2_850_000, 4_300_000];
const SEGMENT_S = 4;

/** A recorded session: each download's level-independent network share (bits/s), its TTFB and the buffer after it. */
function recorded(): { bps: number; ttfbMs: number; bufferS: number }[] {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: 60 }, (_, i) => ({
    bps: (i % 20 < 10 ? 3_000_000 : 900_000) * (0.5 + rand()),
    ttfbMs: 40 + 200 * rand(),
    bufferS: i < 3 ? 2 + i : 4 + 20 * rand(),
  }));
}

describe("hls.js port", () => {
  it("the EWMA estimator gives hls.js's own estimates for the same samples", () => {
    const ours = new EwmaBandwidthEstimator(9, 3, 5e5);
    const real = new RealEstimator(9, 3, 5e5);
    expect(ours.getEstimate()).toBe(real.getEstimate());
    for (const s of recorded()) {
      const bytes = Math.round((s.bps * SEGMENT_S) / 8 / 2);
      const ms = (8 * bytes * 1000) / s.bps;
      ours.sampleTTFB(s.ttfbMs);
      real.sampleTTFB(s.ttfbMs);
      ours.sample(ms, bytes);
      real.sample(ms, bytes);
      expect(ours.getEstimate()).toBeCloseTo(real.getEstimate(), 6);
      expect(ours.getEstimateTTFB()).toBeCloseTo(real.getEstimateTTFB(), 9);
    }
  });

  it("the port picks the same levels as hls.js's AbrController for a recorded sequence of downloads and buffer levels", async () => {
    const g = globalThis as Record<string, unknown>;
    g.__USE_MEDIA_CAPABILITIES__ = false;
    g.self ??= globalThis;
    const { default: AbrController } = await import("../../node_modules/hls.js/src/controller/abr-controller" as string);
    const silent = { log() {}, warn() {}, info() {}, debug() {}, error() {}, trace() {} };
    const levels = BITRATES.map((b) => ({
      bitrate: b, maxBitrate: b, averageBitrate: b, codecSet: "avc1,mp4a", videoRange: "SDR", frameRate: 0,
      loadError: 0, fragmentError: 0, details: { averagetargetduration: SEGMENT_S, live: false },
    }));
    const fakeHls = {
      config: { ...HLSJS_DEFAULTS, abrEwmaFastLive: 3, abrEwmaSlowLive: 9, abrEwmaDefaultEstimateMax: 5e6, abrMaxWithRealBitrate: false, errorPenaltyExpireMs: 300000 },
      levels, allAudioTracks: [], loadLevel: 0, latestLevelDetails: null, firstLevel: 0, minAutoLevel: 0, maxAutoLevel: levels.length - 1,
      mainForwardBufferInfo: { len: 0 }, media: { playbackRate: 1 }, logger: silent, on() {}, off() {}, trigger() {},
    };
    const real = new AbrController(fakeHls);
    const port = new HlsJsAbrCore(BITRATES);
    port.loadLevel = 0;
    let level = 0;
    const realLevels: number[] = [];
    const portLevels: number[] = [];
    for (const [sn, s] of recorded().entries()) {
      const bytes = Math.round((BITRATES[level]! * SEGMENT_S) / 8);
      const loadMs = s.ttfbMs + (8 * bytes * 1000) / s.bps;
      const stats = { loaded: bytes, total: bytes, aborted: false, loading: { start: 0, first: s.ttfbMs, end: loadMs }, parsing: { start: loadMs, end: loadMs } };
      const frag = { type: "main", sn, level, duration: SEGMENT_S, bitrate: BITRATES[level], bitrateTest: false, stats };
      real.onFragLoaded("hlsFragLoaded", { frag, part: null, payload: new ArrayBuffer(0), networkDetails: null });
      real.onFragBuffered("hlsFragBuffered", { frag, part: null, stats, id: "main" });
      port.fragLoaded(level, bytes, loadMs, s.ttfbMs, SEGMENT_S, false);
      fakeHls.mainForwardBufferInfo = { len: s.bufferS };
      const r = real.nextAutoLevel;
      const p = port.nextAutoLevel(s.bufferS);
      expect(port.bw.getEstimate()).toBeCloseTo(real.bwEstimator.getEstimate(), 6);
      realLevels.push(r);
      portLevels.push(p);
      level = r;
      fakeHls.loadLevel = r;
      port.loadLevel = r;
    }
    expect(new Set(realLevels).size).toBeGreaterThan(2);
    expect(portLevels).toEqual(realLevels);
  });
});
