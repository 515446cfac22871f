/**
 * hls.js configuration. The load policies are tuned so a dead CDN pathway is
 * left within seconds: a short time-to-first-byte, one quick retry, then the
 * error controller penalises the pathway and content steering moves on (the
 * defaults wait ~10 s per attempt with several retries, about 30 s in all).
 * Start: no bandwidth test (with `startLevel: -1` hls.js downloads a first
 * segment only to measure it, then throws it away); the engine names the start
 * rendition itself (start.ts), the one the title page prefetched. The first
 * fragments are loaded and parsed while the media element is still opening its
 * MediaSource (`startFragPrefetch`): hls.js otherwise waits for `sourceopen`
 * before asking for them, and the page's first layout and the element's load
 * stand between the two (bench:offline, 10 starts each at a load of 9–12:
 * MEDIA_ATTACHED → first frame, median ~600 ms before, ~300 ms after).
 */
import type { HlsConfig, LoadPolicy } from "hls.js";
import { createAbrController, type MarqueeAbrOptions } from "./abr/controller.ts";

/** A load policy: these time limits, and `retries` quick retries (timeouts at once, errors after 300 ms and more). */
const loadPolicy = (ttfbMs: number, loadMs: number, retries: number): LoadPolicy => ({
  default: {
    maxTimeToFirstByteMs: ttfbMs,
    maxLoadTimeMs: loadMs,
    timeoutRetry: { maxNumRetry: retries, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry: retries, retryDelayMs: 300, maxRetryDelayMs: 1000, backoff: "linear" },
  },
});
const fastFail = (ttfbMs: number, loadMs: number): LoadPolicy => loadPolicy(ttfbMs, loadMs, 1);

export const HLS_CONFIG: Partial<HlsConfig> = {
  enableWorker: true,
  lowLatencyMode: false,
  backBufferLength: 30,
  maxBufferLength: 30,
  capLevelToPlayerSize: true,
  testBandwidth: false,
  startFragPrefetch: true,
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
 * index, -1 for Auto). A download (its master under `/offline/`, offline-loader.ts)
 * is read from the device: its rate says nothing of the link, so it is not kept
 * as the next start's estimate (link-estimate.ts).
 */
export function abrOptionsFor(playback: { maxHeight?: number | null; masterUrl?: string }, manualLevel: () => number): MarqueeAbrOptions {
  const fromDevice = playback.masterUrl?.startsWith("/offline/") === true;
  return { planMaxHeightPx: playback.maxHeight ?? undefined, manualLevel, ...(fromDevice ? { storeEstimate: () => {} } : {}) };
}

/**
 * A live broadcast (LL-HLS): hls.js's low-latency mode (parts, blocking reloads,
 * delta updates) holding PART-HOLD-BACK behind the edge, and a gentle catch-up —
 * at most 1.1× when behind, which the browser plays without a pitch shift
 * (`preservesPitch` is on by default) — a short back buffer, a small forward one.
 *
 * Its load policies give a request the time live needs. A blocking playlist
 * reload and a hinted part are answered when the part is published, about a
 * part duration later: hls.js waits for a blocking reload at most
 * max(3 parts, 0.8 target durations) but never longer than the policy's
 * time-to-first-byte, so VOD's 2 s would cut a reload short whenever the
 * encoder is a little late. Then the pathway was penalised and, the other
 * pathway timing out the same way, playback ended with "could not be loaded"
 * (bench:live, under load). Here the first byte may take 6 s, so hls.js's own
 * LL-HLS limit is the one that applies (3.2 s for `npm run live`'s 1 s parts
 * in 4 s segments, 6 s for its longest, 2 s parts)
 * and a timed-out request is retried twice before the pathway is blamed.
 */
const liveLoad = (ttfbMs: number, loadMs: number): LoadPolicy => loadPolicy(ttfbMs, loadMs, 2);

export const LIVE_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: true,
  // A broadcast starts where the live edge is once the media is there, not a fragment fetched before.
  startFragPrefetch: false,
  maxLiveSyncPlaybackRate: 1.1,
  liveDurationInfinity: true,
  maxBufferLength: 10,
  playlistLoadPolicy: liveLoad(6000, 10_000),
  fragLoadPolicy: liveLoad(6000, 12_000),
};

/** The hls.js config with the chosen ABR plugged in through hls.js's `abrController` option (and LIVE_CONFIG for a live broadcast). */
export function hlsConfigFor(choice: AbrChoice, abr: MarqueeAbrOptions = {}, live = false): Partial<HlsConfig> {
  const base = live ? { ...HLS_CONFIG, ...LIVE_CONFIG } : HLS_CONFIG;
  return choice === "hlsjs" ? base : { ...base, abrController: createAbrController(abr) };
}
