/**
 * How playback starts, shared by the player and the title page's preparation
 * (data/prefetch.ts), so both pick the same position, rendition and audio:
 * where to start (a `?t=` link, else the resume position, else the beginning),
 * the start rendition (the viewer's manual quality if offered, else the lowest
 * rung from 360p up — or a cheaper one when what the device knows of its link
 * says that one is too heavy, link-estimate.ts — then ABR climbs), how long a
 * prepared session stays usable, and the baseline switch that turns every
 * start-time optimisation off. Small and without hls.js: every page loads it.
 */
import { type LinkHint, linkHint } from "./link-estimate.ts";

/** A resume position is offered from here on, and not within the last 5 %. */
export const MIN_RESUME_S = 5;
/** The start rendition for Auto: the lowest rung at or above this height (else the highest below it)… */
export const START_HEIGHT_PX = 360;
/**
 * …unless the link estimate says it is too heavy: then the highest rung of at
 * most this share of the estimate. A rung's bitrate is AVERAGE-BANDWIDTH (video
 * and audio; BANDWIDTH where absent), so its first segment arrives in half its
 * own duration at the estimated rate, and within its duration while the link
 * gives at least half the estimate: a stored estimate is an earlier session's
 * (perhaps another network), the downlink hint is coarse, a first segment may be
 * above the average, and init segments and round trips come first. Chosen on
 * bench:abr's training traces (never a test family): on the per-title ladder
 * 11 of 127 first segments later than their duration (as at 0.4; 18 at 0.7, 47
 * without an estimate), start-up 2.25 s (2.65 s at 0.7), QoE_lin level.
 */
export const START_ESTIMATE_SHARE = 0.5;
/** Save-Data: the start rendition stays at or under this bitrate, as the ABR rules' cap does (rules.ts). */
export const SAVE_DATA_MAX_BPS = 1_500_000;

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

/** The height of the start rule without a link estimate: the manual choice when offered, else the lowest at or above START_HEIGHT_PX (else the highest). */
export function startHeight(heights: readonly number[], manualHeight: number | null): number | null {
  if (heights.length === 0) return null;
  if (manualHeight !== null && heights.includes(manualHeight)) return manualHeight;
  const sorted = [...heights].sort((a, b) => a - b);
  return sorted.find((h) => h >= START_HEIGHT_PX) ?? sorted[sorted.length - 1]!;
}

/** A rung as the start rule sees it. `family`: the codec set (rungs of another set are not started on in its place). */
export interface StartRung {
  heightPx: number;
  /** AVERAGE-BANDWIDTH, else BANDWIDTH, bits per second. */
  bitrateBps: number;
  family?: string;
}

/**
 * The rung to start on: at a manual height when offered (its cheapest), else the
 * cheapest at startHeight's height — unless `link` says that one is too heavy
 * (over START_ESTIMATE_SHARE of the estimate, or over SAVE_DATA_MAX_BPS with
 * Save-Data): then the highest rung of the same family that fits, never above
 * that one and never below the lowest. Null for no rungs.
 */
export function startRung<R extends StartRung>(rungs: readonly R[], manualHeight: number | null, link: LinkHint = linkHint()): R | null {
  const height = startHeight(rungs.map((r) => r.heightPx), manualHeight);
  const byBitrate = [...rungs].sort((a, b) => a.bitrateBps - b.bitrateBps);
  const ceiling = byBitrate.find((r) => r.heightPx === height);
  if (!ceiling || (manualHeight !== null && height === manualHeight)) return ceiling ?? null;
  let budgetBps = link.estimateBps !== null && link.estimateBps > 0 ? START_ESTIMATE_SHARE * link.estimateBps : Number.POSITIVE_INFINITY;
  if (link.saveData) budgetBps = Math.min(budgetBps, SAVE_DATA_MAX_BPS);
  if (ceiling.bitrateBps <= budgetBps) return ceiling;
  const family = byBitrate.filter((r) => (r.family ?? "") === (ceiling.family ?? "") && r.bitrateBps <= ceiling.bitrateBps);
  for (let i = family.length - 1; i > 0; i--) if (family[i]!.bitrateBps <= budgetBps) return family[i]!;
  return family[0]!;
}
