/**
 * Marquee's ABR controller for hls.js (the `abrController` config option). It
 * keeps hls.js's controller shape (registerListeners / unregisterListeners /
 * destroy) and leaves every decision to rules.ts, the same module the
 * simulator in bench/abr/ runs. It feeds the rules what the simulator feeds
 * them: declared bitrates (AVERAGE-BANDWIDTH, else BANDWIDTH: hls.js's
 * `averageBitrate`, since only hls.js's own controller measures `realBitrate`),
 * its own downloads (bytes, time, time to first byte), the buffer and the most
 * hls.js buffers (`maxBufferLength`), the media position and the segments left;
 * never a segment's size before it arrives. Its estimate is kept on the device
 * for the next start (link-estimate.ts; start.ts reads it).
 */
import Hls, { type AbrComponentAPI, type ErrorData, type FragBufferedData, type FragLoadedData, type FragLoadingData, type HlsConfig, type Level } from "hls.js";
import { LINK_ESTIMATE_EVERY_MS, storeLinkEstimate } from "../link-estimate.ts";
import { abandonTo, type AbrParams, type Caps, decideLevel, DEFAULT_ABR_PARAMS, type Rendition, ThroughputEstimator } from "./rules.ts";

export interface MarqueeAbrOptions {
  /** The plan's limit (the playback response's maxHeight, e.g. 1080 for Standard); even a manual choice stays within it. */
  planMaxHeightPx?: number;
  /** The viewer's manual choice as an hls.levels index, -1 for Auto. */
  manualLevel?: () => number;
  params?: Partial<AbrParams>;
  /** Where the estimate is kept for the next start (default: localStorage, link-estimate.ts). */
  storeEstimate?: (bps: number) => void;
}

/** Dropped/decoded frames above this over a stretch of playback marks a rendition as dropping frames. */
const DROPPED_FRAME_SHARE = 0.2;
const MIN_DECODED_FRAMES = 60;
const ABANDON_CHECK_MS = 100;

type FragLike = FragLoadingData["frag"];

/** Returns a controller class for hls.js's `abrController` option, bound to these options. */
export function createAbrController(options: MarqueeAbrOptions = {}): HlsConfig["abrController"] {
  const params: AbrParams = { ...DEFAULT_ABR_PARAMS, ...options.params };

  class MarqueeAbrController implements AbrComponentAPI {
    private hls: Hls | null;
    private estimator = new ThroughputEstimator();
    private defaultEstimateBps = params.defaultBandwidthBps;
    private ttfbMs = 100;
    private lastLoadedLevel = -1;
    /** Media time of the last fragment fetched on an up-switch, and where the next one starts. */
    private lastUpSwitchAtS = Number.NEGATIVE_INFINITY;
    private nextStartS = 0;
    /** Sequence number of the last main fragment loaded (for the segments left). */
    private lastSn = -1;
    private forced = -1;
    private timer: ReturnType<typeof setInterval> | undefined;
    private fragCurrent: FragLike | null = null;
    private readonly droppingHeights = new Set<number>();
    private lastFrames = { decoded: 0, dropped: 0 };
    /** Date.now() of the last estimate kept (LINK_ESTIMATE_EVERY_MS apart). */
    private storedAtMs = Number.NEGATIVE_INFINITY;

    /** hls.bandwidthEstimate and hls.ttfbEstimate read this. */
    readonly bwEstimator = {
      getEstimate: () => this.bandwidthBps(),
      getEstimateTTFB: () => (this.estimator.harmonicMeanBps() > 0 ? 1000 * this.estimator.ttfbS() : this.ttfbMs),
      canEstimate: () => Number.isFinite(this.estimator.harmonicMeanBps()),
    } as unknown as AbrComponentAPI["bwEstimator"];

    constructor(hls: Hls) {
      this.hls = hls;
      this.registerListeners();
    }

    protected registerListeners(): void {
      const hls = this.hls!;
      hls.on(Hls.Events.MANIFEST_LOADING, this.onManifestLoading, this);
      hls.on(Hls.Events.FRAG_LOADING, this.onFragLoading, this);
      hls.on(Hls.Events.FRAG_LOADED, this.onFragLoaded, this);
      hls.on(Hls.Events.FRAG_BUFFERED, this.onFragBuffered, this);
      hls.on(Hls.Events.ERROR, this.onError, this);
    }

    protected unregisterListeners(): void {
      const hls = this.hls;
      if (!hls) return;
      hls.off(Hls.Events.MANIFEST_LOADING, this.onManifestLoading, this);
      hls.off(Hls.Events.FRAG_LOADING, this.onFragLoading, this);
      hls.off(Hls.Events.FRAG_LOADED, this.onFragLoaded, this);
      hls.off(Hls.Events.FRAG_BUFFERED, this.onFragBuffered, this);
      hls.off(Hls.Events.ERROR, this.onError, this);
    }

    destroy(): void {
      this.storeEstimate(true);
      this.unregisterListeners();
      this.clearTimer();
      this.hls = null;
      this.fragCurrent = null;
    }

    private bandwidthBps(): number {
      const estimate = this.estimator.estimateBps(params.errorDiscount);
      return Number.isFinite(estimate) ? estimate : this.defaultEstimateBps;
    }

    /** Keeps the measured estimate for the next start: at most every LINK_ESTIMATE_EVERY_MS, and at the end (`final`). */
    private storeEstimate(final: boolean): void {
      if (!Number.isFinite(this.estimator.harmonicMeanBps())) return;
      const now = Date.now();
      if (!final && now - this.storedAtMs < LINK_ESTIMATE_EVERY_MS) return;
      this.storedAtMs = now;
      (options.storeEstimate ?? storeLinkEstimate)(this.estimator.estimateBps(params.errorDiscount));
    }

    resetEstimator(abrEwmaDefaultEstimate?: number): void {
      if (abrEwmaDefaultEstimate) this.defaultEstimateBps = abrEwmaDefaultEstimate;
      this.estimator = new ThroughputEstimator();
    }

    private clearTimer(): void {
      clearInterval(this.timer);
      this.timer = undefined;
    }

    private onManifestLoading(): void {
      this.lastLoadedLevel = -1;
      this.lastUpSwitchAtS = Number.NEGATIVE_INFINITY;
      this.nextStartS = 0;
      this.lastSn = -1;
      this.forced = -1;
      this.fragCurrent = null;
      this.droppingHeights.clear();
      this.clearTimer();
    }

    private isMain(frag: FragLike): boolean {
      return frag.type === "main" && frag.sn !== "initSegment";
    }

    private onFragLoading(_e: string, data: FragLoadingData): void {
      if (!this.isMain(data.frag)) return;
      this.fragCurrent = data.frag;
      if (this.lastLoadedLevel >= 0 && this.levelBitrate(data.frag.level) > this.levelBitrate(this.lastLoadedLevel)) {
        this.lastUpSwitchAtS = data.frag.start;
      }
      this.clearTimer();
      this.timer = setInterval(() => this.checkAbandon(), ABANDON_CHECK_MS);
    }

    private onFragLoaded(_e: string, data: FragLoadedData): void {
      const { frag } = data;
      if (!this.isMain(frag)) return;
      this.clearTimer();
      const stats = data.part?.stats ?? frag.stats;
      const ttfbMs = stats.loading.first > 0 ? Math.max(0, stats.loading.first - stats.loading.start) : 0;
      if (ttfbMs > 0) this.ttfbMs = ttfbMs;
      this.estimator.sample(stats.loaded, (stats.loading.end - stats.loading.start) / 1000, ttfbMs / 1000);
      this.lastLoadedLevel = frag.level;
      this.nextStartS = frag.start + frag.duration;
      if (typeof frag.sn === "number") this.lastSn = frag.sn;
      if (frag.level === this.forced) this.forced = -1;
      this.storeEstimate(false);
    }

    /** Watches dropped frames per rendition (the dropped-frames cap). */
    private onFragBuffered(_e: string, data: FragBufferedData): void {
      const media = this.hls?.media as HTMLVideoElement | null | undefined;
      if (!this.isMain(data.frag) || !media || typeof media.getVideoPlaybackQuality !== "function") return;
      const q = media.getVideoPlaybackQuality();
      const decoded = q.totalVideoFrames - this.lastFrames.decoded;
      const dropped = q.droppedVideoFrames - this.lastFrames.dropped;
      if (decoded < MIN_DECODED_FRAMES) return;
      this.lastFrames = { decoded: q.totalVideoFrames, dropped: q.droppedVideoFrames };
      const playing = this.hls!.levels[this.hls!.currentLevel];
      if (playing && dropped / decoded > DROPPED_FRAME_SHARE) this.droppingHeights.add(playing.height);
    }

    private onError(_e: string, data: ErrorData): void {
      if (data.details === Hls.ErrorDetails.BUFFER_APPEND_ERROR) this.lastLoadedLevel = -1;
    }

    /** The declared bitrate the rules work with: AVERAGE-BANDWIDTH, else BANDWIDTH. */
    private levelBitrate(index: number): number {
      const level = this.hls?.levels[index];
      return level ? level.averageBitrate || level.bitrate : 0;
    }

    /** Fragments still to load after the last one (the next included), from that level's playlist; undefined when live or unknown. */
    private segmentsLeft(): number | undefined {
      const details = this.hls?.levels[this.lastLoadedLevel]?.details;
      if (!details || details.live || this.lastSn < 0) return undefined;
      return Math.max(1, details.endSN - this.lastSn);
    }

    /**
     * The candidate levels: the current pathway's, codec set's and video range's
     * (hls.js picks the set the browser decodes best at the start; switching sets
     * or between SDR and HDR mid-stream would re-initialise the decoder and change
     * the picture), within hls.js's min/max auto levels, by bitrate.
     */
    private candidates(): { indices: number[]; renditions: Rendition[]; caps: Caps } {
      const hls = this.hls!;
      const levels: Level[] = hls.levels;
      const ref = levels[this.lastLoadedLevel] ?? levels[hls.loadLevel] ?? levels[0];
      const indices = levels
        .map((_, i) => i)
        .filter((i) => i >= hls.minAutoLevel && i <= hls.maxAutoLevel && (levels[i]!.pathwayId ?? "") === (ref?.pathwayId ?? "") && (levels[i]!.codecSet ?? "") === (ref?.codecSet ?? "") && (!ref || levels[i]!.videoRange === ref.videoRange))
        .sort((a, b) => this.levelBitrate(a) - this.levelBitrate(b));
      if (indices.length === 0) indices.push(Math.max(0, hls.minAutoLevel));
      const renditions = indices.map((i) => ({ bitrateBps: this.levelBitrate(i), heightPx: levels[i]!.height }));
      const media = hls.media;
      const dpr = typeof devicePixelRatio === "number" ? devicePixelRatio : 1;
      const caps: Caps = {
        playerHeightPx: media && media.clientHeight > 0 ? media.clientHeight * dpr : undefined,
        droppingFrameLevels: renditions.map((r, i) => (this.droppingHeights.has(r.heightPx) ? i : -1)).filter((i) => i >= 0),
        planMaxHeightPx: options.planMaxHeightPx,
        saveData: (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true,
      };
      return { indices, renditions, caps };
    }

    private bufferS(): number {
      return this.hls?.mainForwardBufferInfo?.len ?? 0;
    }

    private decide(firstPick: boolean): number {
      const hls = this.hls;
      if (!hls || hls.levels.length === 0) return -1;
      const { indices, renditions, caps } = this.candidates();
      const manual = options.manualLevel?.() ?? -1;
      const media = hls.media;
      const decision = decideLevel(
        {
          renditions,
          currentLevel: firstPick ? -1 : indices.indexOf(this.lastLoadedLevel),
          bandwidthBps: this.bandwidthBps(),
          ttfbS: this.estimator.ttfbS(),
          worstBps: this.estimator.worstBps(),
          spread: this.estimator.spread(),
          bufferS: this.bufferS(),
          maxBufferS: hls.config?.maxBufferLength,
          segmentS: hls.levels[indices[0]!]?.details?.averagetargetduration ?? 4,
          segmentsLeft: this.segmentsLeft(),
          positionS: this.nextStartS,
          lastUpSwitchAtS: this.lastUpSwitchAtS,
          playing: !!media && !media.paused && this.lastLoadedLevel >= 0,
          caps,
          manualLevel: manual >= 0 ? indices.indexOf(manual) : -1,
        },
        params,
      );
      return indices[decision.level] ?? indices[0]!;
    }

    /** Abandons the in-flight fragment when it will not arrive before the buffer drains. */
    private checkAbandon(): void {
      const hls = this.hls;
      const frag = this.fragCurrent;
      if (!hls || !frag || !hls.autoLevelEnabled) return;
      const stats = frag.stats;
      if (stats.aborted || (stats.total > 0 && stats.loaded >= stats.total)) return this.clearTimer();
      const { indices, renditions } = this.candidates();
      const level = indices.indexOf(frag.level);
      if (level <= 0) return;
      const nowMs = performance.now();
      const to = abandonTo(
        {
          renditions,
          level,
          loadedBytes: stats.loaded,
          expectedBytes: stats.total > 0 ? stats.total : (renditions[level]!.bitrateBps * frag.duration) / 8,
          elapsedS: (nowMs - stats.loading.start) / 1000,
          ttfbS: stats.loading.first > 0 ? (stats.loading.first - stats.loading.start) / 1000 : Number.NaN,
          bufferS: this.bufferS(),
          segmentS: frag.duration,
          bandwidthBps: this.bandwidthBps(),
          playing: !!hls.media && !hls.media.paused,
          manualLevel: -1,
        },
        params,
      );
      if (to < 0) return;
      this.clearTimer();
      if (stats.loaded > 0) this.estimator.sample(stats.loaded, (nowMs - stats.loading.start) / 1000, stats.loading.first > 0 ? (stats.loading.first - stats.loading.start) / 1000 : 0);
      const next = indices[to]!;
      this.forced = next;
      hls.nextLoadLevel = next;
      hls.trigger(Hls.Events.FRAG_LOAD_EMERGENCY_ABORTED, { frag, part: null, stats });
      frag.abortRequests();
      this.fragCurrent = null;
    }

    get firstAutoLevel(): number {
      return Math.max(0, this.decide(true));
    }

    get forcedAutoLevel(): number {
      return this.forced;
    }

    get nextAutoLevel(): number {
      if (this.forced !== -1) return this.forced;
      return this.decide(this.lastLoadedLevel < 0);
    }

    set nextAutoLevel(level: number) {
      const hls = this.hls;
      this.forced = hls ? Math.min(Math.max(level, hls.minAutoLevel), hls.maxAutoLevel) : level;
    }
  }

  return MarqueeAbrController as unknown as HlsConfig["abrController"];
}
