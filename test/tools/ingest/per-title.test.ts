import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import HLS from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffTools } from "../../../tools/ingest/ffmpeg.ts";
import { DEFAULT_TARGETS, matchRungs } from "../../../tools/ingest/hull.ts";
import { findVmaf, hasAv1Encoder, probePerTitle, vmafScore, type PerTitleLadder, type VmafSetup } from "../../../tools/ingest/per-title.ts";
import { prepareAsset, type AssetManifest } from "../../../tools/ingest/pipeline.ts";
import { probeSource } from "../../../tools/ingest/probe.ts";
import { localTarget, publishAsset } from "../../../tools/ingest/publish.ts";
import { bindings, freshState, SHARED } from "../state.ts";

const MODELS = join(SHARED, "vmaf-models");
const vmaf = existsSync(MODELS) ? findVmaf(MODELS) : { reason: `${MODELS} is absent` };
if ("reason" in vmaf) console.log(`per-title ingest tests skipped: ${vmaf.reason}`);

const work = mkdtempSync(join(tmpdir(), "marquee-per-title-"));
/**
 * Small, short probes: the grid is what the real one is, only coarser, so the test stays well under a minute.
 * No bitrate ceiling: busy noise at 120p/180p is over it at every CRF that reaches a target, and these
 * tests are about the probes' predictions (the ceiling has its own, in hull.test.ts).
 */
const PROBE = { heights: [120, 180], crfs: [22, 30, 38], av1Crfs: [30, 44, 58], scenes: 1, targets: { ...DEFAULT_TARGETS, ceilingKbps: undefined } };

/** A 2 s 320×180 clip: busy noise and motion, or a still test card (cheap to encode). */
function makeClip(path: string, busy: boolean): void {
  const picture = busy ? "testsrc2=size=320x180:rate=24,noise=alls=25:allf=t" : "smptebars=size=320x180:rate=24";
  const r = spawnSync(ffTools().ffmpeg.path, ["-v", "error", "-y", "-f", "lavfi", "-t", "2", "-i", picture, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", path]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
}

/** The second codec needs an ffmpeg with SVT-AV1 (Debian's); without it the ladder is H.264 only and the AV1 checks skip. */
const av1 = !("reason" in vmaf) && hasAv1Encoder();

describe.skipIf("reason" in vmaf)("a per-title ingest of a short clip", () => {
  const setup = vmaf as VmafSetup;
  let state: string;
  let proxy: Awaited<ReturnType<typeof bindings>>;
  let manifest: AssetManifest;
  let light: PerTitleLadder;
  const busyClip = join(work, "busy.mkv");

  beforeAll(async () => {
    const stillClip = join(work, "still.mkv");
    makeClip(busyClip, true);
    makeClip(stillClip, false);
    state = await freshState();
    manifest = await prepareAsset({
      source: busyClip, owner: { titleId: 2 }, workDir: work, segmentSeconds: 1, subtitles: [], preset: "veryfast",
      trickplay: false, vmafModels: MODELS, probe: PROBE, codecs: av1 ? ["h264", "av1"] : ["h264"],
      // In the clear: these tests score the published renditions with libvmaf; encryption has its own tests (ingest.test.ts).
      clear: true,
    });
    const target = await localTarget(state);
    try {
      await publishAsset(target, manifest);
    } finally {
      await target.close();
    }
    proxy = await bindings(state);
    light = await probePerTitle(await probeSource(stillClip), { vmaf: setup, workDir: work, preset: "veryfast", segmentSeconds: 1, ...PROBE });
  }, 240_000);

  afterAll(async () => {
    await proxy?.dispose();
  });

  it("stores the probes, the hull and the chosen rungs with the asset in D1", async () => {
    const row = await proxy.env.DB.prepare("SELECT ladder_json FROM assets WHERE id = ?").bind(manifest.asset.id).first<{ ladder_json: string }>();
    const stored = JSON.parse(row!.ladder_json) as PerTitleLadder;
    expect(stored.method).toBe("per-title");
    // Each height's probes: the grid's CRFs from the cheapest down, stopping only past the top target.
    const top = Math.max(...PROBE.targets.targetsVmaf);
    for (const h of PROBE.heights) {
      const here = stored.points.filter((p) => p.height === h);
      expect(here.map((p) => p.crf)).toEqual([...PROBE.crfs].sort((a, b) => b - a).slice(0, here.length));
      expect(here.slice(0, -1).every((p) => p.vmaf < top)).toBe(true);
      if (here.length < PROBE.crfs.length) expect(here.at(-1)!.vmaf).toBeGreaterThanOrEqual(top);
    }
    expect(stored.hull.length).toBeGreaterThanOrEqual(2);
    expect(stored.rungs).toEqual(manifest.perTitle!.rungs);
    // The AV1 set: each H.264 rung matched on AV1's probes, spaced by the same step (so it may have fewer rungs).
    const av1Rungs = stored.av1?.rungs ?? [];
    if (av1) {
      expect(av1Rungs.length).toBeGreaterThanOrEqual(1);
      expect(av1Rungs).toEqual(matchRungs(stored.av1!.points, stored.rungs, PROBE.targets));
    }
    const videoRows = manifest.renditions.filter((r) => r.kind === "video");
    expect(videoRows).toHaveLength(stored.rungs.length + av1Rungs.length);
  });

  it("writes a master that parses, with exact CODECS, measured bandwidths and aligned segments", async () => {
    const text = await (await proxy.env.MEDIA.get(manifest.asset.masterKey))!.text();
    const master = HLS.parse(text) as HLS.types.MasterPlaylist;
    const rungs = manifest.perTitle!.rungs.length;
    expect(master.variants.filter((v) => v.codecs!.startsWith("avc1."))).toHaveLength(rungs);
    expect(master.variants.filter((v) => v.codecs!.startsWith("av01."))).toHaveLength(manifest.perTitle!.av1?.rungs.length ?? 0);
    const bandwidths = master.variants.map((v) => v.bandwidth);
    expect(bandwidths).toEqual([...bandwidths].sort((a, b) => a - b));
    const durations: string[] = [];
    for (const v of master.variants) {
      expect(v.codecs).toMatch(/^(avc1\.(4d|64)[0-9a-f]{4}|av01\.0\.\d\d[MH]\.08)$/);
      expect(v.averageBandwidth).toBeLessThanOrEqual(v.bandwidth);
      const key = `${manifest.asset.keyPrefix}${v.uri}`;
      const media = HLS.parse(await (await proxy.env.MEDIA.get(key))!.text()) as HLS.types.MediaPlaylist;
      durations.push(media.segments.map((s) => s.duration.toFixed(3)).join(","));
    }
    // Every rendition cuts its segments at the same times (keyframes aligned for switching).
    expect(new Set(durations).size).toBe(1);
  });

  it("encodes each rung at its target VMAF within ±2", async () => {
    const video = manifest.renditions.filter((r) => r.kind === "video");
    const rungs = manifest.perTitle!.rungs;
    let checked = 0;
    for (const [i, rung] of rungs.entries()) {
      if (rung.targetVmaf === null || rung.vmaf > rung.targetVmaf + 1e-6) continue;
      const dir = video[i]!.playlistKey.slice(0, video[i]!.playlistKey.lastIndexOf("/") + 1);
      const media = HLS.parse(await (await proxy.env.MEDIA.get(video[i]!.playlistKey))!.text()) as HLS.types.MediaPlaylist;
      const parts = [await proxy.env.MEDIA.get(`${dir}init.mp4`)];
      for (const s of media.segments) parts.push(await proxy.env.MEDIA.get(`${dir}${s.uri}`));
      const file = join(work, `rung-${i}.mp4`);
      writeFileSync(file, Buffer.concat(await Promise.all(parts.map(async (p) => Buffer.from(await p!.arrayBuffer())))));
      const score = await vmafScore(setup, file, busyClip, 320, 180, 24);
      expect(Math.abs(score - rung.targetVmaf), `${rung.height}p crf ${rung.crf}: VMAF ${score} for target ${rung.targetVmaf}`).toBeLessThanOrEqual(2);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(!av1)("states AV1 CODECS that match the stream, and spends fewer bits than H.264 at the same VMAF", async () => {
    const rows = manifest.renditions.filter((r) => r.kind === "video");
    const h264 = rows.filter((r) => r.codecs.startsWith("avc1."));
    const av1Rows = rows.filter((r) => r.codecs.startsWith("av01."));
    for (const r of av1Rows) {
      const dir = r.playlistKey.slice(0, r.playlistKey.lastIndexOf("/") + 1);
      const file = join(work, "av1-first.mp4");
      const parts = await Promise.all([`${dir}init.mp4`, `${dir}seg_00000.m4s`].map(async (k) => Buffer.from(await (await proxy.env.MEDIA.get(k))!.arrayBuffer())));
      writeFileSync(file, Buffer.concat(parts));
      const probe = spawnSync(ffTools().ffprobe.path, ["-v", "error", "-print_format", "json", "-show_streams", file]);
      const stream = JSON.parse(probe.stdout.toString()).streams[0];
      expect(stream.codec_name).toBe("av1");
      const [, profile, levelTier, depth] = r.codecs.split(".");
      expect(Number(profile)).toBe({ Main: 0, High: 1, Professional: 2 }[stream.profile as string]);
      expect(Number(levelTier!.slice(0, 2))).toBe(stream.level);
      expect(Number(depth)).toBe(stream.pix_fmt === "yuv420p" ? 8 : 10);
    }
    // Matched rung by rung at the H.264 rung's VMAF, the AV1 set weighs less.
    const total = (rs: typeof rows) => rs.reduce((t, r) => t + r.averageBandwidthBps, 0);
    expect(total(av1Rows)).toBeLessThan(total(h264));
  });

  it("probes a source tagged with its colour range", async () => {
    // bench:encode's talking head is tagged limited range; a YUV4MPEG reference then carried XCOLORRANGE, which
    // the npm static ffmpeg that scores VMAF refused ("Operation not permitted").
    const tagged = join(work, "tagged.mkv");
    const r = spawnSync(ffTools().ffmpeg.path, [
      "-v", "error", "-y", "-f", "lavfi", "-t", "1", "-i", "smptebars=size=320x180:rate=24", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p",
      "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", tagged,
    ]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    const ladder = await probePerTitle(await probeSource(tagged), { vmaf: setup, workDir: join(work, "tagged"), preset: "veryfast", segmentSeconds: 1, ...PROBE, heights: [120], crfs: [30, 38] });
    expect(ladder.points.length).toBeGreaterThan(0);
    expect(ladder.points.every((p) => p.vmaf > 0)).toBe(true);
  }, 60_000);

  it("gives a still test card a cheaper ladder than busy noise", () => {
    const heavy = manifest.perTitle!;
    const total = (l: PerTitleLadder) => l.rungs.reduce((t, r) => t + r.kbps, 0);
    expect(light.rungs.at(-1)!.kbps).toBeLessThan(heavy.rungs.at(-1)!.kbps);
    expect(total(light)).toBeLessThan(total(heavy));
    // The test card reaches the top target at a lower resolution's or CRF's cost: every target costs it fewer bits.
    const cost = (l: PerTitleLadder, target: number) => Math.min(...l.points.filter((p) => p.vmaf >= target).map((p) => p.kbps));
    for (const target of [60, 72, 82]) expect(cost(light, target)).toBeLessThan(cost(heavy, target));
  });
});
