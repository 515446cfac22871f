/**
 * A port of hls.js's default ABR for the version we ship, hls.js 1.7.4
 * (node_modules/hls.js/package.json), from:
 * - src/utils/ewma.ts and src/utils/ewma-bandwidth-estimator.ts (verbatim logic),
 * - src/controller/abr-controller.ts: `findBestLevel`, `getNextABRAutoLevel`,
 *   `firstAutoLevel`, `nextAutoLevel`/`forcedAutoLevel`, `onFragLoaded`,
 *   `onFragBuffered` and `_abandonRulesCheck` (checked every 100 ms),
 * - src/config.ts defaults: abrEwmaSlowVoD 9, abrEwmaFastVoD 3,
 *   abrEwmaDefaultEstimate 5e5, abrBandWidthFactor 0.95, abrBandWidthUpFactor 0.7,
 *   maxStarvationDelay 4, maxLoadingDelay 4, testBandwidth true (with our
 *   startLevel -1, stream-controller loads a level-0 bitrate-test fragment first
 *   and throws it away).
 * Left out because the simulator has none of it: codec tiers, HDR, frame-rate
 * and MediaCapabilities filtering, error penalties, live, parts; every level's
 * playlist counts as loaded (lastLevelLoadSec 0); averageBitrate = maxBitrate =
 * the declared bitrate.
 */
import type { Algorithm, Choice, PlayerView, Progress } from "./sim.ts";

export const HLSJS_VERSION = "1.7.4";

export const HLSJS_DEFAULTS = {
  abrEwmaSlowVoD: 9,
  abrEwmaFastVoD: 3,
  abrEwmaDefaultEstimate: 5e5,
  abrBandWidthFactor: 0.95,
  abrBandWidthUpFactor: 0.7,
  maxStarvationDelay: 4,
  maxLoadingDelay: 4,
};

/** src/utils/ewma.ts */
export class Ewma {
  readonly halfLife: number;
  private alpha: number;
  private estimate: number;
  private totalWeight: number;

  constructor(halfLife: number, estimate = 0, weight = 0) {
    this.halfLife = halfLife;
    this.alpha = halfLife ? Math.exp(Math.log(0.5) / halfLife) : 0;
    this.estimate = estimate;
    this.totalWeight = weight;
  }

  sample(weight: number, value: number): void {
    const adjAlpha = Math.pow(this.alpha, weight);
    this.estimate = value * (1 - adjAlpha) + adjAlpha * this.estimate;
    this.totalWeight += weight;
  }

  getTotalWeight(): number {
    return this.totalWeight;
  }

  getEstimate(): number {
    if (this.alpha) {
      const zeroFactor = 1 - Math.pow(this.alpha, this.totalWeight);
      if (zeroFactor) return this.estimate / zeroFactor;
    }
    return this.estimate;
  }
}

/** src/utils/ewma-bandwidth-estimator.ts */
export class EwmaBandwidthEstimator {
  private readonly defaultEstimate: number;
  private readonly minWeight = 0.001;
  private readonly minDelayMs = 50;
  private slow: Ewma;
  private fast: Ewma;
  private readonly defaultTtfb: number;
  private ttfb: Ewma;

  constructor(slow: number, fast: number, defaultEstimate: number, defaultTtfb = 100) {
    this.defaultEstimate = defaultEstimate;
    this.slow = new Ewma(slow);
    this.fast = new Ewma(fast);
    this.defaultTtfb = defaultTtfb;
    this.ttfb = new Ewma(slow);
  }

  sample(durationMs: number, numBytes: number): void {
    if (numBytes <= 0) return;
    const minDelay = Math.min(this.minDelayMs, numBytes / 100000);
    const durationS = Math.max(durationMs, minDelay) / 1000;
    const bandwidthInBps = (8 * numBytes) / durationS;
    this.fast.sample(durationS, bandwidthInBps);
    this.slow.sample(durationS, bandwidthInBps);
  }

  sampleTTFB(ttfbMs: number): void {
    const seconds = ttfbMs / 1000;
    const weight = Math.sqrt(2) * Math.exp(-Math.pow(seconds, 2) / 2);
    this.ttfb.sample(weight, Math.max(ttfbMs, 5));
  }

  canEstimate(): boolean {
    return this.fast.getTotalWeight() >= this.minWeight;
  }

  getEstimate(): number {
    return this.canEstimate() ? Math.min(this.fast.getEstimate(), this.slow.getEstimate()) : this.defaultEstimate;
  }

  getEstimateTTFB(): number {
    return this.ttfb.getTotalWeight() >= this.minWeight ? this.ttfb.getEstimate() : this.defaultTtfb;
  }
}

/** The state abr-controller.ts keeps, and its level selection, over plain numbers. */
export class HlsJsAbrCore {
  bw: EwmaBandwidthEstimator;
  lastLoadedFragLevel = -1;
  bitrateTestDelayS = 0;
  /** `_nextAutoLevel` while forced by an emergency switch, else -1. */
  forcedAutoLevel = -1;
  /** Rung currently being loaded (hls.loadLevel), -1 before the first. */
  loadLevel = -1;
  /** Duration of the fragment last loaded/loading (fragCurrent.duration), 0 before any. */
  fragDurationS = 0;
  readonly bitratesBps: readonly number[];
  readonly config: typeof HLSJS_DEFAULTS;
  private defaultEstimate: number;

  constructor(bitratesBps: readonly number[], config = HLSJS_DEFAULTS) {
    this.bitratesBps = bitratesBps;
    this.config = config;
    this.defaultEstimate = config.abrEwmaDefaultEstimate;
    this.bw = this.initEstimator();
  }

  private initEstimator(): EwmaBandwidthEstimator {
    return new EwmaBandwidthEstimator(this.config.abrEwmaSlowVoD, this.config.abrEwmaFastVoD, this.defaultEstimate);
  }

  resetEstimator(defaultEstimate: number): void {
    this.defaultEstimate = defaultEstimate;
    this.bw = this.initEstimator();
  }

  private get maxAutoLevel(): number {
    return this.bitratesBps.length - 1;
  }

  /** onFragLoaded + onFragBuffered for a main fragment: TTFB sample, then a bandwidth sample. */
  fragLoaded(level: number, bytes: number, loadMs: number, ttfbMs: number, durationS: number, bitrateTest: boolean): void {
    this.bw.sampleTTFB(ttfbMs);
    if (level === this.forcedAutoLevel) this.forcedAutoLevel = -1;
    if (!bitrateTest) this.lastLoadedFragLevel = level;
    this.fragDurationS = durationS;
    const processingMs = loadMs - Math.min(ttfbMs, this.bw.getEstimateTTFB());
    this.bw.sample(processingMs, bytes);
    this.bitrateTestDelayS = bitrateTest ? processingMs / 1000 : 0;
  }

  /** findBestLevel (abr-controller.ts), for one codec set and VOD. */
  findBestLevel(currentBw: number, minAutoLevel: number, maxAutoLevel: number, bufferStarvationDelay: number, maxStarvationDelay: number, bwFactor: number, bwUpFactor: number): number {
    const levels = this.bitratesBps;
    const maxFetchDuration = bufferStarvationDelay + maxStarvationDelay;
    const selectionBaseLevel = this.lastLoadedFragLevel === -1 ? 0 : this.lastLoadedFragLevel;
    if (levels.length === 1) return 0;
    const firstSelection = this.loadLevel === -1 || this.lastLoadedFragLevel === -1;
    if (firstSelection) currentBw = Math.max(currentBw, levels[minAutoLevel]!);
    const ttfbEstimateSec = this.bw.getEstimateTTFB() / 1000;
    const avgDuration = this.fragDurationS || 1;
    for (let i = maxAutoLevel; i >= minAutoLevel; i--) {
      const upSwitch = i > selectionBaseLevel;
      const adjustedbw = upSwitch ? bwUpFactor * currentBw : bwFactor * currentBw;
      const bitrate = levels[i]!;
      const fetchDuration = ttfbEstimateSec + (bitrate * avgDuration) / adjustedbw;
      if (adjustedbw >= bitrate && (fetchDuration <= ttfbEstimateSec || !Number.isFinite(fetchDuration) || fetchDuration < maxFetchDuration)) return i;
    }
    return -1;
  }

  /** The `firstAutoLevel` getter. */
  firstAutoLevel(bufferS: number): number {
    const best = this.findBestLevel(this.bw.getEstimate(), 0, this.maxAutoLevel, bufferS / 2, this.config.maxStarvationDelay, 1, 1);
    return best > -1 ? best : 0;
  }

  /** getNextABRAutoLevel. */
  nextABRAutoLevel(bufferS: number): number {
    const { config } = this;
    if (this.bitratesBps.length <= 1) return this.loadLevel;
    const avgbw = this.bw.getEstimate();
    let bwFactor = config.abrBandWidthFactor;
    let bwUpFactor = config.abrBandWidthUpFactor;
    if (bufferS) {
      const best = this.findBestLevel(avgbw, 0, this.maxAutoLevel, bufferS, 0, bwFactor, bwUpFactor);
      if (best >= 0) return best;
    }
    let maxStarvationDelay = this.fragDurationS ? Math.min(this.fragDurationS, config.maxStarvationDelay) : config.maxStarvationDelay;
    if (!bufferS && this.bitrateTestDelayS) {
      const maxLoadingDelay = this.fragDurationS ? Math.min(this.fragDurationS, config.maxLoadingDelay) : config.maxLoadingDelay;
      maxStarvationDelay = maxLoadingDelay - this.bitrateTestDelayS;
      bwFactor = bwUpFactor = 1;
    }
    const best = this.findBestLevel(avgbw, 0, this.maxAutoLevel, bufferS, maxStarvationDelay, bwFactor, bwUpFactor);
    if (best > -1) return best;
    if (this.loadLevel >= 0 && this.bitratesBps[0]! < this.bitratesBps[this.loadLevel]!) return 0;
    return this.loadLevel;
  }

  /** The `nextAutoLevel` getter (forced level first, then the estimate, else the start rule). */
  nextAutoLevel(bufferS: number): number {
    if (this.forcedAutoLevel !== -1) return this.forcedAutoLevel;
    return this.bw.canEstimate() && this.lastLoadedFragLevel > -1 ? this.nextABRAutoLevel(bufferS) : this.firstAutoLevel(bufferS);
  }
}

/** The hls.js port as a simulator algorithm. */
export class HlsJsAbr implements Algorithm {
  readonly name = "hlsjs";
  private core: HlsJsAbrCore | undefined;
  private seen = 0;
  private probed = false;
  private checkingDownload = -1;
  private startedFor = -1;
  private abortAtS = Number.NaN;
  private abortTo = -1;

  private ingest(view: PlayerView): HlsJsAbrCore {
    const core = (this.core ??= new HlsJsAbrCore(view.bitratesBps));
    for (; this.seen < view.downloads.length; this.seen++) {
      const d = view.downloads[this.seen]!;
      if (d.abandoned) continue;
      const bitrateTest = this.seen === 0 && this.probed;
      core.fragLoaded(d.level, d.bytes, d.seconds * 1000, d.ttfbS * 1000, view.segmentS, bitrateTest);
    }
    return core;
  }

  choose(view: PlayerView): Choice {
    const core = this.ingest(view);
    if (!this.probed && view.downloads.length === 0) {
      this.probed = true;
      core.loadLevel = 0;
      return { level: 0, probe: true };
    }
    const level = core.nextAutoLevel(view.playing ? view.bufferS : 0);
    core.loadLevel = level;
    core.fragDurationS = view.segmentS;
    this.abortAtS = Number.NaN;
    return { level };
  }

  progress(view: PlayerView, p: Progress): number {
    const core = this.ingest(view);
    // FRAG_LOADING starts the 100 ms check for each new download.
    const downloadId = view.downloads.length;
    if (this.startedFor !== downloadId) {
      this.startedFor = this.checkingDownload = downloadId;
      this.abortAtS = Number.NaN;
    }
    if (this.checkingDownload !== downloadId) return -1;
    if (Number.isFinite(this.abortAtS)) {
      if (p.nowS < this.abortAtS) return -1;
      this.checkingDownload = -2;
      return this.abortAndSwitch(core, p, this.abortTo);
    }
    return this.abandonRulesCheck(core, view, p);
  }

  private abortAndSwitch(core: HlsJsAbrCore, p: Progress, nextLoadLevel: number): number {
    if (!(core.loadLevel === nextLoadLevel && nextLoadLevel > 0)) return -1;
    let lowest = core.findBestLevel(core.bitratesBps[0]!, 0, nextLoadLevel, 0, p.bufferS, 1, 1);
    if (lowest === -1) lowest = 0;
    core.forcedAutoLevel = lowest;
    core.loadLevel = lowest;
    core.resetEstimator(core.bitratesBps[lowest]!);
    return lowest;
  }

  /** _abandonRulesCheck, with times in ms as in hls.js. */
  private abandonRulesCheck(core: HlsJsAbrCore, view: PlayerView, p: Progress): number {
    const duration = view.segmentS;
    const timeLoading = p.elapsedS * 1000;
    const frag = p.level;
    if (frag <= 0) {
      this.abortAtS = Number.NaN;
      this.checkingDownload = -2;
      if (core.forcedAutoLevel !== -1) core.forcedAutoLevel = -1;
      return -1;
    }
    const ttfbEstimate = core.bw.getEstimateTTFB();
    if (timeLoading <= Math.max(ttfbEstimate, 1000 * (duration / 2))) return -1;
    const bufferStarvationDelay = p.bufferS;
    const ttfb = p.ttfbS * 1000;
    const loadedFirstByte = p.loadedBytes > 0 && ttfb > -1;
    const bwEstimate = core.bw.getEstimate();
    const levels = core.bitratesBps;
    const expectedLen = Math.max(p.loadedBytes, Math.round((duration * levels[frag]!) / 8));
    let timeStreaming = loadedFirstByte ? timeLoading - ttfb : timeLoading;
    if (timeStreaming < 1 && loadedFirstByte) timeStreaming = Math.min(timeLoading, (p.loadedBytes * 8) / bwEstimate);
    const loadRate = loadedFirstByte ? (p.loadedBytes * 1000) / timeStreaming : 0;
    const ttfbSeconds = ttfbEstimate / 1000;
    const fragLoadedDelay = loadRate ? (expectedLen - p.loadedBytes) / loadRate : (expectedLen * 8) / bwEstimate + ttfbSeconds;
    if (fragLoadedDelay <= bufferStarvationDelay) return -1;
    const bwe = loadRate ? loadRate * 8 : bwEstimate;
    let fragLevelNextLoadedDelay = Number.POSITIVE_INFINITY;
    let nextLoadLevel: number;
    for (nextLoadLevel = frag - 1; nextLoadLevel > 0; nextLoadLevel--) {
      fragLevelNextLoadedDelay = ttfbSeconds + (duration * levels[nextLoadLevel]!) / bwe;
      if (fragLevelNextLoadedDelay < Math.min(bufferStarvationDelay, duration + ttfbSeconds)) break;
    }
    if (fragLevelNextLoadedDelay >= fragLoadedDelay) return -1;
    if (fragLevelNextLoadedDelay > duration * 10) return -1;
    if (loadedFirstByte) core.bw.sample(timeLoading - Math.min(ttfbEstimate, ttfb), p.loadedBytes);
    else core.bw.sampleTTFB(timeLoading);
    const nextLoadLevelBitrate = levels[nextLoadLevel]!;
    if (core.bw.getEstimate() * core.config.abrBandWidthUpFactor > nextLoadLevelBitrate) core.resetEstimator(nextLoadLevelBitrate);
    const bestSwitchLevel = core.findBestLevel(nextLoadLevelBitrate, 0, nextLoadLevel, 0, bufferStarvationDelay, 1, 1);
    if (bestSwitchLevel > -1) nextLoadLevel = bestSwitchLevel;
    // hls.nextLoadLevel = hls.nextAutoLevel = nextLoadLevel
    core.forcedAutoLevel = nextLoadLevel;
    core.loadLevel = nextLoadLevel;
    if (fragLoadedDelay > fragLevelNextLoadedDelay * 2) {
      this.checkingDownload = -2;
      return this.abortAndSwitch(core, p, nextLoadLevel);
    }
    this.abortAtS = p.nowS + fragLevelNextLoadedDelay;
    this.abortTo = nextLoadLevel;
    return -1;
  }
}
