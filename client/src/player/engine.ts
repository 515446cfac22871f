/**
 * The playback engine behind the player's controls: one hls.js instance on a
 * <video> (or the browser's own HLS where MediaSource is missing, i.e. Safari on
 * iOS), with what the menus need as Solid signals — renditions and what Auto
 * picked, audio and subtitle tracks, the current problem — and a snapshot for
 * the "stats for nerds" overlay. Shaped like an hls.js controller:
 * registerListeners / unregisterListeners / destroy.
 *
 * Error policy (hls.js's documented one): a fatal media error is recovered with
 * recoverMediaError() at most every few seconds; network errors are left to the
 * tuned load policies in config.ts, and a fatal one becomes a problem the viewer
 * can retry, which rebuilds the instance at the same position.
 *
 * Start: hls.js is told the start rendition (start.ts; the one the title page
 * prefetched) and answers from the prefetched responses through the loader. The
 * baseline switch (start.ts) uses hls.js's plain defaults and no prefetch.
 *
 * HDR: the levels in a range this device is not offered (video-range.ts) are
 * removed on MANIFEST_PARSED, before hls.js loads anything, so an SDR display
 * plays an HDR title's SDR ladder; an HDR one is told to prefer HDR.
 */
import Hls, { type ErrorData, type HlsConfig, type Level } from "hls.js";
import { splitCdnPath, type CdnPathParts } from "../../../common/cdn-url.ts";
import { isHdrRange, type VideoRange } from "../../../common/video-range.ts";
import { createSignal, type Accessor } from "solid-js";
import { reportPathwayError, type Playback } from "../data/api.ts";
import type { MediaPrefetch } from "../data/prefetch.ts";
import { abrChoice, abrOptionsFor, hlsConfigFor, type AbrChoice } from "./config.ts";
import { hlsProblem, mediaElementProblem, unsupportedProblem, type PlayerProblem } from "./errors.ts";
import type { LiveWindow } from "./live.ts";
import { startRung } from "./start.ts";
import type { TokenHolder } from "./token-holder.ts";
import { tokenLoader } from "./token-loader.ts";
import { dropLevelsOutside, preferredRange, settledVideoRanges, videoRanges } from "./video-range.ts";

/** hls.js's error policy: recover a fatal media error at most this often, then give up. */
const MEDIA_RECOVERY_INTERVAL_MS = 5000;

/** Tells the steering server a pathway failed us, with the URL's playback token (feeds its per-region health; fire and forget). */
function reportFailedPathway(url: string | undefined): void {
  let parts: CdnPathParts | null = null;
  try {
    parts = url ? splitCdnPath(new URL(url, location.href).pathname) : null;
  } catch {
    // Not a URL: nothing to report.
  }
  if (parts) reportPathwayError(parts.pathway, parts.token);
}

export interface TrackChoice {
  id: number;
  label: string;
  language: string | null;
}

export interface EngineStats {
  engine: string;
  abr: AbrChoice | "native";
  rendition: string;
  bitrateKbps: number | null;
  codecs: string;
  mode: "Auto" | "Manual";
  bufferSeconds: number;
  bandwidthKbps: number | null;
  pathway: string;
  pathwayPriority: string;
  droppedFrames: number;
  totalFrames: number;
  viewport: string;
  assetId: string;
  /** A live broadcast's latency (null for on-demand): the "Live latency" row. */
  live: LiveStats | null;
}

export interface LiveStats {
  /** Behind hls.js's estimate of the live edge (the playlist's end, advanced by its age). */
  latencySeconds: number | null;
  /** Behind real time: the wall clock less the program date time of the frame on screen. */
  programDateLatencySeconds: number | null;
  /** What hls.js holds to (PART-HOLD-BACK in low-latency mode). */
  targetLatencySeconds: number | null;
  /** Above 1 while catching up. */
  playbackRate: number;
}

/** What the live-edge controller samples: the DVR window and where hls.js holds to be live. */
export interface LiveSample extends LiveWindow {
  stats: LiveStats;
}

export interface EngineOptions {
  playback: Playback;
  holder: TokenHolder;
  /** Exposes the hls.js instance as window.__marqueeHls (browser tests, debugging). */
  debug: boolean;
  /** Seconds to start loading from (a resume position), or -1 for the start. */
  startPosition: number;
  /** Start playing as soon as the manifest is in (false while a resume prompt waits for an answer, and for a pipeline prepared before Play until its player adopts it). */
  autoplay: boolean;
  /** Preferred rendition height (null: Auto), audio language and subtitle language. */
  qualityHeight: number | null;
  audioLanguage: string | null;
  subtitleLanguage: string | null;
  /** Called when playback could not start because the browser wants a gesture first. */
  onAutoplayBlocked?: () => void;
  /** Responses fetched before Play (data/prefetch.ts), used once each; discarded with the engine. */
  prefetched?: MediaPrefetch;
  /** hls.js's plain default config and no prefetch: the start-time baseline (start.ts baselineStart). */
  baseline?: boolean;
  /** More hls.js configuration from controllers (EME: controllers/licence.ts), applied even on the baseline. */
  hlsConfig?: Partial<HlsConfig>;
  /**
   * A pipeline prepared before Play (offline/pipeline.ts) buffers only this many seconds until its player
   * adopts it — enough for the first frames — rather than the player's 30 s of decoded-ready media while
   * it may never be played; adopt() gives it the configured length back.
   */
  preparedBufferSeconds?: number;
  /**
   * hls.js attaches only once this has resolved: a download's MediaKeys set on the element (our own EME, not
   * hls.js's). hls.js drops an encrypted fragment parsed while the element has no keys (KEY_SYSTEM_NO_KEYS) and
   * the player skips the hole it leaves. Rejected: nothing is loaded (the owner shows why).
   */
  mediaReady?: Promise<unknown>;
}

type DebugWindow = Window & { __marqueeHls?: Hls };

/** A level's bitrate as start.ts and the ABR controller compare them: AVERAGE-BANDWIDTH, else BANDWIDTH. */
const declaredBitrate = (l: Level): number => l.averageBitrate || l.bitrate;

const labelOf = (t: { name?: string; lang?: string }, fallback: string) => t.name || t.lang || fallback;

export class PlaybackEngine {
  readonly kind: "hls" | "native" | "none";
  hls: Hls | null = null;
  /** Heights on offer, highest first (hls.js only; native HLS chooses by itself). */
  readonly qualities: Accessor<number[]>;
  /** The viewer's choice: a height, or null for Auto. */
  readonly manualHeight: Accessor<number | null>;
  /** The height playing now (what Auto picked, while on Auto). */
  readonly playingHeight: Accessor<number | null>;
  readonly audioTracks: Accessor<TrackChoice[]>;
  readonly audioTrack: Accessor<number>;
  readonly subtitleTracks: Accessor<TrackChoice[]>;
  /** -1 when subtitles are off. */
  readonly subtitleTrack: Accessor<number>;
  readonly problem: Accessor<PlayerProblem | null>;

  private readonly set: {
    qualities: (v: number[]) => void;
    manualHeight: (v: number | null) => void;
    playingHeight: (v: number | null) => void;
    audioTracks: (v: TrackChoice[]) => void;
    audioTrack: (v: number) => void;
    subtitleTracks: (v: TrackChoice[]) => void;
    subtitleTrack: (v: number) => void;
    problem: (v: PlayerProblem | null) => void;
  };
  private readonly video: HTMLVideoElement;
  /** Where playback starts once the media loads (moved by a seek made before that). */
  private startAt = -1;
  private readonly options: EngineOptions;
  private readonly abr: AbrChoice;
  private lastRecoveryMs = 0;
  private wantedSubtitleLanguage: string | null;
  private wantedAudioLanguage: string | null;
  /** hls.js has parsed the manifest of the current start (the start level is named, loading is under way). */
  private manifestParsed = false;
  /** Play once the manifest is in: asked by adopt() before it was. */
  private playOnManifest = false;
  /** A player has adopted this engine (a prepared pipeline's buffer is then the full length again). */
  private adopted = false;
  /** The configured buffer length, held back while prepared (`preparedBufferSeconds`). */
  private fullBufferSeconds: number | undefined;

  constructor(video: HTMLVideoElement, options: EngineOptions) {
    this.video = video;
    this.options = { ...options };
    this.abr = options.baseline ? "hlsjs" : abrChoice();
    this.wantedSubtitleLanguage = options.subtitleLanguage;
    this.wantedAudioLanguage = options.audioLanguage;
    const [qualities, setQualities] = createSignal<number[]>([]);
    const [manualHeight, setManualHeight] = createSignal<number | null>(options.qualityHeight);
    const [playingHeight, setPlayingHeight] = createSignal<number | null>(null);
    const [audioTracks, setAudioTracks] = createSignal<TrackChoice[]>([]);
    const [audioTrack, setAudioTrack] = createSignal(0);
    const [subtitleTracks, setSubtitleTracks] = createSignal<TrackChoice[]>([]);
    const [subtitleTrack, setSubtitleTrack] = createSignal(-1);
    const [problem, setProblem] = createSignal<PlayerProblem | null>(null);
    this.set = {
      qualities: setQualities, manualHeight: setManualHeight, playingHeight: setPlayingHeight, audioTracks: setAudioTracks,
      audioTrack: setAudioTrack, subtitleTracks: setSubtitleTracks, subtitleTrack: setSubtitleTrack, problem: setProblem,
    };
    this.qualities = qualities;
    this.manualHeight = manualHeight;
    this.playingHeight = playingHeight;
    this.audioTracks = audioTracks;
    this.audioTrack = audioTrack;
    this.subtitleTracks = subtitleTracks;
    this.subtitleTrack = subtitleTrack;
    this.problem = problem;
    const mse = Hls.isSupported();
    this.kind = mse ? "hls" : video.canPlayType("application/vnd.apple.mpegurl") ? "native" : "none";
    video.dataset.abr = this.kind === "hls" ? this.abr : this.kind;
    this.registerListeners();
    this.load(options.startPosition, options.autoplay);
  }

  protected registerListeners(): void {
    this.video.addEventListener("error", this.onMediaElementError);
    this.video.addEventListener("resize", this.onResize);
    this.video.textTracks.addEventListener("addtrack", this.onNativeTracks);
    this.video.textTracks.addEventListener("change", this.onNativeTracks);
  }

  protected unregisterListeners(): void {
    this.video.removeEventListener("error", this.onMediaElementError);
    this.video.removeEventListener("resize", this.onResize);
    this.video.textTracks.removeEventListener("addtrack", this.onNativeTracks);
    this.video.textTracks.removeEventListener("change", this.onNativeTracks);
  }

  /** (Re)starts loading at `startPosition` (-1: from the beginning). */
  private load(startPosition: number, autoplay: boolean): void {
    // Absolute, so every loader (the prefetch one included) reports a URL that relative URIs resolve against.
    const url = new URL(this.options.holder.rewrite(this.options.playback.masterUrl), location.href).href;
    if (this.kind === "none") {
      this.set.problem(unsupportedProblem());
      return;
    }
    if (this.kind === "native") {
      // Safari on iOS: the OS player loads the playlists (content steering included).
      this.video.src = url;
      this.startAt = startPosition;
      if (startPosition > 0) {
        this.video.addEventListener("loadedmetadata", () => (this.video.currentTime = this.startAt), { once: true });
      }
      if (autoplay) this.play();
      return;
    }
    // The page's video ranges are asked once (a MediaCapabilities answer); a start waits for them only the first time.
    const ranges = settledVideoRanges();
    const ready = this.options.mediaReady;
    if (ranges && !ready) return this.startHls(url, startPosition, autoplay, ranges);
    const generation = this.generation;
    Promise.all([videoRanges(), ready]).then(
      ([r]) => {
        if (generation === this.generation) this.startHls(url, startPosition, autoplay, r);
      },
      () => {},
    );
  }

  /** Counts detaches (retry, destroy): a start still waiting for the video ranges is dropped once its generation has passed. */
  private generation = 0;

  private startHls(url: string, startPosition: number, autoplay: boolean, ranges: readonly VideoRange[]): void {
    const baseline = this.options.baseline === true;
    const hls = new Hls({
      ...(baseline ? {} : hlsConfigFor(this.abr, abrOptionsFor(this.options.playback, () => this.manualLevelIndex()), this.options.playback.live === true)),
      loader: tokenLoader(this.options.holder, baseline ? undefined : this.options.prefetched),
      startPosition,
      // hls.js picks these itself when the tracks arrive (setting a track from our listener would be overridden).
      subtitlePreference: this.wantedSubtitleLanguage ? { lang: this.wantedSubtitleLanguage } : undefined,
      audioPreference: this.wantedAudioLanguage ? { lang: this.wantedAudioLanguage } : undefined,
      videoPreference: { allowedVideoRanges: [...ranges], preferHDR: ranges.some(isHdrRange) },
      ...this.options.hlsConfig,
    });
    this.hls = hls;
    const prepared = this.options.preparedBufferSeconds;
    if (prepared !== undefined && !this.adopted) {
      this.fullBufferSeconds = hls.config.maxBufferLength;
      hls.config.maxBufferLength = Math.min(prepared, hls.config.maxBufferLength);
    }
    this.manifestParsed = false;
    this.startAt = startPosition;
    if (this.options.debug) (window as DebugWindow).__marqueeHls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      dropLevelsOutside(hls, ranges);
      this.range = preferredRange(hls.levels.map((l) => l.videoRange), ranges);
      this.updateQualities();
      const wanted = this.manualHeight();
      if (wanted !== null) {
        const index = this.levelIndexFor(wanted);
        if (index >= 0) hls.currentLevel = index;
        else this.set.manualHeight(null);
      }
      if (!baseline && this.manualHeight() === null) {
        // Read before the first startLoad: the rendition prepared before Play, else the start rule's (with the link estimate).
        const start = this.options.prefetched?.startRung ?? startRung(this.startRungs(), null);
        const index = start === null ? -1 : this.levelIndexFor(start.heightPx, start.bitrateBps);
        if (index >= 0) hls.startLevel = index;
      }
      this.manifestParsed = true;
      if (autoplay || this.playOnManifest) this.play();
    });
    hls.on(Hls.Events.LEVELS_UPDATED, () => this.updateQualities());
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
      const level = hls.levels[data.level];
      this.set.playingHeight(level?.height ?? null);
      this.video.dataset.height = String(level?.height ?? "");
    });
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => {
      this.set.audioTracks(hls.audioTracks.map((t, i) => ({ id: i, label: labelOf(t, `Audio ${i + 1}`), language: t.lang ?? null })));
      this.set.audioTrack(hls.audioTrack);
    });
    hls.on(Hls.Events.AUDIO_TRACK_SWITCHED, (_e, data) => this.set.audioTrack(data.id));
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => {
      this.set.subtitleTracks(hls.subtitleTracks.map((t, i) => ({ id: i, label: labelOf(t, `Subtitles ${i + 1}`), language: t.lang ?? null })));
    });
    hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, (_e, data) => this.set.subtitleTrack(data.id));
    hls.on(Hls.Events.ERROR, (_e, data) => this.onHlsError(hls, data));
    hls.loadSource(url);
    hls.attachMedia(this.video);
  }

  /**
   * Hands an engine built before Play with `autoplay: false` (offline/pipeline.ts: its
   * playlists parsed and first fragments buffered) to the player that shows it: from
   * now on it reports a blocked autoplay there, and it plays — at once when the
   * manifest is in, else as soon as it is, as a start with autoplay does.
   */
  adopt(o: { autoplay: boolean; onAutoplayBlocked?: () => void }): void {
    this.adopted = true;
    this.options.onAutoplayBlocked = o.onAutoplayBlocked;
    if (this.hls && this.fullBufferSeconds !== undefined) this.hls.config.maxBufferLength = this.fullBufferSeconds;
    if (!o.autoplay) return;
    if (this.manifestParsed || this.kind === "native") this.play();
    else this.playOnManifest = true;
  }

  /** Whether the engine has failed (a problem shown, or the element's error): a pipeline prepared before Play is then not used. */
  failed(): boolean {
    return this.problem() !== null || this.video.error !== null;
  }

  private play(): void {
    this.video.play().catch((err: unknown) => {
      if (err instanceof DOMException && err.name === "NotAllowedError") this.options.onAutoplayBlocked?.();
    });
  }

  private onHlsError(hls: Hls, data: ErrorData): void {
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) reportFailedPathway(data.frag?.url ?? data.context?.url ?? data.url);
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && Date.now() - this.lastRecoveryMs > MEDIA_RECOVERY_INTERVAL_MS) {
      this.lastRecoveryMs = Date.now();
      hls.recoverMediaError();
      return;
    }
    this.set.problem(hlsProblem(data));
  }

  private readonly onMediaElementError = () => {
    // With hls.js, media errors arrive (and are recovered) through hls.js's ERROR event.
    if (this.kind === "native") this.set.problem(mediaElementProblem(this.video.error));
  };

  /** Native HLS chooses renditions itself; the picture's height says which ("Auto (720p)"). */
  private readonly onResize = () => {
    if (this.kind === "native" && this.video.videoHeight > 0) this.set.playingHeight(this.video.videoHeight);
  };

  /** Native HLS lists subtitle renditions as text tracks; mirror them into the menu. */
  private readonly onNativeTracks = () => {
    if (this.kind !== "native") return;
    const tracks = this.nativeTextTracks().map((t, i) => ({ id: i, label: t.label || t.language || `Subtitles ${i + 1}`, language: t.language || null }));
    this.set.subtitleTracks(tracks);
    this.set.subtitleTrack(this.nativeTextTracks().findIndex((t) => t.mode === "showing"));
  };

  private nativeTextTracks(): TextTrack[] {
    return [...this.video.textTracks].filter((t) => t.kind === "subtitles" || t.kind === "captions");
  }

  private updateQualities(): void {
    const hls = this.hls;
    if (!hls) return;
    const heights = [...new Set(hls.levels.map((l) => l.height).filter((h) => h > 0))].sort((a, b) => b - a);
    this.set.qualities(heights);
  }

  /** The video range this start plays in (video-range.ts preferredRange), set when the manifest is in. */
  private range: VideoRange = "SDR";

  /**
   * The hls.levels index for a height, preferring the pathway playing now (steering
   * lists each rendition per pathway); in the range chosen for this start, and the
   * cheapest at that height (a more efficient codec set where hls.js kept one), as
   * the title page's prefetch chooses (playlists.ts firstPlaylists).
   */
  private levelIndexFor(height: number, bitrateBps?: number): number {
    const hls = this.hls;
    if (!hls) return -1;
    const pathway = hls.levels[hls.currentLevel]?.pathwayId ?? hls.levels[hls.loadLevel]?.pathwayId ?? "";
    const cheapest = (ok: (l: Level) => boolean) =>
      hls.levels.reduce((best, l, i) => (ok(l) && (best < 0 || l.bitrate < hls.levels[best]!.bitrate) ? i : best), -1);
    const atHeight = (l: Level) => l.height === height && (l.videoRange ?? "SDR") === this.range;
    // A start rung names its bitrate too (a per-title ladder has several rungs at one height); else, or when none matches, the cheapest.
    const rung = (l: Level) => atHeight(l) && (bitrateBps === undefined || declaredBitrate(l) === bitrateBps);
    for (const ok of bitrateBps === undefined ? [atHeight] : [rung, atHeight]) {
      const same = cheapest((l) => ok(l) && (l.pathwayId ?? "") === pathway);
      const any = same >= 0 ? same : cheapest(ok);
      if (any >= 0) return any;
    }
    return -1;
  }

  /** The levels in this start's video range as start.ts's rungs (the title page's prefetch reads the same from the master: playlists.ts). */
  private startRungs(): { heightPx: number; bitrateBps: number; family: string }[] {
    return (this.hls?.levels ?? [])
      .filter((l) => l.height > 0 && (l.videoRange ?? "SDR") === this.range)
      .map((l) => ({ heightPx: l.height, bitrateBps: declaredBitrate(l), family: l.codecSet ?? "" }));
  }

  private manualLevelIndex(): number {
    const h = this.manualHeight();
    return h === null ? -1 : this.levelIndexFor(h);
  }

  /** Chooses a rendition by height, or Auto (null). */
  setQuality(height: number | null): void {
    this.set.manualHeight(height);
    const hls = this.hls;
    if (!hls) return;
    if (height === null) {
      hls.currentLevel = -1;
      return;
    }
    const index = this.levelIndexFor(height);
    if (index >= 0) hls.currentLevel = index;
  }

  setAudioTrack(id: number): void {
    const track = this.audioTracks().find((t) => t.id === id);
    this.wantedAudioLanguage = track?.language ?? null;
    this.set.audioTrack(id);
    if (this.hls) this.hls.audioTrack = id;
  }

  /** Shows subtitle track `id`, or none (-1). */
  setSubtitleTrack(id: number): void {
    this.applySubtitle(id, true);
  }

  /** Prefers subtitles in `language` (null: off), now if the tracks are known, else once they are. */
  setSubtitleLanguage(language: string | null): void {
    this.wantedSubtitleLanguage = language;
    if (this.hls) this.hls.config.subtitlePreference = language ? { lang: language } : undefined;
    const track = language ? this.subtitleTracks().find((t) => t.language === language) : undefined;
    if (this.subtitleTracks().length > 0) this.applySubtitle(track ? track.id : -1, false);
  }

  private applySubtitle(id: number, chosen: boolean): void {
    if (chosen) this.wantedSubtitleLanguage = this.subtitleTracks().find((t) => t.id === id)?.language ?? null;
    this.set.subtitleTrack(id);
    if (this.hls) {
      this.hls.subtitleTrack = id;
      this.hls.subtitleDisplay = id >= 0;
    } else if (this.kind === "native") {
      this.nativeTextTracks().forEach((t, i) => (t.mode = i === id ? "showing" : "disabled"));
    }
  }

  /**
   * Moves playback to `seconds`. Before the media has its metadata a plain seek
   * would not stick: hls.js (or the native listener) later moves to the start
   * position it was given, so the start position itself is moved ("Start over"
   * clicked while a resume position is still loading).
   */
  seek(seconds: number): void {
    // (Seeking where loading already starts — Resume — needs nothing more.)
    if (this.video.readyState === HTMLMediaElement.HAVE_NOTHING && seconds !== Math.max(0, this.startAt)) {
      this.startAt = seconds;
      const hls = this.hls;
      if (hls) {
        (hls.config as { startPosition: number }).startPosition = seconds;
        // Already loading (the manifest was parsed): restart loading at the new position.
        if (hls.levels.length > 0) hls.startLoad(seconds);
      }
    }
    this.video.currentTime = seconds;
  }

  /** Starts over after a problem: a fresh hls.js instance (or source) at `positionSeconds`, playing. */
  /** Stops loading and playing (a licence was refused): nothing more is fetched until retry(). */
  halt(): void {
    this.video.pause();
    this.hls?.stopLoad();
  }

  retry(positionSeconds: number): void {
    this.set.problem(null);
    if (this.kind === "none") return this.set.problem(unsupportedProblem());
    this.detach();
    this.load(positionSeconds > 0 ? positionSeconds : -1, true);
  }

  private detach(): void {
    this.generation++;
    if (this.hls) {
      this.hls.destroy();
      if (this.options.debug && (window as DebugWindow).__marqueeHls === this.hls) delete (window as DebugWindow).__marqueeHls;
      this.hls = null;
    } else if (this.kind === "native") {
      this.video.removeAttribute("src");
      this.video.load();
    }
  }

  /** What the stats overlay shows, read now. */
  stats(): EngineStats {
    const v = this.video;
    const quality = v.getVideoPlaybackQuality?.();
    let bufferSeconds = 0;
    for (let i = 0; i < v.buffered.length; i++) {
      if (v.buffered.start(i) <= v.currentTime + 0.1 && v.buffered.end(i) >= v.currentTime) bufferSeconds = v.buffered.end(i) - v.currentTime;
    }
    const hls = this.hls;
    const level: Level | undefined = hls ? hls.levels[hls.currentLevel] : undefined;
    const bw = hls?.bandwidthEstimate;
    return {
      engine: hls ? `hls.js ${Hls.version}` : this.kind === "native" ? "Native HLS" : "none",
      abr: hls ? this.abr : "native",
      rendition: level ? `${level.height}p (${level.width}×${level.height})` : v.videoHeight ? `${v.videoHeight}p (${v.videoWidth}×${v.videoHeight})` : "—",
      bitrateKbps: level ? Math.round(level.bitrate / 1000) : null,
      codecs: level ? [level.videoCodec, level.audioCodec].filter(Boolean).join(", ") : "—",
      mode: hls && !hls.autoLevelEnabled ? "Manual" : "Auto",
      bufferSeconds: Math.max(0, bufferSeconds),
      bandwidthKbps: bw && Number.isFinite(bw) ? Math.round(bw / 1000) : null,
      pathway: level?.pathwayId || "—",
      pathwayPriority: hls?.pathwayPriority?.join(" › ") ?? "—",
      droppedFrames: quality?.droppedVideoFrames ?? 0,
      totalFrames: quality?.totalVideoFrames ?? 0,
      viewport: `${v.clientWidth}×${v.clientHeight} @${typeof devicePixelRatio === "number" ? devicePixelRatio : 1}x`,
      assetId: this.options.playback.assetId,
      live: this.liveSample()?.stats ?? null,
    };
  }

  /**
   * The live window now (null for on-demand, or before the media has one):
   * video.seekable's last range — hls.js sets it to the playlist's window
   * (`liveDurationInfinity`) — and hls.js's latency figures. Native HLS has only the range.
   */
  liveSample(): LiveSample | null {
    if (this.options.playback.live !== true) return null;
    const v = this.video;
    const seekable = v.seekable;
    if (seekable.length === 0) return null;
    const hls = this.hls;
    const playingDate = hls?.playingDate?.getTime();
    const finite = (n: number | null | undefined) => (n !== null && n !== undefined && Number.isFinite(n) ? n : null);
    return {
      seekableStart: seekable.start(seekable.length - 1),
      seekableEnd: seekable.end(seekable.length - 1),
      liveSyncPosition: finite(hls?.liveSyncPosition),
      stats: {
        latencySeconds: hls && hls.latency > 0 ? hls.latency : null,
        programDateLatencySeconds: playingDate === undefined ? null : (Date.now() - playingDate) / 1000,
        targetLatencySeconds: finite(hls?.targetLatency),
        playbackRate: v.playbackRate,
      },
    };
  }

  destroy(): void {
    this.unregisterListeners();
    this.detach();
    this.options.prefetched?.discard();
  }
}
