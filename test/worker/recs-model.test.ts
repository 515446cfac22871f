/** The recommendation engine's building blocks (worker/recs): features, co-watching, the blend, affinity, diversity. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { becauseSeeds, genreAffinity, MAX_SEEDS, profileSeeds, seedTitleIds } from "../../worker/recs/affinity.ts";
import { applyView, countHistory, coWatchNeighbours, emptyCoWatch, RECENT_TITLES, shrunkCosine } from "../../worker/recs/cowatch.ts";
import { genreJaccard, mmr } from "../../worker/recs/diversify.ts";
import { buildFeatureIndex, contentNeighbours, contentSimilarity, eraSimilarity, keywordTokens, type FeatureSource } from "../../worker/recs/features.ts";
import { personalScores, ranked, similarityModel, similarTo } from "../../worker/recs/similarity.ts";
import type { ProfileSignals } from "../../worker/recs/types.ts";

const DAY_MS = 86_400_000;
const film = (id: number, over: Partial<FeatureSource> = {}): FeatureSource => ({
  id, genres: ["Drama"], cast: [], crew: [], description: "", releaseYear: 2000, ...over,
});
const noSignals: ProfileSignals = { maxMaturityAge: 18, watched: [], ratings: [], myList: [], onboarding: null };

describe("content features", () => {
  const catalog = [
    film(1, { genres: ["Horror"], cast: ["Ann Ray", "Bo Lin"], description: "A haunted lighthouse keeper hears voices in the fog.", releaseYear: 1985 }),
    film(2, { genres: ["Horror"], cast: ["Ann Ray"], description: "Voices from a haunted lighthouse call a sailor home.", releaseYear: 1988 }),
    film(3, { genres: ["Horror"], cast: ["Cy Dot"], description: "A family moves into a farmhouse.", releaseYear: 2015 }),
    film(4, { genres: ["Comedy"], cast: ["Di Eve"], description: "Two chefs open a food truck.", releaseYear: 2015 }),
    film(5, { genres: ["Comedy"], cast: ["Di Eve"], description: "A food truck war between two chefs.", releaseYear: 2016 }),
    film(6, { genres: ["Documentary"], description: "Penguins.", releaseYear: 1950 }),
  ];
  const index = buildFeatureIndex(catalog);

  it("keywords drop stopwords, short words and numbers", () => {
    expect(keywordTokens("The 1985 film is about a haunted lighthouse, and it stars Ann")).toEqual(["haunted", "lighthouse", "ann"]);
  });

  it("titles sharing genre, cast, keywords and era are more alike than titles sharing only a genre", () => {
    expect(contentSimilarity(index, 1, 2)).toBeGreaterThan(contentSimilarity(index, 1, 3));
    expect(contentSimilarity(index, 4, 5)).toBeGreaterThan(contentSimilarity(index, 3, 4));
  });

  it("titles sharing nothing but their decade are not related, and similarity is symmetric and at most 1", () => {
    expect(contentSimilarity(index, 3, 4)).toBe(0);
    expect(contentNeighbours(index, 6).size).toBe(0);
    for (const a of catalog) {
      for (const b of catalog) {
        const s = contentSimilarity(index, a.id, b.id);
        expect(s).toBeCloseTo(contentSimilarity(index, b.id, a.id), 12);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
      }
    }
  });

  it("contentNeighbours gives exactly contentSimilarity for every related title", () => {
    for (const a of catalog) {
      for (const [b, s] of contentNeighbours(index, a.id)) expect(s).toBeCloseTo(contentSimilarity(index, a.id, b), 12);
    }
  });

  it("era similarity is 1 within a decade, 2/3 next door, 1/6 two apart, 0 beyond", () => {
    expect([eraSimilarity(1990, 1990), eraSimilarity(1990, 2000), eraSimilarity(1990, 1970), eraSimilarity(1990, 1960)]).toEqual([1, 2 / 3, 1 / 6, 0]);
  });
});

describe("co-watching", () => {
  it("a title new to a profile's window pairs with the window; a re-view counts nothing", () => {
    expect(applyView([1, 2], 3)).toEqual({ recent: [1, 2, 3], isNew: true, pairedWith: [1, 2] });
    expect(applyView([1, 2, 3], 1)).toEqual({ recent: [2, 3, 1], isNew: false, pairedWith: [] });
  });

  it("one profile bingeing a pair over and over counts it once", () => {
    const counts = emptyCoWatch();
    countHistory(counts, [1, 2, 1, 2, 1, 2, 1, 2]);
    expect(counts.pairs.get(1)?.get(2)).toBe(1);
    expect(counts.viewers.get(1)).toBe(1);
  });

  it("the window holds RECENT_TITLES titles: older ones stop pairing", () => {
    const counts = emptyCoWatch();
    countHistory(counts, Array.from({ length: RECENT_TITLES + 2 }, (_, i) => i + 1));
    const last = RECENT_TITLES + 2;
    expect(counts.pairs.get(last)?.size).toBe(RECENT_TITLES);
    expect(counts.pairs.get(last)?.has(1)).toBe(false);
  });

  it("the shrunk cosine stays in 0..1, grows with co-views and shrinks pairs seen by few profiles", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 100, noNaN: true }), (c, na, nb, lambda) => {
        const s = shrunkCosine(c, c + na, c + nb, lambda);
        expect(s).toBeGreaterThan(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(shrunkCosine(c + 1, c + 1 + na, c + 1 + nb, lambda)).toBeGreaterThanOrEqual(s * (1 - 1e-12));
      }),
    );
    // Both watched by everyone who watched either: 1 pair seen once is far below 1 pair seen by 100.
    expect(shrunkCosine(1, 1, 1, 10)).toBeLessThan(0.1);
    expect(shrunkCosine(100, 100, 100, 10)).toBeGreaterThan(0.9);
  });

  it("neighbours rank the title most watched together first", () => {
    const counts = emptyCoWatch();
    for (let p = 0; p < 30; p++) countHistory(counts, p < 20 ? [1, 2] : [1, 3]);
    const n = coWatchNeighbours(counts, 1, 5);
    expect(n.get(2)!).toBeGreaterThan(n.get(3)!);
  });
});

describe("the blend and personal scores", () => {
  const catalog = [film(1, { genres: ["Horror"] }), film(2, { genres: ["Horror"] }), film(3, { genres: ["Comedy"] }), film(4, { genres: ["Comedy"] })];
  const features = buildFeatureIndex(catalog);
  const counts = emptyCoWatch();
  for (let p = 0; p < 40; p++) countHistory(counts, [1, 3]);

  it("the content weight moves the blend between content neighbours and co-watch neighbours", () => {
    const content = similarTo(similarityModel(features, counts, { content: 1, shrinkage: 5, popularity: 0, seedHalfLifeDays: 30 }), 1);
    const cowatch = similarTo(similarityModel(features, counts, { content: 0, shrinkage: 5, popularity: 0, seedHalfLifeDays: 30 }), 1);
    expect(ranked(content)[0]).toBe(2);
    expect(ranked(cowatch)[0]).toBe(3);
    const half = similarTo(similarityModel(features, counts, { content: 0.5, shrinkage: 5, popularity: 0, seedHalfLifeDays: 30 }), 1);
    for (const id of [2, 3]) expect(half.get(id)).toBeCloseTo(0.5 * (content.get(id) ?? 0) + 0.5 * (cowatch.get(id) ?? 0), 12);
  });

  it("a thumbs-down seed pushes its neighbours below neutral titles", () => {
    const model = similarityModel(features, emptyCoWatch(), { content: 1, shrinkage: 5, popularity: 0, seedHalfLifeDays: 30 });
    const scores = personalScores(model, [{ titleId: 1, weight: -1 }], new Map(), [2, 3, 4]);
    expect(scores.get(2)!).toBeLessThan(scores.get(3)!);
  });

  it("without seeds the personal score is the popularity prior", () => {
    const model = similarityModel(features, counts, { content: 0.5, shrinkage: 5, popularity: 0.3, seedHalfLifeDays: 30 });
    expect(personalScores(model, [], new Map([[2, 1], [3, 0.5]]), [2, 3, 4])).toEqual(new Map([[2, 0.3], [3, 0.15], [4, 0]]));
  });
});

describe("profile affinity", () => {
  const now = Date.UTC(2030, 5, 1);

  it("recent signals outweigh old ones by the half-life, and a thumbs down turns a watched title negative", () => {
    const seeds = profileSeeds({
      ...noSignals,
      watched: [{ titleId: 1, atMs: now, progress: 1, finished: true }, { titleId: 2, atMs: now - 30 * DAY_MS, progress: 1, finished: true }],
      ratings: [{ titleId: 3, value: -1, atMs: now }],
    }, now, 30);
    const w = new Map(seeds.map((s) => [s.titleId, s.weight]));
    expect(w.get(1)).toBeCloseTo(1, 12);
    expect(w.get(2)).toBeCloseTo(0.5, 12);
    expect(w.get(3)).toBeLessThan(0);
  });

  it("at most MAX_SEEDS seeds, the strongest, and seedTitleIds names them for the co-watch read", () => {
    const watched = Array.from({ length: MAX_SEEDS + 5 }, (_, i) => ({ titleId: i + 1, atMs: now - i * DAY_MS, progress: 1, finished: true }));
    const ids = seedTitleIds({ ...noSignals, watched }, now);
    expect(ids).toEqual(Array.from({ length: MAX_SEEDS }, (_, i) => i + 1));
  });

  it("onboarding picks seed affinity on their own, and genre affinity follows the seeds' genres", () => {
    const seeds = profileSeeds({ ...noSignals, onboarding: { titleIds: [1, 2, 3], atMs: now } }, now, 30);
    expect(seeds.map((s) => s.titleId).sort()).toEqual([1, 2, 3]);
    const genres: Record<number, string[]> = { 1: ["Horror"], 2: ["Horror", "Comedy"], 3: ["Horror"] };
    const a = genreAffinity(seeds, (id) => genres[id]);
    expect(a.get("Horror")).toBeCloseTo(2.5, 12);
    expect(a.get("Comedy")).toBeCloseTo(0.5, 12);
  });

  it("'Because you …' seeds are the newest clearly liked titles, never a thumbs down", () => {
    const s = becauseSeeds({
      ...noSignals,
      watched: [
        { titleId: 1, atMs: now - 3, progress: 1, finished: true },
        { titleId: 2, atMs: now - 1, progress: 0.1, finished: false },
        { titleId: 4, atMs: now - 2, progress: 0.9, finished: false },
      ],
      ratings: [{ titleId: 4, value: -1, atMs: now }, { titleId: 5, value: 2, atMs: now - 4 }],
    }, 2);
    expect(s).toEqual([{ titleId: 1, reason: "watched", atMs: now - 3 }, { titleId: 5, reason: "liked", atMs: now - 4 }]);
  });
});

describe("diversity (MMR)", () => {
  it("λ = 1 keeps the ranking; a lower λ spreads a row over genres", () => {
    const genres: Record<number, string[]> = { 1: ["A"], 2: ["A"], 3: ["A"], 4: ["B"], 5: ["C"] };
    const sim = (a: number, b: number) => genreJaccard(genres[a]!, genres[b]!);
    const c = [1, 2, 3, 4, 5].map((id) => ({ id, score: 10 - id }));
    expect(mmr(c, 5, sim, 1)).toEqual([1, 2, 3, 4, 5]);
    expect(mmr(c, 3, sim, 0.5)).toEqual([1, 4, 5]);
  });

  it("MMR returns distinct candidates, as many as asked for or available", () => {
    let several = 0;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 40 }), fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), (ids, k, lambda) => {
        const out = mmr(ids.map((id) => ({ id, score: id % 7 })), k, (a, b) => (a % 3 === b % 3 ? 1 : 0), lambda);
        expect(new Set(out).size).toBe(out.length);
        expect(out.length).toBe(Math.min(k, ids.length));
        for (const id of out) expect(ids).toContain(id);
        if (out.length >= 2) several++;
      }),
    );
    expect(several, "runs where MMR chose two or more").toBeGreaterThan(0);
  });
});
