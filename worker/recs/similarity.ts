/**
 * Item-to-item similarity blending content with co-watching, and the personal
 * score built on it (the "Picked for you" ranking, which bench/recs.ts evaluates).
 *
 *   sim(a, b)      = w_content · content(a, b) + (1 − w_content) · cowatch(a, b)
 *   personal(c)    = Σ_s w_s · sim(s, c) / Σ_s |w_s|  +  w_pop · popularity(c)
 *
 * content is features.ts's weighted cosine (0..1), cowatch is cowatch.ts's shrunk
 * cosine (0..1, typically much smaller), w_s are the profile's seed weights
 * (affinity.ts: signal strength × time decay, negative for thumbs down) and
 * popularity is 0..1. The default weights were tuned by `npm run bench:recs` on
 * its validation split (see BENCHMARKS.md); the test split reports them.
 */
import { coWatchNeighbours, type CoWatchCounts } from "./cowatch.ts";
import { contentNeighbours, type FeatureIndex } from "./features.ts";

export interface BlendWeights {
  /** Share of content similarity in the item-to-item blend; co-watching gets the rest. */
  content: number;
  /** λ of the shrunk co-watch cosine. */
  shrinkage: number;
  /** Weight of the popularity prior in personal scores. */
  popularity: number;
  /** Half-life of a seed's weight (days since the signal). */
  seedHalfLifeDays: number;
}

/** Tuned on bench/recs.ts's validation split (BENCHMARKS.md, "Recommendations"). */
export const DEFAULT_BLEND: BlendWeights = { content: 0.05, shrinkage: 10, popularity: 0.01, seedHalfLifeDays: 3 };

export interface SimilarityModel {
  features: FeatureIndex;
  coWatch: CoWatchCounts;
  weights: BlendWeights;
  /** Blended neighbours per seed, filled on demand. */
  cache: Map<number, Map<number, number>>;
}

export function similarityModel(features: FeatureIndex, coWatch: CoWatchCounts, weights: BlendWeights = DEFAULT_BLEND): SimilarityModel {
  return { features, coWatch, weights, cache: new Map() };
}

/** Blended similarity of `seed` to every title related to it by content or co-watching (the seed left out). */
export function similarTo(model: SimilarityModel, seed: number): Map<number, number> {
  const cached = model.cache.get(seed);
  if (cached) return cached;
  const wc = model.weights.content;
  const out = new Map<number, number>();
  if (wc > 0) for (const [id, s] of contentNeighbours(model.features, seed)) out.set(id, wc * s);
  if (wc < 1) {
    for (const [id, s] of coWatchNeighbours(model.coWatch, seed, model.weights.shrinkage)) out.set(id, (out.get(id) ?? 0) + (1 - wc) * s);
  }
  model.cache.set(seed, out);
  return out;
}

/** A seed of a profile's taste: a title and how much it says (negative: thumbs down). */
export interface Seed {
  titleId: number;
  weight: number;
}

/** Personal scores of `candidates` from the seeds (see the module comment); popularity is 0..1 per title. */
export function personalScores(
  model: SimilarityModel,
  seeds: Seed[],
  popularity: ReadonlyMap<number, number>,
  candidates: Iterable<number>,
): Map<number, number> {
  const total = seeds.reduce((s, x) => s + Math.abs(x.weight), 0);
  const affinity = new Map<number, number>();
  if (total > 0) {
    for (const seed of seeds) {
      const w = seed.weight / total;
      for (const [id, s] of similarTo(model, seed.titleId)) affinity.set(id, (affinity.get(id) ?? 0) + w * s);
    }
  }
  const wp = model.weights.popularity;
  const out = new Map<number, number>();
  for (const id of candidates) out.set(id, (affinity.get(id) ?? 0) + wp * (popularity.get(id) ?? 0));
  return out;
}

/** Ids of a score map, best first (ties by id, so the order is deterministic). */
export function ranked(scores: ReadonlyMap<number, number>): number[] {
  return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
}
