/**
 * How playback starts, shared by the player and the title page's preparation
 * (data/prefetch.ts), so both pick the same position, rendition and audio:
 * where to start (a `?t=` link, else the resume position, else the beginning),
 * the start rendition (the viewer's manual quality if offered, else the lowest
 * rung from 360p up: its first segment arrives soonest, then ABR climbs), how
 * long a prepared session stays usable, and the baseline switch that turns every
 * start-time optimisation off. Small and without hls.js: every page loads it.
 */

/** A resume position is offered from here on, and not within the last 5 %. */
export const MIN_RESUME_S = 5;
/** The start rendition for Auto: the lowest rung at or above this height (else the highest below it). */
export const START_HEIGHT_PX = 360;

/** A session prepared before Play is used only this soon after it was asked for… */
export const PREPARED_MAX_AGE_MS = 3 * 60_000;
/** …and only while its token has at least this long left (tokens last 30 min or more). */
export const PREPARED_MIN_TOKEN_LEFT_MS = 5 * 60_000;

export type ResumeField = { positionSeconds: number; updatedAt: number; deviceName: string | null } | null;

/**
 * `?baseline=hlsjs` in the page URL, or localStorage "marquee.baseline" =
 * "hlsjs": no preparation before Play and hls.js's plain default config (the
 * side-by-side baseline of `npm run bench:web`).
 */
export function baselineStart(search = typeof location === "undefined" ? "" : location.search): boolean {
  if (new URLSearchParams(search).get("baseline") === "hlsjs") return true;
  try {
    return typeof localStorage !== "undefined" && localStorage.getItem("marquee.baseline") === "hlsjs";
  } catch {
    return false;
  }
}

/** The resume position the player offers for this playback, or null (too early, nearly finished, or none). */
export function resumeOffer(playback: { resume?: ResumeField; durationSeconds?: number | null }, startAt: number | undefined): Exclude<ResumeField, null> | null {
  const resume = playback.resume ?? null;
  if (startAt !== undefined || !resume) return null;
  return worthResuming(resume.positionSeconds, playback.durationSeconds ?? 0) ? resume : null;
}

/** Whether a position is worth offering to resume: past the first seconds and before the end (an unknown duration is ≤ 0). */
export function worthResuming(positionSeconds: number, durationSeconds: number): boolean {
  return positionSeconds >= MIN_RESUME_S && (durationSeconds <= 0 || positionSeconds < durationSeconds * 0.95);
}

/**
 * Whether a playback session prepared at `createdAtMs` may still be used at
 * `nowMs`: its resume position is recent and its token (expiring at
 * `expiresAtMs`; null while the answer is awaited) is far from expiry.
 */
export function preparedUsable(createdAtMs: number, expiresAtMs: number | null, nowMs: number): boolean {
  if (nowMs - createdAtMs > PREPARED_MAX_AGE_MS || nowMs < createdAtMs) return false;
  return expiresAtMs === null || expiresAtMs - nowMs > PREPARED_MIN_TOKEN_LEFT_MS;
}

/** Where loading starts, in seconds: a `?t=` position, else the resume position, else -1 (the beginning). */
export function startPositionSeconds(playback: { resume?: ResumeField; durationSeconds?: number | null }, startAt: number | undefined): number {
  return startAt ?? resumeOffer(playback, startAt)?.positionSeconds ?? -1;
}

/** The height to start on: the manual choice when offered, else the lowest at or above START_HEIGHT_PX (else the highest). */
export function startHeight(heights: readonly number[], manualHeight: number | null): number | null {
  if (heights.length === 0) return null;
  if (manualHeight !== null && heights.includes(manualHeight)) return manualHeight;
  const sorted = [...heights].sort((a, b) => a - b);
  return sorted.find((h) => h >= START_HEIGHT_PX) ?? sorted[sorted.length - 1]!;
}
