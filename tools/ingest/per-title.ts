/**
 * Probing a title for its own ladder: a few short scenes are cut from the
 * source into one lossless reference, encoded at several resolutions × CRFs
 * (the same x264 and GOP settings the full encode uses) and scored with VMAF;
 * tools/ingest/hull.ts then takes the hull and places the rungs.
 *
 * VMAF needs an ffmpeg built with libvmaf (the static build in the
 * @ffmpeg-installer npm package has libvmaf 1.x) and Netflix's model files
 * (`vmaf_float_v0.6.1.pkl` + `.pkl.model`, e.g. ../shared/data/vmaf-models),
 * found through `--vmaf-models` or `MARQUEE_VMAF_MODELS`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { AV1_PRESET, gopArgs, toneMap } from "./encode.ts";
import { capture, ffTools } from "./ffmpeg.ts";
import { DEFAULT_TARGETS, matchRung, matchRungs, placeRungs, upperHull, worthProbingBelow, type LadderTargets, type PlannedRung, type ProbePoint } from "./hull.ts";
import type { SourceInfo } from "./probe.ts";

const require = createRequire(import.meta.url);

/** The model libvmaf 1.x reads (its `.model` companion must sit beside it). */
export const VMAF_MODEL_FILE = "vmaf_float_v0.6.1.pkl";
/** Resolutions probed (those above the source's height are skipped). */
export const PROBE_HEIGHTS = [240, 360, 540, 720, 1080, 1440, 2160];
/** x264 CRFs probed at each resolution: cheapest first, stopping where a lower one cannot change the ladder (worthProbingBelow). */
export const PROBE_CRFS = [20, 26, 32, 38];
/**
 * SVT-AV1 CRFs probed at each chosen rung's resolution (second codec): three, as
 * each rung is matched by interpolation between two of them, and an AV1 probe
 * costs more than an x264 one; only those around some rung's VMAF are encoded.
 */
export const AV1_PROBE_CRFS = [30, 42, 54];
/** SVT-AV1's highest CRF: probed as well where the grid's cheapest AV1 probe still beats a rung's VMAF. */
export const AV1_MAX_CRF = 63;
/**
 * Probed as well where the grid's dearest AV1 probe stays under a rung's VMAF, so
 * whether AV1 pays is decided at that rung's quality rather than below it (on flat
 * animation SVT-AV1's CRF 30 stays under x264's VMAF 82 and 95 rungs).
 */
export const AV1_MIN_CRF = 20;
/** VMAF's 1080p model compares at up to 1080 lines; larger sources are scored there. */
const MAX_REFERENCE_HEIGHT = 1080;

export interface VmafSetup {
  ffmpegPath: string;
  modelPath: string;
}

function lists(ffmpegPath: string, what: "-filters" | "-encoders", name: string): boolean {
  const out = spawnSync(ffmpegPath, ["-hide_banner", what], { encoding: "utf8" });
  return new RegExp(`\\b${name}\\b`).test(out.stdout ?? "");
}

/** Whether the encoding ffmpeg has SVT-AV1 (Debian's /usr/bin/ffmpeg does; the npm static build does not). */
export function hasAv1Encoder(): boolean {
  return lists(ffTools().ffmpeg.path, "-encoders", "libsvtav1");
}

/**
 * An ffmpeg with libvmaf and the model, or the reason there is none (ingest then
 * falls back to the fixed ladder). The model directory comes from `modelsDir`,
 * else `MARQUEE_VMAF_MODELS`.
 */
export function findVmaf(modelsDir = process.env.MARQUEE_VMAF_MODELS): VmafSetup | { reason: string } {
  if (!modelsDir) return { reason: "no VMAF model directory (--vmaf-models or MARQUEE_VMAF_MODELS)" };
  const modelPath = join(modelsDir, VMAF_MODEL_FILE);
  if (!existsSync(modelPath) || !existsSync(`${modelPath}.model`)) return { reason: `${modelsDir} has no ${VMAF_MODEL_FILE} (+ .model)` };
  const candidates = [process.env.MARQUEE_VMAF_FFMPEG, ffTools().ffmpeg.path];
  try {
    candidates.push((require("@ffmpeg-installer/ffmpeg") as { path: string }).path);
  } catch {
    // not installed: only the other candidates
  }
  const ffmpegPath = candidates.find((p): p is string => !!p && existsSync(p) && lists(p, "-filters", "libvmaf"));
  if (!ffmpegPath) return { reason: "no ffmpeg with libvmaf (npm install brings @ffmpeg-installer/ffmpeg, which has it)" };
  return { ffmpegPath, modelPath };
}

export interface ProbeOptions {
  vmaf: VmafSetup;
  workDir: string;
  /** x264 preset of the full encode (probes use the same). */
  preset: string;
  segmentSeconds: number;
  /** How many scenes, and how long each (seconds). */
  scenes?: number;
  sceneSeconds?: number;
  heights?: number[];
  crfs?: number[];
  targets?: LadderTargets;
  /** Also probe SVT-AV1 at each rung's resolution and match every rung's VMAF (the second codec). */
  av1?: boolean;
  /**
   * Keep the AV1 set even where it does not pay (`--codecs h264,av1`; an HDR
   * source, whose HDR set is AV1). By default the set is kept only when AV1's
   * probes reach every H.264 rung's VMAF and, matched rung by rung, spend fewer
   * bits in all (av1Pays).
   */
  av1Always?: boolean;
  av1Crfs?: number[];
  /** Only the first N seconds of the source count (as in the full encode). */
  maxSeconds?: number;
  log?: (line: string) => void;
}

export interface PerTitleLadder {
  method: "per-title";
  model: string;
  referenceHeight: number;
  scenes: { startSeconds: number; seconds: number }[];
  points: ProbePoint[];
  hull: ProbePoint[];
  rungs: PlannedRung[];
  /**
   * The second codec: its probes and its rungs, each at an H.264 rung's height and VMAF (one where two H.264
   * rungs share a match), spaced as the H.264 rungs are (so it may have fewer: hull.ts matchRungs); no rungs,
   * and `declined` saying why, where AV1 does not pay on this title.
   */
  av1: { points: ProbePoint[]; rungs: PlannedRung[]; declined?: string } | null;
  probeSeconds: number;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
const nice = (args: string[]) => ["-nostdin", "-hide_banner", ...args];

/** Where the scenes start: evenly spread over the title, or the whole of a short one. */
export function sceneStarts(durationSeconds: number, scenes: number, sceneSeconds: number): { startSeconds: number; seconds: number }[] {
  if (durationSeconds <= scenes * sceneSeconds * 1.5) return [{ startSeconds: 0, seconds: durationSeconds }];
  return Array.from({ length: scenes }, (_, i) => {
    const centre = (durationSeconds * (i + 0.5)) / scenes;
    const start = Math.min(Math.max(0, centre - sceneSeconds / 2), durationSeconds - sceneSeconds);
    return { startSeconds: Math.round(start * 1000) / 1000, seconds: sceneSeconds };
  });
}

/**
 * VMAF of `distorted` against `reference` (scaled up to the reference's size with
 * bicubic, as the model expects). Frames are paired by index, not timestamp: an
 * fMP4 rendition starts at its B-frame delay, and pairing by rounded timestamps
 * can shift one stream a frame, which wrecks the score on noisy content.
 */
export async function vmafScore(vmaf: VmafSetup, distorted: string, reference: string, width: number, height: number, fps: number, subsample = 1): Promise<number> {
  const byIndex = `settb=AVTB,setpts=N/${fps}/TB`;
  const graph =
    `[0:v]scale=${width}:${height}:flags=bicubic,setsar=1,format=yuv420p,${byIndex}[d];` +
    `[1:v]setsar=1,format=yuv420p,${byIndex}[r];` +
    `[d][r]libvmaf=model_path=${vmaf.modelPath}:n_threads=2${subsample > 1 ? `:n_subsample=${subsample}` : ""}`;
  const { stderr } = await capture(vmaf.ffmpegPath, nice(["-v", "info", "-i", distorted, "-i", reference, "-lavfi", graph, "-f", "null", "-"]));
  const m = /VMAF score[ =:]+([\d.]+)/.exec(stderr);
  if (!m) throw new Error(`libvmaf printed no score: ${stderr.slice(-300)}`);
  return Number(m[1]);
}

/**
 * Which frames a probe's VMAF scores (every Nth): every 2nd–5th, one or more per 30
 * frames probed, keeps VMAF, most of a probe's cost, cheap; the score barely
 * moves. Near the top of the scale which frames count decides a point or so, so
 * whatever is compared with the probes (bench:encode's written rungs) is scored
 * on the same frames.
 */
export function vmafSubsample(frames: number): number {
  return Math.max(1, Math.min(5, Math.floor(frames / 30)));
}

/**
 * Whether a second codec pays on this title: its probes reach every H.264 rung's
 * VMAF at that rung's height, and the matches spend fewer bits than the H.264
 * rungs in all. Otherwise its set would either look worse than H.264 on some
 * rung (a viewer whose browser prefers AV1 would get the worse picture) or cost
 * more bits for the same pictures, and the encode would buy nothing for its CPU.
 */
export function av1Pays(points: ProbePoint[], rungs: PlannedRung[]): { pays: boolean; why: string } {
  let h264 = 0;
  let other = 0;
  for (const r of rungs) {
    const m = matchRung(points, r);
    if (!m || m.vmaf < r.vmaf - 1e-9) return { pays: false, why: `its probes at ${r.height}p stay under VMAF ${r.vmaf.toFixed(1)} (${m ? `best ${m.vmaf.toFixed(1)}` : "none"})` };
    h264 += r.kbps;
    other += m.kbps;
  }
  const ratio = other / h264;
  return ratio < 1 ? { pays: true, why: `${Math.round((1 - ratio) * 100)} % fewer bits at matched VMAF` } : { pays: false, why: `${Math.round((ratio - 1) * 100)} % more bits than H.264 at matched VMAF` };
}

/** Probes the source and returns its hull and rungs (the probe files are removed). */
export async function probePerTitle(source: SourceInfo, options: ProbeOptions): Promise<PerTitleLadder> {
  const dir = join(options.workDir, "probe");
  mkdirSync(dir, { recursive: true });
  try {
    return await probeIn(dir, source, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function probeIn(dir: string, source: SourceInfo, options: ProbeOptions): Promise<PerTitleLadder> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const ffmpeg = ffTools().ffmpeg.path;
  const duration = Math.min(source.durationSeconds, options.maxSeconds ?? Infinity);
  const scenes = sceneStarts(duration, options.scenes ?? 3, options.sceneSeconds ?? 2);
  const fps = Math.min(source.video.frameRate || 25, 60);
  const refHeight = even(Math.min(source.video.height, MAX_REFERENCE_HEIGHT));
  const refWidth = even((source.video.width * refHeight) / source.video.height);

  // One reference holding every scene, uncompressed: every probe reads it twice (to encode, to score). Decoding a
  // compressed one was a fixed part of every probe: x264 at QP 0 cost 1.8 CPU-s per 4 s of grainy 720p, Ut Video
  // 0.55, and Ut Video 0.7 per 6 s of bench:encode's screen text, where reading the raw frames costs 0.07 (a 6 s
  // 720p reference is 207 MB; at the largest, 1080p60, 1.1 GB of scratch space). In NUT, not YUV4MPEG: the npm
  // static ffmpeg that scores VMAF (2018) refuses the XCOLORRANGE tag Debian's writes for a tagged source.
  const reference = join(dir, "reference.nut");
  const inputs = scenes.flatMap((s) => ["-ss", String(s.startSeconds), "-t", String(s.seconds), "-i", source.path]);
  // An HDR source is probed as its SDR ladder will be made: tone-mapped first (VMAF scores SDR pictures).
  const sdr = source.video.range !== "SDR" ? `${toneMap()},` : "";
  const chains = scenes.map((_, i) => `[${i}:${source.video.index}]${sdr}scale=${refWidth}:${refHeight}:flags=bicubic,setsar=1,fps=${fps},format=yuv420p[c${i}]`);
  const graph = `${chains.join(";")};${scenes.map((_, i) => `[c${i}]`).join("")}concat=n=${scenes.length}:v=1:a=0[ref]`;
  await capture(ffmpeg, nice(["-v", "error", "-y", ...inputs, "-filter_complex", graph, "-map", "[ref]", "-c:v", "rawvideo", "-f", "nut", reference]));
  const referenceSeconds = scenes.reduce((t, s) => t + s.seconds, 0);
  const frames = referenceSeconds * fps;
  const subsample = vmafSubsample(frames);

  const heights = (options.heights ?? PROBE_HEIGHTS).filter((h) => h <= source.video.height);
  if (heights.length === 0) heights.push(even(source.video.height));
  /** Encodes the reference at one height and CRF, scores it, and returns the point. */
  const probe = async (codec: "h264" | "av1", height: number, crf: number): Promise<ProbePoint> => {
    const width = even((source.video.width * height) / source.video.height);
    const out = join(dir, `${codec}-${height}-${crf}.mkv`);
    const codecArgs = codec === "av1"
      ? ["-c:v", "libsvtav1", "-preset", String(AV1_PRESET), "-crf", String(crf), "-svtav1-params", "scd=0"]
      : ["-c:v", "libx264", "-preset", options.preset, "-profile:v", height >= 720 ? "high" : "main", "-crf", String(crf)];
    await capture(ffmpeg, nice([
      "-v", "error", "-y", "-i", reference, "-vf", `scale=${width}:${height}:flags=bicubic,setsar=1`,
      ...codecArgs, ...gopArgs(fps, options.segmentSeconds), "-an", out,
    ]));
    const kbps = (statSync(out).size * 8) / referenceSeconds / 1000;
    const vmaf = await vmafScore(options.vmaf, out, reference, refWidth, refHeight, fps, subsample);
    log(`probe ${codec} ${height}p crf ${crf}: ${Math.round(kbps)} kbps, VMAF ${vmaf.toFixed(1)}`);
    return { height, width, crf, kbps: Math.round(kbps * 10) / 10, vmaf: Math.round(vmaf * 100) / 100 };
  };
  const targets = options.targets ?? DEFAULT_TARGETS;
  const points: ProbePoint[] = [];
  // Cheapest CRF first at each height, up to where a lower CRF can no longer change the ladder.
  const crfs = [...(options.crfs ?? PROBE_CRFS)].sort((a, b) => b - a);
  for (const height of heights) {
    const here: ProbePoint[] = [];
    for (const crf of crfs) {
      if (!worthProbingBelow(here, targets)) break;
      here.push(await probe("h264", height, crf));
    }
    points.push(...here);
  }
  const rungs = placeRungs(points, targets);
  let av1: PerTitleLadder["av1"] = null;
  if (options.av1) {
    const av1Points: ProbePoint[] = [];
    const av1Crfs = [...(options.av1Crfs ?? AV1_PROBE_CRFS)].sort((a, b) => a - b);
    for (const height of new Set(rungs.map((r) => r.height))) {
      const at = new Map<number, ProbePoint>();
      const probed = async (i: number) => at.get(av1Crfs[i]!) ?? at.set(av1Crfs[i]!, await probe("av1", height, av1Crfs[i]!)).get(av1Crfs[i]!)!;
      const vmafs = rungs.filter((r) => r.height === height).map((r) => r.vmaf);
      // A rung is matched between the two neighbouring CRFs around its VMAF: from the grid's middle, each rung
      // walks only towards its own quality, so a CRF beyond every rung's pair is never encoded (the matches are the
      // full grid's: its other probes lie outside every pair).
      const middle = Math.floor((av1Crfs.length - 1) / 2);
      for (const v of vmafs) {
        let i = middle;
        if ((await probed(i)).vmaf >= v) while (i + 1 < av1Crfs.length && (await probed(i + 1)).vmaf >= v) i++;
        else while (i > 0 && (await probed(i - 1)).vmaf < v) i--;
      }
      const here = [...at.values()];
      // Simple content: SVT-AV1's cheapest probe can still beat this height's lowest H.264 rung, which then
      // has no AV1 match of its own; one probe at SVT-AV1's highest CRF reaches down to it.
      const cheapest = here.reduce((a, b) => (b.kbps < a.kbps ? b : a));
      if (cheapest.vmaf > Math.min(...vmafs) && av1Crfs.at(-1)! < AV1_MAX_CRF) here.push(await probe("av1", height, AV1_MAX_CRF));
      // The other end: the dearest probe under this height's top H.264 rung, one probe at a low CRF reaches up to it.
      const dearest = here.reduce((a, b) => (b.kbps > a.kbps ? b : a));
      if (dearest.vmaf < Math.max(...vmafs) && av1Crfs[0]! > AV1_MIN_CRF) here.push(await probe("av1", height, AV1_MIN_CRF));
      av1Points.push(...here);
    }
    const verdict = av1Pays(av1Points, rungs);
    const keep = verdict.pays || options.av1Always === true || source.video.range !== "SDR";
    if (!verdict.pays) log(`AV1 ${keep ? "kept although it does not pay" : "not written"}: ${verdict.why}`);
    av1 = keep ? { points: av1Points, rungs: matchRungs(av1Points, rungs, targets) } : { points: av1Points, rungs: [], declined: verdict.why };
  }
  const hull = upperHull(points);
  return {
    method: "per-title",
    model: VMAF_MODEL_FILE,
    referenceHeight: refHeight,
    scenes,
    points,
    hull,
    rungs,
    av1,
    probeSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
