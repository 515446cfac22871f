/**
 * Progress reporting: follows the <video> and saves the position for the
 * signed-in profile (contract: POST /api/progress) — every ~10 s while playing,
 * on pause, after seeking (debounced), on ended, and a beacon on pagehide or
 * when the page is hidden. Each write carries an opId that its retries reuse,
 * so the server applies it once. 401/403/404 switch it off quietly (signed out,
 * no profile, or a server without the endpoint). Signed out it stays idle.
 */
import { createEffect, on, type Accessor } from "solid-js";
import { beaconProgress, saveProgress, type ProgressBody } from "../../data/api.ts";
import { deviceId, deviceName, randomId } from "../../data/device.ts";
import type { ProgressEntry } from "../../data/progress.ts";
import type { ViewerProfile } from "../profile.ts";
import { reactiveScope, type PlayerController } from "./controller.ts";

export type ProgressEvent = "tick" | "pause" | "seek" | "ended" | "pagehide";

export interface ProgressTarget {
  titleId: number;
  episodeId: number | null;
  /** Used while the media element does not know its duration yet. */
  durationSeconds: number;
}

/** Where writes go: the progress API by default; a download played offline queues them on the device (offline/). */
export interface ProgressSink {
  save(body: ProgressBody): Promise<{ status: number; entry: ProgressEntry | null }>;
  beacon(body: ProgressBody): void;
}

const apiSink: ProgressSink = { save: saveProgress, beacon: beaconProgress };

export const PROGRESS_TICK_MS = 10_000;
const SEEK_DEBOUNCE_MS = 1500;
const RETRY_DELAYS_MS = [2000, 5000, 15_000];

export class ProgressReporter implements PlayerController {
  /** Set when the server said no (signed out, no profile, no endpoint): nothing more is sent. */
  disabled = false;
  /** The last entry the server returned. */
  lastEntry: ProgressEntry | null = null;
  private enabled = false;
  private played = false;
  private lastSentPosition = -1;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private seekTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The newest write not yet acknowledged (a newer one replaces it: last writer wins anyway). */
  private pending: { body: ProgressBody; attempt: number } | null = null;
  private sending = false;
  private readonly media: HTMLMediaElement;
  private readonly target: ProgressTarget;
  private readonly device = { id: deviceId(), name: deviceName() };
  private readonly disposeScope: () => void;
  private readonly sink: ProgressSink;

  /** Reports for `profile` once one is chosen (reactive), to `sink`. */
  constructor(media: HTMLMediaElement, target: ProgressTarget, profile: Accessor<ViewerProfile | null>, sink: ProgressSink = apiSink) {
    this.media = media;
    this.target = target;
    this.sink = sink;
    this.registerListeners();
    this.disposeScope = reactiveScope(() => {
      createEffect(on(() => profile()?.profileId, (profileId) => profileId && this.enable()));
    });
  }

  /** Turns reporting on (the viewer is signed in with a profile). Until then events are ignored. */
  enable(): void {
    this.enabled = true;
    if (!this.media.paused) this.startTicking();
  }

  protected registerListeners(): void {
    this.media.addEventListener("playing", this.onPlaying);
    this.media.addEventListener("pause", this.onPause);
    this.media.addEventListener("seeked", this.onSeeked);
    this.media.addEventListener("ended", this.onEnded);
    addEventListener("pagehide", this.onPageHide);
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  protected unregisterListeners(): void {
    this.media.removeEventListener("playing", this.onPlaying);
    this.media.removeEventListener("pause", this.onPause);
    this.media.removeEventListener("seeked", this.onSeeked);
    this.media.removeEventListener("ended", this.onEnded);
    removeEventListener("pagehide", this.onPageHide);
    document.removeEventListener("visibilitychange", this.onVisibility);
  }

  /** Stops listening; a last position is sent as a beacon (leaving the watch page inside the app). */
  destroy(): void {
    if (this.played && !this.media.ended) this.beacon();
    this.unregisterListeners();
    this.disposeScope();
    this.stopTicking();
    clearTimeout(this.seekTimer);
    clearTimeout(this.retryTimer);
    this.pending = null;
  }

  private readonly onPlaying = () => {
    this.played = true;
    this.startTicking();
  };

  private readonly onPause = () => {
    this.stopTicking();
    // "pause" also fires when the video ends; "ended" reports that.
    if (!this.media.ended && !this.media.seeking) this.report("pause");
  };

  private readonly onSeeked = () => {
    clearTimeout(this.seekTimer);
    this.seekTimer = setTimeout(() => this.report("seek"), SEEK_DEBOUNCE_MS);
  };

  private readonly onEnded = () => {
    this.stopTicking();
    clearTimeout(this.seekTimer);
    this.report("ended");
  };

  private readonly onPageHide = () => this.beacon();

  private readonly onVisibility = () => {
    // Phones often never fire pagehide when an app is swiped away; hidden is the last reliable moment.
    if (document.visibilityState === "hidden") this.beacon();
  };

  private startTicking(): void {
    if (!this.enabled || this.disabled || this.tickTimer) return;
    this.tickTimer = setInterval(() => {
      if (Math.abs(this.media.currentTime - this.lastSentPosition) >= 1) this.report("tick");
    }, PROGRESS_TICK_MS);
  }

  private stopTicking(): void {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
  }

  private body(event: ProgressEvent): ProgressBody | null {
    const durationSeconds = Number.isFinite(this.media.duration) && this.media.duration > 0 ? this.media.duration : this.target.durationSeconds;
    if (!(durationSeconds > 0)) return null;
    const positionSeconds = Math.min(Math.max(0, event === "ended" ? durationSeconds : this.media.currentTime), durationSeconds);
    return {
      opId: randomId(),
      titleId: this.target.titleId,
      episodeId: this.target.episodeId,
      positionSeconds: Math.round(positionSeconds * 1000) / 1000,
      durationSeconds: Math.round(durationSeconds * 1000) / 1000,
      clientTime: Date.now(),
      deviceId: this.device.id,
      deviceName: this.device.name,
      event,
    };
  }

  /** Sends the current position now (the player calls this on events of its own too). */
  report(event: ProgressEvent): void {
    if (!this.enabled || this.disabled || !this.played) return;
    const body = this.body(event);
    if (!body) return;
    this.lastSentPosition = body.positionSeconds;
    clearTimeout(this.retryTimer);
    this.pending = { body, attempt: 0 };
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending || !this.pending) return;
    const job = this.pending;
    this.sending = true;
    let status = 0;
    try {
      const saved = await this.sink.save(job.body);
      status = saved.status;
      this.lastEntry = saved.entry ?? this.lastEntry;
    } finally {
      this.sending = false;
    }
    if (status === 401 || status === 403 || status === 404) {
      this.disabled = true;
      this.pending = null;
      this.stopTicking();
      return;
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (this.pending !== job) return void this.flush(); // a newer write arrived meanwhile
    if (!retryable || job.attempt >= RETRY_DELAYS_MS.length) {
      this.pending = null;
      return;
    }
    // Same opId on retry: if the first attempt did land, the server treats this one as a replay.
    const delay = RETRY_DELAYS_MS[job.attempt]!;
    job.attempt++;
    this.retryTimer = setTimeout(() => void this.flush(), delay);
  }

  /** The position as a beacon (survives the page being closed). */
  private beacon(): void {
    if (!this.enabled || this.disabled || !this.played) return;
    const body = this.body("pagehide");
    if (!body || Math.abs(body.positionSeconds - this.lastSentPosition) < 0.5) return;
    this.lastSentPosition = body.positionSeconds;
    this.sink.beacon(body);
  }
}
