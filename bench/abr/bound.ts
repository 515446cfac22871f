/**
 * An upper bound on the QoE_lin any controller can score on one trace with one
 * video, under sim.ts's model — what "every algorithm saturates" is measured
 * against. When even the bound is below 1.10 × hls.js's score, no controller
 * could be 1.10 × hls.js there, and the aim reads "not below hls.js".
 *
 * It relaxes the session into a problem that can be solved exactly:
 * - segment k (k ≥ 1; segment 0's rung only counts through a switch, and its
 *   startup is not charged) must have arrived when playback reaches it, at
 *   T0 + k × segment + S at the latest, where T0 is when segment 0 arrived and
 *   S the session's whole stall; so the bits of segments 1..k fit in the link's
 *   capacity between T0 and that deadline, less k round trips at the trace's
 *   slowest rate (the sim's request gaps);
 * - T0 is the arrival of segment 0 at any rung, fetched at once or after a
 *   lowest-rung bandwidth test (hls.js's start): the bound covers controllers
 *   that start playback with their first or second download, as all of ours do;
 * - the buffer cap, switch penalties and the integrality of rungs are dropped
 *   (a segment may be any mix of two neighbouring rungs on its rate–size hull),
 *   which can only raise the optimum.
 * For a given T0 and S this is a separable concave maximisation under nested
 * prefix constraints (a polymatroid), which the greedy by marginal utility per
 * bit solves exactly; S is searched on a grid, each cell bounded by its upper
 * end's bits and its lower end's stall.
 */
import { PAYLOAD_SHARE, REBUFFER_PENALTY, RTT_S, type Trace, type Video } from "./sim.ts";

/** Grid step for the session's total stall, seconds. */
const STALL_STEP_S = 0.25;
/** Grid step for the time segment 0 arrives, seconds. */
const T0_STEP_S = 0.25;

/**
 * The index lo < xs.length - 1 with xs[lo] ≤ x < xs[lo + 1] (strict: xs[lo] < x ≤ xs[lo + 1]),
 * clamped to the ends; xs ascending.
 */
function bracket(xs: readonly number[], x: number, strict: boolean): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (strict ? xs[mid]! < x : xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The link's cumulative payload (megabits) as a function of time, looping like sim.ts's Link. */
class Capacity {
  private readonly timesS: number[];
  private readonly cumMb: number[];
  private readonly periodS: number;
  private readonly periodMb: number;
  /** Slowest and fastest payload rates of the trace, Mb/s. */
  readonly minRate: number;
  readonly maxRate: number;

  constructor(trace: Trace) {
    this.timesS = trace.timesS;
    this.cumMb = [0];
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let i = 1; i < trace.timesS.length; i++) {
      const rate = trace.mbps[i]! * PAYLOAD_SHARE;
      min = Math.min(min, rate);
      max = Math.max(max, rate);
      this.cumMb.push(this.cumMb[i - 1]! + rate * (trace.timesS[i]! - trace.timesS[i - 1]!));
    }
    this.periodS = trace.timesS[trace.timesS.length - 1]!;
    this.periodMb = this.cumMb[this.cumMb.length - 1]!;
    this.minRate = min;
    this.maxRate = max;
  }

  /** Megabits the link can carry in [0, t]. */
  at(t: number): number {
    const n = Math.floor(t / this.periodS);
    const r = t - n * this.periodS;
    const lo = bracket(this.timesS, r, false);
    const span = this.timesS[lo + 1]! - this.timesS[lo]!;
    const part = span > 0 ? ((this.cumMb[lo + 1]! - this.cumMb[lo]!) * (r - this.timesS[lo]!)) / span : 0;
    return n * this.periodMb + this.cumMb[lo]! + part;
  }

  /** The earliest time by which the link has carried `mb` megabits. */
  timeFor(mb: number): number {
    if (mb <= 0) return 0;
    const n = Math.ceil(mb / this.periodMb) - 1;
    const r = mb - n * this.periodMb;
    // The breakpoint before the first with at least r carried.
    const lo = bracket(this.cumMb, r, true);
    const gain = this.cumMb[lo + 1]! - this.cumMb[lo]!;
    return n * this.periodS + this.timesS[lo]! + ((this.timesS[lo + 1]! - this.timesS[lo]!) * (r - this.cumMb[lo]!)) / gain;
  }

  /** The slowest payload rate the link has anywhere in [a, b], Mb/s. */
  minRateBetween(a: number, b: number): number {
    let min = Number.POSITIVE_INFINITY;
    for (let t = a; ; ) {
      const n = Math.floor(t / this.periodS);
      // The sample holding just after t: (timesS[i - 1], timesS[i]].
      const i = bracket(this.timesS, t - n * this.periodS, false) + 1;
      min = Math.min(min, (this.cumMb[i]! - this.cumMb[i - 1]!) / (this.timesS[i]! - this.timesS[i - 1]!));
      const next = n * this.periodS + this.timesS[i]!;
      if (next >= b) return min;
      t = next;
    }
  }

  /** When a request sent at t0 for `mb` megabits has its last byte (one RTT, then the transfer). */
  arrival(t0: number, mb: number): number {
    return this.timeFor(this.at(t0 + RTT_S) + mb);
  }
}

interface Piece {
  segment: number;
  lengthMb: number;
  /** Utility (Mbps of bitrate) per megabit. */
  slope: number;
}

/**
 * Each segment's rate–size hull: its smallest rung (bits and utility, the floor
 * every controller pays at least) and the hull above it as pieces, all
 * segments' pieces sorted by slope, steepest first.
 */
function hulls(video: Video): { floorMb: number[]; floorMbps: number[]; pieces: Piece[]; maxSlope: number } {
  const pieces: Piece[] = [];
  const floorMb: number[] = [];
  const floorMbps: number[] = [];
  const n = video.sizesBytes[0]!.length;
  for (let j = 0; j < n; j++) {
    const points = video.bitratesBps.map((b, q) => ({ x: (8 * video.sizesBytes[q]![j]!) / 1e6, y: b / 1e6 })).sort((a, b) => a.x - b.x || b.y - a.y);
    const hull: { x: number; y: number }[] = [];
    for (const p of points) {
      if (hull.length && p.y <= hull[hull.length - 1]!.y) continue;
      while (hull.length >= 2) {
        const a = hull[hull.length - 2]!;
        const b = hull[hull.length - 1]!;
        if ((b.y - a.y) * (p.x - b.x) <= (p.y - b.y) * (b.x - a.x)) hull.pop();
        else break;
      }
      hull.push(p);
    }
    floorMb.push(hull[0]!.x);
    floorMbps.push(hull[0]!.y);
    if (j === 0) continue;
    for (let i = 1; i < hull.length; i++) {
      const dx = hull[i]!.x - hull[i - 1]!.x;
      pieces.push({ segment: j, lengthMb: dx, slope: (hull[i]!.y - hull[i - 1]!.y) / dx });
    }
  }
  pieces.sort((a, b) => b.slope - a.slope);
  return { floorMb, floorMbps, pieces, maxSlope: pieces.length ? pieces[0]!.slope : 0 };
}

/**
 * The bound, as sim.ts's SessionResult.qoe: mean per-segment QoE_lin over
 * segments 1..N-1 (Mbps − 4.3 × stall s − |ΔMbps|).
 */
export function qoeUpperBound(video: Video, trace: Trace, latestStartS = 0): number {
  const link = new Capacity(trace);
  const n = video.sizesBytes[0]!.length;
  const seg = video.segmentS;
  const hull = hulls(video);
  const { pieces, maxSlope } = hull;
  const maxGain = pieces.reduce((a, p) => a + p.lengthMb * p.slope, 0);
  let base = 0;
  for (let k = 1; k < n; k++) base += hull.floorMbps[k]!;
  // Bits of segments 1..k at their smallest rung, plus what k request gaps cost at least.
  const floorMb: number[] = [0];
  for (let k = 1; k < n; k++) floorMb.push(floorMb[k - 1]! + hull.floorMb[k]! + RTT_S * link.minRate);

  // Segment 0 arrives at T0 in [earliest, latest]; cells of T0_STEP_S, each bounded by its widest window.
  const earliestS = link.arrival(0, hull.floorMb[0]!);
  const latestS = Math.max(earliestS, latestStartS);
  let best = Number.NEGATIVE_INFINITY;
  const slack = new Float64Array(n);
  for (let g = earliestS; g < latestS + T0_STEP_S / 2; g += T0_STEP_S) {
    const c0 = link.at(g);
    const end = Math.min(g + T0_STEP_S, Math.max(latestS, g));
    // For T0 in [g, end], what a window from T0 carries is at most what one from g carries plus the
    // cell's width at the fastest rate less the slowest rate in the cell (exact on a constant link)…
    const shiftMb = (end - g) * Math.max(0, link.maxRate - link.minRateBetween(g, end));
    // …and at most what the window from g to its end shifted by the cell's width carries.
    const carried = (k: number, stallS: number) => Math.min(link.at(end + k * seg + stallS), link.at(g + k * seg + stallS) + shiftMb) - c0;
    /** The most utility above the floor with total stall S (greedy over the hull pieces). */
    const gain = (stallS: number): number => {
      for (let k = 1; k < n; k++) slack[k] = Math.max(0, carried(k, stallS) - floorMb[k]!);
      // Only the tightest later constraint matters for segment j: a suffix minimum.
      for (let k = n - 2; k >= 1; k--) slack[k] = Math.min(slack[k]!, slack[k + 1]!);
      let got = 0;
      for (const p of pieces) {
        const take = Math.min(p.lengthMb, slack[p.segment]!);
        if (take <= 0) continue;
        got += take * p.slope;
        for (let k = p.segment; k < n; k++) slack[k] = slack[k]! - take;
        for (let k = p.segment - 1; k >= 1 && slack[k]! > slack[k + 1]!; k--) slack[k] = slack[k + 1]!;
      }
      return got;
    };
    let minStallS = 0;
    for (let k = 1; k < n; k++) {
      const lateS = Math.max(link.timeFor(c0 + floorMb[k]!) - end, link.timeFor(c0 + floorMb[k]! - shiftMb) - g);
      minStallS = Math.max(minStallS, lateS - k * seg);
    }
    // Past the least stall, more stall adds at most maxSlope × maxRate of utility per second; if that is
    // under the stall penalty, the least stall is best.
    if (maxSlope * link.maxRate <= REBUFFER_PENALTY) {
      best = Math.max(best, base + gain(minStallS) - REBUFFER_PENALTY * minStallS);
      continue;
    }
    for (let s = minStallS; base + maxGain - REBUFFER_PENALTY * s > best; s += STALL_STEP_S) {
      const got = gain(s + STALL_STEP_S);
      best = Math.max(best, base + got - REBUFFER_PENALTY * s);
      if (got >= maxGain - 1e-9) break;
    }
  }
  return best / (n - 1);
}
