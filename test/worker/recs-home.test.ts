/** buildHome (worker/recs/home.ts): the rules hold for every row, the fold shows a title once, cold start, onboarding, context. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayPart, foldRows, orderRows, rowPriority } from "../../worker/recs/context.ts";
import { countHistory, emptyCoWatch } from "../../worker/recs/cowatch.ts";
import { buildHome, onboardingChoices } from "../../worker/recs/home.ts";
import type { DeviceClass, Home, HomeInput, ProfileSignals, RecTitle } from "../../worker/recs/types.ts";

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2030, 5, 1, 20);
const GENRES = ["Action", "Comedy", "Drama", "Horror", "Family", "Documentary", "Romance", "Thriller"];
const WORDS = ["heist", "ghost", "island", "wedding", "robot", "detective", "dragon", "summer", "orchestra", "desert"];

function title(id: number, over: Partial<RecTitle> = {}): RecTitle {
  return {
    id, title: `Title ${id}`, type: "movie", genres: [GENRES[id % GENRES.length]!], cast: [`Actor ${id % 13}`], crew: [],
    description: `${WORDS[id % WORDS.length]} ${WORDS[(id * 3) % WORDS.length]}`, releaseYear: 1980 + (id % 45), runtimeMinutes: 100,
    popularity: ((id * 37) % 100) / 100, addedAtMs: NOW - (id % 200) * DAY_MS, maturityAge: 0,
    availability: [{ region: "WW", startsAtMs: NOW - 400 * DAY_MS, endsAtMs: null }], ...over,
  };
}

const noSignals: ProfileSignals = { maxMaturityAge: 18, watched: [], ratings: [], myList: [], onboarding: null };

function input(titles: RecTitle[], over: Partial<HomeInput> = {}): HomeInput {
  return {
    titles, profile: noSignals, nowMs: NOW,
    stats: { trending: [], top: [], coWatch: emptyCoWatch() },
    context: { country: "FR", localHour: 20, device: "desktop" },
    ...over,
  };
}

/** Independent statement of the rules: ceiling, a region row for the country or WW, its window holding now. */
function allowed(t: RecTitle, country: string, maxAge: number, nowMs: number): boolean {
  const windowOk = (a: RecTitle["availability"][number]) => a.startsAtMs <= nowMs && (a.endsAtMs === null || nowMs < a.endsAtMs);
  return t.maturityAge <= maxAge && t.availability.some((a) => [country, "WW"].includes(a.region) && windowOk(a));
}

const shown = (home: Home) => [...(home.hero === null ? [] : [home.hero]), ...home.rows.flatMap((r) => r.titleIds)];

// ---------- generators ----------
const MATURITY = [0, 7, 13, 16, 18] as const;
const arbWindow = fc.record({
  region: fc.constantFrom("WW", "FR", "US", "DE"),
  startsAtMs: fc.integer({ min: -300, max: 30 }).map((d) => NOW + d * DAY_MS),
  endsAtMs: fc.option(fc.integer({ min: -30, max: 300 }).map((d) => NOW + d * DAY_MS), { nil: null }),
});
const arbTitle = (id: number) =>
  fc.record({
    genres: fc.uniqueArray(fc.constantFrom(...GENRES), { minLength: 1, maxLength: 3 }),
    maturityAge: fc.constantFrom(...MATURITY),
    availability: fc.array(arbWindow, { minLength: 0, maxLength: 2 }),
    popularity: fc.double({ min: 0, max: 1, noNaN: true }),
    addedDaysAgo: fc.integer({ min: 0, max: 400 }),
  }).map(({ addedDaysAgo, ...t }) => title(id, { ...t, addedAtMs: NOW - addedDaysAgo * DAY_MS }));
const arbCatalog = fc.integer({ min: 5, max: 60 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbTitle(i + 1))));

const arbHome = arbCatalog.chain((titles) => {
  const ids = titles.map((t) => t.id);
  const id = fc.constantFrom(...ids);
  const at = fc.integer({ min: 0, max: 90 }).map((d) => NOW - d * DAY_MS);
  return fc.record({
    titles: fc.constant(titles),
    profile: fc.record({
      maxMaturityAge: fc.constantFrom(...MATURITY),
      watched: fc.uniqueArray(fc.record({ titleId: id, atMs: at, progress: fc.double({ min: 0, max: 1, noNaN: true }), finished: fc.boolean() }), { selector: (w) => w.titleId, maxLength: 15 }),
      ratings: fc.uniqueArray(fc.record({ titleId: id, value: fc.constantFrom(-1 as const, 1 as const, 2 as const), atMs: at }), { selector: (r) => r.titleId, maxLength: 6 }),
      myList: fc.uniqueArray(fc.record({ titleId: id, addedAtMs: at }), { selector: (l) => l.titleId, maxLength: 8 }),
      onboarding: fc.option(fc.record({ titleIds: fc.uniqueArray(id, { minLength: 3, maxLength: 3 }), atMs: at }), { nil: null }),
    }),
    trending: fc.uniqueArray(fc.record({ titleId: id, score: fc.double({ min: 0.1, max: 100, noNaN: true }) }), { selector: (t) => t.titleId, maxLength: 30 }),
    top: fc.uniqueArray(id, { maxLength: 20 }),
    histories: fc.array(fc.array(id, { maxLength: 8 }), { maxLength: 30 }),
    country: fc.constantFrom("FR", "US", "DE", "JP", "ZZ"),
    localHour: fc.integer({ min: 0, max: 23 }),
    device: fc.constantFrom<DeviceClass>("tv", "desktop", "phone"),
  });
}).map((g): HomeInput => {
  const coWatch = emptyCoWatch();
  for (const h of g.histories) countHistory(coWatch, h);
  return {
    titles: g.titles, profile: g.profile, nowMs: NOW,
    stats: {
      trending: [...g.trending].sort((a, b) => b.score - a.score),
      top: g.top.map((titleId, i) => ({ titleId, score: 100 - i })),
      coWatch,
    },
    context: { country: g.country, localHour: g.localHour, device: g.device },
  };
});

describe("buildHome: properties over random catalogs, profiles, statistics and contexts", () => {
  it("no row and no hero ever holds a title that breaks the profile's maturity ceiling, region or availability window", () => {
    let mattered = 0;
    fc.assert(
      fc.property(arbHome, (inp) => {
        const home = buildHome(inp);
        const byId = new Map(inp.titles.map((t) => [t.id, t]));
        for (const id of shown(home)) expect(allowed(byId.get(id)!, inp.context.country, inp.profile.maxMaturityAge, inp.nowMs)).toBe(true);
        if (shown(home).length > 0 && inp.titles.some((t) => !allowed(t, inp.context.country, inp.profile.maxMaturityAge, inp.nowMs))) mattered++;
      }),
      { numRuns: 300 },
    );
    // Not vacuous: homes with titles were built from catalogs that also held titles the rules had to keep out.
    expect(mattered, "non-empty homes from catalogs with forbidden titles").toBeGreaterThan(0);
  });

  it("finished titles are hidden everywhere, thumbs-down titles everywhere but My List", () => {
    let hidFinished = 0;
    let hidDisliked = 0;
    fc.assert(
      fc.property(arbHome, (inp) => {
        const home = buildHome(inp);
        const finished = new Set(inp.profile.watched.filter((w) => w.finished).map((w) => w.titleId));
        const disliked = new Set(inp.profile.ratings.filter((r) => r.value < 0).map((r) => r.titleId));
        for (const id of shown(home)) expect(finished.has(id)).toBe(false);
        const notMyList = [...(home.hero === null ? [] : [home.hero]), ...home.rows.filter((r) => r.kind !== "my-list").flatMap((r) => r.titleIds)];
        for (const id of notMyList) expect(disliked.has(id)).toBe(false);
        // Counted when the rule had work to do: a title the profile may otherwise see, finished or disliked, in a non-empty home.
        const visible = (id: number) => allowed(inp.titles.find((t) => t.id === id)!, inp.context.country, inp.profile.maxMaturityAge, inp.nowMs);
        if (shown(home).length > 0 && [...finished].some(visible)) hidFinished++;
        if (notMyList.length > 0 && [...disliked].some(visible)) hidDisliked++;
      }),
      { numRuns: 300 },
    );
    expect(hidFinished, "non-empty homes for profiles with a visible finished title").toBeGreaterThan(0);
    expect(hidDisliked, "non-empty homes for profiles with a visible thumbs-down title").toBeGreaterThan(0);
  });

  it("above the fold (hero, Continue Watching, the first rows) a title appears at most once", () => {
    let folds = 0;
    fc.assert(
      fc.property(arbHome, (inp) => {
        const home = buildHome(inp);
        const inProgress = inp.profile.watched.filter((w) => !w.finished).map((w) => w.titleId);
        const above = [...(home.hero === null ? [] : [home.hero]), ...home.rows.slice(0, home.aboveFold).flatMap((r) => r.titleIds)];
        expect(new Set(above).size).toBe(above.length);
        for (const id of inProgress) expect(above).not.toContain(id);
        expect(home.aboveFold).toBeLessThanOrEqual(Math.min(home.rows.length, foldRows(inp.context.device)));
        if (above.length >= 2 && inProgress.length > 0) folds++;
      }),
      { numRuns: 300 },
    );
    expect(folds, "folds of two or more titles for profiles with titles in progress").toBeGreaterThan(0);
  });

  it("every row is non-empty, has unique ids and a unique row id; the output is deterministic", () => {
    let rows = 0;
    fc.assert(
      fc.property(arbHome, (inp) => {
        const home = buildHome(inp);
        expect(new Set(home.rows.map((r) => r.id)).size).toBe(home.rows.length);
        for (const r of home.rows) {
          expect(r.titleIds.length).toBeGreaterThan(0);
          expect(new Set(r.titleIds).size).toBe(r.titleIds.length);
        }
        expect(buildHome(inp)).toEqual(home);
        rows += home.rows.length;
      }),
      { numRuns: 100 },
    );
    expect(rows, "rows checked").toBeGreaterThan(0);
  });
});

describe("buildHome: rows", () => {
  const catalog = Array.from({ length: 120 }, (_, i) => title(i + 1));

  it("a kids profile sees only titles within its ceiling, a French viewer no US-only title, nobody a title outside its window", () => {
    const titles = [
      ...Array.from({ length: 30 }, (_, i) => title(i + 1, { maturityAge: 0 })),
      ...Array.from({ length: 30 }, (_, i) => title(i + 31, { maturityAge: 16, popularity: 1 })),
      ...Array.from({ length: 10 }, (_, i) => title(i + 61, { popularity: 1, availability: [{ region: "US", startsAtMs: 0, endsAtMs: null }] })),
      ...Array.from({ length: 10 }, (_, i) => title(i + 71, { popularity: 1, availability: [{ region: "WW", startsAtMs: NOW + DAY_MS, endsAtMs: null }] })),
      ...Array.from({ length: 10 }, (_, i) => title(i + 81, { popularity: 1, availability: [{ region: "WW", startsAtMs: 0, endsAtMs: NOW }] })),
    ];
    const top = titles.map((t) => ({ titleId: t.id, score: t.popularity }));
    const home = buildHome(input(titles, { profile: { ...noSignals, maxMaturityAge: 7 }, stats: { trending: top, top, coWatch: emptyCoWatch() } }));
    expect(shown(home).length).toBeGreaterThan(20);
    for (const id of shown(home)) expect(id).toBeLessThanOrEqual(30);
  });

  it("a cold profile gets popular, diverse rows: no 'Because you watched', several genres in the popular row", () => {
    // The 40 most popular titles are all Action.
    const titles = catalog.map((t) => (t.id <= 40 ? { ...t, genres: ["Action"], popularity: 0.9 + t.id / 1000 } : { ...t, popularity: t.popularity * 0.5 }));
    const home = buildHome(input(titles));
    expect(home.rows.some((r) => r.kind === "because-you-watched" || r.kind === "picked-for-you")).toBe(false);
    const popular = home.rows.find((r) => r.kind === "popular")!;
    const genresOf = (id: number) => titles[id - 1]!.genres[0]!;
    const firstTen = popular.titleIds.slice(0, 10).map(genresOf);
    expect(new Set(firstTen).size).toBeGreaterThanOrEqual(4);
    expect(firstTen.filter((g) => g === "Action").length).toBeLessThanOrEqual(5);
    expect(home.rows.filter((r) => r.kind === "genre").length).toBeGreaterThanOrEqual(4);
    expect(home.hero).not.toBeNull();
  });

  it("'pick three you like' makes the next home personal: the picks' genre leads the genre rows and a 'Because you liked' row appears", () => {
    const picks = catalog.filter((t) => t.genres[0] === "Horror").slice(0, 3).map((t) => t.id);
    const home = buildHome(input(catalog, { profile: { ...noSignals, onboarding: { titleIds: picks, atMs: NOW - 60_000 } } }));
    expect(home.rows.some((r) => r.kind === "picked-for-you")).toBe(true);
    expect(home.rows.find((r) => r.kind === "genre")!.genre).toBe("Horror");
    const because = home.rows.find((r) => r.kind === "because-you-watched")!;
    expect(because.heading).toMatch(/^Because you liked Title \d+$/);
    expect(picks).toContain(because.seedTitleId);
  });

  it("'Because you watched' blends content neighbours with what others watched next", () => {
    const titles = catalog.map((t) => (t.id === 7 || t.id === 8 ? { ...t, genres: ["Thriller"], cast: ["Star"], description: "submarine sonar captain" } : t));
    const coWatch = emptyCoWatch();
    for (let p = 0; p < 50; p++) countHistory(coWatch, [7, p % 2 ? 55 : 66]);
    const home = buildHome(input(titles, {
      profile: { ...noSignals, watched: [{ titleId: 7, atMs: NOW - DAY_MS, progress: 1, finished: true }] },
      stats: { trending: [], top: [], coWatch },
    }));
    const row = home.rows.find((r) => r.id === "byw-7")!;
    expect(row.heading).toBe("Because you watched Title 7");
    expect(row.titleIds).toContain(8); // same genre, star and plot words
    // Co-watched by 25 profiles each, nothing in common on paper: one is the hero, the other leads the row.
    expect([home.hero, row.titleIds[0]].sort()).toEqual([55, 66]);
    expect(row.titleIds).not.toContain(7);
  });

  it("Top 10 keeps the counted order and names the country; it is dropped when statistics are missing", () => {
    const top = [5, 9, 2, 40, 33].map((titleId, i) => ({ titleId, score: 100 - i }));
    const home = buildHome(input(catalog, { stats: { trending: [], top, coWatch: emptyCoWatch() } }));
    const row = home.rows.find((r) => r.kind === "top10")!;
    expect(row.heading).toBe("Top 10 in France");
    expect(row.titleIds).toEqual([5, 9, 2, 40, 33]);
    expect(buildHome(input(catalog)).rows.some((r) => r.kind === "top10")).toBe(false);
  });

  it("New releases are titles recently added or newly opened in the region", () => {
    const titles = catalog.map((t) => ({ ...t, addedAtMs: NOW - 400 * DAY_MS }));
    titles[9] = { ...titles[9]!, addedAtMs: NOW - 2 * DAY_MS };
    titles[19] = { ...titles[19]!, availability: [{ region: "FR", startsAtMs: NOW - 5 * DAY_MS, endsAtMs: null }] };
    for (const i of [29, 39, 49]) titles[i] = { ...titles[i]!, addedAtMs: NOW - 30 * DAY_MS };
    const row = buildHome(input(titles)).rows.find((r) => r.kind === "new-releases")!;
    expect([...row.titleIds].sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
  });

  it("My List keeps the profile's order and skips titles the profile may not see", () => {
    const titles = catalog.map((t) => (t.id === 3 ? { ...t, maturityAge: 18 } : t));
    const myList = [12, 3, 4, 99].map((titleId) => ({ titleId, addedAtMs: NOW }));
    const home = buildHome(input(titles, { profile: { ...noSignals, maxMaturityAge: 13, myList } }));
    expect(home.rows.find((r) => r.kind === "my-list")!.titleIds).toEqual([12, 4, 99]);
  });
});

describe("context nudges", () => {
  it("parts of the day", () => {
    expect([4, 5, 10, 11, 16, 17, 22, 23].map(dayPart)).toEqual(["late-night", "morning", "morning", "daytime", "daytime", "evening", "evening", "late-night"]);
  });

  it("on a TV in the evening Top 10 comes before New releases; on a phone in the morning the other way round", () => {
    const rows = [{ kind: "new-releases" as const }, { kind: "top10" as const }];
    expect(orderRows(rows, "tv", 20).map((r) => r.kind)).toEqual(["top10", "new-releases"]);
    expect(orderRows(rows, "phone", 8).map((r) => r.kind)).toEqual(["new-releases", "top10"]);
    expect(orderRows(rows, "desktop", 14).map((r) => r.kind)).toEqual(["top10", "new-releases"]);
  });

  it("late at night 'Because you watched' rises and family rows sink; in the morning family rows rise", () => {
    expect(rowPriority({ kind: "because-you-watched" }, "desktop", 1)).toBeGreaterThan(rowPriority({ kind: "because-you-watched" }, "desktop", 14));
    const family = { kind: "genre" as const, genre: "Family", affinityShare: 0.2 };
    const horror = { kind: "genre" as const, genre: "Horror", affinityShare: 0.2 };
    expect(orderRows([family, horror], "desktop", 1)[0]).toBe(horror);
    expect(orderRows([horror, family], "desktop", 8)[0]).toBe(family);
  });

  it("the same profile's home changes row order between a TV at night and a phone in the morning, never the rules", () => {
    const catalog = Array.from({ length: 120 }, (_, i) => title(i + 1));
    const top = catalog.slice(0, 12).map((t, i) => ({ titleId: t.id, score: 50 - i }));
    const base = input(catalog, { stats: { trending: top, top, coWatch: emptyCoWatch() } });
    const tv = buildHome({ ...base, context: { country: "FR", localHour: 21, device: "tv" } });
    const phone = buildHome({ ...base, context: { country: "FR", localHour: 8, device: "phone" } });
    const at = (h: Home, kind: string) => h.rows.findIndex((r) => r.kind === kind);
    expect(at(tv, "top10")).toBeLessThan(at(tv, "new-releases"));
    expect(at(phone, "new-releases")).toBeLessThan(at(phone, "top10"));
    expect(tv.aboveFold).toBe(3);
  });
});

describe("onboarding choices", () => {
  it("offers popular titles the profile may watch, spread over genres", () => {
    const catalog = Array.from({ length: 80 }, (_, i) => title(i + 1, { maturityAge: i % 2 ? 18 : 0, genres: [i < 30 ? "Action" : GENRES[Math.floor(i / 2) % GENRES.length]!] }));
    const ids = onboardingChoices(catalog, [], { country: "FR", nowMs: NOW, maxMaturityAge: 7 }, 12);
    expect(ids).toHaveLength(12);
    for (const id of ids) expect(catalog[id - 1]!.maturityAge).toBe(0);
    expect(new Set(ids.map((id) => catalog[id - 1]!.genres[0])).size).toBeGreaterThanOrEqual(5);
  });
});
