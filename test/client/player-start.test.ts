/**
 * How playback starts (client/src/player/start.ts, playlists.ts): the requests predicted for
 * the title page's preparation must be the ones hls.js makes — read from a master
 * playlist rendered by the Worker's own renderMaster (two pathways, audio and
 * subtitle groups) — and the start position, rendition and freshness rules.
 */
import { describe, expect, it } from "vitest";
import { firstPlaylists, readMaster, segmentsAt, tagAttributes } from "../../client/src/player/playlists.ts";
import { baselineStart, PREPARED_MAX_AGE_MS, PREPARED_MIN_TOKEN_LEFT_MS, preparedUsable, resumeOffer, startHeight, startPositionSeconds } from "../../client/src/player/start.ts";
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
    const av1 = (id: number, height: number, bandwidthBps: number): RenditionRow => ({
      ...video(id, height, bandwidthBps), codecs: "av01.0.04M.08", playlistKey: `assets/${ASSET}/video/av1-${height}p/index.m3u8`,
    });
    const text = renderMaster({
      folder: ASSET, keyPrefix: `assets/${ASSET}/`, token: "TOKEN", maxHeightPx: 1080,
      renditions: [video(1, 360, 1_000_000), av1(2, 360, 600_000), video(3, 720, 3_000_000), av1(4, 720, 1_800_000), audio(5, "en", true)],
      subtitles: [], pathways: [{ id: "a", baseUrl: "" }], currentPathway: "a", steeringUri: "/api/steering/US",
    });
    const info = readMaster(text, MASTER_URL);
    expect(info.variants.map((v) => v.codecs?.split(",")[0]).sort()).toEqual(["av01.0.04M.08", "av01.0.04M.08", "avc1.42c01f", "avc1.42c01f"]);
    expect(firstPlaylists(info, null, null, () => true)?.video).toMatch(/\/video\/av1-360p\/index\.m3u8$/);
    expect(firstPlaylists(info, null, null, (codecs) => !codecs.includes("av01"))?.video).toMatch(/\/video\/360p\/index\.m3u8$/);
  });

  it("starts on the lowest rung from 360p up, on the starting pathway, with the default audio unless another language is preferred", () => {
    const info = readMaster(master(), MASTER_URL);
    expect(firstPlaylists(info, null, null)).toEqual({
      heightPx: 360,
      video: "https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/video/360p/index.m3u8",
      audio: "https://cdn-b.example/cdn/b/TOKEN/t1-demo2s12/audio/fr/index.m3u8",
    });
    expect(firstPlaylists(info, null, "en")?.audio).toMatch(/\/cdn\/b\/TOKEN\/t1-demo2s12\/audio\/en\/index\.m3u8$/);
    // A manual quality the master offers wins; one it does not (above the plan) falls back to the rule.
    expect(firstPlaylists(info, 720, null)?.heightPx).toBe(720);
    expect(firstPlaylists(readMaster(master("a", 540), MASTER_URL), 720, null)).toMatchObject({ heightPx: 360, video: "https://marquee.example/cdn/a/TOKEN/t1-demo2s12/video/360p/index.m3u8" });
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
