/**
 * What the viewer can do to playback — play, pause, seek, volume, full screen,
 * picture-in-picture — in one place, for the control bar, the keyboard, touch
 * gestures and the media session alike.
 */
import { formatPercent, formatSeekStep } from "../../i18n/format.ts";
import { playerWords } from "../../i18n/pages/player/index.ts";
import type { PlaybackEngine } from "../engine.ts";
import type { MediaState } from "./media-state.ts";

export interface PlaybackActionsOptions {
  video: HTMLVideoElement;
  media: MediaState;
  engine: () => PlaybackEngine | undefined;
  /** What goes full screen. */
  fullscreenTarget: () => HTMLElement;
  flash: (text: string, side?: "left" | "right") => void;
  /** Called before Play is pressed (a pending resume offer is answered by it). */
  onPlayPressed: () => void;
  /** Called when the viewer seeks (a premiere stops following the live point when the viewer leaves it). */
  onSeek?: () => void;
}

/**
 * Relative seeks — ±10 s, the digit keys — as the keyboard, gestures and the OS
 * media controls ask for them: these actions on-demand, the live-edge
 * controller's (inside the DVR window, never past the edge) on a broadcast.
 */
export interface Seeker {
  seekBy(deltaSeconds: number, side?: "left" | "right"): void;
  seekToFraction(fraction: number): void;
}

export class PlaybackActions implements Seeker {
  readonly pipSupported = typeof document !== "undefined" && document.pictureInPictureEnabled === true;
  private readonly o: PlaybackActionsOptions;

  constructor(options: PlaybackActionsOptions) {
    this.o = options;
  }

  play(): void {
    this.o.onPlayPressed();
    if (this.o.media.ended()) this.o.video.currentTime = 0;
    void this.o.video.play().catch(() => {});
  }

  togglePlay(): void {
    const video = this.o.video;
    if (video.paused || video.ended) this.play();
    else video.pause();
  }

  pause(): void {
    this.o.video.pause();
  }

  seekTo(seconds: number): void {
    const d = this.o.media.duration();
    const t = Math.max(0, d > 0 ? Math.min(seconds, d) : seconds);
    this.o.onSeek?.();
    const engine = this.o.engine();
    if (engine) engine.seek(t);
    else this.o.video.currentTime = t;
    this.o.media.setTime(t);
  }

  seekBy(deltaSeconds: number, side?: "left" | "right"): void {
    this.seekTo(this.o.video.currentTime + deltaSeconds);
    this.o.flash(formatSeekStep(deltaSeconds), side);
  }

  /** Seeks to a fraction of the video (the digit keys). */
  seekToFraction(fraction: number): void {
    const d = this.o.media.duration();
    if (d > 0) this.seekTo(d * fraction);
  }

  changeVolume(v: number): void {
    const clamped = Math.round(Math.min(1, Math.max(0, v)) * 100) / 100;
    this.o.video.volume = clamped;
    this.o.video.muted = clamped === 0;
  }

  /** Volume up or down by `delta`, with the new level flashed. */
  volumeBy(delta: number): void {
    const video = this.o.video;
    this.changeVolume((video.muted ? 0 : video.volume) + delta);
    this.flashVolume();
  }

  toggleMute(): void {
    const video = this.o.video;
    video.muted = !video.muted;
    if (!video.muted && video.volume === 0) video.volume = 0.5;
    this.flashVolume();
  }

  async toggleFullscreen(): Promise<void> {
    const target = this.o.fullscreenTarget();
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else if (target.requestFullscreen) {
        await target.requestFullscreen({ navigationUI: "hide" });
        // Phones: turn to landscape while full screen, where the browser allows it.
        await (screen.orientation as ScreenOrientation & { lock?: (o: string) => Promise<void> })?.lock?.("landscape").catch(() => {});
      } else (this.o.video as HTMLVideoElement & { webkitEnterFullscreen?: () => void }).webkitEnterFullscreen?.();
    } catch {
      // Refused (no user gesture, or an iframe without permission): nothing to do.
    }
  }

  async togglePip(): Promise<void> {
    try {
      if (document.pictureInPictureElement) await document.exitPictureInPicture();
      else await this.o.video.requestPictureInPicture();
    } catch {
      // Not allowed now (no metadata yet, or disabled by policy).
    }
  }

  private flashVolume(): void {
    const video = this.o.video;
    this.o.flash(video.muted ? playerWords.t("flash.muted") : playerWords.t("flash.volume", { percent: formatPercent(Math.round(video.volume * 100) / 100) }));
  }
}
