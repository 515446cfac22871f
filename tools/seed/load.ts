/** Loads generated catalog rows into D1 (through drizzle) and indexes them for search. */
import { sql } from "drizzle-orm";
import { bulkInsert } from "../../worker/db/bulk.ts";
import { runBatch, type Db } from "../../worker/db/client.ts";
import { availability, credits, episodes, genreLocalisations, genres, people, seasons, titleGenres, titleLocalisations, titles } from "../../worker/db/schema.ts";
import { indexTitles } from "../../worker/db/search-index.ts";
import type { CatalogRows } from "./generate.ts";

/** Inserts one slice of catalog rows, parents before children, then indexes its titles. */
export async function loadCatalog(db: Db, rows: CatalogRows): Promise<void> {
  await bulkInsert(db, genres, rows.genres);
  await bulkInsert(db, genreLocalisations, rows.genreLocalisations ?? []);
  await bulkInsert(db, people, rows.people);
  await bulkInsert(db, titles, rows.titles);
  await bulkInsert(db, titleGenres, rows.titleGenres);
  await bulkInsert(db, availability, rows.availability);
  await bulkInsert(db, seasons, rows.seasons);
  await bulkInsert(db, episodes, rows.episodes);
  await bulkInsert(db, credits, rows.credits);
  // Before indexing: search finds a title by its localised names too.
  await bulkInsert(db, titleLocalisations, rows.titleLocalisations ?? []);
  await indexTitles(db, rows.titles.map((t) => t.id!));
}

/** Empties the catalog tables (children first) and the search index. */
export async function clearCatalog(db: Db): Promise<void> {
  await runBatch(db, [
    sql`DELETE FROM search_words`,
    sql`DELETE FROM search_names`,
    sql`DELETE FROM credits`,
    sql`DELETE FROM episodes`,
    sql`DELETE FROM seasons`,
    sql`DELETE FROM availability`,
    sql`DELETE FROM title_genres`,
    sql`DELETE FROM title_localisations`,
    sql`DELETE FROM genre_localisations`,
    sql`DELETE FROM titles`,
    sql`DELETE FROM people`,
    sql`DELETE FROM genres`,
  ]);
}

/** Number of titles in the catalog (0 means "not seeded yet"). */
export async function titleCount(db: Db): Promise<number> {
  const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM titles`);
  return row?.n ?? 0;
}
