/**
 * Turns the Wikipedia film list in ../shared/data/movies-wikipedia (real titles,
 * years, cast, genres) into catalog rows, for search-quality tests and
 * benchmarks on real names. The data is read by path, never copied here.
 */
import { sortKey } from "../../worker/lib/text.ts";
import { slugify, type CatalogRows } from "./generate.ts";

export interface WikipediaMovie {
  title: string;
  year: number;
  cast?: string[];
  genres?: string[];
  extract?: string;
}

const DAY_MS = 86_400_000;

/**
 * Catalog rows for real films, worldwide and available now. Wikipedia has no
 * popularity figure, so a stand-in is derived from how much is written about a
 * film (length of its summary, size of its cast).
 */
export function wikipediaCatalog(movies: WikipediaMovie[], nowMs: number): CatalogRows {
  const rows: CatalogRows = { genres: [], titles: [], titleGenres: [], availability: [], seasons: [], episodes: [], people: [], credits: [] };
  const genreIds = new Map<string, number>();
  const personIds = new Map<string, number>();
  for (const [i, m] of movies.entries()) {
    const id = i + 1;
    const title = m.title.replace(/\u00a0\[[a-z]{2}\]$/, "").trim();
    const extract = m.extract ?? "";
    const popularity = Math.min(1, 0.6 * Math.min(extract.length / 1500, 1) + 0.4 * Math.min((m.cast?.length ?? 0) / 8, 1));
    rows.titles.push({
      id, type: "movie", title, sortTitle: sortKey(title), description: extract.slice(0, 400),
      releaseYear: m.year, maturityAge: 13, popularity: Math.round(popularity * 1000) / 1000, addedAt: nowMs - (movies.length - i) * 60_000,
    });
    rows.availability.push({ titleId: id, region: "WW", startsAt: nowMs - 365 * DAY_MS, endsAt: null });
    for (const g of new Set(m.genres ?? [])) {
      let gid = genreIds.get(g);
      if (gid === undefined) {
        gid = genreIds.size + 1;
        genreIds.set(g, gid);
        rows.genres.push({ id: gid, slug: slugify(g) || `genre-${gid}`, name: g });
      }
      rows.titleGenres.push({ titleId: id, genreId: gid });
    }
    for (const [order, name] of (m.cast ?? []).slice(0, 8).entries()) {
      let pid = personIds.get(name);
      if (pid === undefined) {
        pid = personIds.size + 1;
        personIds.set(name, pid);
        rows.people.push({ id: pid, name });
      }
      if (!rows.credits.some((c) => c.titleId === id && c.personId === pid)) {
        rows.credits.push({ titleId: id, personId: pid, role: "cast", billingOrder: order });
      }
    }
  }
  return rows;
}
