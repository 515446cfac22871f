/**
 * `npm run bench:encode [-- --seconds 20 --height 540 --preset veryfast --vmaf-models DIR]`
 *
 * What per-title encoding and the second codec buy, on generated clips of
 * different complexity (flat animation, film grain, a zooming fractal), all in
 * one run:
 *   - ladder bitrate: for each rung of the fixed ladder (constant bitrate, as
 *     ingest writes it without probes) its measured bitrate and VMAF, against
 *     what the per-title probes need for the same VMAF at the same resolution
 *     (interpolated on that resolution's probe curve), else at the cheapest
 *     resolution whose probes reach it (a per-title ladder picks resolutions by
 *     cost); a VMAF no probe reaches counts at its fixed bitrate, no saving claimed;
 *   - the second codec: AV1 bits against H.264 bits at matched VMAF, per rung of
 *     the per-title ladder (the probes' match, as ingest plans it) and as the
 *     full encode actually wrote them;
 *   - ingest time: probes (ingest's own grid: x264 CRF 20/26/32/38 at each
 *     height, SVT-AV1 CRF 30/42/54 at each rung's) + the per-title encode (both
 *     codecs) against the fixed-ladder encode of the same clip, the same
 *     `encode()` ingest runs. The probes cover three 2 s scenes whatever the
 *     length, so the ratio falls as titles grow; a clip under 9 s is probed whole.
 * Every VMAF is libvmaf (the npm static ffmpeg) with the model from
 * `--vmaf-models` / MARQUEE_VMAF_MODELS / ../shared/data/vmaf-models.
 * Prints a table per clip, then one JSON line.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "../tools/ingest/encode.ts";
import { capture, ffTools } from "../tools/ingest/ffmpeg.ts";
import { matchRung, type PlannedRung, type ProbePoint } from "../tools/ingest/hull.ts";
import { perTitleRenditions, selectLadder, type Rendition } from "../tools/ingest/ladder.ts";
import { findVmaf, hasAv1Encoder, probePerTitle, vmafScore, type VmafSetup } from "../tools/ingest/per-title.ts";
import { measurePlaylist } from "../tools/ingest/playlists.ts";
import { probeSource, type SourceInfo } from "../tools/ingest/probe.ts";
import { benchmark, numbers } from "./harness.ts";
import { printTable, round } from "./stats.ts";

const bench = benchmark("encode", {
  seconds: { type: "string", default: "20" },
  height: { type: "string", default: "540" },
  preset: { type: "string", default: "veryfast" },
  "vmaf-models": { type: "string" },
});
const { values } = bench;
const { seconds, height } = numbers(values, "seconds", "height");
const SEGMENT_SECONDS = 2;
const FPS = 25;

const models = values["vmaf-models"] ?? process.env.MARQUEE_VMAF_MODELS ?? "../shared/data/vmaf-models";
const vmaf = existsSync(models) ? findVmaf(models) : { reason: `${models} is absent (see ../shared/data/vmaf-models/SOURCE.txt)` };
if ("reason" in vmaf) {
  console.log(`bench:encode skipped: ${vmaf.reason}`);
  process.exit(0);
}
const av1 = hasAv1Encoder();
if (!av1) console.log(`notice: ${ffTools().ffmpeg.path} has no libsvtav1: the second codec is not measured (install Debian's ffmpeg)`);

const width = Math.round((height * 16) / 9 / 2) * 2;
/** Clips of different complexity, made with ffmpeg's generators. */
const CLIPS: Record<string, string> = {
  animation: `testsrc2=size=${width}x${height}:rate=${FPS}`,
  grain: `testsrc2=size=${width}x${height}:rate=${FPS},noise=alls=18:allf=t`,
  fractal: `mandelbrot=size=${width}x${height}:rate=${FPS}`,
};

const work = mkdtempSync(join(tmpdir(), "marquee-bench-encode-"));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const timed = async (f: () => Promise<void>) => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};

/** One rendition's segments as a single fragmented MP4 file (init + segments), for scoring. */
function joined(outDir: string, name: string): string {
  const dir = join(outDir, "video", name);
  const m = measurePlaylist(outDir, `video/${name}`);
  const file = join(outDir, `${name}.mp4`);
  copyFileSync(join(dir, "init.mp4"), file);
  for (const s of m.segments) appendFileSync(file, readFileSync(join(dir, s.uri)));
  return file;
}

/** Encodes `ladder` with ingest's own encode(); returns the seconds it took and each rendition's kbps and VMAF. */
async function encodeAndScore(source: SourceInfo, ladder: Rendition[], outDir: string, setup: VmafSetup) {
  const s = await timed(() => encode({ source, ladder, segmentSeconds: SEGMENT_SECONDS, outDir, trickplay: null, preset: values.preset, audioKbps: 128 }, "encode"));
  const rows: { name: string; height: number; codec: string; kbps: number; vmaf: number }[] = [];
  for (const r of ladder) {
    const m = measurePlaylist(outDir, `video/${r.name}`);
    const score = await vmafScore(setup, joined(outDir, r.name), source.path, source.video.width, source.video.height, FPS, 4);
    rows.push({ name: r.name, height: r.height, codec: r.codec ?? "h264", kbps: m.averageBps / 1000, vmaf: score });
  }
  return { seconds: s, rows };
}

const results: Record<string, Record<string, number>> = {};
const totals = { fixedKbps: 0, perTitleKbps: 0, h264Kbps: 0, av1Kbps: 0, fixedS: 0, perTitleS: 0 };
try {
  for (const [name, picture] of Object.entries(CLIPS)) {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "source.mkv");
    // A near-lossless source, so the source's own artefacts do not flatter either ladder.
    await capture(ffTools().ffmpeg.path, ["-v", "error", "-y", "-f", "lavfi", "-t", String(seconds), "-i", picture, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "4", "-pix_fmt", "yuv420p", path]);
    const source = await probeSource(path);
    console.log(`\n${name}: ${width}×${height}, ${seconds} s (${picture})`);

    // The fixed ladder, as ingest encodes it without probes.
    const fixed = await encodeAndScore(source, selectLadder(source.video.width, source.video.height), join(dir, "fixed"), vmaf);
    // The per-title ladder: probes (whole clip: it is short), then the planned rungs in both codecs.
    let probe: Awaited<ReturnType<typeof probePerTitle>> | undefined;
    const probeS = await timed(async () => {
      // Ingest's own probe grid and targets (bitrate ceiling included), so the time is what ingest spends.
      probe = await probePerTitle(source, { vmaf, workDir: dir, preset: values.preset, segmentSeconds: SEGMENT_SECONDS, av1 });
    });
    const plan = probe!;
    const ladder = [...perTitleRenditions(plan.rungs), ...(plan.av1 ? perTitleRenditions(plan.av1.rungs, "av1") : [])];
    const perTitle = await encodeAndScore(source, ladder, join(dir, "per-title"), vmaf);

    // Ladder bitrate at equal VMAF per fixed rung's resolution.
    const rows: (string | number)[][] = [];
    let fixedKbps = 0;
    let matchedKbps = 0;
    for (const f of fixed.rows) {
      const target: PlannedRung = { height: f.height, width: 0, crf: 0, kbps: f.kbps, vmaf: f.vmaf, targetVmaf: f.vmaf };
      const reaching = (h: number) => {
        const m = matchRung(plan.points, { ...target, height: h });
        return m !== null && m.vmaf >= f.vmaf - 1e-9 ? m : null;
      };
      const same = reaching(f.height);
      const other = [...new Set(plan.points.map((p) => p.height))].map(reaching).filter((m): m is PlannedRung => m !== null).sort((a, b) => a.kbps - b.kbps)[0];
      const m = same ?? other ?? null;
      const kbps = m ? Math.min(m.kbps, f.kbps) : f.kbps;
      fixedKbps += f.kbps;
      matchedKbps += kbps;
      rows.push([`${f.height}p`, round(f.kbps), round(f.vmaf, 1), m ? `${round(m.kbps)} (${m.height}p)` : "not reached", round(1 - kbps / f.kbps, 3)]);
    }
    printTable(["fixed rung", "fixed kbps", "fixed VMAF", "per-title kbps at that VMAF", "saving"], rows);

    // The second codec at matched VMAF: planned (probes) and written (full encode).
    const h264Planned = sum(plan.rungs.map((r) => r.kbps));
    const av1Planned = plan.av1 ? sum(plan.av1.rungs.map((r) => r.kbps)) : Number.NaN;
    const written = (codec: string) => perTitle.rows.filter((r) => r.codec === codec);
    printTable(
      ["per-title rung", "codec", "kbps written", "VMAF"],
      perTitle.rows.map((r) => [r.name, r.codec, round(r.kbps), round(r.vmaf, 1)]),
    );
    const perTitleS = probeS + perTitle.seconds;
    console.log(`ingest time: fixed ${round(fixed.seconds, 1)} s; per-title probes ${round(probeS, 1)} s + encode ${round(perTitle.seconds, 1)} s = ${round(perTitleS, 1)} s (${round(perTitleS / fixed.seconds, 2)}×)`);
    const points: ProbePoint[] = plan.points;
    results[name] = {
      probes: points.length + (plan.av1?.points.length ?? 0),
      fixed_kbps: round(fixedKbps),
      per_title_kbps_at_fixed_vmaf: round(matchedKbps),
      ladder_bitrate_saving: round(1 - matchedKbps / fixedKbps, 3),
      h264_planned_kbps: round(h264Planned),
      av1_planned_kbps: round(av1Planned),
      second_codec_saving: round(1 - av1Planned / h264Planned, 3),
      h264_written_kbps: round(sum(written("h264").map((r) => r.kbps))),
      av1_written_kbps: round(sum(written("av1").map((r) => r.kbps))),
      h264_written_vmaf_mean: round(sum(written("h264").map((r) => r.vmaf)) / Math.max(1, written("h264").length), 1),
      av1_written_vmaf_mean: round(sum(written("av1").map((r) => r.vmaf)) / Math.max(1, written("av1").length), 1),
      ingest_time_ratio: round(perTitleS / fixed.seconds, 2),
    };
    totals.fixedKbps += fixedKbps;
    totals.perTitleKbps += matchedKbps;
    totals.h264Kbps += h264Planned;
    totals.av1Kbps += plan.av1 ? av1Planned : 0;
    totals.fixedS += fixed.seconds;
    totals.perTitleS += perTitleS;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log();
printTable(
  ["clip", "ladder saving", "AV1 saving (planned)", "AV1 kbps written / H.264", "ingest time ratio"],
  Object.entries(results).map(([n, r]) => [n, r.ladder_bitrate_saving!, r.second_codec_saving!, `${r.av1_written_kbps} / ${r.h264_written_kbps}`, r.ingest_time_ratio!]),
);
bench.summary({
  seconds,
  height,
  preset: values.preset,
  ladder_bitrate_saving: round(1 - totals.perTitleKbps / totals.fixedKbps, 3),
  second_codec_saving: av1 ? round(1 - totals.av1Kbps / totals.h264Kbps, 3) : null,
  ingest_time_ratio: round(totals.perTitleS / totals.fixedS, 2),
  clips: results,
});
