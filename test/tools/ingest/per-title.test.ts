import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import HLS from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffTools } from "../../../tools/ingest/ffmpeg.ts";
import { findVmaf, probePerTitle, vmafScore, type PerTitleLadder, type VmafSetup } from "../../../tools/ingest/per-title.ts";
import { prepareAsset, type AssetManifest } from "../../../tools/ingest/pipeline.ts";
import { probeSource } from "../../../tools/ingest/probe.ts";
import { localTarget, publishAsset } from "../../../tools/ingest/publish.ts";
import { bindings, freshState, SHARED } from "../state.ts";

const MODELS = join(SHARED, "vmaf-models");
const vmaf = existsSync(MODELS) ? findVmaf(MODELS) : { reason: `${MODELS} is absent` };
if ("reason" in vmaf) console.log(`per-title ingest tests skipped: ${vmaf.reason}`);

const work = mkdtempSync(join(tmpdir(), "marquee-per-title-"));
/** Small, short probes: the grid is what the real one is, only coarser, so the test stays well under a minute. */
const PROBE = { heights: [120, 180], crfs: [22, 30, 38], scenes: 1 };

/** A 2 s 320×180 clip: busy noise and motion, or a still test card (cheap to encode). */
function makeClip(path: string, busy: boolean): void {
  const picture = busy ? "testsrc2=size=320x180:rate=24,noise=alls=25:allf=t" : "smptebars=size=320x180:rate=24";
  const r = spawnSync(ffTools().ffmpeg.path, ["-v", "error", "-y", "-f", "lavfi", "-t", "2", "-i", picture, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", path]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
}

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
      trickplay: false, vmafModels: MODELS, probe: PROBE,
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
    expect(stored.points).toHaveLength(PROBE.heights.length * PROBE.crfs.length);
    expect(stored.hull.length).toBeGreaterThanOrEqual(2);
    expect(stored.rungs).toEqual(manifest.perTitle!.rungs);
    const videoRows = manifest.renditions.filter((r) => r.kind === "video");
    expect(videoRows).toHaveLength(stored.rungs.length);
  });

  it("writes a master that parses, with exact CODECS, measured bandwidths and aligned segments", async () => {
    const text = await (await proxy.env.MEDIA.get(manifest.asset.masterKey))!.text();
    const master = HLS.parse(text) as HLS.types.MasterPlaylist;
    expect(master.variants).toHaveLength(manifest.perTitle!.rungs.length);
    const bandwidths = master.variants.map((v) => v.bandwidth);
    expect(bandwidths).toEqual([...bandwidths].sort((a, b) => a - b));
    const durations: string[] = [];
    for (const v of master.variants) {
      expect(v.codecs).toMatch(/^avc1\.(4d|64)[0-9a-f]{4}$/);
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
