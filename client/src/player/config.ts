/**
 * hls.js configuration. The load policies are tuned so a dead CDN pathway is
 * left within seconds: a short time-to-first-byte, one quick retry, then the
 * error controller penalises the pathway and content steering moves on (the
 * defaults wait ~10 s per attempt with several retries, about 30 s in all).
 * Start: no bandwidth test (with `startLevel: -1` hls.js downloads a first
 * segment only to measure it, then throws it away); the engine names the start
 * rendition itself (start.ts), the one the title page prefetched.
 */
import type { HlsConfig, LoadPolicy } from "hls.js";
import { createAbrController, type MarqueeAbrOptions } from "./abr/controller.ts";

const fastFail = (ttfbMs: number, loadMs: number): LoadPolicy => ({
  default: {
    maxTimeToFirstByteMs: ttfbMs,
    maxLoadTimeMs: loadMs,
    timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: 1, retryDelayMs: 300, maxRetryDelayMs: 1000, backoff: "linear" },
  },
});

export const HLS_CONFIG: Partial<HlsConfig> = {
  enableWorker: true,
  lowLatencyMode: false,
  backBufferLength: 30,
  maxBufferLength: 30,
  capLevelToPlayerSize: true,
  testBandwidth: false,
  fragLoadPolicy: fastFail(3000, 10_000),
  playlistLoadPolicy: fastFail(2000, 5000),
  manifestLoadPolicy: fastFail(3000, 8000),
  steeringManifestLoadPolicy: fastFail(2000, 4000),
  renderTextTracksNatively: true,
};

export type AbrChoice = "marquee" | "hlsjs";

/**
 * Which ABR runs: ours by default; `?abr=hlsjs` in the page URL, or
 * localStorage "marquee.abr" = "hlsjs", falls back to hls.js's own.
 */
export function abrChoice(search = typeof location === "undefined" ? "" : location.search): AbrChoice {
  const fromQuery = new URLSearchParams(search).get("abr");
  let stored: string | null = null;
  try {
    stored = typeof localStorage === "undefined" ? null : localStorage.getItem("marquee.abr");
  } catch {
    stored = null;
  }
  return (fromQuery ?? stored) === "hlsjs" ? "hlsjs" : "marquee";
}

/**
 * Marquee's ABR options for one playback: the plan's ceiling from the playback
 * response (`maxHeight`; the server already leaves out renditions above it, the
 * controller enforces it too) and the viewer's manual choice (an hls.levels
 * index, -1 for Auto).
 */
export function abrOptionsFor(playback: { maxHeight?: number | null }, manualLevel: () => number): MarqueeAbrOptions {
  return { planMaxHeightPx: playback.maxHeight ?? undefined, manualLevel };
}

/**
 * A live broadcast (LL-HLS): hls.js's low-latency mode (parts, blocking reloads,
 * delta updates) holding PART-HOLD-BACK behind the edge, and a gentle catch-up —
 * at most 1.1× when behind, which the browser plays without a pitch shift
 * (`preservesPitch` is on by default) — a short back buffer, a small forward one.
 */
export const LIVE_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: 1.1,
  liveDurationInfinity: true,
  maxBufferLength: 10,
};

/** The hls.js config with the chosen ABR plugged in through hls.js's `abrController` option (and LIVE_CONFIG for a live broadcast). */
export function hlsConfigFor(choice: AbrChoice, abr: MarqueeAbrOptions = {}, live = false): Partial<HlsConfig> {
  const base = live ? { ...HLS_CONFIG, ...LIVE_CONFIG } : HLS_CONFIG;
  return choice === "hlsjs" ? base : { ...base, abrController: createAbrController(abr) };
}
