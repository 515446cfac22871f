import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encode, encodeArgs, type EncodePlan } from "../../../tools/ingest/encode.ts";
import { ffTools } from "../../../tools/ingest/ffmpeg.ts";
import { perTitleRenditions } from "../../../tools/ingest/ladder.ts";
import { hasAv1Encoder } from "../../../tools/ingest/per-title.ts";
import { probeSource } from "../../../tools/ingest/probe.ts";

const work = mkdtempSync(join(tmpdir(), "marquee-encode-"));
/** A per-title ladder's shape: two H.264 rungs at one height, one at another, and an AV1 rendition at each size. */
const rungs = [
  { height: 90, width: 160, crf: 34, kbps: 60, vmaf: 60, targetVmaf: 60 },
  { height: 90, width: 160, crf: 26, kbps: 120, vmaf: 80, targetVmaf: 80 },
  { height: 180, width: 320, crf: 24, kbps: 300, vmaf: 95, targetVmaf: 95 },
];
const av1 = hasAv1Encoder();
const ladder = [...perTitleRenditions(rungs), ...(av1 ? perTitleRenditions([rungs[0]!, rungs[2]!], "av1") : [])];

async function plan(outDir: string): Promise<EncodePlan> {
  const path = join(work, "source.mkv");
  const r = spawnSync(ffTools().ffmpeg.path, ["-v", "error", "-y", "-f", "lavfi", "-t", "2", "-i", "testsrc2=size=320x180:rate=25", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", path]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return { source: await probeSource(path), ladder, segmentSeconds: 1, outDir, trickplay: null, preset: "veryfast", audioKbps: 128 };
}

describe("the full encode's ffmpeg command", () => {
  it("scales the source once per size and range, however many renditions share it", async () => {
    const args = encodeArgs(await plan(join(work, "args")));
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    expect(graph.match(/scale=160:90:/g)).toHaveLength(1);
    expect(graph.match(/scale=320:180:/g)).toHaveLength(1);
    // Every rendition still has its own labelled output, mapped once.
    for (let i = 0; i < ladder.length; i++) {
      expect(graph.match(new RegExp(`\\[v${i}\\]`, "g"))).toHaveLength(1);
      expect(args.filter((a, j) => a === `[v${i}]` && args[j - 1] === "-map")).toHaveLength(1);
    }
  });

  it.skipIf(!av1)("runs each SVT-AV1 encoder of a multi-rendition ladder on one logical processor", async () => {
    const args = encodeArgs(await plan(join(work, "lp")));
    const params = args.filter((_, j) => args[j - 1] === "-svtav1-params");
    expect(params).toHaveLength(2);
    for (const p of params) expect(p.split(":")).toContain("lp=1");
  });

  it("writes every rendition sharing a scaled picture with all its frames, at its own size", async () => {
    const p = await plan(join(work, "out"));
    await encode(p, "test");
    for (const r of ladder) {
      const dir = join(p.outDir, "video", r.name);
      const segments = readdirSync(dir).filter((f) => f.endsWith(".m4s")).sort();
      expect(segments).toHaveLength(2);
      const joined = Buffer.concat([join(dir, "init.mp4"), ...segments.map((s) => join(dir, s))].map((f) => readFileSync(f)));
      const probe = spawnSync(ffTools().ffprobe.path, ["-v", "error", "-count_frames", "-print_format", "json", "-show_streams", "-"], { input: joined });
      const stream = JSON.parse(probe.stdout.toString()).streams[0];
      expect([stream.codec_name, stream.width, stream.height, Number(stream.nb_read_frames)]).toEqual([r.codec === "av1" ? "av1" : "h264", r.width, r.height, 50]);
    }
  }, 60_000);
});
