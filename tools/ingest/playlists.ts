/** Measuring what was written (segment durations, peak and average bitrates) and writing the multivariant playlist. */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import HLS from "hls-parser";
import { videoRangeOf } from "../../common/video-range.ts";

export interface MeasuredPlaylist {
  /** Directory relative to the asset root, e.g. "video/720p". */
  dir: string;
  segments: { uri: string; durationSeconds: number; bytes: number }[];
  initBytes: number;
  targetDurationSeconds: number;
  durationSeconds: number;
  /** Highest bits per second over any one segment. */
  peakBps: number;
  /** Bits per second over the whole rendition. */
  averageBps: number;
  bytes: number;
}

/** Reads a media playlist and its files from disk and measures them. */
export function measurePlaylist(root: string, dir: string): MeasuredPlaylist {
  const text = readFileSync(join(root, dir, "index.m3u8"), "utf8");
  const playlist = HLS.parse(text);
  if (playlist.isMasterPlaylist) throw new Error(`${dir}/index.m3u8 is not a media playlist`);
  const media = playlist as HLS.types.MediaPlaylist;
  const segments = media.segments.map((s) => ({ uri: s.uri, durationSeconds: s.duration, bytes: statSync(join(root, dir, s.uri)).size }));
  const initUri = media.segments[0]?.map?.uri;
  const initBytes = initUri ? statSync(join(root, dir, initUri)).size : 0;
  const durationSeconds = segments.reduce((t, s) => t + s.durationSeconds, 0);
  const bytes = segments.reduce((t, s) => t + s.bytes, 0);
  // The last segment is often a short remainder whose rate says little; judge the peak on full-length ones when there are any.
  const full = segments.filter((s) => s.durationSeconds >= media.targetDuration * 0.5);
  const peakBps = Math.max(...(full.length > 0 ? full : segments).map((s) => (s.bytes * 8) / Math.max(s.durationSeconds, 0.001)));
  return {
    dir,
    segments,
    initBytes,
    targetDurationSeconds: media.targetDuration,
    durationSeconds,
    peakBps: Math.round(peakBps),
    averageBps: Math.round((bytes * 8) / Math.max(durationSeconds, 0.001)),
    bytes: bytes + initBytes,
  };
}

export interface MasterVideo {
  uri: string;
  width: number;
  height: number;
  frameRate: number;
  peakBps: number;
  averageBps: number;
  codecs: string;
}

export interface MasterAudio {
  uri: string;
  language: string | null;
  name: string;
  channels: number;
  isDefault: boolean;
  peakBps: number;
  averageBps: number;
  codecs: string;
}

export interface MasterSubtitle {
  uri: string;
  language: string;
  name: string;
  isDefault: boolean;
}

const attr = (s: string) => `"${s.replace(/"/g, "'")}"`;

/**
 * The multivariant playlist: audio and subtitle rendition groups, then one
 * variant per video rendition with BANDWIDTH (peak, video plus the largest
 * audio), AVERAGE-BANDWIDTH, CODECS, RESOLUTION, FRAME-RATE and VIDEO-RANGE
 * (read from CODECS, common/video-range.ts).
 */
export function masterPlaylist(video: MasterVideo[], audio: MasterAudio[], subtitles: MasterSubtitle[]): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS", ""];
  for (const a of audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME=${attr(a.name)},${a.language ? `LANGUAGE=${attr(a.language)},` : ""}DEFAULT=${a.isDefault ? "YES" : "NO"},AUTOSELECT=YES,CHANNELS="${a.channels}",URI=${attr(a.uri)}`,
    );
  }
  for (const s of subtitles) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME=${attr(s.name)},LANGUAGE=${attr(s.language)},DEFAULT=${s.isDefault ? "YES" : "NO"},AUTOSELECT=YES,FORCED=NO,URI=${attr(s.uri)}`,
    );
  }
  if (audio.length > 0 || subtitles.length > 0) lines.push("");
  const audioPeak = Math.max(0, ...audio.map((a) => a.peakBps));
  const audioAverage = Math.max(0, ...audio.map((a) => a.averageBps));
  const audioCodec = audio[0]?.codecs;
  for (const v of [...video].sort((a, b) => a.peakBps - b.peakBps)) {
    const codecs = audioCodec ? `${v.codecs},${audioCodec}` : v.codecs;
    const groups = `${audio.length > 0 ? ',AUDIO="aud"' : ""}${subtitles.length > 0 ? ',SUBTITLES="subs"' : ""}`;
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.peakBps + audioPeak},AVERAGE-BANDWIDTH=${v.averageBps + audioAverage},CODECS="${codecs}",RESOLUTION=${v.width}x${v.height},FRAME-RATE=${v.frameRate.toFixed(3)},VIDEO-RANGE=${videoRangeOf(v.codecs)}${groups}`,
      v.uri,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The trickplay track: one WebVTT cue per thumbnail, pointing into its sprite sheet with `#xywh=`. */
export function trickplayVtt(durationSeconds: number, t: { intervalSeconds: number; tileWidth: number; tileHeight: number; columns: number; rows: number }): { vtt: string; sheets: number } {
  const count = Math.max(1, Math.ceil(durationSeconds / t.intervalSeconds));
  const perSheet = t.columns * t.rows;
  const stamp = (s: number) => {
    const ms = Math.round(s * 1000);
    const h = Math.floor(ms / 3_600_000), m = Math.floor(ms / 60_000) % 60, sec = Math.floor(ms / 1000) % 60;
    return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`;
  };
  const cues = [];
  for (let i = 0; i < count; i++) {
    const sheet = Math.floor(i / perSheet) + 1;
    const cell = i % perSheet;
    const x = (cell % t.columns) * t.tileWidth;
    const y = Math.floor(cell / t.columns) * t.tileHeight;
    const end = Math.min((i + 1) * t.intervalSeconds, durationSeconds);
    cues.push(`${stamp(i * t.intervalSeconds)} --> ${stamp(end)}\nsprite_${String(sheet).padStart(4, "0")}.jpg#xywh=${x},${y},${t.tileWidth},${t.tileHeight}`);
  }
  return { vtt: `WEBVTT\n\n${cues.join("\n\n")}\n`, sheets: Math.ceil(count / perSheet) };
}
