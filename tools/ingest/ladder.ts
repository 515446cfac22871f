/** The adaptive-bitrate ladder: which renditions a source gets, and at what bitrates. */

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
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * Rungs at or below the source's height (never upscaled), widths keeping the
 * source's aspect ratio; a source smaller than the lowest rung gets one rendition
 * at its own size.
 */
export function selectLadder(sourceWidth: number, sourceHeight: number, heights?: number[]): Rendition[] {
  const allowed = LADDER.filter((r) => r.height <= sourceHeight && (!heights || heights.includes(r.height)));
  const rungs = allowed.length > 0 ? allowed : [{ ...LADDER[0]!, height: even(sourceHeight) }];
  return rungs.map((r) => ({ ...r, width: even((sourceWidth * r.height) / sourceHeight) }));
}
