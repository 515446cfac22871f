import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { episodeAfter, type OrderedSeason } from "../../../client/src/offline/episode-order.ts";

const ep = (id: number, number: number, media = true) => ({ id, number, name: `E${number}`, mediaSeconds: media ? 600 : null });

describe("episodeAfter (smart downloads' next episode)", () => {
  it("goes on within a season, then to the next season, skipping episodes without video", () => {
    const seasons: OrderedSeason[] = [
      { number: 2, episodes: [ep(21, 1), ep(22, 2, false), ep(23, 3)] },
      { number: 1, episodes: [ep(12, 2), ep(11, 1)] },
    ];
    expect(episodeAfter(seasons, 11)).toMatchObject({ id: 12, season: 1 });
    expect(episodeAfter(seasons, 12)).toMatchObject({ id: 21, season: 2 });
    expect(episodeAfter(seasons, 21)).toMatchObject({ id: 23, season: 2 });
    expect(episodeAfter(seasons, 23)).toBeNull();
    expect(episodeAfter(seasons, 99)).toBeNull();
  });

  it("always answers the first later episode with video in (season, episode) order", () => {
    const seasonArb = fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }).chain((numbers) =>
      fc.tuple(...numbers.map((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 })))),
    );
    fc.assert(
      fc.property(seasonArb, fc.nat(), (raw, pick) => {
        const seasons: OrderedSeason[] = raw.map(([n, eps, media]) => ({ number: n, episodes: eps.map((e, i) => ep(n * 100 + e, e, media[i])) }));
        const order = seasons.flatMap((s) => s.episodes.map((e) => ({ key: s.number * 100 + e.number, e }))).sort((a, b) => a.key - b.key);
        const from = order[pick % order.length]!;
        const next = episodeAfter(seasons, from.e.id);
        const expected = order.find((o) => o.key > from.key && o.e.mediaSeconds);
        expect(next?.id ?? null).toBe(expected?.e.id ?? null);
      }),
    );
  });
});
