/**
 * An HDR10 test source made on demand: ffmpeg's testsrc2 picture converted by zscale to PQ (SMPTE ST 2084) on BT.2020
 * primaries, 10-bit 4:2:0, stored losslessly (FFV1, in every ffmpeg) and tagged
 * so ffprobe reports smpte2084/bt2020 — what ingest takes for HDR. It is cached
 * under `.cache/hdr/` by its parameters and never committed.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { capture, ffTools } from "./ffmpeg.ts";

export interface HdrSourceOptions {
  seconds: number;
  width: number;
  height: number;
  fps: number;
}

const DEFAULTS: HdrSourceOptions = { seconds: 3, width: 320, height: 180, fps: 24 };

/**
 * The ffmpeg filter that turns a BT.709 picture into PQ/BT.2020 10-bit, with
 * the picture's white at 1000 nits (a typical HDR10 mastering peak), so
 * tone-mapping to SDR has real highlights to compress.
 */
export function toPq(): string {
  return "zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=smpte2084:m=bt2020nc:p=bt2020:r=tv:npl=1000,format=yuv420p10le";
}

/** The path of the HDR10 test clip for these options, generated into `cacheDir` when missing. */
export async function hdrTestSource(cacheDir: string, options: Partial<HdrSourceOptions> = {}): Promise<string> {
  const o = { ...DEFAULTS, ...options };
  const path = join(cacheDir, `hdr10-${o.width}x${o.height}-${o.fps}fps-${o.seconds}s.mkv`);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  const scratch = `${path}.${process.pid}.tmp.mkv`;
  await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-y", "-f", "lavfi", "-t", String(o.seconds), "-i", `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
    "-vf", toPq(),
    "-c:v", "ffv1", "-level", "3",
    "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-color_range", "tv",
    scratch,
  ]);
  // Renamed into place: a concurrent run never reads a half-written clip.
  renameSync(scratch, path);
  return path;
}
