/** The premiere's wall-clock sync (client/src/player/controllers/premiere-sync.ts): which seeks stop it following the live point. */
import type Hls from "hls.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PremiereSyncController } from "../../client/src/player/controllers/premiere-sync.ts";

/** The parts of a <video> the controller reads and sets; `seek` moves it and fires `seeked` as the element does. */
class FakeVideo extends EventTarget {
  currentTime = 0;
  paused = false;
  seeking = false;
  playbackRate = 1;
  dataset: Record<string, string> = {};
  seek(to: number): void {
    this.currentTime = to;
    this.dispatchEvent(new Event("seeked"));
  }
  /** Plays for `ms` of wall-clock time at the current rate, in 100 ms steps. */
  play(ms: number): void {
    for (let t = 0; t < ms; t += 100) {
      this.currentTime += 0.1 * this.playbackRate;
      vi.advanceTimersByTime(100);
    }
  }
}

/** A premiere whose media time 0 was shown at wall-clock `startMs`, watched with a 3 s target latency. */
function setup(startMs: number) {
  const video = new FakeVideo();
  const hls = { targetLatency: 3, get playingDate() { return new Date(startMs + video.currentTime * 1000); } };
  const sync = new PremiereSyncController({ video: video as unknown as HTMLVideoElement, hls: () => hls as unknown as Hls, endsAt: Date.now() + 3_600_000 });
  return { video, sync };
}

describe("PremiereSyncController", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("closes a gap left by hls.js's own start seek, however far off it lands", () => {
    // The live point is media time 100 (now − 3 s); hls.js's start seek lands 8 s behind it on a slow start.
    const { video, sync } = setup(Date.now() - 103_000);
    video.seek(92);
    video.play(1000);
    // The first check saw the frame 8 s behind and jumped.
    expect(Number(video.dataset.premiereGapMs)).toBeGreaterThan(2000);
    expect(video.currentTime).toBeCloseTo(101, 0);
    video.play(1000);
    expect(Math.abs(Number(video.dataset.premiereGapMs))).toBeLessThan(150);
    sync.destroy();
  });

  it("leaves a viewer who seeks back in the window there, and follows again once they return near the live point", () => {
    const { video, sync } = setup(Date.now() - 103_000);
    video.currentTime = 100;
    sync.viewerSeeked();
    video.seek(60);
    video.play(3000);
    // Forty seconds behind, and left there: no jump, no faster play.
    expect(video.currentTime).toBeCloseTo(63, 5);
    expect(video.playbackRate).toBe(1);
    sync.viewerSeeked();
    video.seek(102);
    video.play(1000);
    // Back within reach of the live point (now 104): followed again, 1 s behind → a faster play.
    expect(video.playbackRate).toBeGreaterThan(1);
    sync.destroy();
  });
});
