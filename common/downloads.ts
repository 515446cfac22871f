/**
 * Offline downloads: what each plan allows, how long a download stays
 * playable, and which renditions the two quality choices mean. Shared by the
 * Worker (which enforces it) and the SPA (which shows it).
 */
import type { Plan } from "./plans.ts";

export const DOWNLOAD_QUALITIES = ["standard", "higher"] as const;
export type DownloadQuality = (typeof DOWNLOAD_QUALITIES)[number];

/**
 * Downloads each plan allows at once: devices holding downloads, and titles
 * (films or episodes) downloaded across them. Streaming services sell similar
 * numbers (a device per screen of the plan; 100 titles per device at most).
 */
export const PLAN_DOWNLOAD_LIMITS: Record<Plan, { devices: number; downloads: number }> = {
  basic: { devices: 1, downloads: 5 },
  standard: { devices: 2, downloads: 25 },
  premium: { devices: 4, downloads: 100 },
};

/** A download stays playable this long after it was granted (renewed online)… */
export const DOWNLOAD_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000;
/** …and, once played, this long after its first play. */
export const DOWNLOAD_PLAY_WINDOW_MS = 48 * 60 * 60 * 1000;

/** "Standard" is the tallest rendition up to this height (SD: small and quick to fetch). */
export const STANDARD_DOWNLOAD_MAX_HEIGHT_PX = 540;

/**
 * The rendition heights the two choices mean, for a title whose video comes in
 * `heightsPx` and a viewer limited to `maxHeightPx`: Standard is the tallest up
 * to 540p (else the shortest), Higher the tallest within the limit — offered
 * only when taller than Standard. Empty when nothing fits the limit.
 */
export function downloadRungs(heightsPx: readonly number[], maxHeightPx: number): { quality: DownloadQuality; heightPx: number }[] {
  const within = [...new Set(heightsPx.filter((h) => h > 0 && h <= maxHeightPx))].sort((a, b) => a - b);
  if (within.length === 0) return [];
  const standard = [...within].reverse().find((h) => h <= STANDARD_DOWNLOAD_MAX_HEIGHT_PX) ?? within[0]!;
  const higher = within[within.length - 1]!;
  return higher > standard ? [{ quality: "standard", heightPx: standard }, { quality: "higher", heightPx: higher }] : [{ quality: "standard", heightPx: standard }];
}

/** When a download stops being playable: its expiry, or 48 h after its first play if sooner. */
export function downloadPlayableUntil(d: { expiresAt: number; firstPlayedAt: number | null }): number {
  return d.firstPlayedAt === null ? d.expiresAt : Math.min(d.expiresAt, d.firstPlayedAt + DOWNLOAD_PLAY_WINDOW_MS);
}
