/**
 * Marquee's adaptive-bitrate decision rules: a hybrid of throughput estimation
 * and buffer level, with a short RobustMPC-style lookahead inside the rules'
 * guard rails. Pure functions and one small estimator class, no DOM and no
 * clock of their own, so the player (controller.ts) and the simulator
 * (bench/abr/) run the very same code.
 *
 * The design's rules, and what this implementation adds on top (tuned on
 * Pensieve's training traces with `npm run bench:abr -- --tune`):
 * - up-switch only when bandwidth ≥ 1.5× the target's bitrate and the buffer is
 *   healthy, and no more than one up-switch per 10 s — of media, which is what
 *   the viewer sees (while the buffer fills, 10 s of wall time can be a dozen
 *   segments). Added: the first climb after the start does not wait for a
 *   healthy buffer (the start rung was chosen before anything was measured),
 *   only for a rung that fills the buffer 1.5× faster than it plays, so a fast
 *   link reaches its top rung on the second segment. The margin eases from 1.5× at a healthy buffer to 0.8× at
 *   a rich one; the up-switch may skip rungs; near the end of the video, a rung
 *   whose every remaining segment arrives before the buffer runs low is allowed.
 * - down-switch at once when bandwidth < 0.8× the current bitrate or the buffer
 *   runs low. Added: with a rich buffer a bandwidth dip is ridden out (the
 *   buffer absorbs it; the low-buffer rule still fires); the target is the
 *   highest lower rung that is either sustainable or whose download the buffer
 *   absorbs, not always the floor.
 * - between holding and the highest rung the rules allow, a 5-segment lookahead
 *   (RobustMPC's objective, QoE_lin: bitrate − stall − switch) picks the first
 *   step; no download is started that is predicted to outlast the buffer.
 * - the buffer is spent (the eased margin, the rich buffer, riding out dips)
 *   only on a link whose recent downloads all ran at twice the lowest rung's
 *   bitrate or more: where the link has been seen near the floor, falling back
 *   to the floor does not outrun the next dip; only the buffer does.
 * - on a steady link (recent rates within 20% of their mean) the up-switch
 *   margin shrinks in proportion, toward none: it is there for the link's swings.
 * - the end of a video: buffer left when the last segment arrives is quality
 *   never shown, so with the segments left known the rules plan to spend it —
 *   bank it at the current rung, then play a rung the link does not sustain to
 *   the last segment, the buffer never under the low mark (endPlan).
 * - "bandwidth" is the harmonic mean of recent transfer rates with the time to
 *   first byte taken out and predicted separately, so the small segments of
 *   low rungs do not make a fast link look slow.
 * - abandon an in-flight segment that will not finish before the buffer drains,
 *   for the highest lower rung that would.
 * - caps: player size in device pixels, renditions that drop frames, the plan's
 *   limit, Save-Data; the viewer's manual choice overrides the adaptation and
 *   every cap but the plan's, which is an entitlement.
 *
 * Bitrates are the declared ones: the player passes AVERAGE-BANDWIDTH (BANDWIDTH
 * where absent), and segment sizes are not known before they arrive.
 */

import { SAVE_DATA_MAX_BPS } from "../start.ts";

export interface Rendition {
  /** Declared bitrate (HLS AVERAGE-BANDWIDTH, else BANDWIDTH), bits per second. */
  bitrateBps: number;
  heightPx: number;
}

export interface AbrParams {
  /** Up-switch needs bandwidth ≥ upFactor × the target's bitrate… */
  upFactor: number;
  /** …and at least this much buffer. */
  healthyBufferS: number;
  /** From healthyBufferS to this much buffer the up-switch margin eases linearly to richUpFactor; here the bandwidth down rule stops applying. */
  richBufferS: number;
  richUpFactor: number;
  /** Down-switch at once when bandwidth < downFactor × the current bitrate… */
  downFactor: number;
  /** …or the buffer is below this. */
  lowBufferS: number;
  /** A down-switch target is sustainable when its bitrate ≤ this × bandwidth. */
  sustainableFactor: number;
  /** At most one up-switch per this many seconds of media. */
  minUpSwitchIntervalS: number;
  /** Before playback starts, pick the highest rung with bitrate ≤ this × bandwidth. */
  startFactor: number;
  /** Bandwidth assumed before any download has been measured. */
  defaultBandwidthBps: number;
  /** Save-Data: never above this bitrate. */
  saveDataMaxBitrateBps: number;
  /** Don't judge an in-flight download before this much of it has elapsed. */
  abandonMinElapsedS: number;
  /** Share of the largest recent over-estimate taken off the bandwidth estimate (1 = RobustMPC's discount). */
  errorDiscount: number;
  /** Segments the lookahead plans (0: take the highest rung the rules allow). */
  lookaheadSegments: number;
  /** Lookahead value: a second of stall costs as much as this many segments at the top rung (QoE_lin: 4.3 for a 4.3 Mbps top, i.e. 1). */
  rebufferPenalty: number;
  /** Lookahead value: a switch costs this × the bitrate change (relative to the top rung). */
  switchPenalty: number;
  /** Never start a download predicted to end with less than this much buffer left (the lowest rung excepted). */
  stallGuardS: number;
  /** The buffer is spent (eased margin, rich spending, dips ridden out) only while the slowest of the last 20 downloads ran at least this × the lowest rung's bitrate (0: always). */
  floorSafeFactor: number;
  /** The end-of-video plan predicts downloads this much slower than the estimate (0, or no lookahead: no plan). */
  endMargin: number;
  /** Recent transfer rates this spread (largest relative deviation from their mean) or more get the full up-switch margin; a steadier link proportionally less (0: always the full margin). */
  steadySpread: number;
}

/** The rules as designed (1.5×, 0.8×, 10 s) with the parameters tuned on the training traces. */
export const DEFAULT_ABR_PARAMS: AbrParams = {
  upFactor: 1.5,
  healthyBufferS: 5,
  richBufferS: 16,
  richUpFactor: 0.8,
  downFactor: 0.8,
  lowBufferS: 4,
  sustainableFactor: 0.9,
  minUpSwitchIntervalS: 10,
  startFactor: 0.7,
  defaultBandwidthBps: 1_200_000,
  saveDataMaxBitrateBps: SAVE_DATA_MAX_BPS,
  abandonMinElapsedS: 0.5,
  errorDiscount: 0,
  lookaheadSegments: 5,
  rebufferPenalty: 1,
  switchPenalty: 1,
  stallGuardS: 1,
  floorSafeFactor: 2,
  endMargin: 1,
  steadySpread: 0.2,
};

export interface Caps {
  /** Player's size in device pixels (CSS height × devicePixelRatio); rungs taller than the smallest rung above it are excluded. */
  playerHeightPx?: number;
  /** Rungs seen dropping frames (indices); they and everything above are excluded. */
  droppingFrameLevels?: readonly number[];
  /** The plan's limit (the playback response's maxHeight, e.g. 1080 for Standard), pixels. */
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

/** The highest rung in [0, maxLevel] that passes `ok`, or 0. */
function highest(renditions: readonly Rendition[], maxLevel: number, ok: (r: Rendition) => boolean): number {
  for (let i = maxLevel; i > 0; i--) if (ok(renditions[i]!)) return i;
  return 0;
}

export interface DecisionInput {
  renditions: readonly Rendition[];
  /** Rung of the last segment loaded; -1 before the first. */
  currentLevel: number;
  /** Estimated transfer rate in bits per second (time to first byte excluded); NaN when nothing has been measured. */
  bandwidthBps: number;
  /** Expected time to first byte of the next request, seconds (0 if unknown). */
  ttfbS?: number;
  /** The slowest transfer rate among the recent downloads, bits per second (absent or NaN if unknown). */
  worstBps?: number;
  /** Largest relative deviation of the recent transfer rates from their mean (absent or NaN: too few to tell). */
  spread?: number;
  /** Seconds of media buffered ahead of the playhead. */
  bufferS: number;
  /** The most the player buffers ahead (hls.js's maxBufferLength), seconds; absent if unknown. */
  maxBufferS?: number;
  /** Segment duration, seconds. */
  segmentS: number;
  /** Segments left to fetch, the next one included (Infinity or absent if unknown, e.g. live). */
  segmentsLeft?: number;
  /** Media time at which the next segment starts, seconds. */
  positionS: number;
  /** Media time of the last segment fetched on an up-switch; -Infinity if none. */
  lastUpSwitchAtS: number;
  /** Has playback started (buffer rules only apply once it has)? */
  playing: boolean;
  caps: Caps;
  /** The viewer's manual choice (rung index), or -1 for Auto. */
  manualLevel: number;
}

export type DecisionReason = "manual" | "start" | "cap" | "down-bandwidth" | "down-buffer" | "down-stall" | "up" | "hold";

export interface Decision {
  level: number;
  reason: DecisionReason;
}

/** The up-switch margin at this buffer level: upFactor when healthy, easing linearly to richUpFactor (never below downFactor) when rich. */
export function upFactorFor(bufferS: number, params: AbrParams = DEFAULT_ABR_PARAMS): number {
  const rich = Math.max(params.downFactor, Math.min(params.upFactor, params.richUpFactor));
  if (bufferS >= params.richBufferS) return rich;
  if (bufferS <= params.healthyBufferS) return params.upFactor;
  return params.upFactor + ((rich - params.upFactor) * (bufferS - params.healthyBufferS)) / (params.richBufferS - params.healthyBufferS);
}

/** Picks the rung for the next segment. */
export function decideLevel(input: DecisionInput, params: AbrParams = DEFAULT_ABR_PARAMS): Decision {
  const { renditions, currentLevel, bufferS, segmentS } = input;
  if (input.manualLevel >= 0 && input.manualLevel < renditions.length) {
    // The viewer's choice overrides the adaptation and the device caps, but not the plan (an entitlement).
    const planMax = maxAllowedLevel(renditions, { planMaxHeightPx: input.caps.planMaxHeightPx }, params);
    return { level: Math.min(input.manualLevel, planMax), reason: "manual" };
  }
  const maxLevel = maxAllowedLevel(renditions, input.caps, params);
  const bw = Number.isFinite(input.bandwidthBps) && input.bandwidthBps > 0 ? input.bandwidthBps : params.defaultBandwidthBps;
  const ttfbS = Math.max(0, input.ttfbS ?? 0);
  /** Predicted seconds from request to last byte of one segment of r. */
  const downloadS = (r: Rendition) => ttfbS + (r.bitrateBps * segmentS) / bw;
  /** The throughput one segment of r would see (its bits over its predicted download time). */
  const eff = (r: Rendition) => (r.bitrateBps * segmentS) / downloadS(r);

  if (currentLevel < 0 || !input.playing) {
    return { level: highest(renditions, maxLevel, (r) => r.bitrateBps <= params.startFactor * eff(r)), reason: "start" };
  }
  const current = Math.min(currentLevel, renditions.length - 1);
  if (current > maxLevel) return { level: maxLevel, reason: "cap" };
  const cur = renditions[current]!;

  const lowBuffer = bufferS < params.lowBufferS;
  const floorSafe = !(input.worstBps! < params.floorSafeFactor * renditions[0]!.bitrateBps);
  const spendable = floorSafe && bufferS >= params.richBufferS;
  const end = endPlan(renditions.map(downloadS), renditions, current, maxLevel, input, params);
  if (lowBuffer || (eff(cur) < params.downFactor * cur.bitrateBps && !spendable && !end.carries)) {
    if (current === 0) return { level: 0, reason: "hold" };
    // Highest lower rung that is sustainable, or whose download the buffer (above the low mark) absorbs.
    const spareS = bufferS - params.lowBufferS;
    const target = highest(renditions, current - 1, (r) => r.bitrateBps <= params.sustainableFactor * eff(r) || (!lowBuffer && downloadS(r) <= spareS));
    return { level: target, reason: lowBuffer ? "down-buffer" : "down-bandwidth" };
  }

  let ceiling = current;
  const measured = Number.isFinite(input.bandwidthBps) && input.bandwidthBps > 0;
  // The first climb after the start need not wait for a healthy buffer: the start rung was picked
  // blind (no download measured yet), so once one has been, a rung that fills the buffer faster
  // than it plays — with the full up-switch margin — is safe at once. Only once per session (the
  // first up-switch sets lastUpSwitchAtS), so it cannot oscillate.
  const firstClimb = measured && input.lastUpSwitchAtS === Number.NEGATIVE_INFINITY && bufferS < params.healthyBufferS;
  const upAllowed = firstClimb || (bufferS >= params.healthyBufferS && Math.abs(input.positionS - input.lastUpSwitchAtS) >= params.minUpSwitchIntervalS);
  if (upAllowed && current < maxLevel) {
    // On a steady link the up-switch margin shrinks toward none: it is there for the link's swings.
    const steady = params.steadySpread > 0 && Number.isFinite(input.spread) ? Math.min(1, input.spread! / params.steadySpread) : 1;
    const margin = (f: number) => (f > 1 ? 1 + (f - 1) * steady : f);
    const factor = margin(floorSafe ? upFactorFor(bufferS, params) : params.upFactor);
    const fillsBuffer = (r: Rendition) => !firstClimb || margin(params.upFactor) * downloadS(r) <= segmentS;
    ceiling = Math.max(current, highest(renditions, maxLevel, (r) => eff(r) >= factor * r.bitrateBps && fillsBuffer(r)));
    // A rich buffer may be spent on quality: a rung the link does not sustain is allowed when
    // a lookahead's worth of its segments still leaves the buffer rich (the bandwidth rule
    // brings it back down once the buffer falls below rich, so it runs in long, slow cycles).
    if (spendable && !end.saving && params.lookaheadSegments > 0) {
      ceiling = Math.max(ceiling, highest(renditions, maxLevel, (r) => bufferS - params.lookaheadSegments * Math.max(0, downloadS(r) - segmentS) >= params.richBufferS));
    }
    // Near the end, a rung whose every remaining segment arrives before the buffer runs low needs no margin.
    const left = input.segmentsLeft ?? Number.POSITIVE_INFINITY;
    if (left <= params.lookaheadSegments) ceiling = Math.max(ceiling, highest(renditions, maxLevel, (r) => left * downloadS(r) <= bufferS - params.lowBufferS));
    // The end of the video in reach: the rung the end plan spends the buffer on, once it is time.
    ceiling = Math.max(ceiling, end.now);
  }
  const horizon = Math.min(params.lookaheadSegments, input.segmentsLeft ?? Number.POSITIVE_INFINITY);
  let level = horizon >= 1 ? bestPlan(renditions.map(downloadS), renditions, current, ceiling, bufferS, segmentS, horizon, params) : ceiling;
  const fits = (r: Rendition) => downloadS(r) <= bufferS - params.stallGuardS;
  if (level > 0 && !fits(renditions[level]!)) level = highest(renditions, level - 1, fits);
  return { level, reason: level > current ? "up" : level < current ? "down-stall" : "hold" };
}

/**
 * The end of a video: buffer left when the last segment arrives is quality
 * never shown. With the segments left known, plan to spend it: hold the current
 * rung for m segments (banking what it does not use, up to the player's buffer
 * limit), then play a rung the link does not sustain to the end, the buffer
 * never under the low mark, downloads predicted endMargin× slower than the
 * estimate. The plan worth most (bitrate over the segments left, less the
 * switch) is followed: at m = 0 its rung is allowed now (`now`); while m > 0 and
 * banking has to start now to be ready in time, the buffer is saved for it
 * (`saving`: not spent on cycles before). `carries`: the buffer carries the
 * current rung itself to the end, so a bandwidth below it is no reason to
 * switch down. Far from the end no plan reaches, and the other rules decide.
 */
function endPlan(downloadsS: readonly number[], renditions: readonly Rendition[], current: number, maxLevel: number, input: DecisionInput, params: AbrParams): { now: number; saving: boolean; carries: boolean } {
  const none = { now: current, saving: false, carries: false };
  const left = input.segmentsLeft ?? Number.POSITIVE_INFINITY;
  if (!(params.endMargin > 0) || params.lookaheadSegments < 1 || !Number.isFinite(left) || left < 1) return none;
  const seg = input.segmentS;
  const buffer = input.bufferS;
  const capS = input.maxBufferS ?? Number.POSITIVE_INFINITY;
  const d = downloadsS.map((x) => x * params.endMargin);
  /** Buffer needed before n segments of rung q, each draining d[q] − seg, for the last to arrive above the low mark. */
  const need = (q: number, n: number) => params.lowBufferS + n * d[q]! - (n - 1) * seg;
  const carries = d[current]! > seg && buffer >= need(current, left);
  const gainS = seg - d[current]!;
  if (gainS < 0) return { ...none, carries };
  const top = renditions[renditions.length - 1]!.bitrateBps;
  const u = (q: number) => renditions[q]!.bitrateBps / top;
  let best = left * u(current);
  let plan = { ...none, carries };
  for (let r = current + 1; r <= maxLevel; r++) {
    if (d[r]! <= seg) continue;
    // The fewest segments at the current rung after which r carries to the end.
    for (let m = 0; m < left; m++) {
      if (m > 0 && buffer - d[current]! < params.lowBufferS) break;
      if (Math.min(capS, buffer + m * gainS) < need(r, left - m)) continue;
      const value = m * u(current) + (left - m) * u(r) - params.switchPenalty * (u(r) - u(current));
      if (value > best) {
        best = value;
        // Banking must start now only if it needs every one of those m segments (the buffer limit not reached on the way).
        plan = { now: m === 0 ? r : current, saving: m > 0 && buffer + m * gainS <= capS, carries };
      }
      break;
    }
  }
  return plan;
}

/**
 * RobustMPC's lookahead inside the rules: the first rung in [current, ceiling]
 * of the best plan of `horizon` segments (each at any rung up to the ceiling)
 * by QoE_lin relative to the top rung — bitrate, less stall, less switches —
 * with each rung's download time predicted from the bandwidth estimate.
 */
function bestPlan(downloadsS: readonly number[], renditions: readonly Rendition[], current: number, ceiling: number, bufferS: number, segmentS: number, horizon: number, params: AbrParams): number {
  if (ceiling <= current) return current;
  const top = renditions[renditions.length - 1]!.bitrateBps;
  const utility = renditions.map((r) => r.bitrateBps / top);
  /** Value of fetching rung q after rung prev with `buffer` seconds banked, then the best continuation. */
  const value = (depth: number, prev: number, q: number, buffer: number): number => {
    const dl = downloadsS[q]!;
    const now = utility[q]! - params.rebufferPenalty * Math.max(0, dl - buffer) - params.switchPenalty * Math.abs(utility[q]! - utility[prev]!);
    if (depth + 1 >= horizon) return now;
    const next = Math.max(0, buffer - dl) + segmentS;
    let best = Number.NEGATIVE_INFINITY;
    for (let r = 0; r <= ceiling; r++) best = Math.max(best, value(depth + 1, q, r, next));
    return now + best;
  };
  let bestLevel = current;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let q = current; q <= ceiling; q++) {
    const v = value(0, current, q, bufferS);
    if (v > bestValue + 1e-12) {
      bestValue = v;
      bestLevel = q;
    }
  }
  return bestLevel;
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
 * Throughput estimate: the harmonic mean of the last few transfer rates (robust
 * to one-off spikes; the time to first byte is taken out and kept apart, so a
 * small segment's latency does not pass for a slow link), discounted by the
 * largest recent relative over-estimate, as RobustMPC does.
 */
export class ThroughputEstimator {
  private readonly samplesBps: number[] = [];
  private readonly ttfbsS: number[] = [];
  private readonly errors: number[] = [];
  private readonly historyBps: number[] = [];
  private lastPredictionBps = Number.NaN;
  private readonly window: number;
  private readonly history: number;

  constructor(window = 5, history = 20) {
    this.window = window;
    this.history = history;
  }

  /** Records one download: bytes over seconds from request to last byte, of which ttfbS before the first byte. */
  sample(bytes: number, seconds: number, ttfbS = 0): void {
    if (!(bytes > 0) || !(seconds > 0)) return;
    // The transfer alone, but at least 5% of the whole: a response that was nearly all wait must not pass for an endless link.
    const transferS = Math.max(seconds - Math.max(0, ttfbS), seconds * 0.05);
    const bps = (8 * bytes) / transferS;
    if (Number.isFinite(this.lastPredictionBps)) {
      this.errors.push(Math.max(0, (this.lastPredictionBps - bps) / bps));
      if (this.errors.length > this.window) this.errors.shift();
    }
    this.samplesBps.push(bps);
    if (this.samplesBps.length > this.window) this.samplesBps.shift();
    this.historyBps.push(bps);
    if (this.historyBps.length > this.history) this.historyBps.shift();
    this.ttfbsS.push(Math.max(0, ttfbS));
    if (this.ttfbsS.length > this.window) this.ttfbsS.shift();
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

  /** Largest relative deviation of the last `window` transfer rates from their harmonic mean (NaN before three). */
  spread(): number {
    if (this.samplesBps.length < 3) return Number.NaN;
    const mean = this.harmonicMeanBps();
    return Math.max(...this.samplesBps.map((x) => Math.abs(x - mean) / mean));
  }

  /** The slowest transfer rate among the last `history` downloads, bits per second (NaN before any). */
  worstBps(): number {
    return this.historyBps.length ? Math.min(...this.historyBps) : Number.NaN;
  }

  /** Mean time to first byte of the recent downloads, seconds (0 before any). */
  ttfbS(): number {
    return this.ttfbsS.length ? this.ttfbsS.reduce((a, b) => a + b, 0) / this.ttfbsS.length : 0;
  }
}
