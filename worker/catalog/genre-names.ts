/**
 * Genre names in the viewer's language. A genre's name is looked up along the
 * chain locale → its language → English (`genres.name`, the catalog's own), so a
 * locale without a translation shows English rather than nothing; genres have
 * no original language, unlike titles (catalog/localise.ts). Lists are ordered by
 * the locale's collation (Intl.Collator), not SQLite's byte order, so "Ciencia
 * ficción" sorts among the Cs and accents do not fall to the end.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { genres } from "../db/schema.ts";
import { DEFAULT_CATALOG_LOCALE } from "./localise.ts";

/** SQL for the name of the genre row `genres` in `locale`: the locale's, its language's, else the catalog's own. */
export function localisedGenreName(locale: string): SQL<string> {
  const language = locale.split("-")[0]!;
  if (locale === DEFAULT_CATALOG_LOCALE) return sql<string>`${genres.name}`;
  return sql<string>`COALESCE(
    (SELECT l.name FROM genre_localisations l WHERE l.genre_id = ${genres.id} AND l.locale = ${locale}),
    (SELECT l.name FROM genre_localisations l WHERE l.genre_id = ${genres.id} AND l.locale = ${language}),
    ${genres.name})`;
}

/** Items ordered by their `name` as readers of `locale` expect (accent- and case-insensitive first, then exact). */
export function byLocalName<T extends { name: string }>(items: T[], locale: string): T[] {
  let collator: Intl.Collator;
  try {
    collator = new Intl.Collator(locale, { sensitivity: "base" });
  } catch {
    collator = new Intl.Collator(DEFAULT_CATALOG_LOCALE, { sensitivity: "base" });
  }
  return [...items].sort((a, b) => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every genre's name in `locale`, by its catalog (English) name: how Home words a genre row it built from English names. */
export async function genreNamesIn(db: Db, locale: string): Promise<Map<string, string>> {
  if (locale === DEFAULT_CATALOG_LOCALE) return new Map();
  const rows = await db.select({ english: genres.name, name: localisedGenreName(locale) }).from(genres).all();
  return new Map(rows.map((r) => [r.english, r.name]));
}
