/**
 * Marquee's hls.js ABR controller (client/src/player/abr/controller.ts) wired to
 * a stand-in for the Hls instance: the plan's ceiling from the playback
 * response reaches the rules and holds however fast the link, a manual choice
 * is honoured within it, and the rules see declared AVERAGE-BANDWIDTH, the time
 * to first byte apart from the transfer, and the segments left.
 */
import Hls from "hls.js";
import { describe, expect, it, vi } from "vitest";
import { abrOptionsFor, hlsConfigFor } from "../../client/src/player/config.ts";
import { LINK_ESTIMATE_KEY } from "../../client/src/player/link-estimate.ts";

const HEIGHTS = [360, 540, 720, 1080, 2160];
const AVERAGE_KBPS = [1000, 2000, 3000, 6000, 15000];

/** A stand-in for the Hls instance: the levels, the buffer and the event wiring the controller uses. */
function fakeHls(fragments = 30) {
  const handlers = new Map<string, (event: string, data: unknown) => void>();
  const levels = HEIGHTS.map((height, i) => ({
    height,
    bitrate: AVERAGE_KBPS[i]! * 1300, // BANDWIDTH is the peak; the rules work with the average.
    averageBitrate: AVERAGE_KBPS[i]! * 1000,
    pathwayId: ".",
    details: { averagetargetduration: 4, live: false, endSN: fragments - 1 },
  }));
  const hls = {
    levels,
    minAutoLevel: 0,
    maxAutoLevel: levels.length - 1,
    loadLevel: 0,
    autoLevelEnabled: true,
    mainForwardBufferInfo: { len: 0 },
    media: { paused: false, clientHeight: 0 },
    on(event: string, fn: (event: string, data: unknown) => void, ctx: unknown) {
      handlers.set(event, fn.bind(ctx));
    },
    off(event: string) {
      handlers.delete(event);
    },
    trigger() {},
  };
  /** One main fragment loaded at `level`: `mbps` of transfer after `ttfbMs`. */
  const load = (sn: number, level: number, mbps: number, ttfbMs = 50) => {
    const bytes = (AVERAGE_KBPS[level]! * 1000 * 4) / 8;
    const transferMs = (8 * bytes) / (mbps * 1000);
    const stats = { loaded: bytes, total: bytes, aborted: false, loading: { start: 1000, first: 1000 + ttfbMs, end: 1000 + ttfbMs + transferMs } };
    const frag = { type: "main", sn, level, start: sn * 4, duration: 4, stats, abortRequests() {} };
    handlers.get(Hls.Events.FRAG_LOADING)?.(Hls.Events.FRAG_LOADING, { frag });
    handlers.get(Hls.Events.FRAG_LOADED)?.(Hls.Events.FRAG_LOADED, { frag, part: null });
  };
  return { hls, load };
}

type Controller = { nextAutoLevel: number; firstAutoLevel: number; bwEstimator: { getEstimate(): number; getEstimateTTFB(): number }; destroy(): void };

function controllerFor(options: Parameters<typeof hlsConfigFor>[1], fragments?: number) {
  const Ctor = hlsConfigFor("marquee", options).abrController as unknown as new (hls: unknown) => Controller;
  const fake = fakeHls(fragments);
  return { ...fake, abr: new Ctor(fake.hls) };
}

describe("Marquee ABR controller in hls.js", () => {
  it("hls.js's own controller is used when the viewer chose it", () => {
    expect(hlsConfigFor("hlsjs", abrOptionsFor({ maxHeight: 1080 }, () => -1)).abrController).toBeUndefined();
  });

  it("a live broadcast gives a blocking reload the time hls.js allows it, not VOD's fast fail", () => {
    // hls.js waits for a blocking LL-HLS reload at most max(3 parts, 0.8 target durations), capped by the policy's TTFB.
    const limitMs = (partSeconds: number, targetSeconds: number) => Math.max(3 * partSeconds, 0.8 * targetSeconds) * 1000;
    const live = hlsConfigFor("marquee", {}, true);
    const vod = hlsConfigFor("marquee", {}, false);
    expect(live.lowLatencyMode).toBe(true);
    // npm run live's default (1 s parts, 4 to a segment) and its longest parts (2 s).
    expect(live.playlistLoadPolicy!.default.maxTimeToFirstByteMs).toBeGreaterThanOrEqual(limitMs(1, 4));
    expect(live.playlistLoadPolicy!.default.maxTimeToFirstByteMs).toBeGreaterThanOrEqual(limitMs(2, 4));
    expect(live.fragLoadPolicy!.default.maxTimeToFirstByteMs).toBeGreaterThan(1000);
    // VOD keeps its fast pathway failover.
    expect(vod.playlistLoadPolicy!.default.maxTimeToFirstByteMs).toBeLessThan(limitMs(1, 4));
  });

  it("on demand the first fragments load while the media element opens; a broadcast waits for the media", () => {
    expect(hlsConfigFor("marquee", {}, false).startFragPrefetch).toBe(true);
    expect(hlsConfigFor("hlsjs", {}, false).startFragPrefetch).toBe(true);
    expect(hlsConfigFor("marquee", {}, true).startFragPrefetch).toBe(false);
  });

  it("the plan's ceiling from the playback response holds however fast the link", () => {
    const capped = controllerFor(abrOptionsFor({ maxHeight: 1080 }, () => -1));
    const open = controllerFor(abrOptionsFor({ maxHeight: 2160 }, () => -1));
    for (const c of [capped, open]) {
      expect(c.abr.firstAutoLevel).toBeLessThanOrEqual(3);
      for (let sn = 0; sn < 12; sn++) {
        c.hls.mainForwardBufferInfo.len = Math.min(30, 4 * (sn + 1));
        c.load(sn, Math.max(0, c.abr.nextAutoLevel), 500);
      }
    }
    expect(capped.abr.nextAutoLevel).toBe(3);
    expect(open.abr.nextAutoLevel).toBe(4);
    capped.abr.destroy();
    open.abr.destroy();
  });

  it("stays within the codec set it started on, however fast the link", () => {
    for (const [start, set] of [[0, "avc1,mp4a"], [1, "av01,mp4a"]] as const) {
      const c = controllerFor({});
      // Two codec sets interleaved by bitrate, as hls.js lists an H.264 + AV1 master.
      c.hls.levels.forEach((l, i) => Object.assign(l, { codecSet: i % 2 === 0 ? "avc1,mp4a" : "av01,mp4a" }));
      c.hls.loadLevel = start;
      const picked: number[] = [];
      let level: number = start;
      for (let sn = 0; sn < 16; sn++) {
        c.hls.mainForwardBufferInfo.len = Math.min(30, 4 * (sn + 1));
        c.load(sn, level, 500);
        level = c.abr.nextAutoLevel;
        picked.push(level);
      }
      expect(picked.every((i) => (c.hls.levels[i] as { codecSet?: string }).codecSet === set), `${set}: ${picked}`).toBe(true);
      // It still climbs to the best rung of its own set.
      expect(level).toBe(set === "avc1,mp4a" ? 4 : 3);
      c.abr.destroy();
    }
  });

  it("a manual choice is honoured, within the plan", () => {
    let manual = 1;
    const c = controllerFor(abrOptionsFor({ maxHeight: 720 }, () => manual));
    c.load(0, 0, 500);
    c.hls.mainForwardBufferInfo.len = 30;
    expect(c.abr.nextAutoLevel).toBe(1);
    manual = 4;
    expect(c.abr.nextAutoLevel).toBe(2);
  });

  it("the estimate is the transfer rate with the time to first byte apart", () => {
    const c = controllerFor({});
    c.load(0, 0, 8, 400);
    expect(c.abr.bwEstimator.getEstimate()).toBeCloseTo(8e6, 0);
    expect(c.abr.bwEstimator.getEstimateTTFB()).toBeCloseTo(400, 6);
  });

  it("keeps its estimate for the next start: at once, then at most every 5 s, and when destroyed", () => {
    const stored: number[] = [];
    const c = controllerFor({ storeEstimate: (bps) => stored.push(bps) });
    c.abr.destroy();
    expect(stored).toEqual([]); // nothing measured: nothing kept
    const d = controllerFor({ storeEstimate: (bps) => stored.push(bps) });
    d.load(0, 0, 8);
    d.load(1, 0, 8);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toBeCloseTo(8e6, -3);
    d.load(2, 0, 2);
    d.abr.destroy();
    expect(stored).toHaveLength(2);
    expect(stored[1]).toBeLessThan(8e6);
  });

  it("keeps no estimate from a download's playback: it is read from the device, not the link", () => {
    const store = new Map<string, string>();
    vi.stubGlobal("localStorage", { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) });
    try {
      for (const masterUrl of ["/offline/0b9c6a52-2f3e-4c1e-9a7b-5d2f0e8c4a11/master.m3u8", "/cdn/tok/a/master.m3u8"]) {
        const c = controllerFor(abrOptionsFor({ maxHeight: 1080, masterUrl }, () => -1));
        c.load(0, 0, 8);
        c.load(1, 0, 8);
        c.abr.destroy();
        expect(store.has(LINK_ESTIMATE_KEY), masterUrl).toBe(!masterUrl.startsWith("/offline/"));
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("up-switches are spaced by 10 s of media, not of wall time", () => {
    const c = controllerFor({});
    c.hls.mainForwardBufferInfo.len = 30;
    c.load(0, 0, 5);
    expect(c.abr.nextAutoLevel).toBe(3);
    // The link turns fast (the estimate reaches 12.5 Mbps after two samples); the buffer fills in no time.
    c.load(1, 3, 50);
    c.load(2, 3, 50);
    expect(c.abr.nextAutoLevel).toBe(3);
    c.load(3, 3, 50);
    expect(c.abr.nextAutoLevel).toBe(4);
  });

  it("the last segments of the video may go to the top rung when the buffer covers them", () => {
    // 10 Mbps with 25 s banked: 2160p (15 Mbps) fails even the rich buffer's margin (12 Mbps), five of its
    // segments (2 s short each) would take the buffer under rich, and the twelve left (8 to 19) would take
    // it under the low mark, so it is not spent either…
    const c = controllerFor({}, 20);
    c.hls.mainForwardBufferInfo.len = 25;
    for (let sn = 0; sn <= 7; sn++) c.load(sn, 3, 10);
    expect(c.abr.nextAutoLevel).toBe(3);
    // …but with three fragments left (17 to 19), each taking 6 s at 10 Mbps, 25 s less the low mark covers them all.
    for (let sn = 8; sn <= 16; sn++) c.load(sn, 3, 10);
    expect(c.abr.nextAutoLevel).toBe(4);
  });
});
