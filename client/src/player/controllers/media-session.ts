/**
 * The media session: what the operating system's media controls show (lock
 * screen, headset buttons, the browser's media hub) and do — play, pause, seek
 * 10 s, seek to a point, and the next episode when there is one. On a live
 * broadcast every seek stays inside the DVR window.
 */
import type { PlayerController } from "./controller.ts";
import type { PlaybackActions, Seeker } from "./playback-actions.ts";

export interface MediaSessionOptions {
  title: string;
  actions: PlaybackActions;
  /** Who seeks 10 s (the live-edge controller on a broadcast); default `actions`. */
  seeker?: Seeker;
  /**
   * Seeks to a point (the OS scrubber's `seekto`); default `actions.seekTo`. A broadcast passes the
   * live-edge controller's, which keeps it inside the DVR window and never past the edge: the OS
   * knows neither, and a lock screen could otherwise seek before the window or ahead of the broadcast.
   */
  seekTo?: (seconds: number) => void;
  /** The next episode, when there is one. */
  playNext?: () => void;
}

export class MediaSessionController implements PlayerController {
  private readonly handlers: [MediaSessionAction, MediaSessionActionHandler][] = [];

  constructor(options: MediaSessionOptions) {
    const ms = typeof navigator !== "undefined" ? navigator.mediaSession : undefined;
    if (!ms || typeof MediaMetadata === "undefined") return;
    const { actions, playNext } = options;
    const seeker = options.seeker ?? actions;
    const seekTo = options.seekTo ?? ((seconds: number) => actions.seekTo(seconds));
    ms.metadata = new MediaMetadata({ title: options.title, artist: "Marquee" });
    this.handlers.push(
      ["play", () => actions.play()],
      ["pause", () => actions.pause()],
      ["seekbackward", (d) => seeker.seekBy(-(d.seekOffset ?? 10))],
      ["seekforward", (d) => seeker.seekBy(d.seekOffset ?? 10)],
      ["seekto", (d) => d.seekTime !== undefined && Number.isFinite(d.seekTime) && seekTo(d.seekTime)],
    );
    if (playNext) this.handlers.push(["nexttrack", () => playNext()]);
    this.registerListeners();
  }

  protected registerListeners(): void {
    for (const [action, handler] of this.handlers) this.setHandler(action, handler);
  }

  protected unregisterListeners(): void {
    for (const [action] of this.handlers) this.setHandler(action, null);
  }

  destroy(): void {
    this.unregisterListeners();
  }

  private setHandler(action: MediaSessionAction, handler: MediaSessionActionHandler | null): void {
    try {
      navigator.mediaSession.setActionHandler(action, handler);
    } catch {
      // Action not supported by this browser.
    }
  }
}
