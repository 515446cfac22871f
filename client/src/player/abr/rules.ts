/**
 * Marquee's adaptive-bitrate decision rules: a hybrid of throughput estimation
 * and buffer level. Pure functions and one small estimator class, no DOM and no
 * clock of their own, so the player (controller.ts) and the simulator
 * (bench/abr/) run the very same code.
 *
 * The design's rules, and what this implementation adds on top (tuned on
 * Pensieve's training traces, see bench/abr/):
 * - up-switch only when bandwidth ≥ 1.5× the target's bitrate and the buffer is
 *   healthy, and no more than one up-switch per 10 s. Added: the up-switch may
 *   skip rungs (to the highest rung that passes), and once the buffer is rich the
 *   required margin relaxes to `richUpFactor`.
 * - down-switch at once when bandwidth < 0.8× the current bitrate or the buffer
 *   runs low. Added: the target is the highest lower rung that is either
 *   sustainable or whose download the buffer can absorb, not always the floor.
 * - abandon an in-flight segment that will not finish before the buffer drains,
 *   for the highest lower rung that would.
 * - caps: player size in device pixels, renditions that drop frames, the plan's
 *   limit, Save-Data; a manual choice overrides everything.
 */

export interface Rendition {
  /** Declared bitrate (HLS BANDWIDTH), bits per second. */
  bitrateBps: number;
  heightPx: number;
}

export interface AbrParams {
  /** Up-switch needs bandwidth ≥ upFactor × the target's bitrate… */
  upFactor: number;
  /** …and at least this much buffer. */
  healthyBufferS: number;
  /** With at least this much buffer the up-switch margin relaxes to richUpFactor. */
  richBufferS: number;
  richUpFactor: number;
  /** Down-switch at once when bandwidth < downFactor × the current bitrate… */
  downFactor: number;
  /** …or the buffer is below this. */
  lowBufferS: number;
  /** A down-switch target is sustainable when its bitrate ≤ this × bandwidth. */
  sustainableFactor: number;
  /** At most one up-switch per this many seconds. */
  minUpSwitchIntervalS: number;
  /** Before playback starts, pick the highest rung with bitrate ≤ this × bandwidth. */
  startFactor: number;
  /** Bitrate assumed before any download has been measured. */
  defaultBandwidthBps: number;
  /** Save-Data: never above this bitrate. */
  saveDataMaxBitrateBps: number;
  /** Don't judge an in-flight download before this much of it has elapsed. */
  abandonMinElapsedS: number;
  /** Share of the largest recent over-estimate taken off the bandwidth estimate (1 = RobustMPC's discount). */
  errorDiscount: number;
}

/** The rules as designed (1.5×, 0.8×, 10 s) with the parameters tuned on the training traces. */
export const DEFAULT_ABR_PARAMS: AbrParams = {
  upFactor: 1.5,
  healthyBufferS: 6,
  // Tuned (`npm run bench:abr -- --tune`, Pensieve's training traces): with 16 s
  // banked, up-switch to a rung up to 1/0.8 of the bandwidth; never below
  // downFactor, or the next decision would switch straight back down.
  richBufferS: 16,
  richUpFactor: 0.8,
  downFactor: 0.8,
  lowBufferS: 4,
  sustainableFactor: 0.9,
  minUpSwitchIntervalS: 10,
  startFactor: 0.7,
  defaultBandwidthBps: 500_000,
  saveDataMaxBitrateBps: 1_500_000,
  abandonMinElapsedS: 0.5,
  errorDiscount: 0,
};

export interface Caps {
  /** Player's size in device pixels (CSS height × devicePixelRatio); rungs taller than the smallest rung above it are excluded. */
  playerHeightPx?: number;
  /** Rungs seen dropping frames (indices); they and everything above are excluded. */
  droppingFrameLevels?: readonly number[];
  /** The plan's limit (e.g. 1080p for Standard), pixels. */
  planMaxHeightPx?: number;
  /** navigator.connection.saveData. */
  saveData?: boolean;
}

/** The highest rung index allowed by the caps (renditions sorted by bitrate, ascending); never below 0. */
export function maxAllowedLevel(renditions: readonly Rendition[], caps: Caps, params: AbrParams = DEFAULT_ABR_PARAMS): number {
  let max = renditions.length - 1;
  if (caps.playerHeightPx !== undefined && caps.playerHeightPx > 0) {
    // Like hls.js's capLevelToPlayerSize: the smallest rung at least as tall as the player, nothing above it.
    const fit = renditions.findIndex((r) => r.heightPx >= caps.playerHeightPx!);
    if (fit >= 0) max = Math.min(max, fit);
  }
  if (caps.planMaxHeightPx !== undefined) {
    let i = max;
    while (i > 0 && renditions[i]!.heightPx > caps.planMaxHeightPx) i--;
    max = i;
  }
  for (const dropped of caps.droppingFrameLevels ?? []) if (dropped >= 0) max = Math.min(max, dropped - 1);
  if (caps.saveData) {
    let i = max;
    while (i > 0 && renditions[i]!.bitrateBps > params.saveDataMaxBitrateBps) i--;
    max = i;
  }
  return Math.max(0, max);
}

/** The highest rung in [0, maxLevel] whose bitrate passes `ok`, or 0. */
function highest(renditions: readonly Rendition[], maxLevel: number, ok: (r: Rendition) => boolean): number {
  for (let i = maxLevel; i > 0; i--) if (ok(renditions[i]!)) return i;
  return 0;
}

export interface DecisionInput {
  renditions: readonly Rendition[];
  /** Rung of the last segment loaded; -1 before the first. */
  currentLevel: number;
  /** Estimated bandwidth in bits per second; NaN when nothing has been measured. */
  bandwidthBps: number;
  /** Seconds of media buffered ahead of the playhead. */
  bufferS: number;
  /** Segment duration, seconds. */
  segmentS: number;
  /** Clock (any origin), seconds. */
  nowS: number;
  /** When the last up-switch happened (same clock); -Infinity if never. */
  lastUpSwitchAtS: number;
  /** Has playback started (buffer rules only apply once it has)? */
  playing: boolean;
  caps: Caps;
  /** The viewer's manual choice (rung index), or -1 for Auto. */
  manualLevel: number;
}

export type DecisionReason = "manual" | "start" | "cap" | "down-bandwidth" | "down-buffer" | "up" | "hold";

export interface Decision {
  level: number;
  reason: DecisionReason;
}

/** Picks the rung for the next segment. */
export function decideLevel(input: DecisionInput, params: AbrParams = DEFAULT_ABR_PARAMS): Decision {
  const { renditions, currentLevel, bufferS, segmentS } = input;
  if (input.manualLevel >= 0 && input.manualLevel < renditions.length) return { level: input.manualLevel, reason: "manual" };
  const maxLevel = maxAllowedLevel(renditions, input.caps, params);
  const bw = Number.isFinite(input.bandwidthBps) && input.bandwidthBps > 0 ? input.bandwidthBps : params.defaultBandwidthBps;

  if (currentLevel < 0 || !input.playing) {
    return { level: highest(renditions, maxLevel, (r) => r.bitrateBps <= params.startFactor * bw), reason: "start" };
  }
  const current = Math.min(currentLevel, renditions.length - 1);
  if (current > maxLevel) return { level: maxLevel, reason: "cap" };
  const currentBitrate = renditions[current]!.bitrateBps;

  const lowBuffer = bufferS < params.lowBufferS;
  if (bw < params.downFactor * currentBitrate || lowBuffer) {
    if (current === 0) return { level: 0, reason: "hold" };
    // Highest lower rung that is sustainable, or whose download the buffer (above the low mark) absorbs.
    const spareS = bufferS - params.lowBufferS;
    const target = highest(renditions, current - 1, (r) => r.bitrateBps <= params.sustainableFactor * bw || (!lowBuffer && (r.bitrateBps * segmentS) / bw <= spareS));
    return { level: target, reason: lowBuffer ? "down-buffer" : "down-bandwidth" };
  }

  const upAllowed = bufferS >= params.healthyBufferS && input.nowS - input.lastUpSwitchAtS >= params.minUpSwitchIntervalS;
  if (upAllowed && current < maxLevel) {
    const factor = bufferS >= params.richBufferS ? Math.max(params.downFactor, Math.min(params.upFactor, params.richUpFactor)) : params.upFactor;
    const target = highest(renditions, maxLevel, (r) => bw >= factor * r.bitrateBps);
    if (target > current) return { level: target, reason: "up" };
  }
  return { level: current, reason: "hold" };
}

export interface AbandonInput {
  renditions: readonly Rendition[];
  /** Rung being downloaded. */
  level: number;
  /** Bytes received so far and expected in all. */
  loadedBytes: number;
  expectedBytes: number;
  /** Seconds since the request went out, and the time to first byte (NaN if no byte yet). */
  elapsedS: number;
  ttfbS: number;
  bufferS: number;
  segmentS: number;
  /** Estimated bandwidth (bits/s), used until the download itself has a rate. */
  bandwidthBps: number;
  playing: boolean;
  manualLevel: number;
}

/**
 * Should the in-flight download be abandoned? Returns the rung to fetch instead,
 * or -1 to carry on: only when it will not finish before the buffer drains and a
 * lower rung, started afresh now, would finish sooner.
 */
export function abandonTo(input: AbandonInput, params: AbrParams = DEFAULT_ABR_PARAMS): number {
  const { renditions, level, loadedBytes, expectedBytes, elapsedS, bufferS, segmentS } = input;
  if (!input.playing || input.manualLevel >= 0 || level <= 0 || elapsedS < params.abandonMinElapsedS) return -1;
  const gotFirstByte = Number.isFinite(input.ttfbS) && loadedBytes > 0;
  const streamingS = gotFirstByte ? elapsedS - input.ttfbS : 0;
  const rateBps = gotFirstByte && streamingS > 0 ? (8 * loadedBytes) / streamingS : Math.min(input.bandwidthBps || 0, (8 * expectedBytes) / elapsedS);
  if (!(rateBps > 0)) return level > 0 ? 0 : -1;
  const remainingS = (8 * Math.max(0, expectedBytes - loadedBytes)) / rateBps;
  if (remainingS <= bufferS) return -1;
  const ttfbS = gotFirstByte ? input.ttfbS : 0;
  for (let i = level - 1; i >= 0; i--) {
    const freshS = ttfbS + (renditions[i]!.bitrateBps * segmentS) / rateBps;
    if (freshS < bufferS || i === 0) return freshS < remainingS ? i : -1;
  }
  return -1;
}

/**
 * Throughput estimate: the harmonic mean of the last few samples (robust to
 * one-off spikes), discounted by the largest recent relative over-estimate, as
 * RobustMPC does.
 */
export class ThroughputEstimator {
  private readonly samplesBps: number[] = [];
  private readonly errors: number[] = [];
  private lastPredictionBps = Number.NaN;
  private readonly window: number;

  constructor(window = 5) {
    this.window = window;
  }

  /** Records one finished download (bytes over seconds, time to first byte included). */
  sample(bytes: number, seconds: number): void {
    if (!(bytes > 0) || !(seconds > 0)) return;
    const bps = (8 * bytes) / seconds;
    if (Number.isFinite(this.lastPredictionBps)) {
      this.errors.push(Math.max(0, (this.lastPredictionBps - bps) / bps));
      if (this.errors.length > this.window) this.errors.shift();
    }
    this.samplesBps.push(bps);
    if (this.samplesBps.length > this.window) this.samplesBps.shift();
    this.lastPredictionBps = this.harmonicMeanBps();
  }

  /** The harmonic mean of the recent samples (NaN before any). */
  harmonicMeanBps(): number {
    if (this.samplesBps.length === 0) return Number.NaN;
    return this.samplesBps.length / this.samplesBps.reduce((s, x) => s + 1 / x, 0);
  }

  /** The estimate to decide with (NaN before any sample), less `errorDiscount` × the largest recent over-estimate. */
  estimateBps(errorDiscount = DEFAULT_ABR_PARAMS.errorDiscount): number {
    const maxError = this.errors.length ? Math.max(...this.errors) : 0;
    return this.harmonicMeanBps() / (1 + errorDiscount * maxError);
  }
}
