/**
 * The media element's state as Solid signals — playing, waiting, time,
 * duration, buffered end, volume, speed, full screen, picture-in-picture — for
 * the controls and the other controllers to read. While `smooth()` holds (playing
 * with the controls up, not waiting for data) the time follows animation frames;
 * else timeupdate (4 Hz).
 */
import { batch, createEffect, createSignal, onCleanup, type Accessor } from "solid-js";
import { reactiveScope, type PlayerController } from "./controller.ts";

export interface MediaStateInit {
  timeSeconds: number;
  durationSeconds: number;
  volume: number;
  muted: boolean;
  speed: number;
}

export class MediaState implements PlayerController {
  readonly playing: Accessor<boolean>;
  /** The first frame has played. */
  readonly started: Accessor<boolean>;
  readonly ended: Accessor<boolean>;
  readonly waiting: Accessor<boolean>;
  readonly time: Accessor<number>;
  readonly duration: Accessor<number>;
  readonly bufferedEnd: Accessor<number>;
  readonly volume: Accessor<number>;
  readonly muted: Accessor<boolean>;
  readonly speed: Accessor<number>;
  readonly fullscreen: Accessor<boolean>;
  readonly pip: Accessor<boolean>;
  /** Sets the shown time at once (a seek, before the element reports it). */
  readonly setTime: (seconds: number) => void;
  readonly setWaiting: (waiting: boolean) => void;
  private readonly set: {
    playing: (v: boolean) => void;
    started: (v: boolean) => void;
    ended: (v: boolean) => void;
    duration: (v: number) => void;
    bufferedEnd: (v: number) => void;
    volume: (v: number) => void;
    muted: (v: boolean) => void;
    speed: (v: number) => void;
    fullscreen: (v: boolean) => void;
    pip: (v: boolean) => void;
  };
  private readonly disposeScope: () => void;
  private readonly video: HTMLVideoElement;

  constructor(video: HTMLVideoElement, init: MediaStateInit, smooth: Accessor<boolean>) {
    this.video = video;
    const [playing, setPlaying] = createSignal(false);
    const [started, setStarted] = createSignal(false);
    const [ended, setEnded] = createSignal(false);
    const [waiting, setWaiting] = createSignal(true);
    const [time, setTime] = createSignal(init.timeSeconds);
    const [duration, setDuration] = createSignal(init.durationSeconds);
    const [bufferedEnd, setBufferedEnd] = createSignal(0);
    const [volume, setVolume] = createSignal(init.volume);
    const [muted, setMuted] = createSignal(init.muted);
    const [speed, setSpeed] = createSignal(init.speed);
    const [fullscreen, setFullscreen] = createSignal(false);
    const [pip, setPip] = createSignal(false);
    this.set = { playing: setPlaying, started: setStarted, ended: setEnded, duration: setDuration, bufferedEnd: setBufferedEnd, volume: setVolume, muted: setMuted, speed: setSpeed, fullscreen: setFullscreen, pip: setPip };
    this.playing = playing;
    this.started = started;
    this.ended = ended;
    this.waiting = waiting;
    this.time = time;
    this.duration = duration;
    this.bufferedEnd = bufferedEnd;
    this.volume = volume;
    this.muted = muted;
    this.speed = speed;
    this.fullscreen = fullscreen;
    this.pip = pip;
    this.setTime = setTime;
    this.setWaiting = setWaiting;
    this.registerListeners();
    this.disposeScope = reactiveScope(() => {
      createEffect(() => {
        // Not while waiting (before the first frame, or buffering): the time stands still, and each frame's
        // work would take the main thread from the start (timeupdate and "playing" move the time on).
        if (!playing() || waiting() || !smooth()) return;
        let frame = requestAnimationFrame(function step() {
          setTime(video.currentTime);
          frame = requestAnimationFrame(step);
        });
        onCleanup(() => cancelAnimationFrame(frame));
      });
    });
  }

  protected registerListeners(): void {
    for (const [type, listener] of this.mediaListeners()) this.video.addEventListener(type, listener);
    document.addEventListener("fullscreenchange", this.onFullscreenChange);
  }

  protected unregisterListeners(): void {
    for (const [type, listener] of this.mediaListeners()) this.video.removeEventListener(type, listener);
    document.removeEventListener("fullscreenchange", this.onFullscreenChange);
  }

  private mediaListeners(): [keyof HTMLVideoElementEventMap, () => void][] {
    return [
      ["play", this.onPlay],
      ["pause", this.onPause],
      ["playing", this.onPlaying],
      ["waiting", this.onWaiting],
      ["canplay", this.onCanPlay],
      ["seeking", this.onSeeking],
      ["seeked", this.onTimeUpdate],
      ["timeupdate", this.onTimeUpdate],
      ["progress", this.updateBuffered],
      ["durationchange", this.onDurationChange],
      ["ended", this.onEnded],
      ["volumechange", this.onVolumeChange],
      ["ratechange", this.onRateChange],
      ["enterpictureinpicture", this.onEnterPip],
      ["leavepictureinpicture", this.onLeavePip],
    ];
  }

  destroy(): void {
    this.unregisterListeners();
    this.disposeScope();
  }

  private readonly onPlay = () => batch(() => (this.set.playing(true), this.set.ended(false)));
  private readonly onPause = () => this.set.playing(false);
  private readonly onPlaying = () => batch(() => (this.setWaiting(false), this.set.started(true)));
  private readonly onWaiting = () => this.setWaiting(true);
  private readonly onCanPlay = () => this.setWaiting(false);
  private readonly onSeeking = () => this.setTime(this.video.currentTime);
  private readonly onTimeUpdate = () => (this.setTime(this.video.currentTime), this.updateBuffered());
  private readonly onDurationChange = () => {
    const d = this.video.duration;
    if (Number.isFinite(d) && d > 0) this.set.duration(d);
  };
  private readonly onEnded = () => batch(() => (this.set.ended(true), this.set.playing(false)));
  private readonly onVolumeChange = () => batch(() => (this.set.volume(this.video.volume), this.set.muted(this.video.muted)));
  private readonly onRateChange = () => this.set.speed(this.video.playbackRate);
  private readonly onEnterPip = () => this.set.pip(true);
  private readonly onLeavePip = () => this.set.pip(false);
  private readonly onFullscreenChange = () => this.set.fullscreen(!!document.fullscreenElement);

  private readonly updateBuffered = () => {
    const b = this.video.buffered;
    let end = 0;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= this.video.currentTime + 0.5) end = Math.max(end, b.end(i));
    this.set.bufferedEnd(end);
  };
}
