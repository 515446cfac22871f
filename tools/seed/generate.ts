/**
 * Builds catalog rows: the demo catalog (from demo-catalog.ts) or a synthetic
 * catalog of any size for benchmarks. Deterministic for a given seed and `nowMs`.
 */
import type { availability, credits, episodes, genreLocalisations, genres, people, seasons, titleGenres, titleLocalisations, titles } from "../../worker/db/schema.ts";
import { localeSortKey, sortKey } from "../../worker/lib/text.ts";
import {
  CHARACTER_NAMES, CREW_JOBS, DEMO_GENRE_NAMES, DEMO_GENRES, DEMO_TITLES, DEMO_TRANSLATIONS, demoTracks, EPISODE_WORDS, FIRST_NAMES, LAST_NAMES,
} from "./demo-catalog.ts";

export interface CatalogRows {
  genres: (typeof genres.$inferInsert)[];
  titles: (typeof titles.$inferInsert)[];
  titleGenres: (typeof titleGenres.$inferInsert)[];
  availability: (typeof availability.$inferInsert)[];
  seasons: (typeof seasons.$inferInsert)[];
  episodes: (typeof episodes.$inferInsert)[];
  people: (typeof people.$inferInsert)[];
  credits: (typeof credits.$inferInsert)[];
  /** Localised texts (the demo catalog's; other catalogs have none). */
  titleLocalisations?: (typeof titleLocalisations.$inferInsert)[];
  genreLocalisations?: (typeof genreLocalisations.$inferInsert)[];
}

const DAY_MS = 86_400_000;

/** Small deterministic PRNG (mulberry32) so seeds are reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** A shuffled copy (Fisher–Yates on the seeded generator). */
function shuffled<T>(rand: () => number, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function slugify(name: string): string {
  return sortKey(name).replace(/\s+/g, "-");
}

function emptyRows(): CatalogRows {
  return { genres: [], titles: [], titleGenres: [], availability: [], seasons: [], episodes: [], people: [], credits: [] };
}

function genreRows(): CatalogRows["genres"] {
  return DEMO_GENRES.map((name, i) => ({ id: i + 1, slug: slugify(name), name }));
}

function genreLocalisationRows(): NonNullable<CatalogRows["genreLocalisations"]> {
  return DEMO_GENRES.flatMap((name, i) => Object.entries(DEMO_GENRE_NAMES[name]).map(([locale, localName]) => ({ genreId: i + 1, locale, name: localName })));
}

function makePeople(rand: () => number, count: number): CatalogRows["people"] {
  const seen = new Set<string>();
  const out: CatalogRows["people"] = [];
  const initials = "ABCDEFGHJKLMNPRSTVW";
  // A small cast list (the demo's) draws again rather than add an initial: "Ava Okafor" and "Ava K. Okafor" read as one name.
  const redraws = count <= (FIRST_NAMES.length * LAST_NAMES.length) / 4 ? 50 : 0;
  for (let i = 0; out.length < count; i++) {
    let name = `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`;
    for (let r = 0; r < redraws && seen.has(name); r++) name = `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`;
    // Beyond the first/last-name combinations, middle initials keep names unique (and the loop finite).
    for (let j = 0; seen.has(name); j++) {
      name = `${name.split(" ")[0]} ${initials[j % initials.length]}.${j >= initials.length ? initials[Math.floor(j / initials.length) % initials.length] + "." : ""} ${name.split(" ").at(-1)}`;
    }
    seen.add(name);
    out.push({ id: out.length + 1, name, bio: `${name} is a performer and filmmaker.` });
  }
  return out;
}

function addCredits(rows: CatalogRows, rand: () => number, titleId: number, personCount: number) {
  const used = new Set<number>();
  // Each character once per title: no two actors play "Captain Reyes".
  const characters = shuffled(rand, CHARACTER_NAMES);
  const castSize = 3 + Math.floor(rand() * 4);
  for (let b = 0; b < castSize; b++) {
    const personId = 1 + Math.floor(rand() * personCount);
    if (used.has(personId)) continue;
    used.add(personId);
    rows.credits.push({ titleId, personId, role: "cast", character: characters[b % characters.length]!, billingOrder: b });
  }
  for (const [b, job] of CREW_JOBS.slice(0, 2 + Math.floor(rand() * 3)).entries()) {
    rows.credits.push({ titleId, personId: 1 + Math.floor(rand() * personCount), role: "crew", job, billingOrder: b });
  }
}

function addSeries(rows: CatalogRows, rand: () => number, titleId: number, year: number, seasonSizes: number[], runtime: number) {
  for (const [s, size] of seasonSizes.entries()) {
    const seasonId = rows.seasons.length + 1;
    rows.seasons.push({ id: seasonId, titleId, number: s + 1, name: `Season ${s + 1}`, overview: "", releaseYear: year + s });
    // Names drawn without replacement within a season (seasons beyond the word list get "Part 2" names).
    const words = shuffled(rand, EPISODE_WORDS);
    for (let e = 0; e < size; e++) {
      const word = words[e % words.length]!;
      const name = e === 0 && s === 0 ? "Pilot" : e < words.length ? word : `${word}, Part ${Math.floor(e / words.length) + 1}`;
      rows.episodes.push({
        id: rows.episodes.length + 1,
        seasonId,
        titleId,
        number: e + 1,
        name,
        overview: `Season ${s + 1}, episode ${e + 1}: ${name.toLowerCase()}.`,
        runtimeMinutes: runtime - 5 + Math.floor(rand() * 10),
        airDate: `${year + s}-${String(1 + (e % 12)).padStart(2, "0")}-${String(1 + ((e * 7) % 28)).padStart(2, "0")}`,
      });
    }
  }
}

/** The demo catalog: every DEMO_TITLES entry with credits, seasons, episodes and windows around `nowMs`. */
export function demoCatalog(nowMs: number): CatalogRows {
  const rand = random(42);
  const rows = emptyRows();
  rows.genres = genreRows();
  rows.genreLocalisations = genreLocalisationRows();
  const genreId = new Map(rows.genres.map((g) => [g.name, g.id!]));
  rows.people = makePeople(rand, 60);
  for (const [i, t] of DEMO_TITLES.entries()) {
    const id = i + 1;
    const runtime = t.type === "movie" ? 85 + Math.floor(rand() * 60) : 25 + Math.floor(rand() * 35);
    rows.titles.push({
      id,
      type: t.type,
      title: t.title,
      originalTitle: t.originalTitle ?? null,
      sortTitle: sortKey(t.title),
      originalSortTitle: t.originalTitle ? localeSortKey(t.originalTitle, t.language ?? "en") : null,
      tagline: t.tagline,
      description: t.description,
      releaseYear: t.year,
      runtimeMinutes: runtime,
      originalLanguage: t.language ?? "en",
      audioLanguages: demoTracks(i).audio,
      subtitleLanguages: demoTracks(i).subtitles,
      maturityAge: t.maturity,
      popularity: t.popularity,
      addedAt: nowMs - (i * 3 + 1) * DAY_MS,
    });
    for (const g of t.genres) rows.titleGenres.push({ titleId: id, genreId: genreId.get(g)! });
    const window = t.window ?? { startDays: -365 };
    for (const region of t.regions ?? ["WW"]) {
      rows.availability.push({
        titleId: id,
        region,
        startsAt: nowMs + window.startDays * DAY_MS,
        endsAt: window.endDays === undefined ? null : nowMs + window.endDays * DAY_MS,
      });
    }
    addCredits(rows, rand, id, rows.people.length);
    if (t.type === "series") addSeries(rows, rand, id, t.year, t.seasons ?? [6], runtime);
  }
  rows.titleLocalisations = DEMO_TITLES.flatMap((t, i) =>
    Object.entries(DEMO_TRANSLATIONS[t.title] ?? {}).map(([locale, texts]) => ({ titleId: i + 1, locale, title: texts.title ?? null, sortTitle: texts.title ? localeSortKey(texts.reading ?? texts.title, locale) : null, tagline: texts.tagline ?? null, description: texts.description ?? null })),
  );
  return rows;
}

export const SCALE_WORDS = ["Shadow", "River", "Crown", "Echo", "Silent", "Golden", "Broken", "Winter", "Iron", "Glass", "Midnight", "Lost", "Hidden", "Burning", "Paper", "Electric", "Wild", "Velvet", "Northern", "Hollow", "Crimson", "Distant", "Last", "Secret", "Savage", "Gentle", "Rogue", "Silver", "Endless", "Fallen"];
export const SCALE_NOUNS = ["Harbor", "Empire", "Garden", "Signal", "Frontier", "Orchard", "Kingdom", "Highway", "Machine", "Witness", "Lantern", "Voyage", "Citadel", "Canyon", "Promise", "Circus", "Archive", "Tide", "Station", "Summit", "Meridian", "Labyrinth", "Carnival", "Monolith", "Sanctuary"];

/**
 * A synthetic catalog of `titleCount` titles with about `episodeCount` episodes
 * spread over its series, generated in slices of `sliceTitles` so memory stays flat.
 */
export function* scaleCatalog(nowMs: number, titleCount: number, episodeCount: number, sliceTitles = 5000): Generator<CatalogRows> {
  const rand = random(7);
  const first = emptyRows();
  first.genres = genreRows();
  first.genreLocalisations = genreLocalisationRows();
  first.people = makePeople(rand, 2000);
  const personCount = first.people.length;
  // Every third title is a series; episodes are shared out so the total is exactly `episodeCount`.
  const seriesCount = Math.floor(titleCount / 3);
  const baseEpisodes = seriesCount > 0 ? Math.floor(episodeCount / seriesCount) : 0;
  const extraEpisodes = seriesCount > 0 ? episodeCount % seriesCount : 0;
  let seasonSeq = 0;
  let episodeSeq = 0;
  let rows = first;
  for (let id = 1; id <= titleCount; id++) {
    const seriesIndex = id / 3 - 1;
    const isSeries = id % 3 === 0;
    const name = `${pick(rand, SCALE_WORDS)} ${pick(rand, SCALE_NOUNS)}${rand() < 0.3 ? ` ${1 + Math.floor(rand() * 9)}` : ""}`;
    const year = 1930 + Math.floor(rand() * 95);
    rows.titles.push({
      id,
      type: isSeries ? "series" : "movie",
      title: `${name} (${id})`,
      sortTitle: sortKey(`${name} ${id}`),
      description: `A ${pick(rand, DEMO_GENRES).toLowerCase()} story about the ${pick(rand, SCALE_NOUNS).toLowerCase()} and the ${pick(rand, SCALE_WORDS).toLowerCase()} ${pick(rand, SCALE_NOUNS).toLowerCase()}.`,
      releaseYear: year,
      runtimeMinutes: isSeries ? 45 : 95,
      maturityAge: pick(rand, [0, 7, 13, 16, 18] as const),
      popularity: Math.round(rand() ** 3 * 1000) / 1000,
      addedAt: nowMs - Math.floor(rand() * 3650) * DAY_MS,
    });
    rows.titleGenres.push({ titleId: id, genreId: 1 + Math.floor(rand() * DEMO_GENRES.length) });
    rows.availability.push({ titleId: id, region: rand() < 0.8 ? "WW" : pick(rand, ["US", "GB", "DE", "FR", "JP"]), startsAt: nowMs - 365 * DAY_MS, endsAt: null });
    addCredits(rows, rand, id, personCount);
    if (isSeries) {
      let left = baseEpisodes + (seriesIndex < extraEpisodes ? 1 : 0);
      let s = 0;
      while (left > 0) {
        const size = Math.min(left, 10);
        seasonSeq++;
        rows.seasons.push({ id: seasonSeq, titleId: id, number: ++s, name: `Season ${s}`, overview: "" });
        for (let e = 1; e <= size; e++) {
          rows.episodes.push({ id: ++episodeSeq, seasonId: seasonSeq, titleId: id, number: e, name: `Chapter ${e}`, overview: "", runtimeMinutes: 45 });
        }
        left -= size;
      }
    }
    if (id % sliceTitles === 0) {
      yield rows;
      rows = emptyRows();
    }
  }
  if (rows.titles.length > 0) yield rows;
}
