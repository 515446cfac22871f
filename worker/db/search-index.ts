/**
 * Writes the full-text search rows of titles (tables created in
 * migrations/0001_search.sql). Text is folded here, with the same functions the
 * queries use, so accents and punctuation never make index and query disagree.
 */
import { sql } from "drizzle-orm";
import { compact, searchTokens, words, wordsWithoutArticle } from "../lib/text.ts";
import { runBatch, type Db } from "./client.ts";

interface SourceRow {
  id: number;
  title: string;
  originalTitle: string | null;
  /** The title's localised names (title_localisations), as a JSON array. */
  localTitles: string;
  description: string;
  genres: string | null;
  people: string | null;
}

/** A name's words for the word index, with two-character pieces of unspaced (Japanese, Chinese) text. */
function nameWords(name: string): string {
  return [...new Set(words(name).flatMap(searchTokens))].join(" ");
}

/** Titles per statement: rows travel as one JSON parameter, well inside D1's limits. */
const CHUNK = 200;

/** (Re)builds the search rows of the given titles. */
export async function indexTitles(db: Db, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = JSON.stringify(ids.slice(i, i + CHUNK));
    const rows = await db.all<SourceRow>(sql`
      SELECT t.id AS id, t.title AS title, t.original_title AS originalTitle, t.description AS description,
        (SELECT json_group_array(l.title) FROM title_localisations l WHERE l.title_id = t.id AND l.title IS NOT NULL) AS localTitles,
        (SELECT group_concat(g.name, ' ') FROM title_genres tg JOIN genres g ON g.id = tg.genre_id WHERE tg.title_id = t.id) AS genres,
        (SELECT group_concat(p.name, ' ') FROM credits c JOIN people p ON p.id = c.person_id WHERE c.title_id = t.id) AS people
      FROM titles t WHERE t.id IN (SELECT value FROM json_each(${chunk}))`);
    const docs = rows.map((r) => {
      const otherNames = [r.originalTitle ?? "", ...(JSON.parse(r.localTitles) as string[])].filter((n) => n.length > 0);
      const names = [r.title, ...otherNames].filter((n) => n.length > 0);
      const nameKeys = new Set<string>();
      for (const n of names) {
        nameKeys.add(compact(n));
        nameKeys.add(wordsWithoutArticle(n).join(""));
      }
      return {
        id: r.id,
        title: nameWords(r.title),
        // The original and every localised name share the second column (weighted like the original title).
        originalTitle: nameWords(otherNames.join(" ")),
        people: words(r.people ?? "").join(" "),
        genres: words(r.genres ?? "").join(" "),
        description: words(r.description).join(" "),
        names: [...nameKeys].join(" "),
      };
    });
    const json = JSON.stringify(docs);
    await runBatch(db, [
      sql`DELETE FROM search_words WHERE rowid IN (SELECT value FROM json_each(${chunk}))`,
      sql`DELETE FROM search_names WHERE rowid IN (SELECT value FROM json_each(${chunk}))`,
      sql`INSERT INTO search_words (rowid, title, original_title, people, genres, description)
        SELECT value->>'id', value->>'title', value->>'originalTitle', value->>'people', value->>'genres', value->>'description'
        FROM json_each(${json})`,
      sql`INSERT INTO search_names (rowid, names) SELECT value->>'id', value->>'names' FROM json_each(${json})`,
    ]);
  }
}

/** Removes titles from the search index (e.g. when a title is deleted). */
export async function unindexTitles(db: Db, ids: number[]): Promise<void> {
  const list = JSON.stringify(ids);
  await runBatch(db, [
    sql`DELETE FROM search_words WHERE rowid IN (SELECT value FROM json_each(${list}))`,
    sql`DELETE FROM search_names WHERE rowid IN (SELECT value FROM json_each(${list}))`,
  ]);
}
