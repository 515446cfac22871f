import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DOWNLOAD_PLAY_WINDOW_MS, downloadPlayableUntil, downloadRungs, STANDARD_DOWNLOAD_MAX_HEIGHT_PX } from "../../common/downloads.ts";

describe("download choices", () => {
  it("Standard is the tallest rung up to 540p (else the shortest), Higher the tallest within the limit and only when taller", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4320 }), { maxLength: 8 }), fc.integer({ min: 1, max: 4320 }), (heights, limit) => {
        const within = heights.filter((h) => h <= limit);
        const rungs = downloadRungs(heights, limit);
        if (within.length === 0) {
          expect(rungs).toEqual([]);
          return;
        }
        const standard = rungs[0]!;
        expect(standard.quality).toBe("standard");
        const small = within.filter((h) => h <= STANDARD_DOWNLOAD_MAX_HEIGHT_PX);
        expect(standard.heightPx).toBe(small.length ? Math.max(...small) : Math.min(...within));
        const tallest = Math.max(...within);
        expect(rungs.slice(1)).toEqual(tallest > standard.heightPx ? [{ quality: "higher", heightPx: tallest }] : []);
      }),
    );
  });

  it("a download plays until its expiry, or 48 h after its first play if sooner", () => {
    expect(downloadPlayableUntil({ expiresAt: 1000, firstPlayedAt: null })).toBe(1000);
    expect(downloadPlayableUntil({ expiresAt: 10 * DOWNLOAD_PLAY_WINDOW_MS, firstPlayedAt: 5 })).toBe(5 + DOWNLOAD_PLAY_WINDOW_MS);
    expect(downloadPlayableUntil({ expiresAt: 100, firstPlayedAt: 5 })).toBe(100);
  });
});
