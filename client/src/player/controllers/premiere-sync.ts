/**
 * A premiere keeps every viewer at the same wall-clock position: the one whose
 * PROGRAM-DATE-TIME is now minus hls.js's target latency. hls.js alone places a
 * live start from the playlist's edge and the time since it was loaded, which is
 * off by up to a segment (the edge only moves when a segment is published), so
 * two viewers could sit seconds apart. Each second this compares the frame on
 * screen (`hls.playingDate`) with the wall clock and closes the gap: a jump when
 * it is over 2 s, else a playback rate within ±5 % (no audible pitch shift,
 * `preservesPitch`). hls.js's own catch-up is off for a premiere (it would chase
 * the same misplaced edge). A viewer who goes back in the window is left there;
 * one who returns near the live point is followed again. Only the viewer's own
 * seeks (`viewerSeeked`, from PlaybackActions) decide that: hls.js seeks too —
 * to its start position once the first fragment is in, and to nudge over a
 * stall — and on a slow start that first seek can land seconds off the live
 * point, which is the very gap this controller is here to close.
 */
import type Hls from "hls.js";
import type { HlsConfig } from "hls.js";
import type { PlayerController } from "./controller.ts";

/** Within this of the wall-clock position, nothing is adjusted (ms). */
const IN_STEP_MS = 150;
/** Further than this, a jump rather than a faster or slower play (ms). */
const JUMP_MS = 2000;
/** A seek that lands within this of the live position keeps (or resumes) following (ms). */
const FOLLOW_MS = 4000;
const MAX_RATE_CHANGE = 0.05;

/**
 * hls.js settings for a premiere: the wall clock, not hls.js, decides the pace.
 * In its first seconds a premiere's playlist lists no segment yet (the first is
 * published once it has been shown in full); hls.js retries an empty live
 * playlist only twice (~3 s) before giving up, so a viewer who pressed Watch
 * live at the start would see an error. Here it keeps asking, about every 2 s
 * for ~15 s, which covers a first segment (a 4xx still fails at once).
 */
export function premiereHlsConfig(): Partial<HlsConfig> {
  return {
    maxLiveSyncPlaybackRate: 1,
    playlistLoadPolicy: {
      default: {
        maxTimeToFirstByteMs: 10_000,
        maxLoadTimeMs: 20_000,
        timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
        errorRetry: { maxNumRetry: 8, retryDelayMs: 1000, maxRetryDelayMs: 2000 },
      },
    },
  };
}

export class PremiereSyncController implements PlayerController {
  private readonly timer: ReturnType<typeof setInterval>;
  private following = true;
  /** The viewer asked for a seek; its `seeked` decides whether to keep following. */
  private viewerSeek = false;
  private readonly onSeeked = () => {
    if (!this.viewerSeek) return;
    this.viewerSeek = false;
    const gap = this.gapMs();
    if (gap !== null) this.following = Math.abs(gap) < FOLLOW_MS;
  };

  constructor(private readonly o: { video: HTMLVideoElement; hls: () => Hls | null; endsAt: number; now?: () => number }) {
    this.registerListeners();
    this.timer = setInterval(() => this.step(), 1000);
  }

  /** The viewer seeks (the seek bar, ±10 s, the badge, the OS controls): where it lands decides whether to follow. */
  viewerSeeked(): void {
    this.viewerSeek = true;
  }

  /** How far the frame on screen is behind the wall-clock position (ms; negative: ahead), or null before it is known. */
  gapMs(): number | null {
    const hls = this.o.hls();
    const date = hls?.playingDate;
    const latency = hls?.targetLatency;
    if (!date || latency == null) return null;
    return (this.o.now ?? Date.now)() - latency * 1000 - date.getTime();
  }

  private step(): void {
    const { video } = this.o;
    const gap = this.gapMs();
    video.dataset.premiereGapMs = gap === null ? "" : String(Math.round(gap));
    if (gap === null || video.paused || video.seeking || !this.following) return;
    if ((this.o.now ?? Date.now)() >= this.o.endsAt) return void (video.playbackRate = 1);
    if (Math.abs(gap) > JUMP_MS) {
      video.currentTime += gap / 1000;
      video.playbackRate = 1;
    } else if (Math.abs(gap) > IN_STEP_MS) {
      video.playbackRate = 1 + Math.max(-MAX_RATE_CHANGE, Math.min(MAX_RATE_CHANGE, gap / 20_000));
    } else {
      video.playbackRate = 1;
    }
  }

  protected registerListeners(): void {
    this.o.video.addEventListener("seeked", this.onSeeked);
  }

  protected unregisterListeners(): void {
    this.o.video.removeEventListener("seeked", this.onSeeked);
  }

  destroy(): void {
    this.unregisterListeners();
    clearInterval(this.timer);
  }
}
