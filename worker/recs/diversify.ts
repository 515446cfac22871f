/**
 * Diversity within a row: Maximal Marginal Relevance (Carbonell & Goldstein).
 * Titles are picked one at a time by
 *   λ · relevance(c) − (1 − λ) · max_{s picked} similarity(c, s)
 * with relevance rescaled to 0..1 over the row's candidates and similarity the
 * Jaccard overlap of genres, so a row spreads over genres instead of showing ten
 * titles of one. λ = 1 is the plain ranking.
 */

/** Jaccard overlap of two genre lists (0 when both are empty). */
export function genreJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const sa = new Set(a);
  let inter = 0;
  for (const g of new Set(b)) if (sa.has(g)) inter++;
  return inter / (sa.size + new Set(b).size - inter);
}

/** Up to `k` ids from `candidates` (best first, with scores), re-ordered by MMR. */
export function mmr(
  candidates: { id: number; score: number }[],
  k: number,
  similarity: (a: number, b: number) => number,
  lambda: number,
): number[] {
  if (candidates.length === 0 || k <= 0) return [];
  let hi = -Infinity;
  let lo = Infinity;
  for (const c of candidates) {
    hi = Math.max(hi, c.score);
    lo = Math.min(lo, c.score);
  }
  const span = hi - lo || 1;
  const pool = candidates.map((c) => ({ id: c.id, rel: (c.score - lo) / span, maxSim: 0 }));
  const picked: number[] = [];
  while (picked.length < k && pool.length > 0) {
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      const value = lambda * pool[i]!.rel - (1 - lambda) * pool[i]!.maxSim;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    const [chosen] = pool.splice(best, 1);
    picked.push(chosen!.id);
    for (const p of pool) p.maxSim = Math.max(p.maxSim, similarity(p.id, chosen!.id));
  }
  return picked;
}
