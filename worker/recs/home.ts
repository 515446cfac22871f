/**
 * buildHome: a profile's home rows and hero, from plain data (no bindings).
 *
 * 1. Rules first as a filter: only titles within the profile's maturity ceiling,
 *    available in the viewer's country now, and not finished are candidates;
 *    thumbs-down titles appear in no row but the profile's own My List. Filtering before ranking keeps
 *    rows full; the same rules run again over the finished rows as a guard.
 * 2. Rank each row's candidates:
 *    - My List: the profile's order;
 *    - Because you watched <title> (two most recent liked titles): blended
 *      item-to-item similarity (similarity.ts) plus the popularity prior;
 *    - Trending now: time-decayed views in the viewer's region (catalog
 *      popularity when the region has too few);
 *    - Top 10 in <country>: views of the last days, as counted (dropped under 3);
 *    - New releases: joined or opened in the region within NEW_WINDOW_DAYS,
 *      half recency, half personal score;
 *    - genre rows: the profile's genres by affinity (cold: the most watched
 *      genres), titles by personal score;
 *    - Picked for you: personal score over everything not yet watched; a
 *      profile without positive signals gets "Popular on Marquee" instead.
 * 3. Order rows by context (context.ts), then diversify: each row above the fold
 *    takes only titles not yet shown there (Continue Watching's titles count as
 *    shown; see assemble for who claims first), picked by MMR over genres
 *    (diversify.ts). Below the fold, rows prefer titles not shown above it.
 *
 * Cold start: popularity with a stronger genre spread (λ 0.5), genre rows chosen
 * by viewing mass; onboarding picks ("pick three you like", onboardingChoices)
 * are seeds like thumbs up, so the next home is personal at once.
 */
import { becauseSeeds, genreAffinity, profileSeeds } from "./affinity.ts";
import { orderRows, foldRows } from "./context.ts";
import { genreJaccard, mmr } from "./diversify.ts";
import { buildFeatureIndex } from "./features.ts";
import { isEligible, newSinceMs, type RuleViewer } from "./rules.ts";
import { DEFAULT_BLEND, personalScores, similarityModel, similarTo, type BlendWeights } from "./similarity.ts";
import type { Home, HomeInput, HomeRow, RecTitle, RowKind, ScoredTitle } from "./types.ts";

export const ROW_LENGTH = 20;
export const MIN_ROW_LENGTH = 4;
export const TOP_ROW_LENGTH = 10;
const MIN_TOP_LENGTH = 3;
export const GENRE_ROWS = 6;
const BECAUSE_ROWS = 2;
export const NEW_WINDOW_DAYS = 120;
const MMR_LAMBDA = 0.75;
const COLD_MMR_LAMBDA = 0.5;
/** MMR looks at this many times a row's length of its best candidates. */
const POOL_FACTOR = 5;
const DAY_MS = 86_400_000;

interface CandidateRow {
  id: string;
  kind: RowKind;
  heading: string;
  /** Fixed-order rows keep their order and are not diversified. */
  fixed: boolean;
  candidates: ScoredTitle[];
  length: number;
  minLength: number;
  seedTitleId?: number;
  reason?: "watched" | "liked";
  genre?: string;
  rank?: number;
  affinityShare?: number;
}

/** Popularity 0..1: 60% regional trending (relative to the top title), 40% catalog popularity. */
function popularityScores(titles: RecTitle[], trending: ScoredTitle[]): Map<number, number> {
  const top = trending.reduce((m, t) => Math.max(m, t.score), 0);
  const trend = new Map(trending.map((t) => [t.titleId, top > 0 ? t.score / top : 0]));
  return new Map(titles.map((t) => [t.id, top > 0 ? 0.6 * (trend.get(t.id) ?? 0) + 0.4 * t.popularity : t.popularity]));
}

function byScore(scores: ReadonlyMap<number, number>, ids: Iterable<number>): ScoredTitle[] {
  return [...ids].map((titleId) => ({ titleId, score: scores.get(titleId) ?? 0 })).sort((a, b) => b.score - a.score || a.titleId - b.titleId);
}

/** "France" for "FR" (the code itself where the runtime has no region names). */
function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "genre";
}

/** The rows and hero of a profile's home (see the module comment). */
export function buildHome(input: HomeInput, weights: BlendWeights = DEFAULT_BLEND): Home {
  const { profile, stats, context, nowMs } = input;
  const viewer: RuleViewer = { country: context.country, nowMs, maxMaturityAge: profile.maxMaturityAge };
  const byId = new Map(input.titles.map((t) => [t.id, t]));
  const finished = new Set(profile.watched.filter((w) => w.finished).map((w) => w.titleId));
  const watched = new Set(profile.watched.map((w) => w.titleId));
  const disliked = new Set(profile.ratings.filter((r) => r.value < 0).map((r) => r.titleId));
  const eligible = input.titles.filter((t) => isEligible(t, viewer, finished));
  const eligibleIds = new Set(eligible.map((t) => t.id));
  const recommendable = eligible.filter((t) => !disliked.has(t.id));
  const recommendableIds = new Set(recommendable.map((t) => t.id));
  const unwatched = recommendable.filter((t) => !watched.has(t.id)).map((t) => t.id);

  const model = similarityModel(input.features ?? buildFeatureIndex(input.titles), stats.coWatch, weights);
  const seeds = profileSeeds(profile, nowMs, weights.seedHalfLifeDays);
  const cold = !seeds.some((s) => s.weight > 0);
  const popularity = popularityScores(input.titles, stats.trending);
  const personal = cold ? popularity : personalScores(model, seeds, popularity, recommendable.map((t) => t.id));
  const rows: CandidateRow[] = [];
  // A small catalog gets shorter rows, so the first rows do not use up every title and leave Home with two rows.
  const rowLength = Math.min(ROW_LENGTH, Math.max(2 * MIN_ROW_LENGTH, Math.floor(recommendable.length / 4)));
  const row = (r: Omit<CandidateRow, "length" | "minLength" | "fixed"> & Partial<CandidateRow>) =>
    rows.push({ length: rowLength, minLength: MIN_ROW_LENGTH, fixed: false, ...r });

  row({
    id: "my-list", kind: "my-list", heading: "My List", fixed: true, minLength: 1, length: profile.myList.length,
    candidates: profile.myList.filter((l) => eligibleIds.has(l.titleId)).map((l, i) => ({ titleId: l.titleId, score: -i })),
  });

  for (const [rank, seed] of becauseSeeds(profile, BECAUSE_ROWS).entries()) {
    const title = byId.get(seed.titleId);
    if (!title) continue;
    const related = [...similarTo(model, seed.titleId).keys()].filter((id) => recommendableIds.has(id) && !watched.has(id));
    const scores = personalScores(model, [{ titleId: seed.titleId, weight: 1 }], popularity, related);
    row({
      id: `byw-${seed.titleId}`, kind: "because-you-watched", rank, seedTitleId: seed.titleId, reason: seed.reason,
      heading: `${seed.reason === "watched" ? "Because you watched" : "Because you liked"} ${title.title}`,
      candidates: byScore(scores, related),
    });
  }

  const trending = stats.trending.filter((t) => recommendableIds.has(t.titleId));
  row({
    id: "trending", kind: "trending", heading: "Trending now",
    candidates: trending.length >= MIN_ROW_LENGTH ? trending : byScore(new Map(recommendable.map((t) => [t.id, t.popularity])), recommendableIds),
  });

  row({
    id: `top10-${context.country}`, kind: "top10", fixed: true, length: TOP_ROW_LENGTH, minLength: MIN_TOP_LENGTH,
    heading: context.country === "ZZ" ? "Top 10 on Marquee" : `Top 10 in ${countryName(context.country)}`,
    candidates: stats.top.filter((t) => recommendableIds.has(t.titleId)),
  });

  const windowMs = NEW_WINDOW_DAYS * DAY_MS;
  const since = new Map(recommendable.map((t) => [t.id, newSinceMs(t, context.country, nowMs)]));
  const maxPersonal = recommendable.reduce((m, t) => Math.max(m, personal.get(t.id) ?? 0), 1e-9);
  let fresh = recommendable.filter((t) => nowMs - since.get(t.id)! <= windowMs).map((t) => t.id);
  if (fresh.length < MIN_ROW_LENGTH) fresh = [...since].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, ROW_LENGTH).map(([id]) => id);
  const newScore = (id: number) => 0.5 * Math.max(0, 1 - (nowMs - since.get(id)!) / windowMs) + 0.5 * ((personal.get(id) ?? 0) / maxPersonal);
  row({ id: "new-releases", kind: "new-releases", heading: "New releases", candidates: byScore(new Map(fresh.map((id) => [id, newScore(id)])), fresh) });

  const members = new Map<string, number[]>();
  for (const t of recommendable) {
    for (const g of t.genres) {
      const list = members.get(g);
      if (list) list.push(t.id);
      else members.set(g, [t.id]);
    }
  }
  const affinity = genreAffinity(seeds, (id) => byId.get(id)?.genres);
  const positive = [...affinity.values()].reduce((s, a) => s + Math.max(0, a), 0);
  const mass = (g: string) => members.get(g)!.reduce((s, id) => s + (popularity.get(id) ?? 0), 0);
  const genres = [...members.keys()]
    .filter((g) => members.get(g)!.length >= MIN_ROW_LENGTH)
    .map((g) => ({ g, a: affinity.get(g) ?? 0, m: mass(g) }))
    .sort((x, y) => (cold ? 0 : y.a - x.a) || y.m - x.m || (x.g < y.g ? -1 : 1))
    .slice(0, GENRE_ROWS);
  for (const { g, a } of genres) {
    row({ id: `genre-${slug(g)}`, kind: "genre", heading: g, genre: g, affinityShare: positive > 0 ? Math.max(0, a) / positive : 0, candidates: byScore(personal, members.get(g)!) });
  }

  row(
    cold
      ? { id: "popular", kind: "popular", heading: "Popular on Marquee", candidates: byScore(popularity, unwatched) }
      : { id: "picked-for-you", kind: "picked-for-you", heading: "Picked for you", candidates: byScore(personal, unwatched) },
  );

  return assemble(orderRows(rows, context.device, context.localHour), {
    byId, viewer, finished, cold,
    foldSlots: foldRows(context.device) - (profile.watched.some((w) => !w.finished && eligibleIds.has(w.titleId)) ? 1 : 0),
    inProgress: profile.watched.filter((w) => !w.finished).map((w) => w.titleId),
  });
}

interface AssembleContext {
  byId: Map<number, RecTitle>;
  viewer: RuleViewer;
  finished: Set<number>;
  cold: boolean;
  foldSlots: number;
  inProgress: number[];
}

/**
 * Diversify ordered rows (fold-wide uniqueness, MMR within rows), pick the hero,
 * and apply the rules once more. Above the fold, titles are claimed by the
 * fixed-order rows first, then the hero, then the other rows in display order
 * with Picked for you (or Popular) last, as it draws on the whole catalog; a row
 * with few candidates left (under twice its minimum) reserves them from the hero
 * and the rows claiming before it, so New releases keeps its few titles. A row
 * left too short is dropped and the next one moves up into the fold.
 */
function assemble(ordered: CandidateRow[], ctx: AssembleContext): Home {
  const { byId, viewer, finished } = ctx;
  const genresOf = (id: number) => byId.get(id)?.genres ?? [];
  const similarity = (a: number, b: number) => genreJaccard(genresOf(a), genresOf(b));
  const lambda = ctx.cold ? COLD_MMR_LAMBDA : MMR_LAMBDA;
  const pick = (r: CandidateRow, pool: ScoredTitle[]) => {
    const ids = r.fixed
      ? pool.slice(0, r.length).map((c) => c.titleId)
      : mmr(pool.slice(0, r.length * POOL_FACTOR).map((c) => ({ id: c.titleId, score: c.score })), r.length, similarity, lambda);
    // The rules, once more, over what is shown (a no-op unless a row builder broke them).
    return ids.filter((id) => {
      const t = byId.get(id);
      return t !== undefined && isEligible(t, viewer, finished);
    });
  };
  const personalRow = ordered.find((r) => r.kind === "picked-for-you" || r.kind === "popular");
  const foldSlots = Math.max(0, ctx.foldSlots);

  let live = ordered;
  for (;;) {
    const above = live.slice(0, foldSlots);
    const shownAbove = new Set(ctx.inProgress);
    const chosen = new Map<string, number[]>();
    const open = (r: CandidateRow) => r.candidates.filter((c) => !shownAbove.has(c.titleId));
    const broad = (r: CandidateRow) => r === personalRow;
    const flexible = [...above.filter((r) => !r.fixed && !broad(r)), ...above.filter(broad)];
    /** Candidates of the scarce flexible rows from `from` on. */
    const reservedFrom = (from: number) =>
      new Set(flexible.slice(from).flatMap((r) => {
        const left = open(r);
        return left.length < 2 * r.minLength ? left.map((c) => c.titleId) : [];
      }));
    const claim = (r: CandidateRow, reserved: Set<number>): boolean => {
      const left = open(r);
      const unreserved = left.filter((c) => !reserved.has(c.titleId));
      const ids = pick(r, unreserved.length >= r.minLength ? unreserved : left);
      if (ids.length < r.minLength) return false;
      chosen.set(r.id, ids);
      for (const id of ids) shownAbove.add(id);
      return true;
    };
    let failed = above.filter((r) => r.fixed).find((r) => !claim(r, new Set()));
    let hero: number | null = null;
    if (!failed) {
      const reserved = reservedFrom(0);
      const heroFrom = (personalRow?.candidates ?? []).filter((c) => !shownAbove.has(c.titleId));
      const unreserved = heroFrom.filter((c) => !reserved.has(c.titleId));
      const from = unreserved.length > 0 ? unreserved : heroFrom;
      hero = (from.find((c) => byId.get(c.titleId)?.hasBackdrop !== false) ?? from[0])?.titleId ?? null;
      if (hero !== null) shownAbove.add(hero);
      failed = flexible.find((r, i) => !claim(r, reservedFrom(i + 1)));
    }
    if (failed) {
      live = live.filter((r) => r !== failed);
      continue;
    }
    const rows: HomeRow[] = [];
    for (const [i, r] of live.entries()) {
      let ids = chosen.get(r.id);
      if (i >= foldSlots) {
        // Below the fold: prefer titles not shown above when enough remain.
        const fresh = r.candidates.filter((c) => !shownAbove.has(c.titleId));
        ids = pick(r, !r.fixed && fresh.length >= Math.min(r.minLength * 2, r.candidates.length) ? fresh : r.candidates);
        if (ids.length < r.minLength) continue;
      }
      const out: HomeRow = { id: r.id, kind: r.kind, heading: r.heading, titleIds: ids! };
      if (r.seedTitleId !== undefined) out.seedTitleId = r.seedTitleId;
      if (r.reason !== undefined) out.reason = r.reason;
      if (r.genre !== undefined) out.genre = r.genre;
      rows.push(out);
    }
    return { hero, rows, aboveFold: Math.min(foldSlots, rows.length) };
  }
}

/**
 * Titles to offer at onboarding ("pick three you like"): popular, eligible for
 * the profile, spread over genres (MMR with λ 0.3).
 */
export function onboardingChoices(titles: RecTitle[], trending: ScoredTitle[], viewer: RuleViewer, count = 12): number[] {
  const eligible = titles.filter((t) => isEligible(t, viewer, new Set()));
  const popularity = popularityScores(titles, trending);
  const byId = new Map(titles.map((t) => [t.id, t]));
  const pool = byScore(popularity, eligible.map((t) => t.id)).slice(0, count * 6);
  return mmr(pool.map((c) => ({ id: c.titleId, score: c.score })), count, (a, b) => genreJaccard(byId.get(a)!.genres, byId.get(b)!.genres), 0.3);
}
