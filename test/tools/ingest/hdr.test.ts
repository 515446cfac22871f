import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import HLS from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { videoRangeOf } from "../../../common/video-range.ts";
import { root } from "../../../tools/dev/server.ts";
import { ffTools } from "../../../tools/ingest/ffmpeg.ts";
import { hdrTestSource } from "../../../tools/ingest/hdr-source.ts";
import { findVmaf, hasAv1Encoder } from "../../../tools/ingest/per-title.ts";
import { prepareAsset, type AssetManifest } from "../../../tools/ingest/pipeline.ts";
import { dynamicRange, probeSource } from "../../../tools/ingest/probe.ts";
import { SHARED } from "../state.ts";

const MODELS = join(SHARED, "vmaf-models");
const vmaf = existsSync(MODELS) ? findVmaf(MODELS) : { reason: `${MODELS} is absent` };
const skip = "reason" in vmaf ? vmaf.reason : !hasAv1Encoder() ? "ffmpeg has no libsvtav1" : null;
if (skip) console.log(`HDR ingest tests skipped: ${skip}`);

/** Generated once into the cache (never committed), shared by every run. */
const CACHE = join(root, ".cache", "hdr");
const work = mkdtempSync(join(tmpdir(), "marquee-hdr-"));
const PROBE = { heights: [180], crfs: [24, 34], av1Crfs: [35, 50], scenes: 1 };

/** ffprobe's view of a rendition's first segment (its init segment prepended): codec, pixel format and colour. */
function streamOf(outDir: string, playlistKey: string, keyPrefix: string): Record<string, string> {
  const dir = join(outDir, playlistKey.slice(keyPrefix.length, playlistKey.lastIndexOf("/")));
  const media = HLS.parse(readFileSync(join(dir, "index.m3u8"), "utf8")) as HLS.types.MediaPlaylist;
  const file = join(work, `${dir.split("/").at(-1)}.mp4`);
  writeFileSync(file, Buffer.concat([readFileSync(join(dir, "init.mp4")), readFileSync(join(dir, media.segments[0]!.uri))]));
  const r = spawnSync(ffTools().ffprobe.path, ["-v", "error", "-print_format", "json", "-show_streams", "-select_streams", "v:0", file]);
  return JSON.parse(r.stdout.toString()).streams[0];
}

/** Every playlist of the asset (the master and each media playlist) parses with hls-parser. */
function parsesEverywhere(outDir: string): HLS.types.MasterPlaylist {
  const master = HLS.parse(readFileSync(join(outDir, "master.m3u8"), "utf8")) as HLS.types.MasterPlaylist;
  expect(master.isMasterPlaylist).toBe(true);
  for (const v of master.variants) {
    const media = HLS.parse(readFileSync(join(outDir, v.uri), "utf8")) as HLS.types.MediaPlaylist;
    expect(media.isMasterPlaylist).toBe(false);
    expect(media.segments.length).toBeGreaterThan(0);
  }
  return master;
}

describe("HDR detection from ffprobe's colour fields", () => {
  it("takes BT.2020 with PQ or HLG for HDR, and anything else (untagged included) for SDR", () => {
    expect(dynamicRange("smpte2084", "bt2020")).toBe("PQ");
    expect(dynamicRange("arib-std-b67", "bt2020")).toBe("HLG");
    expect(dynamicRange("smpte2084", "bt709")).toBe("SDR");
    expect(dynamicRange("bt709", "bt2020")).toBe("SDR");
    expect(dynamicRange(undefined, undefined)).toBe("SDR");
  });

  it("reads the generated HDR10 clip as PQ", async () => {
    const source = await probeSource(await hdrTestSource(CACHE));
    expect(source.video.range).toBe("PQ");
  });
});

describe.skipIf(skip)("an HDR10 source ingested with a per-title H.264 + AV1 ladder", () => {
  let manifest: AssetManifest;
  let outDir: string;
  const log: string[] = [];

  beforeAll(async () => {
    manifest = await prepareAsset({
      source: await hdrTestSource(CACHE), owner: { titleId: 3 }, workDir: work, segmentSeconds: 1, subtitles: [], preset: "veryfast",
      trickplay: false, vmafModels: MODELS, probe: PROBE, codecs: ["h264", "av1"], assetId: "hdr", clear: true, log: (l) => log.push(l),
    });
    outDir = join(work, "hdr");
  }, 240_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes an AV1 PQ set beside the SDR ladder, one PQ rendition per AV1 SDR one", () => {
    const video = manifest.renditions.filter((r) => r.kind === "video");
    const pq = video.filter((r) => videoRangeOf(r.codecs) === "PQ");
    const sdrAv1 = video.filter((r) => r.codecs.startsWith("av01.") && videoRangeOf(r.codecs) === "SDR");
    expect(pq.length).toBeGreaterThan(0);
    expect(pq).toHaveLength(sdrAv1.length);
    expect(video.filter((r) => r.codecs.startsWith("avc1.")).length).toBeGreaterThan(0);
    for (const r of pq) expect(r.codecs).toMatch(/^av01\.0\.\d\d[MH]\.10\.0\.110\.09\.16\.09\.0$/);
    expect(log.some((l) => /PQ source: SDR ladder tone-mapped, and an AV1 PQ set/.test(l))).toBe(true);
  });

  it("keeps PQ and BT.2020 in the HDR renditions (10-bit), and neither in the SDR ones", () => {
    for (const r of manifest.renditions.filter((v) => v.kind === "video")) {
      const s = streamOf(outDir, r.playlistKey, manifest.asset.keyPrefix!);
      if (videoRangeOf(r.codecs) === "PQ") {
        expect(s, r.playlistKey).toMatchObject({ codec_name: "av1", color_transfer: "smpte2084", color_primaries: "bt2020", color_space: "bt2020nc", pix_fmt: "yuv420p10le" });
      } else {
        expect(s.color_transfer, r.playlistKey).not.toBe("smpte2084");
        expect(s.color_primaries, r.playlistKey).not.toBe("bt2020");
        expect(s.pix_fmt, r.playlistKey).toBe("yuv420p");
      }
    }
  });

  it("signals VIDEO-RANGE=PQ on the HDR variants and SDR on the rest, in a master whose every playlist parses", () => {
    const master = parsesEverywhere(outDir);
    const ranges = master.variants.map((v) => [v.uri.split("/")[1], v.videoRange, v.codecs] as const);
    expect(ranges.filter(([, range]) => range === "PQ").length).toBeGreaterThan(0);
    for (const [name, range, codecs] of ranges) {
      expect(range, name).toBe(name!.startsWith("av1-pq-") ? "PQ" : "SDR");
      expect(range, name).toBe(videoRangeOf(codecs!));
    }
  });

  it("tone-maps the SDR ladder: its pictures are far from the PQ signal read as SDR", async () => {
    // The PQ signal shown as-is on an SDR screen is dim and grey; the tone-mapped rung has SDR contrast and colour.
    const sdr = manifest.renditions.find((r) => r.codecs.startsWith("avc1."))!;
    const dir = join(outDir, sdr.playlistKey.slice(manifest.asset.keyPrefix!.length, sdr.playlistKey.lastIndexOf("/")));
    const stat = (input: string[]) => {
      const r = spawnSync(ffTools().ffmpeg.path, ["-v", "info", "-hide_banner", ...input, "-frames:v", "1", "-vf", "format=yuv420p,signalstats,metadata=print:key=lavfi.signalstats.SATAVG", "-f", "null", "-"]);
      return Number(/SATAVG=([\d.]+)/.exec(r.stderr.toString())?.[1]);
    };
    const joined = join(work, "sdr-first.mp4");
    const media = HLS.parse(readFileSync(join(dir, "index.m3u8"), "utf8")) as HLS.types.MediaPlaylist;
    writeFileSync(joined, Buffer.concat([readFileSync(join(dir, "init.mp4")), readFileSync(join(dir, media.segments[0]!.uri))]));
    const toneMapped = stat(["-i", joined]);
    const raw = stat(["-i", await hdrTestSource(CACHE)]);
    expect(toneMapped).toBeGreaterThan(raw * 2);
  });
});

describe.skipIf(skip)("an HDR10 source without VMAF models (fixed ladder)", () => {
  it("gets a tone-mapped SDR H.264 ladder only, with a notice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "marquee-hdr-fixed-"));
    try {
      const log: string[] = [];
      const m = await prepareAsset({
        source: await hdrTestSource(CACHE), owner: { titleId: 3 }, workDir: dir, segmentSeconds: 1, subtitles: [], preset: "veryfast",
        trickplay: false, vmafModels: join(dir, "no-models"), assetId: "fixed", clear: true, log: (l) => log.push(l),
      });
      const video = m.renditions.filter((r) => r.kind === "video");
      expect(video.length).toBeGreaterThan(0);
      expect(video.every((r) => r.codecs.startsWith("avc1.") && videoRangeOf(r.codecs) === "SDR")).toBe(true);
      expect(log.some((l) => /PQ source, SDR ladder only \(tone-mapped\)/.test(l))).toBe(true);
      const master = parsesEverywhere(join(dir, "fixed"));
      expect(master.variants.every((v) => v.videoRange === "SDR")).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
