/**
 * Quality tiers of encrypted media: every video rendition is encrypted under
 * its title's key for its tier (audio under the SD key), so a leaked SD key
 * opens no HD or UHD stream. A licence grants a tier when the plan's (or the
 * client's) height limit reaches the tier's lowest height.
 */

export const CONTENT_TIERS = ["SD", "HD", "UHD"] as const;

/** Where a player asks for licences: the URI of every `#EXT-X-KEY` and `#EXT-X-SESSION-KEY`. */
export const LICENCE_PATH = "/api/licence";
export type ContentTier = (typeof CONTENT_TIERS)[number];

/** Lowest rendition height (px) in each tier: SD below 720p, HD 720p–1080p, UHD above. */
export const TIER_MIN_HEIGHT_PX: Record<ContentTier, number> = { SD: 0, HD: 720, UHD: 1081 };

/** The tier of a rendition `heightPx` tall; audio (no height) is SD. */
export function tierOfHeight(heightPx: number | null | undefined): ContentTier {
  if (heightPx === null || heightPx === undefined) return "SD";
  return heightPx >= TIER_MIN_HEIGHT_PX.UHD ? "UHD" : heightPx >= TIER_MIN_HEIGHT_PX.HD ? "HD" : "SD";
}

/** The tiers a height limit reaches (every tier with a rendition at or under it). */
export function tiersWithin(maxHeightPx: number): ContentTier[] {
  return CONTENT_TIERS.filter((t) => TIER_MIN_HEIGHT_PX[t] <= maxHeightPx);
}

/** Whether `value` names a tier. */
export function isContentTier(value: unknown): value is ContentTier {
  return typeof value === "string" && (CONTENT_TIERS as readonly string[]).includes(value);
}
