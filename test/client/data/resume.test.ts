import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resumeSummary, watchedShare, withEntry, type PositionEntry, type TitlePositions } from "../../../client/src/data/resume.ts";

const entry = (over: Partial<PositionEntry> = {}): PositionEntry => ({ titleId: 3, episodeId: null, positionSeconds: 600, durationSeconds: 1320, updatedAt: 1000, finished: false, ...over });

describe("a title page's resume state (client/src/data/resume.ts)", () => {
  it("offers the most recent position, not one barely started, finished or at the very end", () => {
    const positions = (...es: PositionEntry[]) => es.reduce<TitlePositions>((m, e) => withEntry(m, 3, e), new Map());
    expect(resumeSummary(positions(entry()))).toEqual({ episodeId: null, positionSeconds: 600, share: 600 / 1320, secondsLeft: 720 });
    expect(resumeSummary(positions(entry({ positionSeconds: 0 })))).toBeNull();
    expect(resumeSummary(positions(entry({ positionSeconds: 1300 })))).toBeNull();
    expect(resumeSummary(positions(entry({ finished: true })))).toBeNull();
    // A series: the episode watched last is the one in progress.
    const series = positions(entry({ episodeId: 11, updatedAt: 5 }), entry({ episodeId: 12, positionSeconds: 300, updatedAt: 9 }));
    expect(resumeSummary(series)?.episodeId).toBe(12);
  });

  it("keeps the newer position of an episode whatever order entries arrive in, and ignores other titles", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ episodeId: fc.constantFrom(null, 1, 2), updatedAt: fc.integer({ min: 0, max: 50 }), positionSeconds: fc.integer({ min: 0, max: 1320 }) }), { minLength: 1, maxLength: 12 }), (es) => {
        const all = es.map((e) => entry(e));
        let positions: TitlePositions = withEntry(new Map(), 3, entry({ titleId: 4 }));
        expect(positions.size).toBe(0);
        for (const e of all) positions = withEntry(positions, 3, e);
        for (const [key, kept] of positions) {
          const newest = Math.max(...all.filter((e) => (e.episodeId ?? 0) === key).map((e) => e.updatedAt));
          expect(kept.updatedAt).toBe(newest);
        }
        expect(positions.size).toBe(new Set(all.map((e) => e.episodeId ?? 0)).size);
      }),
    );
  });

  it("shows a finished episode as fully watched and clamps a share to 0–1", () => {
    expect(watchedShare(entry({ finished: true, positionSeconds: 10 }))).toBe(1);
    expect(watchedShare(entry({ positionSeconds: 2000 }))).toBe(1);
    expect(watchedShare(entry({ durationSeconds: 0 }))).toBe(0);
  });
});
