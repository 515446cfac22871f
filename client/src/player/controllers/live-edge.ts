/**
 * The live edge of a broadcast: where the viewer is in the DVR window, whether
 * that is live (the LIVE badge), going live, seeking inside the window (never
 * past the edge, where nothing is published yet), and whether the stream is
 * interrupted (the encoder is gone: no progress near the edge). The window is
 * sampled from the engine every SAMPLE_MS; the playhead comes from MediaState,
 * so the seek bar follows it smoothly. Rules: ../live.ts.
 */
import { createMemo, createSignal, type Accessor } from "solid-js";
import { formatSeekStep } from "../../i18n/format.ts";
import type { PlaybackEngine } from "../engine.ts";
import { advanceClock, isInterrupted, isRecovery, liveView, seekTarget, type LiveView, type LiveWindow, type ProgressClock } from "../live.ts";
import { reactiveScope, type PlayerController } from "./controller.ts";
import type { MediaState } from "./media-state.ts";
import type { Seeker } from "./playback-actions.ts";

/** How often the window and the playhead's progress are sampled. */
export const SAMPLE_MS = 500;

export interface LiveEdgeOptions {
  video: HTMLVideoElement;
  media: MediaState;
  engine: () => PlaybackEngine | undefined;
  /** PlaybackActions.seekTo: moves the playhead (the target is already inside the window). */
  seekTo: (seconds: number) => void;
  /** Feedback for a relative seek ("−10 s"), as the on-demand one. */
  flash: (text: string, side?: "left" | "right") => void;
  /** The stream moves again after an interruption ("Back live"). */
  onRecovered: () => void;
}

export class LiveEdgeController implements PlayerController, Seeker {
  /** Where the viewer is in the window; null until the engine has one. */
  readonly view: Accessor<LiveView | null>;
  /** Live (the badge is lit): at the edge, or before the window is known. */
  readonly atEdge: Accessor<boolean>;
  /** No progress near the edge while playing for INTERRUPTED_AFTER_S: the encoder is gone. */
  readonly interrupted: Accessor<boolean>;
  private readonly o: LiveEdgeOptions;
  private readonly setWindow: (w: LiveWindow | null) => void;
  private readonly setInterrupted: (v: boolean) => void;
  private readonly disposeScope: () => void;
  private timer: ReturnType<typeof setInterval> | undefined;
  private clock: ProgressClock | null = null;
  /** The window's end when the current interruption began: its growth is the broadcast's return. */
  private endWhenStopped: number | null = null;

  constructor(options: LiveEdgeOptions) {
    this.o = options;
    const [liveWindow, setWindow] = createSignal<LiveWindow | null>(null, { equals: sameWindow });
    const [interrupted, setInterrupted] = createSignal(false);
    this.setWindow = setWindow;
    this.setInterrupted = setInterrupted;
    this.interrupted = interrupted;
    let view!: Accessor<LiveView | null>;
    this.disposeScope = reactiveScope(() => {
      view = createMemo(() => liveView(liveWindow(), options.media.time()));
    });
    this.view = view;
    this.atEdge = () => this.view()?.atEdge ?? true;
    this.registerListeners();
  }

  protected registerListeners(): void {
    this.timer = setInterval(this.sample, SAMPLE_MS);
  }

  protected unregisterListeners(): void {
    clearInterval(this.timer);
  }

  destroy(): void {
    this.unregisterListeners();
    this.disposeScope();
  }

  /** Jumps to the edge (the LIVE badge while behind). */
  goLive(): void {
    this.sample();
    const v = this.view();
    if (v) this.o.seekTo(v.edge);
  }

  /** Seeks to `seconds` on the media timeline, kept inside the window (the seek bar). */
  seekInWindow(seconds: number): void {
    this.sample();
    const v = this.view();
    if (v) this.o.seekTo(seekTarget(v, seconds));
  }

  /** ±10 s (buttons, J/L, arrows, double tap, OS controls): inside the window, never past the edge. */
  seekBy(deltaSeconds: number, side?: "left" | "right"): void {
    this.sample();
    const v = this.view();
    if (!v) return;
    this.o.seekTo(seekTarget(v, this.o.video.currentTime + deltaSeconds));
    this.o.flash(formatSeekStep(deltaSeconds), side);
  }

  /** The digit keys: a fraction of the window (9 is near the edge). */
  seekToFraction(fraction: number): void {
    this.sample();
    const v = this.view();
    if (v) this.o.seekTo(seekTarget(v, v.start + (v.edge - v.start) * fraction));
  }

  /** Reads the window from the engine and moves the progress clock on. */
  private readonly sample = () => {
    const w = this.o.engine()?.liveSample() ?? null;
    this.setWindow(w);
    const video = this.o.video;
    const now = performance.now();
    const playing = !video.paused && !video.ended && this.o.media.started();
    this.clock = advanceClock(this.clock, { position: video.currentTime, playing }, now);
    const view = liveView(w, video.currentTime);
    const interrupted = isInterrupted({ playing, behindSeconds: view?.behindSeconds ?? 0, stalledSeconds: (now - this.clock.movedAtMs) / 1000 });
    const end = w?.seekableEnd ?? null;
    if (!this.interrupted() && interrupted) this.endWhenStopped = end;
    // Back live: moving again because new media is published (not a pause, nor a seek back into the window).
    if (this.interrupted() && !interrupted && isRecovery({ playing, endWhenStopped: this.endWhenStopped, end })) this.o.onRecovered();
    this.setInterrupted(interrupted);
  };
}

function sameWindow(a: LiveWindow | null, b: LiveWindow | null): boolean {
  return a === b || (!!a && !!b && a.seekableStart === b.seekableStart && a.seekableEnd === b.seekableEnd && a.liveSyncPosition === b.liveSyncPosition);
}
