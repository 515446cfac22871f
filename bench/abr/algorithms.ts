/**
 * The algorithms the ABR benchmark compares, each seeing only a PlayerView:
 * ours (the player's own rules module, imported, not copied), hls.js's default
 * (hlsjs-port.ts), BOLA as in dash.js's BolaRule, RobustMPC as in Pensieve's
 * mpc.py, BBA as in Pensieve's bb.py, and the lowest rung.
 */
import { abandonTo, type AbrParams, decideLevel, DEFAULT_ABR_PARAMS, type Rendition, ThroughputEstimator } from "../../client/src/player/abr/rules.ts";
import { startRung } from "../../client/src/player/start.ts";
import { HlsJsAbr } from "./hlsjs-port.ts";
import { REBUFFER_PENALTY, type Algorithm, type Choice, type PlayerView, type Progress } from "./sim.ts";

const renditionsOf = (view: PlayerView): Rendition[] => view.bitratesBps.map((b, i) => ({ bitrateBps: b, heightPx: view.heightsPx[i]! }));

/**
 * Marquee's controller: client/src/player/abr/rules.ts driven as the player
 * drives it — the first segment at the rung the player starts on (start.ts,
 * with the link estimate the device kept from an earlier session, if any),
 * every later one by the rules. `storedBps()` is what it would keep for the next.
 */
export class OursAbr implements Algorithm {
  readonly name = "ours";
  private readonly estimator = new ThroughputEstimator();
  private seen = 0;
  private lastUpSwitchAtS = Number.NEGATIVE_INFINITY;
  private renditions: Rendition[] = [];
  private readonly params: AbrParams;
  private readonly startAs: "player" | "rules";
  private readonly startEstimateBps: number | null;

  /**
   * startAs: the first rung as the player picks it (start.ts, the default), or by the rules' own start rule;
   * startEstimateBps: the link estimate stored on the device before this session (null: none).
   */
  constructor(params: AbrParams = DEFAULT_ABR_PARAMS, startAs: "player" | "rules" = "player", startEstimateBps: number | null = null) {
    this.params = params;
    this.startAs = startAs;
    this.startEstimateBps = startEstimateBps;
  }

  /** The estimate the player keeps for the next session (link-estimate.ts), NaN before any download. */
  storedBps(): number {
    return this.estimator.estimateBps(this.params.errorDiscount);
  }

  end(view: PlayerView): void {
    this.ingest(view);
  }

  private ingest(view: PlayerView): void {
    if (this.renditions.length === 0) this.renditions = renditionsOf(view);
    for (; this.seen < view.downloads.length; this.seen++) {
      const d = view.downloads[this.seen]!;
      this.estimator.sample(d.bytes, d.seconds, d.ttfbS);
    }
  }

  choose(view: PlayerView): Choice {
    this.ingest(view);
    if (view.lastLevel < 0 && this.startAs === "player") {
      // The player names the start rendition itself (client/src/player/start.ts, via engine.ts): the cheapest
      // rung at the lowest height from 360p up, or a cheaper one the stored estimate says fits; the rules
      // decide from the second segment.
      const rungs = view.bitratesBps.map((b, i) => ({ heightPx: view.heightsPx[i]!, bitrateBps: b, level: i }));
      return { level: startRung(rungs, null, { estimateBps: this.startEstimateBps, saveData: false })?.level ?? 0 };
    }
    const decision = decideLevel(
      {
        renditions: this.renditions,
        currentLevel: view.lastLevel,
        bandwidthBps: this.estimator.estimateBps(this.params.errorDiscount),
        ttfbS: this.estimator.ttfbS(),
        worstBps: this.estimator.worstBps(),
        spread: this.estimator.spread(),
        bufferS: view.bufferS,
        maxBufferS: view.bufferCapS,
        segmentS: view.segmentS,
        positionS: view.segmentIndex * view.segmentS,
        segmentsLeft: view.segmentsLeft,
        lastUpSwitchAtS: this.lastUpSwitchAtS,
        playing: view.playing,
        caps: {},
        manualLevel: -1,
      },
      this.params,
    );
    if (view.lastLevel >= 0 && decision.level > view.lastLevel) this.lastUpSwitchAtS = view.segmentIndex * view.segmentS;
    return { level: decision.level };
  }

  progress(view: PlayerView, p: Progress): number {
    this.ingest(view);
    return abandonTo(
      {
        renditions: this.renditions,
        level: p.level,
        loadedBytes: p.loadedBytes,
        expectedBytes: p.expectedBytes,
        elapsedS: p.elapsedS,
        ttfbS: p.ttfbS,
        bufferS: p.bufferS,
        segmentS: view.segmentS,
        bandwidthBps: this.estimator.estimateBps(this.params.errorDiscount),
        playing: p.playing,
        manualLevel: -1,
      },
      this.params,
    );
  }
}

/** Throughput of each finished (not abandoned) download, bits/s. */
function throughputs(view: PlayerView): number[] {
  return view.downloads.filter((d) => !d.abandoned).map((d) => (8 * d.bytes) / d.seconds);
}

/**
 * RobustMPC as in Pensieve's test/mpc.py: harmonic mean of the last 5
 * throughputs over (1 + the largest of the last 5 relative errors), then the
 * best 5-segment plan by QoE_lin (buffer not capped in the model, as there).
 * Segment sizes are the declared bitrate × duration (an HLS player does not
 * know them in advance; Pensieve's MPC reads the real sizes).
 */
export class RobustMpc implements Algorithm {
  readonly name = "mpc";
  private readonly errors: number[] = [];
  private lastPrediction = Number.NaN;
  private seen = 0;

  choose(view: PlayerView): Choice {
    const tputs = throughputs(view);
    if (view.lastLevel < 0 && tputs.length === 0) return { level: Math.min(1, view.bitratesBps.length - 1) };
    for (; this.seen < tputs.length; this.seen++) {
      const actual = tputs[this.seen]!;
      if (Number.isFinite(this.lastPrediction)) {
        this.errors.push(Math.abs(this.lastPrediction - actual) / actual);
        if (this.errors.length > 5) this.errors.shift();
      }
      const past = tputs.slice(Math.max(0, this.seen - 4), this.seen + 1);
      this.lastPrediction = past.length / past.reduce((s, x) => s + 1 / x, 0);
    }
    const maxError = this.errors.length ? Math.max(...this.errors) : 0;
    const futureBps = this.lastPrediction / (1 + maxError);
    const horizon = Math.min(5, view.segmentsLeft);
    const rates = view.bitratesBps;
    const last = Math.max(0, view.lastLevel);
    let bestReward = Number.NEGATIVE_INFINITY;
    let bestFirst = 0;
    const dfs = (depth: number, prev: number, buffer: number, reward: number, first: number): void => {
      if (depth === horizon) {
        if (reward >= bestReward) {
          bestReward = reward;
          bestFirst = first;
        }
        return;
      }
      for (let q = 0; q < rates.length; q++) {
        const downloadS = (rates[q]! * view.segmentS) / futureBps;
        const rebuffer = Math.max(0, downloadS - buffer);
        const nextBuffer = Math.max(0, buffer - downloadS) + view.segmentS;
        const r = rates[q]! / 1e6 - REBUFFER_PENALTY * rebuffer - Math.abs(rates[q]! - rates[prev]!) / 1e6;
        dfs(depth + 1, q, nextBuffer, reward + r, depth === 0 ? q : first);
      }
    };
    dfs(0, last, view.bufferS, 0, 0);
    return { level: bestFirst };
  }
}

/** BBA as in Pensieve's test/bb.py: 5 s reservoir, 10 s cushion, linear in between. */
export class Bba implements Algorithm {
  readonly name = "bba";
  choose(view: PlayerView): Choice {
    const top = view.bitratesBps.length - 1;
    const reservoirS = 5;
    const cushionS = 10;
    if (view.bufferS < reservoirS) return { level: 0 };
    if (view.bufferS >= reservoirS + cushionS) return { level: top };
    return { level: Math.floor((top * (view.bufferS - reservoirS)) / cushionS) };
  }
}

/**
 * BOLA as in dash.js's BolaRule (BOLA-O with the placeholder buffer):
 * utilities ln(b/b0)+1, buffer target max(12, 10 + 2 × rungs) s, startup on
 * safe throughput (0.9 × the mean of the last 4), no up-switch above what the
 * throughput sustains, and a pause instead of overfilling with low rungs.
 * Simplified: the placeholder decays ×0.99 per segment and empties on a stall.
 */
export class Bola implements Algorithm {
  readonly name = "bola";
  private state: "startup" | "steady" = "startup";
  private placeholderS = 0;
  private lastQuality = -1;
  private pausedS = 0;
  private utilities: number[] = [];
  private vp = 0;
  private gp = 0;

  private setup(view: PlayerView): void {
    const b = view.bitratesBps;
    this.utilities = b.map((x) => Math.log(x / b[0]!) + 1);
    const minimumBufferS = 10;
    const bufferTimeS = Math.max(12, minimumBufferS + 2 * b.length);
    this.gp = (this.utilities[b.length - 1]! - 1) / (bufferTimeS / minimumBufferS - 1);
    this.vp = minimumBufferS / this.gp;
  }

  private maxBufferFor(q: number): number {
    return this.vp * (this.utilities[q]! + this.gp);
  }

  private minBufferFor(q: number, b: readonly number[]): number {
    if (q <= 0) return 0;
    const u = this.utilities;
    return this.vp * (this.gp + (b[q]! * u[q - 1]! - b[q - 1]! * u[q]!) / (b[q]! - b[q - 1]!));
  }

  private qualityFromBuffer(bufferS: number, b: readonly number[]): number {
    let quality = 0;
    let score = Number.NaN;
    for (let i = 0; i < b.length; i++) {
      const s = (this.vp * (this.utilities[i]! + this.gp) - bufferS) / b[i]!;
      if (Number.isNaN(score) || s >= score) {
        score = s;
        quality = i;
      }
    }
    return quality;
  }

  choose(view: PlayerView): Choice {
    const b = view.bitratesBps;
    if (this.utilities.length === 0) this.setup(view);
    const qualityFor = (bps: number) => {
      let q = 0;
      for (let i = 0; i < b.length; i++) if (b[i]! <= bps) q = i;
      return q;
    };
    const t = throughputs(view).slice(-4);
    const safeBps = t.length ? (0.9 * t.reduce((a, x) => a + x, 0)) / t.length : Number.NaN;
    if (Number.isNaN(safeBps)) {
      this.lastQuality = qualityFor(1_000_000);
      return { level: this.lastQuality };
    }
    if (view.stalledSinceLastCall && this.state === "steady") this.placeholderS = 0;
    if (this.state === "startup") {
      const quality = qualityFor(safeBps);
      this.placeholderS = Math.max(0, this.minBufferFor(quality, b) - view.bufferS);
      this.lastQuality = quality;
      if (view.bufferS >= view.segmentS) this.state = "steady";
      return { level: quality };
    }
    this.placeholderS = this.placeholderS * 0.99 + this.pausedS;
    this.pausedS = 0;
    let quality = this.qualityFromBuffer(view.bufferS + this.placeholderS, b);
    const qualityForThroughput = qualityFor(safeBps);
    if (quality > this.lastQuality && quality > qualityForThroughput) quality = Math.max(qualityForThroughput, this.lastQuality);
    let delayS = Math.max(0, view.bufferS + this.placeholderS - this.maxBufferFor(quality));
    if (delayS <= this.placeholderS) {
      this.placeholderS -= delayS;
      delayS = 0;
    } else {
      delayS -= this.placeholderS;
      this.placeholderS = 0;
      if (quality === b.length - 1) delayS = 0;
    }
    this.pausedS = Math.min(delayS, view.bufferS);
    this.lastQuality = quality;
    return { level: quality, delayS };
  }
}

export class Lowest implements Algorithm {
  readonly name = "lowest";
  choose(): Choice {
    return { level: 0 };
  }
}

export const ALGORITHMS: Record<string, () => Algorithm> = {
  ours: () => new OursAbr(),
  hlsjs: () => new HlsJsAbr(),
  bola: () => new Bola(),
  mpc: () => new RobustMpc(),
  bba: () => new Bba(),
  lowest: () => new Lowest(),
};
