/**
 * The multivariant (master) playlist, rendered per request from D1 rows rather
 * than served from R2: only video renditions within the token's height limit,
 * one copy of every variant and rendition group per pathway (`PATHWAY-ID`, the
 * same `STABLE-VARIANT-ID` / `STABLE-RENDITION-ID` across pathways), and
 * `#EXT-X-CONTENT-STEERING` pointing at the steering server. Each variant states
 * its `VIDEO-RANGE`, read from its CODECS (common/video-range.ts). hls.js keeps the
 * variants of the current pathway and finds audio/subtitle groups through each
 * variant's `AUDIO`/`SUBTITLES` group ids, so group ids are suffixed per pathway.
 * An encrypted asset's key ids within the height limit are listed as
 * `#EXT-X-SESSION-KEY`s, so a player sets up its key system (EME) as soon as it
 * reads the master, not after the first init segment.
 */
import { isContentTier, LICENCE_PATH, tiersWithin } from "../../common/content-tiers.ts";
import type { renditions, subtitleTracks } from "../db/schema.ts";
import { videoRangeOf } from "../../common/video-range.ts";
import { mediaBase, type Pathway } from "./pathways.ts";

export type RenditionRow = Pick<
  typeof renditions.$inferSelect,
  | "id" | "kind" | "width" | "height" | "frameRate" | "bandwidthBps" | "averageBandwidthBps" | "codecs"
  | "language" | "label" | "channels" | "isDefault" | "playlistKey"
>;
export type SubtitleRow = Pick<
  typeof subtitleTracks.$inferSelect,
  "id" | "language" | "label" | "isDefault" | "isForced" | "playlistKey"
>;

export interface MasterInput {
  /** The asset's storage folder, as media URLs name it (serve.ts folderOf). */
  folder: string;
  /** "assets/<folder>/": playlist keys are made relative to it. */
  keyPrefix: string;
  token: string;
  maxHeightPx: number;
  renditions: RenditionRow[];
  subtitles: SubtitleRow[];
  /** Every configured pathway, and the one this master was requested on (listed first, and the initial PATHWAY-ID). */
  pathways: Pathway[];
  currentPathway: string;
  /** Absolute or absolute-path URI of the steering manifest. */
  steeringUri: string;
  /** The folder's content key ids per tier (none for media in the clear). */
  contentKeys?: { tier: string; keyId: string }[];
}

const KEY_ID_HEX = /^[0-9a-f]{32}$/;

/** The `#EXT-X-SESSION-KEY` lines of the keys whose tier the height limit reaches (the same attributes as the media playlists' `#EXT-X-KEY`). */
function sessionKeys(keys: MasterInput["contentKeys"], maxHeightPx: number): string[] {
  const tiers = new Set<string>(tiersWithin(maxHeightPx));
  return (keys ?? [])
    .filter((k) => isContentTier(k.tier) && tiers.has(k.tier) && KEY_ID_HEX.test(k.keyId))
    .map((k) => `#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1",KEYID=0x${k.keyId},URI="${LICENCE_PATH}?kid=${k.keyId}"`);
}

/** A quoted-string attribute value: no quotes or line breaks can come through from row data. */
function quoted(value: string): string {
  return `"${value.replace(/["\r\n]/g, "")}"`;
}

function relativeKey(keyPrefix: string, key: string): string | undefined {
  if (!key.startsWith(keyPrefix)) return undefined;
  const rest = key.slice(keyPrefix.length);
  return /^[A-Za-z0-9_-][A-Za-z0-9._/-]*$/.test(rest) && !rest.includes("..") && !rest.includes("//") ? rest : undefined;
}

/** Whether the height limit allows this rendition as video. */
export function isAllowedVideo(r: Pick<RenditionRow, "kind" | "height">, maxHeightPx: number): boolean {
  return r.kind === "video" && r.height !== null && r.height <= maxHeightPx;
}

/** Video renditions the height limit allows, lowest bandwidth first. */
export function allowedVideo(rows: RenditionRow[], maxHeightPx: number): RenditionRow[] {
  return rows
    .filter((r) => isAllowedVideo(r, maxHeightPx))
    .sort((a, b) => a.bandwidthBps - b.bandwidthBps || (a.height ?? 0) - (b.height ?? 0));
}

/** Renders the master playlist text (see the module comment). */
export function renderMaster(input: MasterInput): string {
  const video = allowedVideo(input.renditions, input.maxHeightPx).filter((r) => relativeKey(input.keyPrefix, r.playlistKey));
  const audio = input.renditions.filter((r) => r.kind === "audio" && relativeKey(input.keyPrefix, r.playlistKey));
  const subs = input.subtitles.filter((s) => relativeKey(input.keyPrefix, s.playlistKey));
  const topAudio = audio.reduce<RenditionRow | undefined>((best, r) => (!best || r.bandwidthBps > best.bandwidthBps ? r : best), undefined);
  const audioPeak = topAudio?.bandwidthBps ?? 0;
  const audioAverage = audio.reduce((max, r) => Math.max(max, r.averageBandwidthBps), 0);
  const audioCodecs = [...new Set(audio.map((r) => r.codecs))].join(",");
  const defaultAudio = audio.find((r) => r.isDefault) ?? audio[0];
  const ordered = [
    ...input.pathways.filter((p) => p.id === input.currentPathway),
    ...input.pathways.filter((p) => p.id !== input.currentPathway),
  ];

  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `#EXT-X-CONTENT-STEERING:SERVER-URI=${quoted(input.steeringUri)},PATHWAY-ID=${quoted(input.currentPathway)}`,
    ...sessionKeys(input.contentKeys, input.maxHeightPx),
  ];
  for (const pathway of ordered) {
    const base = mediaBase(pathway, input.token, input.folder);
    const audioGroup = `aud-${pathway.id}`;
    const subsGroup = `subs-${pathway.id}`;
    lines.push("");
    for (const r of audio) {
      const name = r.label ?? r.language ?? "Audio";
      const attrs = [
        "TYPE=AUDIO",
        `GROUP-ID=${quoted(audioGroup)}`,
        `NAME=${quoted(name)}`,
        r.language ? `LANGUAGE=${quoted(r.language)}` : undefined,
        `DEFAULT=${r === defaultAudio ? "YES" : "NO"}`,
        "AUTOSELECT=YES",
        r.channels ? `CHANNELS=${quoted(String(r.channels))}` : undefined,
        `STABLE-RENDITION-ID=${quoted(`audio-${r.id}`)}`,
        `URI=${quoted(base + relativeKey(input.keyPrefix, r.playlistKey))}`,
      ];
      lines.push(`#EXT-X-MEDIA:${attrs.filter(Boolean).join(",")}`);
    }
    for (const s of subs) {
      const attrs = [
        "TYPE=SUBTITLES",
        `GROUP-ID=${quoted(subsGroup)}`,
        `NAME=${quoted(s.label)}`,
        `LANGUAGE=${quoted(s.language)}`,
        `DEFAULT=${s.isDefault ? "YES" : "NO"}`,
        `AUTOSELECT=${s.isDefault || s.isForced ? "YES" : "NO"}`,
        `FORCED=${s.isForced ? "YES" : "NO"}`,
        `STABLE-RENDITION-ID=${quoted(`subs-${s.id}`)}`,
        `URI=${quoted(base + relativeKey(input.keyPrefix, s.playlistKey))}`,
      ];
      lines.push(`#EXT-X-MEDIA:${attrs.join(",")}`);
    }
    for (const v of video) {
      const attrs = [
        `BANDWIDTH=${v.bandwidthBps + audioPeak}`,
        `AVERAGE-BANDWIDTH=${v.averageBandwidthBps + audioAverage}`,
        v.width && v.height ? `RESOLUTION=${v.width}x${v.height}` : undefined,
        v.frameRate ? `FRAME-RATE=${v.frameRate.toFixed(3)}` : undefined,
        // From the exact CODECS (long AV1 form for an HDR rendition): players keep PQ/HLG variants for HDR displays.
        `VIDEO-RANGE=${videoRangeOf(v.codecs)}`,
        `CODECS=${quoted(audioCodecs ? `${v.codecs},${audioCodecs}` : v.codecs)}`,
        audio.length > 0 ? `AUDIO=${quoted(audioGroup)}` : undefined,
        subs.length > 0 ? `SUBTITLES=${quoted(subsGroup)}` : undefined,
        "CLOSED-CAPTIONS=NONE",
        `PATHWAY-ID=${quoted(pathway.id)}`,
        `STABLE-VARIANT-ID=${quoted(`video-${v.id}`)}`,
      ];
      lines.push(`#EXT-X-STREAM-INF:${attrs.filter(Boolean).join(",")}`);
      lines.push(base + relativeKey(input.keyPrefix, v.playlistKey));
    }
  }
  return lines.join("\n") + "\n";
}
