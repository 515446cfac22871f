/**
 * Quality of experience (QoE): what the player reports about a view and how
 * the Worker sums it — the shapes shared by the SPA's QoE controller and the
 * Worker's ingestion (whose zod schema is worker/qoe/beacon.ts), the
 * log-bucket histogram both sides agree on, and the privacy floor of the
 * console (cells with fewer than QOE_MIN_CELL_VIEWS views are not shown).
 *
 * A beacon carries no account, profile, IP or user agent: a view id that is
 * random per view, the title, a device class and the player's version.
 */

/** What happened in a view, each at `t` ms after the view began (the player mounted). */
export const QOE_EVENT_TYPES = [
  "intent", // the viewer asked to play (autoplay or Play)
  "firstframe", // the first frame was shown: video startup time = t(firstframe) − t(intent)
  "stall", // rebuffering began (playing, not seeking)
  "unstall", // rebuffering ended
  "seek", // a seek began (its waiting is not rebuffering)
  "seeked", // the seek finished
  "pause",
  "play",
  "hidden", // the page went to the background (time there is not watch time)
  "visible",
  "rendition", // the rendition in use changed: kbps, height
  "pathway", // the CDN pathway in use changed: pathway
  "error", // an error with our code, fatal or not
  "recovered", // playback resumed after an error
  "end", // the media reached its end
  "exit", // the viewer left (the player closed, the page hid for good)
  "heartbeat", // still here (sent with each batch)
] as const;
export type QoeEventType = (typeof QOE_EVENT_TYPES)[number];

export interface QoeEvent {
  type: QoeEventType;
  /** Milliseconds since the view began, whole. */
  t: number;
  /** rendition: its declared bitrate (kbps) and height (px). */
  kbps?: number;
  height?: number;
  /** pathway: the CDN pathway id. */
  pathway?: string;
  /** error: the error's code (client vocabulary) and whether playback stopped. */
  code?: string;
  fatal?: boolean;
}

/** Device classes a beacon may name (the Home's classes). */
export const QOE_DEVICE_CLASSES = ["desktop", "phone", "tv"] as const;
export type QoeDeviceClass = (typeof QOE_DEVICE_CLASSES)[number];

/** One batch of a view's events (POST /api/qoe, JSON or text/plain for sendBeacon). */
export interface QoeBeacon {
  v: 1;
  /** Random per view (not per device or person). */
  viewId: string;
  /** 0, 1, 2, … per view: a retried batch is applied once. */
  seq: number;
  titleId: number;
  device: QoeDeviceClass;
  /** The player's version, e.g. "web-1.0+hls1.6.0". */
  player: string;
  events: QoeEvent[];
}

/**
 * The custom CMCD key (CTA-5004 custom keys carry a hyphenated prefix) our player sends on its media
 * requests: "this view's QoE arrives as beacons", so the Worker does not count its CMCD as well.
 */
export const CMCD_BEACONS_KEY = "com.marquee-beacons";

/**
 * Live views (a channel's broadcast, a premiere) roll up apart from VOD under their player version with
 * this suffix ("web-1+hls1.6.0-live", "cmcd-v2-live"), so the console filters them (`stream=live|vod`) with
 * no dimension of their own in the rollups — and live rebuffering never hides in a VOD average.
 */
export const QOE_LIVE_SUFFIX = "-live";
export const QOE_STREAMS = ["vod", "live"] as const;
export type QoeStream = (typeof QOE_STREAMS)[number];

/** The player version a live view reports under (within the 40 characters a version may have). */
export function livePlayer(player: string): string {
  return player.endsWith(QOE_LIVE_SUFFIX) ? player : `${player.slice(0, 40 - QOE_LIVE_SUFFIX.length)}${QOE_LIVE_SUFFIX}`;
}

/** Beacon limits both sides keep to. */
export const QOE_MAX_EVENTS = 100;
export const QOE_MAX_VIEW_MS = 24 * 60 * 60 * 1000;
export const QOE_VIEW_ID = /^[A-Za-z0-9_-]{16,64}$/;
export const QOE_PLAYER_VERSION = /^[A-Za-z0-9.+_-]{1,40}$/;
export const QOE_PATHWAY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const QOE_ERROR_CODE = /^[a-z0-9_]{1,40}$/;

/** Cells (a minute × title × rendition × pathway × country × device × player) with fewer views than this are not shown. */
export const QOE_MIN_CELL_VIEWS = 5;

/**
 * Log-bucket histogram of milliseconds: bucket b holds values in
 * (2^((b−1)/4), 2^(b/4)] — four buckets per doubling, so a percentile read
 * from buckets is within 19 % of the true value. 0 and 1 ms share bucket 0.
 */
export function histogramBucket(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(QOE_HISTOGRAM_BUCKETS - 1, Math.ceil(4 * Math.log2(ms) - 1e-9));
}
/** The upper bound (ms) of bucket `b`. */
export function bucketUpperMs(b: number): number {
  return 2 ** (b / 4);
}
/** Buckets up to 2^(80/4) ms ≈ 17 minutes; a longer startup falls into the last bucket. */
export const QOE_HISTOGRAM_BUCKETS = 81;

/** The value at quantile q (0..1) of a histogram given as counts by bucket: the upper bound of the bucket holding it, or null when empty. */
export function histogramQuantile(counts: ReadonlyMap<number, number> | Record<number, number>, q: number): number | null {
  const entries = (counts instanceof Map ? [...counts.entries()] : Object.entries(counts).map(([b, n]) => [Number(b), n] as const)).filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [b, n] of entries) {
    seen += n;
    if (seen >= rank) return bucketUpperMs(b);
  }
  return bucketUpperMs(entries.at(-1)![0]);
}

/** What the console shows, with the published definitions each follows (Mux Data) and the design's target. */
export const QOE_METRICS = {
  startupMs: { label: "Video startup time (median)", unit: "ms", target: "< 1000 ms", definition: "From play intent to the first frame, for views that started (Mux: Video Startup Time)." },
  failurePct: { label: "Playback failure", unit: "%", target: "< 0.1 %", definition: "Views that ended with a fatal error ÷ views (Mux: Playback Failure Percentage)." },
  exitBeforeStartPct: { label: "Exits before video start", unit: "%", target: "", definition: "Views left after play intent, before the first frame and without a fatal error ÷ views (Mux: Exits Before Video Start)." },
  rebufferPct: { label: "Rebuffer percentage", unit: "%", target: "< 1 %", definition: "Rebuffering time ÷ watch time; watch time runs from play intent, excluding paused, seeking and background time (Mux: Rebuffer Percentage)." },
  bitrateKbps: { label: "Average bitrate", unit: "kbps", target: "", definition: "Declared bitrate of the rendition in use, weighted by the time it played." },
  completionPct: { label: "Completion", unit: "%", target: "> 85 %", definition: "Views that reached the end ÷ views that started." },
  qualityScore: { label: "Quality score", unit: "/100", target: "", definition: "100 × (1 − failure) × (1 − exits before start) × (1 − min(1, 10 × rebuffer ratio)) × min(1, 1000 ms ÷ median startup): a penalty for each way a view went wrong." },
} as const;
export type QoeMetricName = keyof typeof QOE_METRICS;
