/**
 * What this device knows of its link before anything is downloaded, for the
 * start rendition (start.ts): the ABR controller's last throughput estimate,
 * kept in localStorage ("marquee.abr.estimate" = {bps, at}: a rate and a time,
 * nothing about the viewer or what was watched), else the Network Information
 * API's `downlink` (Chromium; Mbps, coarse) as a first-visit hint, and
 * Save-Data. Storage that fails or is absent is ignored. No hls.js: every page
 * loads it.
 */

export const LINK_ESTIMATE_KEY = "marquee.abr.estimate";
/** An estimate older than this says little about today's link: ignored. */
export const LINK_ESTIMATE_MAX_AGE_MS = 7 * 24 * 3600_000;
/** The controller writes at most this often (and once when the session ends). */
export const LINK_ESTIMATE_EVERY_MS = 5_000;

export interface LinkHint {
  /** Transfer rate the link is expected to give, bits per second (null: nothing known). */
  estimateBps: number | null;
  /** navigator.connection.saveData. */
  saveData: boolean;
}

type Connection = { downlink?: number; saveData?: boolean };
const connection = (): Connection | undefined => (typeof navigator === "undefined" ? undefined : (navigator as Navigator & { connection?: Connection }).connection);

/** The stored estimate while fresh (at most LINK_ESTIMATE_MAX_AGE_MS old, not from the future), else null. */
export function storedLinkEstimate(nowMs = Date.now()): number | null {
  try {
    const raw = typeof localStorage === "undefined" ? null : localStorage.getItem(LINK_ESTIMATE_KEY);
    if (!raw) return null;
    const { bps, at } = JSON.parse(raw) as { bps?: unknown; at?: unknown };
    if (typeof bps !== "number" || !(bps > 0) || !Number.isFinite(bps) || typeof at !== "number") return null;
    // A minute of clock skew is allowed; an estimate further in the future is not trusted.
    return nowMs - at <= LINK_ESTIMATE_MAX_AGE_MS && at - nowMs <= 60_000 ? bps : null;
  } catch {
    return null;
  }
}

/** Keeps the controller's estimate for the next start; storage failures are ignored. */
export function storeLinkEstimate(bps: number, nowMs = Date.now()): void {
  if (!(bps > 0) || !Number.isFinite(bps)) return;
  try {
    if (typeof localStorage !== "undefined") localStorage.setItem(LINK_ESTIMATE_KEY, JSON.stringify({ bps: Math.round(bps), at: nowMs }));
  } catch {
    // Private mode, quota, disabled storage: the next start goes without.
  }
}

/** The stored estimate, else the browser's downlink hint, and Save-Data. */
export function linkHint(nowMs = Date.now()): LinkHint {
  const c = connection();
  const downlinkMbps = c?.downlink;
  const hint = typeof downlinkMbps === "number" && downlinkMbps > 0 ? downlinkMbps * 1e6 : null;
  return { estimateBps: storedLinkEstimate(nowMs) ?? hint, saveData: c?.saveData === true };
}
