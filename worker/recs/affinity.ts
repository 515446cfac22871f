/**
 * A profile's taste from its signals: weighted, time-decayed seed titles and the
 * genre affinity they imply.
 *
 * | signal                      | weight                         |
 * |-----------------------------|--------------------------------|
 * | watched, finished           | 1.0                            |
 * | watched, not finished       | 0.2 + 0.8 · share watched      |
 * | thumbs up / double up       | +1.0 / +1.5                    |
 * | thumbs down                 | −1.5 (outweighs having watched) |
 * | on My List                  | +0.6                           |
 * | onboarding pick             | +1.0                           |
 *
 * Each signal decays by half every `halfLifeDays` from its own time; a title's
 * signals add up. The strongest MAX_SEEDS titles are kept, which bounds the work
 * per home (and the co-watch rows read from D1).
 */
import { DEFAULT_BLEND, type Seed } from "./similarity.ts";
import type { ProfileSignals } from "./types.ts";

export const MAX_SEEDS = 20;
const DAY_MS = 86_400_000;

const RATING_WEIGHT: Record<-1 | 1 | 2, number> = { [-1]: -1.5, 1: 1, 2: 1.5 };
const LIST_WEIGHT = 0.6;
const ONBOARDING_WEIGHT = 1;

/** The profile's seed titles with weights, strongest first (ties by id). */
export function profileSeeds(profile: ProfileSignals, nowMs: number, halfLifeDays: number): Seed[] {
  const weights = new Map<number, number>();
  const add = (titleId: number, weight: number, atMs: number) => {
    const ageDays = Math.max(0, nowMs - atMs) / DAY_MS;
    weights.set(titleId, (weights.get(titleId) ?? 0) + weight * 0.5 ** (ageDays / halfLifeDays));
  };
  for (const w of profile.watched) add(w.titleId, w.finished ? 1 : 0.2 + 0.8 * Math.min(1, Math.max(0, w.progress)), w.atMs);
  for (const r of profile.ratings) add(r.titleId, RATING_WEIGHT[r.value], r.atMs);
  for (const l of profile.myList) add(l.titleId, LIST_WEIGHT, l.addedAtMs);
  for (const id of profile.onboarding?.titleIds ?? []) add(id, ONBOARDING_WEIGHT, profile.onboarding!.atMs);
  return [...weights]
    .filter(([, w]) => w !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || a[0] - b[0])
    .slice(0, MAX_SEEDS)
    .map(([titleId, weight]) => ({ titleId, weight }));
}

/** Ids of the titles whose co-watch neighbours a home needs (read them with readCoWatch before buildHome). */
export function seedTitleIds(profile: ProfileSignals, nowMs: number, halfLifeDays = DEFAULT_BLEND.seedHalfLifeDays): number[] {
  return profileSeeds(profile, nowMs, halfLifeDays).map((s) => s.titleId);
}

/** A title that earns a "Because you …" row, and how the profile showed it liked it. */
export interface BecauseSeed {
  titleId: number;
  reason: "watched" | "liked";
  atMs: number;
}

/**
 * The most recent titles the profile clearly liked, newest first: watched at
 * least a quarter (or finished), rated up, or picked at onboarding; never one it
 * rated down.
 */
export function becauseSeeds(profile: ProfileSignals, count: number): BecauseSeed[] {
  const disliked = new Set(profile.ratings.filter((r) => r.value < 0).map((r) => r.titleId));
  const all: BecauseSeed[] = [
    ...profile.watched.filter((w) => w.finished || w.progress >= 0.25).map((w) => ({ titleId: w.titleId, reason: "watched" as const, atMs: w.atMs })),
    ...profile.ratings.filter((r) => r.value > 0).map((r) => ({ titleId: r.titleId, reason: "liked" as const, atMs: r.atMs })),
    ...(profile.onboarding?.titleIds ?? []).map((titleId) => ({ titleId, reason: "liked" as const, atMs: profile.onboarding!.atMs })),
  ];
  all.sort((a, b) => b.atMs - a.atMs || a.titleId - b.titleId);
  const out: BecauseSeed[] = [];
  for (const s of all) {
    if (out.length >= count) break;
    if (!disliked.has(s.titleId) && !out.some((o) => o.titleId === s.titleId)) out.push(s);
  }
  return out;
}

/** Genre affinity: each seed's weight shared among its genres, summed (negative for disliked genres). */
export function genreAffinity(seeds: Seed[], genresOf: (titleId: number) => readonly string[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of seeds) {
    const genres = genresOf(s.titleId) ?? [];
    for (const g of genres) out.set(g, (out.get(g) ?? 0) + s.weight / genres.length);
  }
  return out;
}
