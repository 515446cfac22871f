/**
 * How playback starts (client/src/player/start.ts, playlists.ts): the requests predicted for
 * the title page's preparation must be the ones hls.js makes — read from a master
 * playlist rendered by the Worker's own renderMaster (two pathways, audio and
 * subtitle groups) — and the start position, rendition and freshness rules.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LINK_ESTIMATE_KEY, LINK_ESTIMATE_MAX_AGE_MS, linkHint, storedLinkEstimate, storeLinkEstimate } from "../../client/src/player/link-estimate.ts";
import { firstPlaylists, readMaster, segmentsAt, tagAttributes } from "../../client/src/player/playlists.ts";
import { baselineStart, PREPARED_MAX_AGE_MS, PREPARED_MIN_TOKEN_LEFT_MS, preparedUsable, resumeOffer, SAVE_DATA_MAX_BPS, START_ESTIMATE_SHARE, startHeight, startPositionSeconds, startRung, type StartRung } from "../../client/src/player/start.ts";
import { renderMaster, type RenditionRow } from "../../worker/media/master.ts";

const ASSET = "t1-demo2s12";
const video = (id: number, height: number, bandwidthBps: number): RenditionRow => ({
  id, kind: "video", width: Math.round((height * 16) / 9), height, frameRate: 25, bandwidthBps, averageBandwidthBps: bandwidthBps - 10_000,
  codecs: "avc1.42c01f", language: null, label: null, channels: null, isDefault: false, playlistKey: `assets/${ASSET}/video/${height}p/index.m3u8`,
});
const audio = (id: number, language: string, isDefault: boolean): RenditionRow => ({
  id, kind: "audio", width: null, height: null, frameRate: null, bandwidthBps: 24_000, averageBandwidthBps: 23_000,
  codecs: "mp4a.40.2", language, label: language, channels: 2, isDefault, playlistKey: `assets/${ASSET}/audio/${language}/index.m3u8`,
});

function master(currentPathway = "b", maxHeightPx = 1080): string {
  return renderMaster({
    folder: ASSET,
    keyPrefix: `assets/${ASSET}/`,
    token: "TOKEN",
    maxHeightPx,
    // Listed highest first on purpose: the start rule must not depend on the order.
    renditions: [video(3, 720, 3_000_000), video(2, 540, 2_000_000), video(1, 360, 1_000_000), video(4, 240, 400_000), audio(5, "en", false), audio(6, "fr", true)],
    subtitles: [{ id: 7, language: "en", label: "English", isDefault: false, isForced: false, playlistKey: `assets/${ASSET}/subs/en/index.m3u8` }],
    pathways: [{ id: "a", baseUrl: "" }, { id: "b", baseUrl: "https://cdn-b.example" }],
    currentPathway,
    steeringUri: "/api/steering/US",
  });
}

const av1 = (id: number, height: number, bandwidthBps: number): RenditionRow => ({
  ...video(id, height, bandwidthBps), codecs: "av01.0.04M.08", playlistKey: `assets/${ASSET}/video/av1-${height}p/index.m3u8`,
});

/** A master with one pathway and no subtitles. */
const singlePathwayMaster = (renditions: RenditionRow[]): string =>
  renderMaster({
    folder: ASSET, keyPrefix: `assets/${ASSET}/`, token: "TOKEN", maxHeightPx: 1080,
    renditions, subtitles: [], pathways: [{ id: "a", baseUrl: "" }], currentPathway: "a", steeringUri: "/api/steering/US",
  });

const MASTER_URL = "https://marquee.example/cdn/b/TOKEN/t1-demo2s12/master.m3u8";

describe("the first requests of a start", () => {
  it("reads the starting pathway, every variant and the audio renditions of a master the Worker renders", () => {
    const info = readMaster(master(), MASTER_URL);
    expect(info.pathway).toBe("b");
    expect(info.variants).toHaveLength(8);
    expect(info.variants.filter((v) => v.pathway === "b").map((v) => v.heightPx).sort((x, y) => x - y)).toEqual([240, 360, 540, 720]);
    expect(info.audio.filter((a) => a.group === "aud-b").map((a) => [a.language, a.isDefault])).toEqual([["en", false], ["fr", true]]);
    expect(info.variants.find((v) => v.pathway === "b" && v.heightPx === 360)?.url).toBe("https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/video/360p/index.m3u8");
  });

  it("starts on a variant the browser decodes: the cheaper AV1 one where it can, H.264 where it cannot", () => {
    const info = readMaster(singlePathwayMaster([video(1, 360, 1_000_000), av1(2, 360, 600_000), video(3, 720, 3_000_000), av1(4, 720, 1_800_000), audio(5, "en", true)]), MASTER_URL);
    expect(info.variants.map((v) => v.codecs?.split(",")[0]).sort()).toEqual(["av01.0.04M.08", "av01.0.04M.08", "avc1.42c01f", "avc1.42c01f"]);
    expect(firstPlaylists(info, null, null, () => true)?.video).toMatch(/\/video\/av1-360p\/index\.m3u8$/);
    expect(firstPlaylists(info, null, null, (codecs) => !codecs.includes("av01"))?.video).toMatch(/\/video\/360p\/index\.m3u8$/);
  });

  it("starts on the lowest rung from 360p up, on the starting pathway, with the default audio unless another language is preferred", () => {
    const info = readMaster(master(), MASTER_URL);
    expect(firstPlaylists(info, null, null, undefined, undefined, { estimateBps: null, saveData: false })).toEqual({
      heightPx: 360,
      bitrateBps: 990_000 + 23_000,
      video: "https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/video/360p/index.m3u8",
      audio: "https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/audio/fr/index.m3u8",
    });
    expect(firstPlaylists(info, null, "en")?.audio).toMatch(/\/cdn\/b\/TOKEN\/t1-demo2s12\/audio\/en\/index\.m3u8$/);
    // A manual quality the master offers wins; one it does not (above the plan) falls back to the rule.
    expect(firstPlaylists(info, 720, null)?.heightPx).toBe(720);
    expect(firstPlaylists(readMaster(master("a", 540), MASTER_URL), 720, null)).toMatchObject({ heightPx: 360, video: "https://marquee.example/cdn/a/TOKEN/t1-demo2s12/video/360p/index.m3u8" });
  });

  it("starts lower when the link estimate says the 360p rung is too heavy, on the same pathway, codec set and audio", () => {
    const info = readMaster(master(), MASTER_URL);
    // AVERAGE-BANDWIDTH with audio: 240p 413 kbps, 360p 1013 kbps. Half of 1.5 Mbps fits only 240p.
    expect(firstPlaylists(info, null, null, undefined, undefined, { estimateBps: 1_500_000, saveData: false })).toEqual({
      heightPx: 240,
      bitrateBps: 390_000 + 23_000,
      video: "https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/video/240p/index.m3u8",
      audio: "https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/audio/fr/index.m3u8",
    });
    expect(firstPlaylists(info, null, null, undefined, undefined, { estimateBps: 2_100_000, saveData: false })?.heightPx).toBe(360);
    // A manual choice wins over the estimate.
    expect(firstPlaylists(info, 720, null, undefined, undefined, { estimateBps: 100_000, saveData: false })?.heightPx).toBe(720);
    // Several codec sets: the lower rung is taken in the set the rule starts on (AV1 here), not a cheaper H.264 one.
    const text = singlePathwayMaster([video(1, 360, 1_000_000), av1(2, 360, 600_000), video(3, 240, 250_000), av1(4, 240, 300_000), audio(5, "en", true)]);
    expect(firstPlaylists(readMaster(text, MASTER_URL), null, null, () => true, undefined, { estimateBps: 800_000, saveData: false })?.video).toMatch(/\/video\/av1-240p\/index\.m3u8$/);
  });

  it("finds the init segment and the segment holding the start position, the first one for a start from the beginning", () => {
    const playlist = [
      "#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:4", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD",
      '#EXT-X-MAP:URI="init.mp4"', "#EXTINF:4.000000,", "seg_00000.m4s", "#EXTINF:4.000000,", "seg_00001.m4s", "#EXTINF:3.5,", "seg_00002.m4s", "#EXT-X-ENDLIST",
    ].join("\n");
    const url = "https://cdn.example/cdn/a/T/asset/video/360p/index.m3u8";
    expect(segmentsAt(playlist, url, -1)).toEqual({ init: "https://cdn.example/cdn/a/T/asset/video/360p/init.mp4", segment: "https://cdn.example/cdn/a/T/asset/video/360p/seg_00000.m4s" });
    expect(segmentsAt(playlist, url, 4)?.segment).toMatch(/seg_00001\.m4s$/);
    expect(segmentsAt(playlist, url, 11)?.segment).toMatch(/seg_00002\.m4s$/);
    expect(segmentsAt(playlist, url, 60).segment).toBeNull();
    expect(segmentsAt(playlist.replace("#EXTINF:4.000000,\nseg_00001", "#EXT-X-BYTERANGE:100@0\n#EXTINF:4.000000,\nseg_00001"), url, 5).segment).toBeNull();
  });

  it("reads quoted attribute values with commas in them", () => {
    expect(tagAttributes('#EXT-X-MEDIA:TYPE=AUDIO,NAME="Director, commentary",URI="a/b.m3u8"')).toEqual({ TYPE: "AUDIO", NAME: "Director, commentary", URI: "a/b.m3u8" });
  });
});

describe("where and how playback starts", () => {
  const resume = { positionSeconds: 600, updatedAt: 1, deviceName: "TV" };

  it("starts at a ?t= position, else at the resume position the player offers, else from the beginning", () => {
    expect(startPositionSeconds({ resume, durationSeconds: 5400 }, 30)).toBe(30);
    expect(startPositionSeconds({ resume, durationSeconds: 5400 }, undefined)).toBe(600);
    expect(resumeOffer({ resume, durationSeconds: 5400 }, undefined)).toEqual(resume);
    // Barely started or nearly finished: no offer, start from the beginning.
    expect(startPositionSeconds({ resume: { ...resume, positionSeconds: 3 }, durationSeconds: 5400 }, undefined)).toBe(-1);
    expect(startPositionSeconds({ resume: { ...resume, positionSeconds: 5300 }, durationSeconds: 5400 }, undefined)).toBe(-1);
    expect(startPositionSeconds({ resume: null, durationSeconds: 5400 }, undefined)).toBe(-1);
  });

  it("picks the lowest height from 360p up, the highest below it when there is none, and a manual choice when offered", () => {
    expect(startHeight([1080, 720, 540, 360, 240], null)).toBe(360);
    expect(startHeight([1080, 540], null)).toBe(540);
    expect(startHeight([240, 144], null)).toBe(240);
    expect(startHeight([1080, 720, 360], 720)).toBe(720);
    expect(startHeight([720, 360], 1080)).toBe(360);
    expect(startHeight([], null)).toBeNull();
  });

  it("uses a prepared session only while it is recent and its token far from expiry", () => {
    const t0 = 1_000_000_000;
    const longToken = t0 + 30 * 60_000;
    expect(preparedUsable(t0, null, t0 + 1000)).toBe(true);
    expect(preparedUsable(t0, longToken, t0 + PREPARED_MAX_AGE_MS - 1)).toBe(true);
    expect(preparedUsable(t0, longToken, t0 + PREPARED_MAX_AGE_MS + 1)).toBe(false);
    expect(preparedUsable(t0, t0 + PREPARED_MIN_TOKEN_LEFT_MS + 1000, t0 + 2000)).toBe(false);
    expect(preparedUsable(t0, longToken, t0 - 1)).toBe(false);
  });

  it("turns the baseline on with ?baseline=hlsjs only", () => {
    expect(baselineStart("?baseline=hlsjs")).toBe(true);
    expect(baselineStart("?baseline=other&abr=hlsjs")).toBe(false);
    expect(baselineStart("")).toBe(false);
  });
});

/** The Tears of Steel per-title ladder (bench/abr/ladders): four rungs at 240p, the top at 360p. */
const TEARS: StartRung[] = [163, 241, 374, 587, 902].map((kbps, i) => ({ heightPx: i < 4 ? 240 : 360, bitrateBps: kbps * 1000 }));
const none = { estimateBps: null, saveData: false };
const kbps = (r: StartRung | null) => (r ? r.bitrateBps / 1000 : null);

describe("the start rung with a link estimate", () => {
  it("is the rule's rung without an estimate or when it fits, else the highest that fits, never below the lowest", () => {
    expect(kbps(startRung(TEARS, null, none))).toBe(902);
    expect(kbps(startRung(TEARS, null, { estimateBps: 2_000_000, saveData: false }))).toBe(902);
    // 0.5 Mbps (the bench's slow constant link): 250 kbps of budget, the 241 kbps rung.
    expect(START_ESTIMATE_SHARE).toBe(0.5);
    expect(kbps(startRung(TEARS, null, { estimateBps: 500_000, saveData: false }))).toBe(241);
    expect(kbps(startRung(TEARS, null, { estimateBps: 1_200_000, saveData: false }))).toBe(587);
    expect(kbps(startRung(TEARS, null, { estimateBps: 100_000, saveData: false }))).toBe(163);
    // Never above the rule's rung, however fast the link (the first frame comes with the first segment).
    expect(startRung([{ heightPx: 360, bitrateBps: 1e6 }, { heightPx: 720, bitrateBps: 3e6 }], null, { estimateBps: 100e6, saveData: false })?.heightPx).toBe(360);
    expect(startRung([], null, none)).toBeNull();
  });

  it("gives way to a manual choice, and to Save-Data's cap", () => {
    expect(kbps(startRung(TEARS, 360, { estimateBps: 100_000, saveData: false }))).toBe(902);
    expect(kbps(startRung(TEARS, 240, none))).toBe(163);
    const big = [{ heightPx: 540, bitrateBps: 2e6 }, { heightPx: 1080, bitrateBps: 6e6 }, { heightPx: 240, bitrateBps: 1.2e6 }];
    expect(startRung(big, null, none)?.heightPx).toBe(540);
    expect(startRung(big, null, { estimateBps: null, saveData: true })?.bitrateBps).toBeLessThanOrEqual(SAVE_DATA_MAX_BPS);
  });

  it("never exceeds the rule's rung, and fits the estimate whenever a rung does (property)", () => {
    const rung = fc.record({ heightPx: fc.constantFrom(144, 240, 360, 480, 540, 720, 1080, 2160), bitrateBps: fc.integer({ min: 50_000, max: 20_000_000 }), family: fc.constantFrom("avc1,mp4a", "av01,mp4a") });
    fc.assert(
      fc.property(fc.array(rung, { minLength: 1, maxLength: 8 }), fc.option(fc.integer({ min: 1, max: 100_000_000 }), { nil: null }), fc.boolean(), (rungs, estimateBps, saveData) => {
        const rule = startRung(rungs, null, none)!;
        const chosen = startRung(rungs, null, { estimateBps, saveData })!;
        expect(rungs).toContain(chosen);
        expect(chosen.bitrateBps).toBeLessThanOrEqual(rule.bitrateBps);
        expect(chosen.family).toBe(rule.family);
        const budget = Math.min(estimateBps === null ? Infinity : START_ESTIMATE_SHARE * estimateBps, saveData ? SAVE_DATA_MAX_BPS : Infinity);
        const candidates = rungs.filter((r) => r.family === rule.family && r.bitrateBps <= rule.bitrateBps);
        const fitting = candidates.filter((r) => r.bitrateBps <= budget);
        if (fitting.length > 0) {
          expect(chosen.bitrateBps).toBeLessThanOrEqual(budget);
          // …and the highest that does.
          expect(chosen.bitrateBps).toBe(Math.max(...fitting.map((r) => r.bitrateBps)));
        } else expect(chosen.bitrateBps).toBe(Math.min(...candidates.map((r) => r.bitrateBps)));
      }),
    );
  });
});

describe("the link estimate kept on the device", () => {
  afterEach(() => vi.unstubAllGlobals());
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
  };

  it("is stored as a rate and a time only, read back while fresh, ignored when stale, from the future or malformed", () => {
    const store = memory();
    vi.stubGlobal("localStorage", store);
    const t0 = 1_800_000_000_000;
    storeLinkEstimate(2_345_678.9, t0);
    expect(JSON.parse(store.m.get(LINK_ESTIMATE_KEY)!)).toEqual({ bps: 2_345_679, at: t0 });
    expect(storedLinkEstimate(t0 + 1000)).toBe(2_345_679);
    expect(storedLinkEstimate(t0 + LINK_ESTIMATE_MAX_AGE_MS + 1)).toBeNull();
    expect(storedLinkEstimate(t0 - 10 * 60_000)).toBeNull();
    for (const bad of ["{", "null", '{"bps":"fast","at":1}', '{"bps":-1,"at":1}', '{"bps":1e6}']) {
      store.m.set(LINK_ESTIMATE_KEY, bad);
      expect(storedLinkEstimate(t0)).toBeNull();
    }
    storeLinkEstimate(Number.NaN, t0);
    storeLinkEstimate(0, t0);
    expect(store.m.get(LINK_ESTIMATE_KEY)).toBe('{"bps":1e6}');
  });

  it("falls back to the browser's downlink hint, reports Save-Data, and survives storage that throws", () => {
    vi.stubGlobal("localStorage", { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("quota"); } });
    vi.stubGlobal("navigator", { connection: { downlink: 0.4, saveData: true } });
    expect(() => storeLinkEstimate(1e6)).not.toThrow();
    expect(linkHint()).toEqual({ estimateBps: 400_000, saveData: true });
    vi.stubGlobal("navigator", {});
    expect(linkHint()).toEqual({ estimateBps: null, saveData: false });
    const store = memory();
    vi.stubGlobal("localStorage", store);
    vi.stubGlobal("navigator", { connection: { downlink: 10 } });
    storeLinkEstimate(700_000);
    // A measured estimate wins over the hint.
    expect(linkHint().estimateBps).toBe(700_000);
  });
});
