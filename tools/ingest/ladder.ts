/** The adaptive-bitrate ladder: which renditions a source gets, and at what bitrates. */
import type { VideoRange } from "../../common/video-range.ts";
import type { PlannedRung } from "./hull.ts";

export interface Rung {
  height: number;
  videoKbps: number;
  profile: "main" | "high";
}

/** The design's ladder; 2160p only from a 4K source. */
export const LADDER: Rung[] = [
  { height: 360, videoKbps: 1000, profile: "main" },
  { height: 540, videoKbps: 2000, profile: "main" },
  { height: 720, videoKbps: 3000, profile: "high" },
  { height: 1080, videoKbps: 6000, profile: "high" },
  { height: 2160, videoKbps: 15000, profile: "high" },
];

export interface Rendition extends Rung {
  width: number;
  /** Folder under video/: "720p", or "240p-160k" when a per-title ladder has two rungs at one height. */
  name: string;
  /**
   * Capped quality-based rate control (per-title ladders): x264 CRF, with
   * `videoKbps` the probes' prediction and the peak capped at `maxKbps`.
   * Without it the rung is constant bitrate at `videoKbps`.
   */
  crf?: number;
  maxKbps?: number;
  /** Video codec (default H.264); AV1 renditions sit beside H.264 ones at matched quality. */
  codec?: "h264" | "av1";
  /**
   * PQ or HLG: an HDR rendition (10-bit AV1 keeping the source's BT.2020 colour and
   * transfer). Absent: SDR — tone-mapped to BT.709 when the source is HDR.
   */
  range?: Exclude<VideoRange, "SDR">;
}

/** How far above its predicted average a capped-CRF rung may peak (VBV maxrate; the buffer holds twice that). */
export const CRF_CAP_RATIO = 2;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * Rungs at or below the source's height (never upscaled), widths keeping the
 * source's aspect ratio; a source smaller than the lowest rung gets one rendition
 * at its own size.
 */
export function selectLadder(sourceWidth: number, sourceHeight: number, heights?: number[]): Rendition[] {
  const allowed = LADDER.filter((r) => r.height <= sourceHeight && (!heights || heights.includes(r.height)));
  const rungs = allowed.length > 0 ? allowed : [{ ...LADDER[0]!, height: even(sourceHeight) }];
  return rungs.map((r) => ({ ...r, width: even((sourceWidth * r.height) / sourceHeight), name: `${r.height}p` }));
}

/** Renditions for a per-title ladder's rungs (capped CRF), named by height, plus bitrate where heights repeat; AV1 ones prefixed `av1-`. */
export function perTitleRenditions(rungs: PlannedRung[], codec: "h264" | "av1" = "h264"): Rendition[] {
  return rungs.map((r) => {
    const videoKbps = Math.max(1, Math.round(r.kbps));
    const repeated = rungs.filter((o) => o.height === r.height).length > 1;
    return {
      height: r.height,
      width: r.width,
      videoKbps,
      profile: r.height >= 720 ? "high" : "main",
      name: `${codec === "av1" ? "av1-" : ""}${repeated ? `${r.height}p-${videoKbps}k` : `${r.height}p`}`,
      crf: codec === "av1" ? Math.round(r.crf) : Math.round(r.crf * 100) / 100,
      codec,
      maxKbps: Math.round(videoKbps * CRF_CAP_RATIO),
    };
  });
}

/**
 * The HDR set of an HDR source: a copy of each AV1 rendition at the same size and
 * CRF, kept in the source's range (10-bit, BT.2020, PQ or HLG) and named
 * `av1-pq-…` / `av1-hlg-…`. Its quality is not probed: VMAF scores SDR pictures,
 * and the SDR AV1 rung beside it is the one matched to the H.264 ladder.
 */
export function hdrRenditions(av1: Rendition[], range: Exclude<VideoRange, "SDR">): Rendition[] {
  return av1.filter((r) => r.codec === "av1").map((r) => ({ ...r, range, name: r.name.replace(/^av1-/, `av1-${range.toLowerCase()}-`) }));
}
