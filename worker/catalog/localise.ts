/**
 * Localised catalog text. Each of a title's name, tagline and description is
 * resolved on its own along a fallback chain — the viewer's locale, its language,
 * the title's original language, English — so a field missing in one locale
 * falls back without emptying the others ("fr-CA" → "fr" → "ja" → "en"). The
 * `titles` row is the catalog's own text and ends every chain; the original
 * title is kept beside the localised one ("La Haine" stays showable and findable).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sortLocales } from "../db/schema.ts";

/** The locale used when a request names none, or names one that is not a language tag. */
export const DEFAULT_CATALOG_LOCALE = "en";

const TAG = /^([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|\d{3}))?(?:-[A-Za-z0-9]{1,8})*$/;

/**
 * A request's locale in one canonical form, `ll` or `ll-RR` ("FR-ca" → "fr-CA"; a
 * script or variant is dropped), or null when `raw` is not a language tag. The
 * canonical form keeps cache keys few: spellings of one locale share entries.
 */
export function canonicalLocale(raw: string | null | undefined): string | null {
  const m = raw ? TAG.exec(raw.trim()) : null;
  if (!m) return null;
  const language = m[1]!.toLowerCase();
  const region = m[3]?.toUpperCase();
  return region ? `${language}-${region}` : language;
}

/** The first usable tag of an `Accept-Language` header ("fr-CA,fr;q=0.9" → "fr-CA"), by quality. */
export function acceptedLocale(header: string | null | undefined): string | null {
  if (!header || header.length > 512) return null;
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag!.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((e) => e.tag !== "*" && Number.isFinite(e.q) && e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const e of ranked) {
    const locale = canonicalLocale(e.tag);
    if (locale) return locale;
  }
  return null;
}

/** The locales a field is looked up in, most wanted first, without repeats: locale, its language, the original language, English. */
export function localeChain(locale: string, originalLanguage: string | null | undefined): string[] {
  const chain = [locale, locale.split("-")[0]!];
  const original = canonicalLocale(originalLanguage);
  if (original) chain.push(original, original.split("-")[0]!);
  chain.push(DEFAULT_CATALOG_LOCALE);
  return [...new Set(chain)];
}

/** One locale's texts of a title; any field may be missing. */
export interface LocalisedTexts {
  title?: string | null;
  tagline?: string | null;
  description?: string | null;
}

/** The catalog's own text and original title of a title (the end of every chain). */
export interface BaseTexts {
  title: string;
  originalTitle: string | null;
  originalLanguage: string | null;
  tagline: string | null;
  description: string;
}

const present = (text: string | null | undefined): text is string => typeof text === "string" && text.trim().length > 0;

/**
 * Each field resolved along the chain: the first locale that has it (in the
 * original language, the original title; in English, the catalog's own text),
 * then the catalog's own text whatever its place in the chain. A title
 * is never empty (the catalog's, else the original, else its id); a missing
 * tagline stays null and a missing description "".
 */
export function resolveTexts(base: BaseTexts, byLocale: ReadonlyMap<string, LocalisedTexts>, chain: readonly string[], id: number | string = "?"): { title: string; tagline: string | null; description: string } {
  const original = canonicalLocale(base.originalLanguage);
  const pick = (field: keyof LocalisedTexts): string | null => {
    for (const locale of chain) {
      const text = byLocale.get(locale)?.[field];
      if (present(text)) return text;
      if (field === "title" && locale === original && present(base.originalTitle)) return base.originalTitle;
      // The catalog's own text is English: it is the chain's English step.
      if (locale === DEFAULT_CATALOG_LOCALE && present(base[field])) return base[field];
    }
    return null;
  };
  return {
    title: pick("title") ?? (present(base.title) ? base.title : present(base.originalTitle) ? base.originalTitle : `#${id}`),
    tagline: pick("tagline") ?? (present(base.tagline) ? base.tagline : null),
    description: pick("description") ?? base.description,
  };
}

interface LocalisationRow {
  id: number;
  originalTitle: string | null;
  originalLanguage: string | null;
  locale: string | null;
  title: string | null;
  tagline: string | null;
  description: string | null;
}

/** The texts every chain of `locale` may reach for these titles: one query (ids travel as one JSON parameter). */
async function readLocalisations(db: Db, ids: number[], locale: string) {
  const chainHead = [locale, locale.split("-")[0]!];
  const rows = await db.all<LocalisationRow>(sql`
    SELECT t.id AS id, t.original_title AS originalTitle, t.original_language AS originalLanguage,
      l.locale AS locale, l.title AS title, l.tagline AS tagline, l.description AS description
    FROM titles t
    LEFT JOIN title_localisations l ON l.title_id = t.id
      AND (l.locale IN (SELECT value FROM json_each(${JSON.stringify(chainHead)})) OR l.locale = t.original_language OR l.locale = ${DEFAULT_CATALOG_LOCALE})
    WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const out = new Map<number, { originalTitle: string | null; originalLanguage: string | null; texts: Map<string, LocalisedTexts> }>();
  for (const r of rows) {
    const entry = out.get(r.id) ?? { originalTitle: r.originalTitle, originalLanguage: r.originalLanguage, texts: new Map() };
    if (r.locale) entry.texts.set(canonicalLocale(r.locale) ?? r.locale, { title: r.title, tagline: r.tagline, description: r.description });
    out.set(r.id, entry);
  }
  return out;
}

/** A title with its texts resolved for a locale, and its original title and language beside them. */
export type Localised<T> = T & { originalTitle: string | null; originalLanguage: string | null };

/**
 * Titles (cards, details, search results) with their name, tagline and description
 * in `locale`, each along its own chain, and the original title and language beside them.
 */
export async function localiseTitles<T extends { id: number; title: string; tagline: string | null; description: string }>(
  db: Db,
  items: T[],
  locale: string,
): Promise<Localised<T>[]> {
  if (items.length === 0) return [];
  const found = await readLocalisations(db, [...new Set(items.map((i) => i.id))], locale);
  return items.map((item) => {
    const entry = found.get(item.id);
    const base: BaseTexts = { title: item.title, tagline: item.tagline, description: item.description, originalTitle: entry?.originalTitle ?? null, originalLanguage: entry?.originalLanguage ?? null };
    const texts = resolveTexts(base, entry?.texts ?? new Map(), localeChain(locale, base.originalLanguage), item.id);
    return { ...item, ...texts, originalTitle: base.originalTitle, originalLanguage: base.originalLanguage };
  });
}

/**
 * The locale whose stored A–Z keys (`title_sort_keys`) are `locale`'s, as SQL: the
 * locale itself when stored, else its language, else "*" (neither has any text in
 * the catalog, so the chain starts at the original language). Exact: a locale is
 * stored once any title has text in it (or, with a region, is originally in it),
 * and a step of the chain with no text in it changes no key: an original language
 * without a region names the original title at the chain's original-language step
 * anyway (migrations/0017_title_sort_keys.sql).
 */
export function sortLocale(locale: string): SQL<string> {
  const language = locale.split("-")[0]!;
  const stored = (loc: string) => sql`(SELECT ${sortLocales.locale} FROM ${sortLocales} WHERE ${sortLocales.locale} = ${loc})`;
  return sql<string>`coalesce(${stored(locale)}, ${stored(language)}, '*')`;
}
