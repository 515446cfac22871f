/**
 * Which dynamic ranges this device is offered (HLS VIDEO-RANGE). An HDR title's
 * master lists an SDR ladder (tone-mapped) and a PQ set in AV1 10-bit; the PQ
 * set is kept only where the display says it shows high dynamic range
 * (`matchMedia('(dynamic-range: high)')`) and MediaCapabilities says it decodes
 * and renders HDR10 (`hdrMetadataType`, `colorGamut`, `transferFunction`).
 * Everywhere else those variants are taken out before hls.js starts: by the
 * start choice (playlists.ts `firstPlaylists`, the title page's prefetch) and
 * by the engine, which removes the levels on MANIFEST_PARSED, before any load.
 * The decision is made once per page and kept: it does not change while a
 * title plays, and asking again per start would delay every start.
 */
import type { VideoRange } from "../../../common/video-range.ts";

export const SDR_ONLY: readonly VideoRange[] = ["SDR"];

/** A 10-bit AV1 1080p HDR rendition as ingest writes them (long CODECS form: BT.2020, PQ or HLG, BT.2020 matrix). */
const HDR_PROBES: { range: Exclude<VideoRange, "SDR">; transferFunction: "pq" | "hlg"; codecs: string }[] = [
  { range: "PQ", transferFunction: "pq", codecs: "av01.0.08M.10.0.110.09.16.09.0" },
  { range: "HLG", transferFunction: "hlg", codecs: "av01.0.08M.10.0.110.09.18.09.0" },
];

/** The browser surfaces this module reads (narrowed, so tests can hand in their own). */
export interface DisplaySurface {
  matchMedia?: (query: string) => { matches: boolean; media: string };
  mediaCapabilities?: { decodingInfo(config: MediaDecodingConfiguration): Promise<{ supported: boolean }> };
}

function browserSurface(): DisplaySurface {
  return {
    matchMedia: typeof matchMedia === "function" ? (q) => matchMedia(q) : undefined,
    mediaCapabilities: typeof navigator !== "undefined" ? navigator.mediaCapabilities : undefined,
  };
}

/** Whether the display reports high dynamic range (a browser that does not understand the query says no). */
export function displayIsHdr(surface: DisplaySurface): boolean {
  const mq = surface.matchMedia;
  if (!mq) return false;
  const q = mq("(dynamic-range: high)");
  // An unknown media feature parses as "not all": then the answer means nothing.
  return q.matches && q.media !== mq("(not-a-feature: x)").media;
}

/** The ranges to offer on this surface: SDR always; PQ/HLG when the display is HDR and the decoder renders that transfer. */
export async function rangesFor(surface: DisplaySurface): Promise<VideoRange[]> {
  const ranges: VideoRange[] = ["SDR"];
  if (!displayIsHdr(surface) || !surface.mediaCapabilities) return ranges;
  for (const probe of HDR_PROBES) {
    try {
      const info = await surface.mediaCapabilities.decodingInfo({
        type: "media-source",
        video: {
          contentType: `video/mp4; codecs="${probe.codecs}"`,
          width: 1920, height: 1080, bitrate: 6_000_000, framerate: 24,
          hdrMetadataType: "smpteSt2086", colorGamut: "rec2020", transferFunction: probe.transferFunction,
        } as VideoConfiguration,
      });
      if (info.supported) ranges.push(probe.range);
    } catch {
      // A browser that rejects the HDR fields cannot be trusted with HDR.
    }
  }
  return ranges;
}

let asked: Promise<VideoRange[]> | undefined;
let settled: VideoRange[] | undefined;

/** This page's ranges (asked once, then kept). */
export function videoRanges(): Promise<VideoRange[]> {
  asked ??= rangesFor(browserSurface()).then(
    (r) => (settled = r),
    () => (settled = [...SDR_ONLY]),
  );
  return asked;
}

/** This page's ranges when already known (null before the first answer). */
export function settledVideoRanges(): VideoRange[] | null {
  return settled ?? null;
}

/**
 * The range a start plays in: HDR (PQ, then HLG) when the master has it and the
 * device is offered it, else SDR. The prefetch and the engine both start there,
 * and ABR then stays in it (abr/controller.ts).
 */
export function preferredRange(present: readonly VideoRange[], allowed: readonly VideoRange[]): VideoRange {
  return (["PQ", "HLG"] as const).find((r) => present.includes(r) && allowed.includes(r)) ?? "SDR";
}

/** A level's range (hls.js reads VIDEO-RANGE; a master without it is SDR). */
const rangeOf = (level: { videoRange?: string }) => (level.videoRange ?? "SDR") as VideoRange;

/** Indexes of the levels not to offer with `allowed` ranges, highest first (the order to remove them in). */
export function levelsOutside(levels: readonly { videoRange?: string }[], allowed: readonly VideoRange[]): number[] {
  const out: number[] = [];
  levels.forEach((l, i) => {
    if (!allowed.includes(rangeOf(l))) out.push(i);
  });
  // Never all of them: a master of HDR variants only still plays (hls.js then reports what the browser cannot do).
  return out.length === levels.length ? [] : out.reverse();
}

/** Removes from hls.js the levels outside `allowed` (call on MANIFEST_PARSED, before the first load). */
export function dropLevelsOutside(hls: { levels: readonly { videoRange?: string }[]; removeLevel(index: number): void }, allowed: readonly VideoRange[]): void {
  for (const i of levelsOutside(hls.levels, allowed)) hls.removeLevel(i);
}
