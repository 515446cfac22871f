/**
 * Content features of titles and the content similarity between them.
 *
 * Each title gets one sparse vector per feature group, L2-normalised within the
 * group, so the similarity of two titles is a weighted sum of per-group cosines:
 *
 * | group   | features                                   | weight per feature                      |
 * |---------|--------------------------------------------|-----------------------------------------|
 * | genre   | each genre                                 | idf                                     |
 * | cast    | each cast member, billing order            | idf / (1 + 0.3 · billing position)      |
 * | crew    | each crew member                           | idf                                     |
 * | keyword | description words (stopwords out), top 20  | tf · idf; words in 1 title or in > 20% (and > 2) are dropped |
 * | era     | the decade, and the neighbouring decades   | 1 for the decade, 0.5 for each neighbour |
 *
 * idf = ln((N + 1) / (df + 0.5)) over the indexed titles (N = how many). The era
 * vector's cosine is 1 for the same decade, 2/3 for adjacent decades, 1/6 two
 * decades apart and 0 beyond (computed from the decades directly); era only adds
 * to titles that share a genre, person or keyword.
 * Group weights (CONTENT_WEIGHTS) are documented where they are defined.
 */
import { words } from "../lib/text.ts";

export const FEATURE_GROUPS = ["genre", "cast", "crew", "keyword", "era"] as const;
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

/** What a title contributes to content features (a RecTitle fits). */
export interface FeatureSource {
  id: number;
  genres: string[];
  cast: string[];
  crew: string[];
  description: string;
  releaseYear: number;
}

/**
 * Share of each group in content similarity (sums to 1). Genre and keywords carry
 * most of what a title is about; cast and crew link titles people follow; era
 * keeps old and new apart. bench/recs.ts checks the blend built on these.
 */
export const CONTENT_WEIGHTS: Record<FeatureGroup, number> = { genre: 0.35, keyword: 0.25, cast: 0.2, crew: 0.1, era: 0.1 };

/** Words too common in descriptions to say what a title is about. */
const STOPWORDS = new Set(
  ("a an and are as at be been but by for from had has have he her his in into is it its of on or she that the their " +
    "them they this to was were which who with after when while where not one two also about over out up all film films " +
    "movie series story directed written produced starring stars based american released release year years first new " +
    "than then there these those what will would can could him himself herself only other more most such some").split(" "),
);
const KEYWORDS_PER_TITLE = 20;
const MAX_KEYWORD_SHARE = 0.2;
const CAST_PER_TITLE = 8;

type Vector = Map<string, number>;

type VectorGroup = Exclude<FeatureGroup, "era">;
const VECTOR_GROUPS: VectorGroup[] = ["genre", "cast", "crew", "keyword"];

export interface TitleFeatures {
  id: number;
  genres: string[];
  vectors: Record<VectorGroup, Vector>;
  /** Release decade, e.g. 1990 (the era group). */
  decade: number;
}

export interface FeatureIndex {
  byId: Map<number, TitleFeatures>;
  /** Per group, feature → titles holding it with their (normalised) weight. */
  postings: Record<VectorGroup, Map<string, { id: number; weight: number }[]>>;
}

/** Description words that may serve as keywords (stopwords, short words and numbers out). */
export function keywordTokens(text: string): string[] {
  return words(text).filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
}

/** The decade of a release year, e.g. 1990. */
export function eraBucket(year: number): number {
  return Math.floor(year / 10) * 10;
}

/** Cosine of two era vectors (the decade 1, each neighbouring decade 0.5). */
export function eraSimilarity(decadeA: number, decadeB: number): number {
  const apart = Math.abs(decadeA - decadeB) / 10;
  return apart === 0 ? 1 : apart === 1 ? 2 / 3 : apart === 2 ? 1 / 6 : 0;
}

function normalise(v: Vector): Vector {
  let sum = 0;
  for (const w of v.values()) sum += w * w;
  if (sum === 0) return v;
  const norm = Math.sqrt(sum);
  for (const [k, w] of v) v.set(k, w / norm);
  return v;
}

/** Document frequencies of each group's features. */
function documentFrequencies(titles: FeatureSource[], tokens: Map<number, string[]>) {
  const df = { genre: new Map<string, number>(), cast: new Map<string, number>(), crew: new Map<string, number>(), keyword: new Map<string, number>() };
  const count = (m: Map<string, number>, keys: Iterable<string>) => {
    for (const k of new Set(keys)) m.set(k, (m.get(k) ?? 0) + 1);
  };
  for (const t of titles) {
    count(df.genre, t.genres);
    count(df.cast, t.cast.slice(0, CAST_PER_TITLE));
    count(df.crew, t.crew);
    count(df.keyword, tokens.get(t.id) ?? []);
  }
  return df;
}

/** Features of every title plus postings for fast neighbour search; build once per catalog (per isolate in the Worker). */
export function buildFeatureIndex(titles: FeatureSource[]): FeatureIndex {
  const n = Math.max(titles.length, 1);
  const tokens = new Map(titles.map((t) => [t.id, keywordTokens(t.description)]));
  const df = documentFrequencies(titles, tokens);
  const idf = (m: Map<string, number>, k: string) => Math.log((n + 1) / ((m.get(k) ?? 0) + 0.5));
  const byId = new Map<number, TitleFeatures>();
  const postings = Object.fromEntries(VECTOR_GROUPS.map((g) => [g, new Map()])) as FeatureIndex["postings"];
  for (const t of titles) {
    const genre: Vector = new Map(t.genres.map((g) => [g, idf(df.genre, g)]));
    const cast: Vector = new Map();
    for (const [i, p] of t.cast.slice(0, CAST_PER_TITLE).entries()) if (!cast.has(p)) cast.set(p, idf(df.cast, p) / (1 + 0.3 * i));
    const crew: Vector = new Map(t.crew.map((p) => [p, idf(df.crew, p)]));
    const tf = new Map<string, number>();
    for (const w of tokens.get(t.id) ?? []) {
      const d = df.keyword.get(w) ?? 0;
      if (d >= 2 && d <= Math.max(2, MAX_KEYWORD_SHARE * n)) tf.set(w, (tf.get(w) ?? 0) + 1);
    }
    const keyword: Vector = new Map(
      [...tf].map(([w, c]) => [w, c * idf(df.keyword, w)] as [string, number]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, KEYWORDS_PER_TITLE),
    );
    const vectors = { genre: normalise(genre), cast: normalise(cast), crew: normalise(crew), keyword: normalise(keyword) };
    byId.set(t.id, { id: t.id, genres: t.genres, vectors, decade: eraBucket(t.releaseYear) });
    for (const g of VECTOR_GROUPS) {
      for (const [f, weight] of vectors[g]) {
        let list = postings[g].get(f);
        if (!list) postings[g].set(f, (list = []));
        list.push({ id: t.id, weight });
      }
    }
  }
  return { byId, postings };
}

function dot(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [f, w] of small) sum += w * (large.get(f) ?? 0);
  return sum;
}

/**
 * Content similarity 0..1 of two indexed titles (0 when either is unknown). Era
 * only refines titles that share something else: two titles alike in nothing
 * but their decade are not related.
 */
export function contentSimilarity(index: FeatureIndex, a: number, b: number, weights = CONTENT_WEIGHTS): number {
  const fa = index.byId.get(a);
  const fb = index.byId.get(b);
  if (!fa || !fb) return 0;
  let sim = 0;
  for (const g of VECTOR_GROUPS) sim += weights[g] * dot(fa.vectors[g], fb.vectors[g]);
  return sim > 0 ? sim + weights.era * eraSimilarity(fa.decade, fb.decade) : 0;
}

/** contentSimilarity of `seed` to every indexed title sharing a genre, person or keyword with it (the seed left out). */
export function contentNeighbours(index: FeatureIndex, seed: number, weights = CONTENT_WEIGHTS): Map<number, number> {
  const out = new Map<number, number>();
  const f = index.byId.get(seed);
  if (!f) return out;
  for (const g of VECTOR_GROUPS) {
    const gw = weights[g];
    if (gw === 0) continue;
    for (const [feature, w] of f.vectors[g]) {
      for (const p of index.postings[g].get(feature) ?? []) {
        if (p.id !== seed) out.set(p.id, (out.get(p.id) ?? 0) + gw * w * p.weight);
      }
    }
  }
  if (weights.era !== 0) {
    for (const [id, sim] of out) out.set(id, sim + weights.era * eraSimilarity(f.decade, index.byId.get(id)!.decade));
  }
  return out;
}
