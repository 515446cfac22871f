/**
 * Catalog search: FTS5 finds candidates two ways (words with prefixes, and
 * trigram substrings of the compacted names), then candidates are ranked in
 * TypeScript by how well their names match, blended with popularity. This is what
 * makes "spiderman", "amelie" and "godfater" find Spider-Man, Amélie and The Godfather.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "../lib/viewer.ts";
import { compact, editDistance, searchTokens, substringEditDistance, words, wordsWithoutArticle } from "../lib/text.ts";
import { DEFAULT_CATALOG_LOCALE, localiseTitles } from "../catalog/localise.ts";
import type { Db } from "./client.ts";
import { toCard, visibleTo, type TitleCardRow } from "./catalog.ts";

/** Longest query we consider (characters); longer input is cut, not refused. */
export const MAX_QUERY_LENGTH = 100;
const MAX_TOKENS = 8;
const CANDIDATES = 60;

interface Candidate extends TitleCardRow {
  originalTitle: string | null;
  /** Localised names (JSON array): a title is found by any of them. */
  localTitles: string;
  wordRank: number | null;
}

/** Every name a candidate answers to: the catalog's, the original and the localised ones. */
function namesOf(row: Candidate): string[] {
  return [row.title, row.originalTitle ?? "", ...(JSON.parse(row.localTitles) as string[])].filter((n) => n.length > 0);
}

/** A query token as FTS5 prefix terms: unspaced text (Japanese, Chinese) as its two-character pieces, matching the index. */
function tokenTerms(token: string): string[] {
  const pieces = searchTokens(token);
  return (pieces.length > 1 ? pieces.slice(1) : pieces).map((p) => `${quote(p)}*`);
}

/** Tokens of a query as FTS5 string literals ("…" with quotes doubled). */
function quote(token: string): string {
  return `"${token.replaceAll('"', '""')}"`;
}

/**
 * Overlapping 4-character pieces of a compact query: one typo breaks only the
 * pieces around it, so the intact ones still find the title.
 */
export function typoPieces(key: string): string[] {
  if (key.length <= 5) return [key];
  const pieces = new Set<string>();
  for (let i = 0; i + 4 <= key.length; i += 2) pieces.add(key.slice(i, i + 4));
  pieces.add(key.slice(-4));
  return [...pieces];
}

const cardSql = sql`t.id AS id, t.type AS type, t.title AS title, t.original_title AS originalTitle,
  t.release_year AS releaseYear, t.runtime_minutes AS runtimeMinutes, t.maturity_age AS maturityAge,
  t.popularity AS popularity, t.tagline AS tagline, t.description AS description,
  t.poster_url AS posterUrl, t.backdrop_url AS backdropUrl, t.logo_url AS logoUrl,
  (SELECT json_group_array(l.title) FROM title_localisations l WHERE l.title_id = t.id AND l.title IS NOT NULL) AS localTitles`;

function visible(viewer: Viewer): SQL {
  return visibleTo(viewer, sql`t.id`, sql`t.maturity_age`);
}

/**
 * FTS5 ranks its matches first (bounded by `scan`), and only those are checked
 * against the viewer's rules: checking every match before ranking was the slow
 * part at 100k titles. A region hiding most of a query's top `scan` matches could
 * thin the results; `scan` is kept well above the page size for that reason.
 */
async function wordCandidates(db: Db, viewer: Viewer, match: string, weights: SQL, limit: number, scan = 300) {
  return db.all<Candidate>(sql`
    SELECT ${cardSql}, m.r AS wordRank
    FROM (SELECT rowid AS id, bm25(search_words, ${weights}) AS r FROM search_words
          WHERE search_words MATCH ${match} ORDER BY r LIMIT ${scan}) m
    JOIN titles t ON t.id = m.id
    WHERE ${visible(viewer)}
    ORDER BY m.r LIMIT ${limit}`);
}

async function nameCandidates(db: Db, viewer: Viewer, match: string, limit: number, scan = 200) {
  return db.all<Candidate>(sql`
    SELECT ${cardSql}, NULL AS wordRank
    FROM (SELECT rowid AS id, rank AS r FROM search_names WHERE search_names MATCH ${match} ORDER BY rank LIMIT ${scan}) m
    JOIN titles t ON t.id = m.id
    WHERE ${visible(viewer)}
    ORDER BY m.r LIMIT ${limit}`);
}

/**
 * How well a title's names match the query, 0..1: exact > prefix > all words as
 * prefixes > substring > within a few typos; 0 when only other fields matched.
 */
export function nameScore(queryTokens: string[], names: string[]): number {
  const key = queryTokens.join("");
  let best = 0;
  for (const name of names) {
    const full = compact(name);
    const bare = wordsWithoutArticle(name).join("");
    if (full.length === 0) continue;
    const coverage = key.length / Math.max(bare.length, 1);
    let score = 0;
    if (key === full || key === bare) score = 1;
    else if (bare.startsWith(key) || full.startsWith(key)) score = 0.9 + 0.05 * coverage;
    else {
      const nameWords = words(name);
      if (queryTokens.every((q) => nameWords.some((w) => w.startsWith(q)))) score = 0.85 + 0.05 * coverage;
      else if (full.includes(key)) score = 0.8 + 0.05 * coverage;
      else if (key.length >= 4) {
        const allowed = key.length <= 5 ? 1 : key.length <= 9 ? 2 : 3;
        const distance = substringEditDistance(key, full);
        if (distance <= allowed) {
          // Closer to the whole name (not just a piece of it) ranks higher.
          const whole = 1 - Math.min(editDistance(key, bare), bare.length) / Math.max(bare.length, key.length);
          score = 0.7 - 0.15 * (distance / allowed) + 0.1 * Math.max(whole, 0);
        }
      }
    }
    best = Math.max(best, score);
  }
  return best;
}

function rank(tokens: string[], candidates: Candidate[], popularityWeight: number) {
  const byId = new Map<number, { row: Candidate; score: number }>();
  // Word-only hits (cast, genre, description) are ordered by bm25 among themselves.
  const wordRanks = candidates.map((c) => c.wordRank).filter((r): r is number => r !== null);
  const bestWord = Math.min(...wordRanks, 0);
  for (const row of candidates) {
    const prev = byId.get(row.id);
    let relevance = nameScore(tokens, namesOf(row));
    if (relevance === 0 && row.wordRank !== null) {
      relevance = 0.45 + 0.15 * (bestWord < 0 ? row.wordRank / bestWord : 0);
    }
    if (relevance === 0) continue;
    const score = (1 - popularityWeight) * relevance + popularityWeight * row.popularity;
    if (!prev || prev.score < score) byId.set(row.id, { row, score });
  }
  return [...byId.values()].sort((a, b) => b.score - a.score || a.row.id - b.row.id);
}

function present({ row, score }: { row: Candidate; score: number }) {
  const { originalTitle, localTitles: _l, wordRank: _w, ...card } = row;
  return { ...toCard(card), originalTitle, score: Math.round(score * 1000) / 1000 };
}

/** Query tokens, or none when the query holds no letters or digits. */
export function queryTokens(q: string): string[] {
  return words(q.slice(0, MAX_QUERY_LENGTH)).slice(0, MAX_TOKENS);
}

/** A name match this strong means the words were typed as they are spelled: no typo search needed. */
const STRONG_NAME_MATCH = 0.85;

/**
 * Full search: titles, original titles, people, genres and descriptions; typo-tolerant; best first.
 * The word index answers most queries; the trigram name index (spacing, punctuation,
 * typos) is asked only when fewer than three titles matched by name.
 */
export async function searchTitles(db: Db, viewer: Viewer, q: string, limit: number) {
  const tokens = queryTokens(q);
  if (tokens.length === 0) return [];
  const key = tokens.join("");
  const wordMatch = tokens.flatMap(tokenTerms).join(" AND ");
  const byWords = await wordCandidates(db, viewer, wordMatch, sql`10.0, 8.0, 4.0, 3.0, 1.0`, CANDIDATES);
  const strong = byWords.filter((c) => nameScore(tokens, namesOf(c)) >= STRONG_NAME_MATCH).length;
  const byNames = strong < 3 && key.length >= 3 ? await nameCandidates(db, viewer, typoPieces(key).map(quote).join(" OR "), CANDIDATES) : [];
  return localiseTitles(db, rank(tokens, [...byWords, ...byNames], 0.2).slice(0, limit).map(present), viewer.locale ?? DEFAULT_CATALOG_LOCALE);
}

/** As-you-type suggestions: titles whose names start with (or contain) what was typed, popular first. */
export async function suggestTitles(db: Db, viewer: Viewer, q: string, limit: number) {
  const tokens = queryTokens(q);
  if (tokens.length === 0) return [];
  const key = tokens.join("");
  const wordMatch = `{title original_title} : ${tokens.flatMap(tokenTerms).join(" AND ")}`;
  const byWords = await wordCandidates(db, viewer, wordMatch, sql`10.0, 8.0, 0.0, 0.0, 0.0`, 30, 200);
  // "spiderm" is no word prefix of "Spider-Man": fall back to substrings of the compacted names.
  const byNames = byWords.length < limit && key.length >= 3 ? await nameCandidates(db, viewer, quote(key), 30) : [];
  const found = await localiseTitles(db, rank(tokens, [...byWords, ...byNames], 0.35).slice(0, limit).map(present), viewer.locale ?? DEFAULT_CATALOG_LOCALE);
  return found.map(({ id, type, title, releaseYear, posterUrl, maturity, score }) => ({ id, type, title, releaseYear, posterUrl, maturity, score }));
}

/** The naive baseline benchmarks compare search against: `LIKE '%q%'` over names and descriptions, popular first. */
export async function likeSearchTitles(db: Db, viewer: Viewer, q: string, limit: number) {
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const rows = await db.all<Candidate>(sql`
    SELECT ${cardSql}, NULL AS wordRank FROM titles t
    WHERE (t.title LIKE ${pattern} ESCAPE '\\' OR t.original_title LIKE ${pattern} ESCAPE '\\' OR t.description LIKE ${pattern} ESCAPE '\\')
      AND ${visible(viewer)}
    ORDER BY t.popularity DESC LIMIT ${limit}`);
  return rows.map((row) => present({ row, score: row.popularity }));
}
