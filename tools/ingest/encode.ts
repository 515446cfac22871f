/**
 * One ffmpeg run decodes the source once and writes every rendition of the
 * ladder (CMAF fMP4 HLS, aligned keyframes at each segment start), every audio
 * track as its own rendition, and the trickplay sprite sheets.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { runFfmpeg } from "./ffmpeg.ts";
import type { Rendition } from "./ladder.ts";
import type { SourceInfo } from "./probe.ts";

export interface EncodePlan {
  source: SourceInfo;
  ladder: Rendition[];
  segmentSeconds: number;
  outDir: string;
  trickplay: { intervalSeconds: number; tileWidth: number; tileHeight: number; columns: number; rows: number } | null;
  /** Video encoder speed/quality trade-off (x264 preset). */
  preset: string;
  /** Stop after this many seconds of the source (demo clips, tests). */
  maxSeconds?: number;
  audioKbps: number;
}

export interface AudioOutput {
  dir: string;
  language: string | null;
  channels: number;
  sourceIndex: number;
}

/** Directory name per audio track: its language, or language plus position when shared or unknown. */
export function audioDirs(source: SourceInfo): AudioOutput[] {
  const counts = new Map<string, number>();
  for (const a of source.audio) counts.set(a.language ?? "und", (counts.get(a.language ?? "und") ?? 0) + 1);
  return source.audio.map((a, i) => {
    const lang = a.language ?? "und";
    return { dir: `audio/${counts.get(lang)! > 1 ? `${lang}-${i + 1}` : lang}`, language: a.language, channels: Math.min(a.channels, 2), sourceIndex: a.index };
  });
}

function hlsOutput(dir: string, segmentSeconds: number): string[] {
  return [
    "-f", "hls",
    "-hls_time", String(segmentSeconds),
    "-hls_playlist_type", "vod",
    "-hls_segment_type", "fmp4",
    "-hls_fmp4_init_filename", "init.mp4",
    "-hls_flags", "independent_segments",
    "-hls_segment_filename", join(dir, "seg_%05d.m4s"),
    join(dir, "index.m3u8"),
  ];
}

/**
 * SVT-AV1 speed preset for the second codec (probes and full encode alike). 11: on
 * bench:encode's flat animation at 720p it cost 30 % less CPU than 10 for 7–14 %
 * more bits at matched VMAF; 12 was only 10 % cheaper again for 30 % more bits.
 */
export const AV1_PRESET = 11;

/** A fixed GOP of one segment, no scene-cut keyframes: keyframes align across renditions (the probes use the same). */
export function gopArgs(fps: number, segmentSeconds: number): string[] {
  const gop = Math.max(1, Math.round(fps * segmentSeconds));
  return ["-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0"];
}

/**
 * HDR to SDR for the SDR rungs of an HDR source: to linear light (100 nits as
 * SDR white), BT.2020 → BT.709 primaries, Hable's curve (desaturation off: it
 * greys highlights), back to BT.709 video range, 8-bit. One chain, shared by
 * the full encode, the probes and the stills, so every SDR picture is the same.
 */
export function toneMap(): string {
  return "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p";
}

/**
 * Colour tags for a rendition: an HDR one states BT.2020 and its transfer (in the
 * AV1 sequence header and the fMP4 `colr` box, which gives the long CODECS form
 * and so VIDEO-RANGE); an SDR one from an HDR source states the BT.709 it was
 * tone-mapped to; an SDR source's stay as the source had them.
 */
function colourArgs(r: Rendition, hdrSource: boolean): string[] {
  if (r.range) return ["-color_primaries", "bt2020", "-color_trc", r.range === "PQ" ? "smpte2084" : "arib-std-b67", "-colorspace", "bt2020nc", "-color_range", "tv"];
  return hdrSource ? ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv"] : [];
}

/** The ffmpeg arguments for the whole ladder (exported so the benchmark can time the same command). */
export function encodeArgs(plan: EncodePlan): string[] {
  const { source, ladder, segmentSeconds, outDir } = plan;
  const fps = Math.min(source.video.frameRate || 25, 60);
  // An HDR source feeds its HDR renditions as it is and everything else (SDR rungs, trickplay) through one tone-map.
  const hdrSource = source.video.range !== "SDR";
  // Renditions of one size and range share one scaled picture (a per-title ladder writes each rung in H.264 and
  // AV1): the source is scaled once per size, then split, not once per rendition.
  const sizes = new Map<string, number[]>();
  ladder.forEach((r, i) => {
    const key = `${r.range ?? "SDR"} ${r.width}x${r.height}`;
    sizes.set(key, [...(sizes.get(key) ?? []), i]);
  });
  const groups = [...sizes.values()].map((members) => ({ members, rendition: ladder[members[0]!]! }));
  const sdrBranches = groups.filter((g) => !g.rendition.range).length + (plan.trickplay ? 1 : 0);
  const hdrBranches = groups.length + (plan.trickplay ? 1 : 0) - sdrBranches;
  const input = `[0:${source.video.index}]`;
  const filters: string[] = [];
  const fan = (from: string, prefix: string, n: number) => {
    if (n > 0) filters.push(`${from}split=${n}${Array.from({ length: n }, (_, i) => `[${prefix}${i}]`).join("")}`);
  };
  if (hdrSource && sdrBranches > 0 && hdrBranches > 0) filters.push(`${input}split=2[hdr][sdr]`);
  const sdrFrom = !hdrSource ? input : hdrBranches > 0 ? `[sdr]${toneMap()},` : `${input}${toneMap()},`;
  fan(sdrFrom, "s", sdrBranches);
  fan(hdrBranches > 0 && sdrBranches > 0 ? "[hdr]" : input, "h", hdrBranches);
  let sdrAt = 0;
  let hdrAt = 0;
  for (const { members, rendition: r } of groups) {
    const scaled = `scale=${r.width}:${r.height}:flags=bicubic,setsar=1`;
    const outs = members.length > 1 ? `,split=${members.length}${members.map((i) => `[v${i}]`).join("")}` : `[v${members[0]}]`;
    if (r.range) filters.push(`[h${hdrAt++}]${scaled},format=yuv420p10le${outs}`);
    else filters.push(`[s${sdrAt++}]${scaled},format=yuv420p${outs}`);
  }
  if (plan.trickplay) {
    const t = plan.trickplay;
    filters.push(
      `[s${sdrAt}]fps=1/${t.intervalSeconds},scale=${t.tileWidth}:${t.tileHeight}:force_original_aspect_ratio=decrease,` +
        `pad=${t.tileWidth}:${t.tileHeight}:(ow-iw)/2:(oh-ih)/2,tile=${t.columns}x${t.rows}[tp]`,
    );
  }
  const args = [...(plan.maxSeconds ? ["-t", String(plan.maxSeconds)] : []), "-i", source.path, "-filter_complex", filters.join(";")];
  // Several renditions run side by side in this one process, which keeps both cores busy; each SVT-AV1 encoder
  // on one logical processor (`lp=1`) then spends less CPU on its own thread pool (AV1 sets of bench:encode's
  // clips alone: 2.87 against 3.04 CPU-s at preset 10, 1.50 against 1.71 at 12). A lone AV1 rendition keeps
  // SVT-AV1's default.
  const svtThreads = ladder.length > 1 ? ":lp=1" : "";
  ladder.forEach((r, i) => {
    const dir = join(outDir, `video/${r.name}`);
    mkdirSync(dir, { recursive: true });
    const kbps = r.videoKbps;
    const cap = r.maxKbps ?? kbps * 2;
    const codecArgs = r.codec === "av1"
      ? // SVT-AV1 at the CRF matched to the H.264 rung's VMAF; maxrate caps the peaks.
        ["-c:v", "libsvtav1", "-preset", String(AV1_PRESET), "-crf", String(Math.round(r.crf ?? 35)), "-maxrate", `${cap}k`, "-svtav1-params", `scd=0${r.range ? ":enable-hdr=1" : ""}${svtThreads}`, "-r", String(fps)]
      : [
          "-c:v", "libx264", "-preset", plan.preset, "-profile:v", r.profile, "-r", String(fps),
          ...(r.crf !== undefined
            ? // Capped CRF (per-title rungs): the quality the probes chose, with peaks held under the cap.
              ["-crf", String(r.crf), "-maxrate", `${cap}k`, "-bufsize", `${cap * 2}k`, "-x264-params", "force-cfr=1"]
            : // Constant-bitrate HRD keeps every rendition near its ladder target, so ABR sees honest BANDWIDTH values.
              ["-b:v", `${kbps}k`, "-minrate", `${kbps}k`, "-maxrate", `${kbps}k`, "-bufsize", `${kbps * 2}k`, "-x264-params", "nal-hrd=cbr:force-cfr=1"]),
        ];
    args.push(
      "-map", `[v${i}]`, "-an", "-sn",
      ...codecArgs,
      ...colourArgs(r, hdrSource),
      ...gopArgs(fps, segmentSeconds),
      "-force_key_frames", `expr:gte(t,n_forced*${segmentSeconds})`,
      ...hlsOutput(dir, segmentSeconds),
    );
  });
  for (const a of audioDirs(source)) {
    const dir = join(outDir, a.dir);
    mkdirSync(dir, { recursive: true });
    args.push("-map", `0:${a.sourceIndex}`, "-vn", "-sn", "-c:a", "aac", "-b:a", `${plan.audioKbps}k`, "-ac", String(a.channels), "-ar", "48000", ...hlsOutput(dir, segmentSeconds));
  }
  if (plan.trickplay) {
    const dir = join(outDir, "trickplay");
    mkdirSync(dir, { recursive: true });
    args.push("-map", "[tp]", "-an", "-sn", "-q:v", "5", "-f", "image2", join(dir, "sprite_%04d.jpg"));
  }
  return args;
}

/** Encodes the ladder, audio renditions and trickplay sprites into `plan.outDir`. */
export async function encode(plan: EncodePlan, label: string): Promise<void> {
  const duration = Math.min(plan.source.durationSeconds, plan.maxSeconds ?? Infinity);
  await runFfmpeg(encodeArgs(plan), { durationSeconds: duration, label });
}
