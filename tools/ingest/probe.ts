/** Probing a source with ffprobe, and refusing what cannot be ingested with a clear reason. */
import { statSync } from "node:fs";
import type { VideoRange } from "../../common/video-range.ts";
import { capture, ffTools } from "./ffmpeg.ts";

export class IngestError extends Error {}

export interface SourceInfo {
  path: string;
  durationSeconds: number;
  video: {
    index: number; width: number; height: number; frameRate: number; codec: string;
    /** PQ or HLG for an HDR source (BT.2020 primaries with an HDR transfer), else SDR. */
    range: VideoRange;
  };
  audio: { index: number; language: string | null; channels: number; codec: string }[];
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split("/").map(Number);
  return d ? n! / d : Number(n);
}

/** Probes `path`; throws IngestError when it is missing, empty, not a video, or has no decodable video stream. */
export async function probeSource(path: string): Promise<SourceInfo> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new IngestError(`source not found: ${path}`);
  }
  if (size === 0) throw new IngestError(`source is empty (0 bytes): ${path}`);
  let json: { streams?: Record<string, any>[]; format?: Record<string, any> };
  try {
    const { stdout } = await capture(ffTools().ffprobe.path, ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path]);
    json = JSON.parse(stdout.toString("utf8"));
  } catch (e) {
    throw new IngestError(`not a readable media file: ${path} (${(e as Error).message.slice(0, 200)})`);
  }
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
  if (!video) throw new IngestError(`no video stream in ${path} (audio-only or not a video)`);
  if (!video.width || !video.height || !video.codec_name) throw new IngestError(`the video stream of ${path} cannot be decoded`);
  const durationSeconds = Number(json.format?.duration ?? video.duration ?? 0);
  if (!(durationSeconds > 0)) throw new IngestError(`cannot tell how long ${path} is; it may be truncated`);
  // Decode the first frame for real: a truncated or corrupt file fails here.
  try {
    await capture(ffTools().ffmpeg.path, ["-v", "error", "-i", path, "-map", `0:${video.index}`, "-frames:v", "1", "-f", "null", "-"]);
  } catch (e) {
    throw new IngestError(`the video stream of ${path} cannot be decoded (${(e as Error).message.slice(0, 200)})`);
  }
  return {
    path,
    durationSeconds,
    video: {
      index: video.index,
      width: video.width,
      height: video.height,
      frameRate: Math.round((parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate) || 25) * 1000) / 1000,
      codec: video.codec_name,
      range: dynamicRange(video.color_transfer, video.color_primaries),
    },
    audio: streams
      .filter((s) => s.codec_type === "audio")
      .map((s) => ({ index: s.index, language: normaliseLanguage(s.tags?.language), channels: s.channels ?? 2, codec: s.codec_name })),
  };
}

/**
 * An HDR source is BT.2020 with the PQ (smpte2084, HDR10) or HLG (arib-std-b67)
 * transfer, as ffprobe names them; anything else — untagged included — is SDR,
 * so an untagged file is never tone-mapped as if it were HDR.
 */
export function dynamicRange(transfer: string | undefined, primaries: string | undefined): VideoRange {
  if (primaries !== "bt2020") return "SDR";
  return transfer === "smpte2084" ? "PQ" : transfer === "arib-std-b67" ? "HLG" : "SDR";
}

/** "eng" → "en", "und"/missing → null; keeps two-letter tags. */
export function normaliseLanguage(tag: string | undefined): string | null {
  if (!tag || tag === "und") return null;
  const map: Record<string, string> = { eng: "en", fre: "fr", fra: "fr", ger: "de", deu: "de", spa: "es", ita: "it", jpn: "ja", por: "pt", dut: "nl", nld: "nl", swe: "sv", rus: "ru", chi: "zh", zho: "zh", kor: "ko" };
  const lower = tag.toLowerCase();
  return map[lower] ?? (lower.length === 2 ? lower : lower);
}
