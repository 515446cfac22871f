/**
 * Just enough HLS playlist reading (RFC 8216) to know which requests hls.js
 * makes first for a start (start.ts rules): the starting pathway's start
 * variant, its audio rendition, their init segments and the segment at the
 * start position. Loaded by the preparation before Play (data/warm-media.ts).
 */
import type { VideoRange } from "../../../common/video-range.ts";
import type { LinkHint } from "./link-estimate.ts";
import { startRung } from "./start.ts";
import { preferredRange, SDR_ONLY } from "./video-range.ts";

/** Attributes of a tag line (`KEY=value,KEY="quoted, value"`). */
export function tagAttributes(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = line.slice(line.indexOf(":") + 1);
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  for (let m = re.exec(body); m; m = re.exec(body)) out[m[1]!] = m[2]!.startsWith('"') ? m[2]!.slice(1, -1) : m[2]!;
  return out;
}

export interface MasterVariant {
  heightPx: number;
  bandwidthBps: number;
  /** AVERAGE-BANDWIDTH, null when the master leaves it out. */
  averageBandwidthBps: number | null;
  url: string;
  audioGroup: string | null;
  pathway: string | null;
  /** CODECS (video and audio), null when the master leaves it out. */
  codecs: string | null;
  /** VIDEO-RANGE (SDR when the master leaves it out). */
  videoRange: VideoRange;
}

export interface MasterAudio {
  group: string;
  language: string | null;
  isDefault: boolean;
  url: string;
}

export interface MasterInfo {
  /** The pathway hls.js starts on (EXT-X-CONTENT-STEERING PATHWAY-ID), when steered. */
  pathway: string | null;
  variants: MasterVariant[];
  audio: MasterAudio[];
}

const asRange = (value: string | undefined): VideoRange => (value === "PQ" || value === "HLG" ? value : "SDR");

/** The variants and audio renditions of a multivariant playlist, URLs resolved against `baseUrl`. */
export function readMaster(text: string, baseUrl: string): MasterInfo {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const info: MasterInfo = { pathway: null, variants: [], audio: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("#EXT-X-CONTENT-STEERING:")) info.pathway = tagAttributes(line)["PATHWAY-ID"] ?? ".";
    else if (line.startsWith("#EXT-X-MEDIA:")) {
      const a = tagAttributes(line);
      if (a.TYPE === "AUDIO" && a.URI && a["GROUP-ID"]) {
        info.audio.push({ group: a["GROUP-ID"], language: a.LANGUAGE ?? null, isDefault: a.DEFAULT === "YES", url: new URL(a.URI, baseUrl).href });
      }
    } else if (line.startsWith("#EXT-X-STREAM-INF:")) {
      const a = tagAttributes(line);
      const uri = lines.slice(i + 1).find((l) => l !== "" && !l.startsWith("#"));
      const height = Number(/x(\d+)$/.exec(a.RESOLUTION ?? "")?.[1] ?? 0);
      if (uri && height > 0) {
        info.variants.push({ heightPx: height, bandwidthBps: Number(a.BANDWIDTH ?? 0), averageBandwidthBps: a["AVERAGE-BANDWIDTH"] ? Number(a["AVERAGE-BANDWIDTH"]) : null, url: new URL(uri, baseUrl).href, audioGroup: a.AUDIO ?? null, pathway: a["PATHWAY-ID"] ?? null, codecs: a.CODECS ?? null, videoRange: asRange(a["VIDEO-RANGE"]) });
      }
    }
  }
  return info;
}

/** A codec set as hls.js names it (`codecSet`: each codec's four-character code), for start.ts's families. */
export const codecFamily = (codecs: string | null): string => (codecs ?? "").split(",").map((c) => c.trim().slice(0, 4)).sort().join(",");

/**
 * The media playlists hls.js loads first for a start at `manualHeight` (null:
 * the start rule, with `link` — what the device knows of its link) with
 * `audioLanguage` preferred: the start variant of the starting pathway and the
 * audio rendition of its group (the preferred language, else the default, else
 * the first). Only variants the browser decodes (`decodable`) in a range this
 * device is offered (`ranges`, video-range.ts) count, as in the engine.
 * `bitrateBps` is the start rung's as start.ts compares them (AVERAGE-BANDWIDTH, else BANDWIDTH).
 */
export function firstPlaylists(
  master: MasterInfo,
  manualHeight: number | null,
  audioLanguage: string | null,
  decodable: (codecs: string) => boolean = browserDecodes,
  ranges: readonly VideoRange[] = SDR_ONLY,
  link?: LinkHint,
): { heightPx: number; bitrateBps: number; video: string; audio: string | null } | null {
  // Only variants this browser decodes (hls.js drops the others: a master may list H.264 and AV1 sets), in an offered range.
  const usable = master.variants.filter(
    (v) => (master.pathway === null || (v.pathway ?? ".") === master.pathway) && (v.codecs === null || decodable(v.codecs)) && ranges.includes(v.videoRange),
  );
  // An HDR device starts in HDR when the title has it (the engine does the same).
  const range = preferredRange(usable.map((v) => v.videoRange), ranges);
  const onPathway = usable.filter((v) => v.videoRange === range);
  const rungs = onPathway.map((v) => ({ heightPx: v.heightPx, bitrateBps: v.averageBandwidthBps || v.bandwidthBps, family: codecFamily(v.codecs), variant: v }));
  const start = startRung(rungs, manualHeight, link);
  if (!start) return null;
  const { variant, heightPx, bitrateBps } = start;
  const group = master.audio.filter((a) => a.group === variant.audioGroup);
  const audio = (audioLanguage ? group.find((a) => a.language === audioLanguage) : undefined) ?? group.find((a) => a.isDefault) ?? group[0];
  return { heightPx, bitrateBps, video: variant.url, audio: audio?.url ?? null };
}

/** Whether MediaSource plays this CODECS list in fMP4 (true where there is no MediaSource to ask, e.g. native HLS). */
export function browserDecodes(codecs: string): boolean {
  return typeof MediaSource === "undefined" || MediaSource.isTypeSupported(`video/mp4; codecs="${codecs}"`);
}

/** The init segment and the media segment holding `positionS` (the first for -1) of a VOD media playlist. */
export function segmentsAt(text: string, baseUrl: string, positionS: number): { init: string | null; segment: string | null } {
  let init: string | null = null;
  let at = 0;
  let duration = 0;
  let first: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#EXT-X-MAP:")) {
      const a = tagAttributes(line);
      if (a.URI && !a.BYTERANGE) init = new URL(a.URI, baseUrl).href;
    } else if (line.startsWith("#EXTINF:")) duration = Number.parseFloat(line.slice(8)) || 0;
    else if (line.startsWith("#EXT-X-BYTERANGE")) return { init, segment: null };
    else if (line !== "" && !line.startsWith("#")) {
      const url = new URL(line, baseUrl).href;
      first ??= url;
      if (positionS >= at && positionS < at + duration) return { init, segment: url };
      at += duration;
    }
  }
  return { init, segment: positionS < 0 ? first : null };
}
