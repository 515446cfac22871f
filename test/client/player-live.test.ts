/** The live-edge rules (client/src/player/live.ts): the view of the DVR window, where a seek may land, the "−0:06" label, and when a stream counts as interrupted. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceClock,
  AT_EDGE_TOLERANCE_S,
  behindLabel,
  INTERRUPTED_AFTER_S,
  isInterrupted,
  isRecovery,
  RECOVERED_GROWTH_S,
  liveView,
  seekTarget,
  WINDOW_START_MARGIN_S,
  type LiveWindow,
} from "../../client/src/player/live.ts";

/** A live window as hls.js reports one: a seekable range somewhere on the timeline, the sync point inside it or unknown. */
const windows = fc
  .record({
    start: fc.double({ min: 0, max: 1e6, noNaN: true }),
    length: fc.double({ min: 0.01, max: 7200, noNaN: true }),
    holdBack: fc.option(fc.double({ min: -5, max: 30, noNaN: true })),
  })
  .map(({ start, length, holdBack }): LiveWindow => ({ seekableStart: start, seekableEnd: start + length, liveSyncPosition: holdBack === null ? null : start + length - holdBack }));

const anyTime = fc.oneof(fc.double({ min: -1e7, max: 1e7 }), fc.constantFrom(Number.NaN, Infinity, -Infinity));

describe("liveView", () => {
  it("puts the edge at hls.js's live sync position, and the viewer there is live", () => {
    const w = { seekableStart: 100, seekableEnd: 160, liveSyncPosition: 157 };
    expect(liveView(w, 157)).toEqual({ start: 100, edge: 157, position: 157, behindSeconds: 0, atEdge: true });
    expect(liveView(w, 157 - AT_EDGE_TOLERANCE_S)?.atEdge).toBe(true);
    expect(liveView(w, 147)).toMatchObject({ behindSeconds: 10, atEdge: false });
    // Catch-up can carry the playhead a little past the sync point: still live, never "behind" by a negative amount.
    expect(liveView(w, 158.5)).toMatchObject({ behindSeconds: 0, atEdge: true });
  });

  it("falls back to the seekable end without a sync position (native HLS) and clamps one outside the window", () => {
    expect(liveView({ seekableStart: 0, seekableEnd: 30, liveSyncPosition: null }, 20)).toMatchObject({ edge: 30, behindSeconds: 10 });
    expect(liveView({ seekableStart: 0, seekableEnd: 30, liveSyncPosition: 45 }, 20)?.edge).toBe(30);
    expect(liveView({ seekableStart: 10, seekableEnd: 30, liveSyncPosition: 2 }, 20)?.edge).toBe(10);
  });

  it("is null without a window (nothing loaded yet, an empty or broken range)", () => {
    expect(liveView(null, 0)).toBeNull();
    expect(liveView({ seekableStart: 5, seekableEnd: 5, liveSyncPosition: null }, 5)).toBeNull();
    expect(liveView({ seekableStart: 0, seekableEnd: Infinity, liveSyncPosition: null }, 5)).toBeNull();
  });

  it("property: the edge is inside the window and behindSeconds is never negative", () => {
    fc.assert(
      fc.property(windows, anyTime, (w, position) => {
        const v = liveView(w, position)!;
        expect(v.edge).toBeGreaterThanOrEqual(v.start);
        expect(v.edge).toBeLessThanOrEqual(w.seekableEnd);
        expect(v.behindSeconds).toBeGreaterThanOrEqual(0);
        expect(v.atEdge).toBe(v.behindSeconds <= AT_EDGE_TOLERANCE_S);
      }),
    );
  });
});

describe("seekTarget", () => {
  const view = { start: 100, edge: 157 };

  it("keeps a seek inside the window: never past the edge, a moment after the start, the edge for NaN", () => {
    expect(seekTarget(view, 130)).toBe(130);
    expect(seekTarget(view, 200)).toBe(157);
    expect(seekTarget(view, Infinity)).toBe(157);
    expect(seekTarget(view, 20)).toBe(100 + WINDOW_START_MARGIN_S);
    expect(seekTarget(view, -Infinity)).toBe(100 + WINDOW_START_MARGIN_S);
    expect(seekTarget(view, Number.NaN)).toBe(157);
    // A window shorter than the margin: the edge.
    expect(seekTarget({ start: 10, edge: 10.5 }, 0)).toBe(10.5);
  });

  it("property: every seek lands inside the window and never beyond the live edge", () => {
    fc.assert(
      fc.property(windows, anyTime, anyTime, (w, position, wanted) => {
        const v = liveView(w, position)!;
        const t = seekTarget(v, wanted);
        expect(t).toBeGreaterThanOrEqual(v.start);
        expect(t).toBeLessThanOrEqual(v.edge);
        // Inside the window a seek goes where it was asked (past the start margin).
        if (wanted >= v.start + WINDOW_START_MARGIN_S && wanted <= v.edge) expect(t).toBe(wanted);
      }),
    );
  });

  it("property: seeking forward from anywhere, however far, ends at the edge and reads as live", () => {
    fc.assert(
      fc.property(windows, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 7200, max: 1e9, noNaN: true }), (w, at, delta) => {
        const v = liveView(w, w.seekableStart + at * (w.seekableEnd - w.seekableStart))!;
        const t = seekTarget(v, v.position + delta);
        expect(t).toBe(v.edge);
        expect(liveView(w, t)?.atEdge).toBe(true);
      }),
    );
  });
});

describe("behindLabel", () => {
  it('reads "−0:06" style, rounded to the second, with hours when it takes them', () => {
    expect(behindLabel(6)).toBe("−0:06");
    expect(behindLabel(6.4)).toBe("−0:06");
    expect(behindLabel(9.6)).toBe("−0:10");
    expect(behindLabel(754)).toBe("−12:34");
    expect(behindLabel(3723)).toBe("−1:02:03");
    expect(behindLabel(0)).toBe("−0:00");
    expect(behindLabel(-3)).toBe("−0:00");
    expect(behindLabel(Number.NaN)).toBe("−0:00");
  });

  it("property: always a minus sign (U+2212) and a clock, whatever the input", () => {
    fc.assert(
      fc.property(anyTime, (s) => {
        expect(behindLabel(s)).toMatch(/^−(\d+:)?\d{1,2}:\d{2}$/);
      }),
    );
  });
});

describe("isInterrupted", () => {
  it("holds only while playing near the edge with no progress for INTERRUPTED_AFTER_S", () => {
    expect(isInterrupted({ playing: true, behindSeconds: 0, stalledSeconds: INTERRUPTED_AFTER_S })).toBe(true);
    expect(isInterrupted({ playing: true, behindSeconds: 0, stalledSeconds: INTERRUPTED_AFTER_S - 0.5 })).toBe(false);
    expect(isInterrupted({ playing: false, behindSeconds: 0, stalledSeconds: 60 })).toBe(false);
    // Behind in the DVR window there is still something to play: a stall there is not the encoder.
    expect(isInterrupted({ playing: true, behindSeconds: AT_EDGE_TOLERANCE_S + 5, stalledSeconds: 60 })).toBe(false);
  });

  it("follows the progress clock: a stalled playhead trips it after 4 s, moving again clears it, a pause resets it", () => {
    const at = (clock: ReturnType<typeof advanceClock>, nowMs: number) => isInterrupted({ playing: true, behindSeconds: 0, stalledSeconds: (nowMs - clock.movedAtMs) / 1000 });
    let clock = advanceClock(null, { position: 10, playing: true }, 0);
    for (let ms = 500; ms <= 3500; ms += 500) {
      clock = advanceClock(clock, { position: 10, playing: true }, ms);
      expect(at(clock, ms)).toBe(false);
    }
    clock = advanceClock(clock, { position: 10, playing: true }, 4000);
    expect(at(clock, 4000)).toBe(true);
    clock = advanceClock(clock, { position: 10.5, playing: true }, 4500);
    expect(at(clock, 4500)).toBe(false);
    // Paused for a minute, then played: the pause was not a stall.
    clock = advanceClock(clock, { position: 10.5, playing: false }, 64_500);
    clock = advanceClock(clock, { position: 10.5, playing: true }, 65_000);
    expect(at(clock, 65_000)).toBe(false);
  });
});

describe("isRecovery", () => {
  it("is the broadcast's return only when playing and the window's end has moved on since the picture stopped", () => {
    // The encoder restarted and published six seconds before the player reloaded: the viewer is behind, still "Back live".
    expect(isRecovery({ playing: true, endWhenStopped: 120, end: 126 })).toBe(true);
    expect(isRecovery({ playing: true, endWhenStopped: 120, end: 120 + RECOVERED_GROWTH_S })).toBe(true);
    // A seek back into the window ends the notice with nothing new published.
    expect(isRecovery({ playing: true, endWhenStopped: 120, end: 120 })).toBe(false);
    // A pause ends it too; so does an engine with no window.
    expect(isRecovery({ playing: false, endWhenStopped: 120, end: 130 })).toBe(false);
    expect(isRecovery({ playing: true, endWhenStopped: null, end: 130 })).toBe(false);
    expect(isRecovery({ playing: true, endWhenStopped: 120, end: null })).toBe(false);
  });

  it("never announces a window that did not grow, whatever the numbers", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: RECOVERED_GROWTH_S * 0.99, noNaN: true }), (playing, stopped, growth) => {
        expect(isRecovery({ playing, endWhenStopped: stopped, end: stopped + growth })).toBe(false);
      }),
    );
  });
});
