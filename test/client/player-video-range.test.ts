/**
 * HDR in the player (client/src/player/video-range.ts, playlists.ts): which ranges a
 * device is offered from what its display and MediaCapabilities say, and the level
 * filter applied before hls.js starts — on a master rendered by the Worker's own
 * renderMaster from rows as ingest writes them (VIDEO-RANGE read from CODECS).
 */
import { describe, expect, it } from "vitest";
import type { VideoRange } from "../../common/video-range.ts";
import { firstPlaylists, readMaster } from "../../client/src/player/playlists.ts";
import { dropLevelsOutside, levelsOutside, preferredRange, rangesFor, type DisplaySurface } from "../../client/src/player/video-range.ts";
import { renderMaster, type RenditionRow } from "../../worker/media/master.ts";

const ASSET = "t9-hdr";
const H264 = "avc1.64001f";
const AV1_SDR = "av01.0.04M.08.0.110.01.01.01.0";
const AV1_PQ = "av01.0.04M.10.0.110.09.16.09.0";
const row = (id: number, height: number, bandwidthBps: number, codecs: string, name: string): RenditionRow => ({
  id, kind: "video", width: Math.round((height * 16) / 9), height, frameRate: 24, bandwidthBps, averageBandwidthBps: bandwidthBps - 10_000,
  codecs, language: null, label: null, channels: null, isDefault: false, playlistKey: `assets/${ASSET}/video/${name}/index.m3u8`,
});
const MASTER = renderMaster({
  folder: ASSET, keyPrefix: `assets/${ASSET}/`, token: "TOKEN", maxHeightPx: 1080,
  renditions: [
    row(1, 360, 900_000, H264, "360p"), row(2, 720, 2_500_000, H264, "720p"),
    row(3, 360, 600_000, AV1_SDR, "av1-360p"), row(4, 720, 1_500_000, AV1_SDR, "av1-720p"),
    // The PQ set is the cheapest at 360p here, so a start that ignored ranges would pick it.
    row(5, 360, 550_000, AV1_PQ, "av1-pq-360p"), row(6, 720, 1_600_000, AV1_PQ, "av1-pq-720p"),
  ],
  subtitles: [], pathways: [{ id: "a", baseUrl: "" }], currentPathway: "a", steeringUri: "/api/steering/US",
});
const URL_ = "https://marquee.example/cdn/a/TOKEN/t9-hdr/master.m3u8";

/** A browser surface: what the display query answers, and which transfer functions MediaCapabilities supports (every config asked is kept). */
function surface(hdrDisplay: boolean | "unknown", transfers: string[]): DisplaySurface & { asked: MediaDecodingConfiguration[] } {
  const asked: MediaDecodingConfiguration[] = [];
  return {
    asked,
    matchMedia: (q) => (hdrDisplay === "unknown" || q !== "(dynamic-range: high)" ? { matches: false, media: "not all" } : { matches: hdrDisplay, media: q }),
    mediaCapabilities: {
      decodingInfo: async (config) => {
        asked.push(config);
        return { supported: transfers.includes(config.video?.transferFunction ?? "srgb") };
      },
    },
  };
}

describe("the video ranges a device is offered", () => {
  it("offers SDR only on an SDR display, without asking the decoder", async () => {
    const s = surface(false, ["pq", "hlg"]);
    expect(await rangesFor(s)).toEqual(["SDR"]);
    expect(s.asked).toHaveLength(0);
  });

  it("offers PQ on an HDR display whose decoder renders PQ, asking with the HDR10 metadata, gamut and transfer", async () => {
    const s = surface(true, ["pq"]);
    expect(await rangesFor(s)).toEqual(["SDR", "PQ"]);
    const pq = s.asked.find((c) => c.video?.transferFunction === "pq")!;
    expect(pq.type).toBe("media-source");
    expect(pq.video).toMatchObject({ hdrMetadataType: "smpteSt2086", colorGamut: "rec2020", contentType: `video/mp4; codecs="av01.0.08M.10.0.110.09.16.09.0"` });
  });

  it("offers SDR only on an HDR display whose decoder says no, or when the display query is not understood", async () => {
    expect(await rangesFor(surface(true, []))).toEqual(["SDR"]);
    expect(await rangesFor(surface("unknown", ["pq"]))).toEqual(["SDR"]);
  });

  it("offers SDR only when MediaCapabilities rejects the HDR fields", async () => {
    const s: DisplaySurface = { matchMedia: (q) => ({ matches: true, media: q }), mediaCapabilities: { decodingInfo: () => Promise.reject(new TypeError("bad config")) } };
    expect(await rangesFor(s)).toEqual(["SDR"]);
  });
});

describe("the level filter before hls.js starts", () => {
  it("reads VIDEO-RANGE from a master the Worker renders: PQ for the 10-bit PQ set, SDR for the rest", () => {
    const info = readMaster(MASTER, URL_);
    expect(info.variants.map((v) => [v.url.split("/").at(-2), v.videoRange])).toEqual([
      ["av1-pq-360p", "PQ"], ["av1-360p", "SDR"], ["360p", "SDR"], ["av1-720p", "SDR"], ["av1-pq-720p", "PQ"], ["720p", "SDR"],
    ]);
  });

  it("starts an SDR device on the SDR ladder and an HDR one on the PQ set", () => {
    const info = readMaster(MASTER, URL_);
    const decodesAll = () => true;
    expect(firstPlaylists(info, null, null, decodesAll)?.video).toMatch(/\/video\/av1-360p\/index\.m3u8$/);
    expect(firstPlaylists(info, null, null, decodesAll, ["SDR"])?.video).toMatch(/\/video\/av1-360p\/index\.m3u8$/);
    expect(firstPlaylists(info, null, null, decodesAll, ["SDR", "PQ"])?.video).toMatch(/\/video\/av1-pq-360p\/index\.m3u8$/);
    // Without AV1 the PQ set is out whatever the display: H.264 SDR.
    expect(firstPlaylists(info, null, null, (c) => !c.includes("av01"), ["SDR", "PQ"])?.video).toMatch(/\/video\/360p\/index\.m3u8$/);
  });

  it("starts an HDR device in HDR only when the title has it, PQ before HLG", () => {
    expect(preferredRange(["SDR", "PQ"], ["SDR", "PQ"])).toBe("PQ");
    expect(preferredRange(["SDR", "PQ", "HLG"], ["SDR", "HLG", "PQ"])).toBe("PQ");
    expect(preferredRange(["SDR", "HLG"], ["SDR", "PQ"])).toBe("SDR");
    expect(preferredRange(["SDR"], ["SDR", "PQ"])).toBe("SDR");
    expect(preferredRange(["SDR", "PQ"], ["SDR"])).toBe("SDR");
  });

  it("removes the levels outside the offered ranges from hls.js, highest index first, and keeps a master of HDR only whole", () => {
    const levels = readMaster(MASTER, URL_).variants.map((v) => ({ videoRange: v.videoRange as string, name: v.url.split("/").at(-2) }));
    expect(levelsOutside(levels, ["SDR"])).toEqual([4, 0]);
    expect(levelsOutside(levels, ["SDR", "PQ"])).toEqual([]);
    // hls.js's removeLevel shifts the later indexes down: removing from the top keeps each index right.
    const hls = { levels: [...levels], removeLevel(i: number) { this.levels.splice(i, 1); } };
    dropLevelsOutside(hls, ["SDR"] as VideoRange[]);
    expect(hls.levels.map((l) => l.name)).toEqual(["av1-360p", "360p", "av1-720p", "720p"]);
    const hdrOnly = [{ videoRange: "PQ" }, { videoRange: "PQ" }];
    expect(levelsOutside(hdrOnly, ["SDR"])).toEqual([]);
    // A level without VIDEO-RANGE is SDR.
    expect(levelsOutside([{}, { videoRange: "HLG" }], ["SDR"])).toEqual([1]);
  });
});
