/**
 * Poster, backdrop and episode stills taken from the video: candidate frames
 * across the runtime are scored on a tiny greyscale copy, black and near-uniform
 * frames are skipped, and the most detailed one is kept. An HDR source's stills
 * are tone-mapped like its SDR ladder (a JPEG is SDR).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { toneMap } from "./encode.ts";
import { capture, ffTools } from "./ffmpeg.ts";
import type { SourceInfo } from "./probe.ts";

const SAMPLE_W = 64;
const SAMPLE_H = 36;
/** Mean luma below this is "black"; a standard deviation below the other is "near-uniform". */
const BLACK_MEAN = 24;
const UNIFORM_STDDEV = 12;

export interface FrameScore {
  seconds: number;
  mean: number;
  stddev: number;
  usable: boolean;
}

/** Mean and standard deviation of 8-bit luma samples, and whether the frame is worth showing. */
export function scoreLuma(seconds: number, luma: Uint8Array): FrameScore {
  let sum = 0;
  for (const v of luma) sum += v;
  const mean = sum / Math.max(luma.length, 1);
  let sq = 0;
  for (const v of luma) sq += (v - mean) ** 2;
  const stddev = Math.sqrt(sq / Math.max(luma.length, 1));
  return { seconds, mean, stddev, usable: mean >= BLACK_MEAN && stddev >= UNIFORM_STDDEV };
}

async function sample(source: SourceInfo, seconds: number): Promise<FrameScore> {
  const { stdout } = await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-ss", seconds.toFixed(3), "-i", source.path, "-map", `0:${source.video.index}`,
    "-frames:v", "1", "-vf", `scale=${SAMPLE_W}:${SAMPLE_H},format=gray`, "-f", "rawvideo", "-",
  ]);
  return scoreLuma(seconds, new Uint8Array(stdout));
}

/** Writes stills/poster.jpg, stills/backdrop.jpg and stills/still.jpg; returns the chosen frame, or null when every candidate was black or flat. */
export async function extractStills(source: SourceInfo, outDir: string, durationSeconds: number): Promise<FrameScore | null> {
  const candidates = [0.12, 0.22, 0.33, 0.45, 0.55, 0.66, 0.78].map((f) => f * durationSeconds);
  const scores: FrameScore[] = [];
  for (const t of candidates) scores.push(await sample(source, t));
  const best = scores.filter((s) => s.usable).sort((a, b) => b.stddev - a.stddev)[0];
  if (!best) return null;
  const dir = join(outDir, "stills");
  mkdirSync(dir, { recursive: true });
  const h = source.video.height;
  // One seek and one decode of the chosen frame, three crops of it.
  await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-y", "-ss", best.seconds.toFixed(3), "-i", source.path,
    "-filter_complex",
    `[0:${source.video.index}]${source.video.range !== "SDR" ? `${toneMap()},` : ""}split=3[a][b][c];[a]crop=trunc(ih*2/3/2)*2:ih,scale=-2:${Math.min(720, h)}[poster];` +
      `[b]scale=-2:${Math.min(720, h)}[backdrop];[c]scale=-2:${Math.min(360, h)}[still]`,
    "-map", "[poster]", "-frames:v", "1", "-q:v", "3", join(dir, "poster.jpg"),
    "-map", "[backdrop]", "-frames:v", "1", "-q:v", "3", join(dir, "backdrop.jpg"),
    "-map", "[still]", "-frames:v", "1", "-q:v", "3", join(dir, "still.jpg"),
  ]);
  return best;
}
