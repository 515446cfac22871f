/**
 * Co-watching: how many profiles watched both of two titles, and the item-to-item
 * similarity that follows from it.
 *
 * Counting rule (shared by D1's recordSignals and bench/recs.ts): each profile
 * keeps its RECENT_TITLES most recently viewed distinct titles. When a profile
 * views a title that is not in that set, the title gains one viewer and every
 * title in the set gains one co-view with it; re-viewing a title already in the
 * set counts nothing. So a count is "profiles that watched both within a window
 * of RECENT_TITLES titles", and one binge cannot inflate it.
 *
 * Similarity is cosine with shrinkage (Koren's shrunk correlation):
 *   sim(a, b) = c_ab / √(n_a · n_b) · c_ab / (c_ab + λ)
 * where c_ab is the co-view count, n the distinct viewers and λ the shrinkage;
 * pairs seen by few profiles are pulled towards 0 instead of scoring 1 by chance.
 */

/** How many recent distinct titles per profile pair up with a new one. */
export const RECENT_TITLES = 20;

/** Co-view counts (each pair stored under both titles) and distinct viewers per title. */
export interface CoWatchCounts {
  viewers: Map<number, number>;
  pairs: Map<number, Map<number, number>>;
}

export function emptyCoWatch(): CoWatchCounts {
  return { viewers: new Map(), pairs: new Map() };
}

function pairRow(counts: CoWatchCounts, titleId: number): Map<number, number> {
  let row = counts.pairs.get(titleId);
  if (!row) counts.pairs.set(titleId, (row = new Map()));
  return row;
}

/** Adds `count` co-views of a and b (both directions). */
export function addCoView(counts: CoWatchCounts, a: number, b: number, count = 1): void {
  const ra = pairRow(counts, a);
  ra.set(b, (ra.get(b) ?? 0) + count);
  const rb = pairRow(counts, b);
  rb.set(a, (rb.get(a) ?? 0) + count);
}

/** Sets the co-view count of a and b (both directions), as read back from storage. */
export function setCoView(counts: CoWatchCounts, a: number, b: number, count: number): void {
  pairRow(counts, a).set(b, count);
  pairRow(counts, b).set(a, count);
}

export function addViewers(counts: CoWatchCounts, titleId: number, count = 1): void {
  counts.viewers.set(titleId, (counts.viewers.get(titleId) ?? 0) + count);
}

/** What one view changes: the profile's new recent set, and whether the title is new to it (then it pairs with `pairedWith`). */
export function applyView(recent: number[], titleId: number, limit = RECENT_TITLES): { recent: number[]; isNew: boolean; pairedWith: number[] } {
  const at = recent.indexOf(titleId);
  if (at >= 0) return { recent: [...recent.slice(0, at), ...recent.slice(at + 1), titleId], isNew: false, pairedWith: [] };
  const pairedWith = recent.slice(-limit);
  return { recent: [...pairedWith, titleId].slice(-limit), isNew: true, pairedWith };
}

/** Counts a whole viewing history (oldest first) into `counts`, with the same rule as D1. */
export function countHistory(counts: CoWatchCounts, history: number[], limit = RECENT_TITLES): void {
  let recent: number[] = [];
  for (const titleId of history) {
    const step = applyView(recent, titleId, limit);
    recent = step.recent;
    if (!step.isNew) continue;
    addViewers(counts, titleId);
    for (const other of step.pairedWith) addCoView(counts, titleId, other);
  }
}

/** Shrunk cosine of a co-view count (see the module comment). */
export function shrunkCosine(coViews: number, viewersA: number, viewersB: number, shrinkage: number): number {
  if (coViews <= 0) return 0;
  const na = Math.max(viewersA, coViews);
  const nb = Math.max(viewersB, coViews);
  return (coViews / Math.sqrt(na * nb)) * (coViews / (coViews + shrinkage));
}

/** Co-watch similarity of `seed` to every title co-viewed with it. */
export function coWatchNeighbours(counts: CoWatchCounts, seed: number, shrinkage: number): Map<number, number> {
  const out = new Map<number, number>();
  const row = counts.pairs.get(seed);
  if (!row) return out;
  const ns = counts.viewers.get(seed) ?? 0;
  for (const [other, c] of row) {
    if (other !== seed) out.set(other, shrunkCosine(c, ns, counts.viewers.get(other) ?? 0, shrinkage));
  }
  return out;
}
