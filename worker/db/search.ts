/**
 * Catalog search: FTS5 finds candidates two ways (words with prefixes, and
 * trigram substrings of the compacted names), then candidates are ranked in
 * TypeScript by how well their names match, blended with popularity. This is what
 * makes "spiderman", "amelie" and "godfater" find Spider-Man, Amélie and The Godfather.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "../lib/app-env.ts";
import { compact, editDistance, substringEditDistance, words, wordsWithoutArticle } from "../lib/text.ts";
import type { Db } from "./client.ts";
import { toCard, visibleTo, type TitleCardRow } from "./catalog.ts";

/** Longest query we consider (characters); longer input is cut, not refused. */
export const MAX_QUERY_LENGTH = 100;
const MAX_TOKENS = 8;
const CANDIDATES = 60;

interface Candidate extends TitleCardRow {
  originalTitle: string | null;
  wordRank: number | null;
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
  t.poster_url AS posterUrl, t.backdrop_url AS backdropUrl, t.logo_url AS logoUrl`;

function visible(viewer: Viewer): SQL {
  return visibleTo(viewer, sql`t.id`, sql`t.maturity_age`);
}

async function wordCandidates(db: Db, viewer: Viewer, match: string, weights: SQL, limit: number) {
  return db.all<Candidate>(sql`
    SELECT ${cardSql}, bm25(search_words, ${weights}) AS wordRank
    FROM search_words JOIN titles t ON t.id = search_words.rowid
    WHERE search_words MATCH ${match} AND ${visible(viewer)}
    ORDER BY wordRank LIMIT ${limit}`);
}

async function nameCandidates(db: Db, viewer: Viewer, match: string, limit: number) {
  return db.all<Candidate>(sql`
    SELECT ${cardSql}, NULL AS wordRank
    FROM search_names JOIN titles t ON t.id = search_names.rowid
    WHERE search_names MATCH ${match} AND ${visible(viewer)}
    ORDER BY rank LIMIT ${limit}`);
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
    const names = [row.title, row.originalTitle ?? ""].filter((n) => n.length > 0);
    let relevance = nameScore(tokens, names);
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
  const { originalTitle, wordRank: _w, ...card } = row;
  return { ...toCard(card), originalTitle, score: Math.round(score * 1000) / 1000 };
}

/** Query tokens, or none when the query holds no letters or digits. */
export function queryTokens(q: string): string[] {
  return words(q.slice(0, MAX_QUERY_LENGTH)).slice(0, MAX_TOKENS);
}

/** Full search: titles, original titles, people, genres and descriptions; typo-tolerant; best first. */
export async function searchTitles(db: Db, viewer: Viewer, q: string, limit: number) {
  const tokens = queryTokens(q);
  if (tokens.length === 0) return [];
  const key = tokens.join("");
  const wordMatch = tokens.map((t) => `${quote(t)}*`).join(" AND ");
  const nameMatch = key.length >= 3 ? typoPieces(key).map(quote).join(" OR ") : null;
  const [byWords, byNames] = await Promise.all([
    wordCandidates(db, viewer, wordMatch, sql`10.0, 8.0, 4.0, 3.0, 1.0`, CANDIDATES),
    nameMatch ? nameCandidates(db, viewer, nameMatch, CANDIDATES) : Promise.resolve([]),
  ]);
  return rank(tokens, [...byWords, ...byNames], 0.2).slice(0, limit).map(present);
}

/** As-you-type suggestions: titles whose names start with (or contain) what was typed, popular first. */
export async function suggestTitles(db: Db, viewer: Viewer, q: string, limit: number) {
  const tokens = queryTokens(q);
  if (tokens.length === 0) return [];
  const key = tokens.join("");
  const wordMatch = `{title original_title} : ${tokens.map((t) => `${quote(t)}*`).join(" AND ")}`;
  const [byWords, byNames] = await Promise.all([
    wordCandidates(db, viewer, wordMatch, sql`10.0, 8.0, 0.0, 0.0, 0.0`, 30),
    key.length >= 3 ? nameCandidates(db, viewer, quote(key), 30) : Promise.resolve([]),
  ]);
  return rank(tokens, [...byWords, ...byNames], 0.35)
    .slice(0, limit)
    .map(present)
    .map(({ id, type, title, releaseYear, posterUrl, maturity, score }) => ({ id, type, title, releaseYear, posterUrl, maturity, score }));
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
