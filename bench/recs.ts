/**
 * `npm run bench:recs [-- --users 6000 --titles 1000 --seed 7]`
 *
 * Offline leave-last-out evaluation of the home engine's personal ranking
 * (worker/recs/similarity.ts personalScores, seeds from affinity.ts, co-watch
 * counted by cowatch.ts's rule, content features from features.ts) on viewing
 * logs generated from a seeded latent-taste model over real film metadata.
 *
 * Titles: real American films 1970–2023 from ../shared/data/movies-wikipedia
 * (title, year, genres, cast, the first 400 characters of the Wikipedia summary),
 * made into catalog rows by tools/seed/wikipedia.ts; films without genres, cast
 * or a summary are left out; a seeded sample of --titles.
 *
 * The latent-taste model (what generates the logs; the engine never sees it):
 * - each title has a hidden 6-d style vector h (unit length): 65% its own
 *   Gaussian draw, 35% the mean of its first three cast members' Gaussian
 *   vectors (people follow actors); and a popularity p ∝ 1/(rank + 20)^0.9 with
 *   the rank from the catalog's popularity stand-in plus noise (Zipf-like skew);
 * - each user has 1–3 favourite genres (drawn by genre frequency, strengths
 *   0.5–1), a favourite era (the year of a random title) with a spread of 6–20
 *   years, a hidden taste z ~ N(0, I₆) and a popularity sensitivity s in 0.3–1;
 * - utility(u, t) = 1.6 · Σ_{g∈t} pref_u(g) / √|genres t| + 0.8 · exp(−(year − era_u)² / 2σ_u²)
 *                   + 1.0 · z_u · h_t + s_u · ln(p_t / p_max);
 * - a history is sessions on days (gaps 1 + Exp(mean 3) days) of 1–4 titles;
 *   a session's first title is drawn with probability ∝ exp(utility) among
 *   unwatched titles; each next one, with probability 0.35, follows on from the
 *   previous title: drawn ∝ exp(utility) among its 25 "companions" (titles
 *   closest by h · h' + 0.8 · shared lead cast + 0.4 · genre overlap — sequels,
 *   same-star and same-vibe films), otherwise drawn fresh;
 * - history lengths are log-normal (median ≈ 7, 3–80), no title twice.
 * Content features see genres, era, cast and keywords but not h; co-watching
 * sees h only through what people watch together.
 *
 * Protocol: users with ≥ 3 titles; test target = each user's last title,
 * validation target = the second to last. Statistics (co-watch counts,
 * popularity = distinct viewers / the most viewed title's) come from every
 * user's history without its held-out titles. Candidates: every title the user
 * has not watched. HitRate@10 and NDCG@10 (one relevant title). Each method's
 * weights are tuned on validation (coordinate search over a grid, three rounds,
 * with an algebraically equal dense fast path; the production code path then
 * re-scores validation as a check) and reported on test with the production code.
 * One JSON line last.
 */
import { existsSync, readFileSync } from "node:fs";
import { random } from "../tools/seed/generate.ts";
import { wikipediaCatalog, type WikipediaMovie } from "../tools/seed/wikipedia.ts";
import { profileSeeds } from "../worker/recs/affinity.ts";
import { countHistory, coWatchNeighbours, emptyCoWatch, type CoWatchCounts } from "../worker/recs/cowatch.ts";
import { buildFeatureIndex, contentNeighbours, type FeatureIndex, type FeatureSource } from "../worker/recs/features.ts";
import { DEFAULT_BLEND, personalScores, similarityModel, type BlendWeights } from "../worker/recs/similarity.ts";
import type { ProfileSignals } from "../worker/recs/types.ts";
import { benchmark, numbers } from "./harness.ts";
import { printTable, round } from "./stats.ts";

const DIR = "../shared/data/movies-wikipedia";
const DECADES = ["1970s", "1980s", "1990s", "2000s", "2010s", "2020s"];
const DAY_MS = 86_400_000;
const K = 10;

const bench = benchmark("recs", {
  users: { type: "string", default: "6000" },
  titles: { type: "string", default: "1000" },
  seed: { type: "string", default: "7" },
});
const { values } = bench;
const { users: USERS, titles: TITLES, seed: SEED } = numbers(values, "users", "titles", "seed");

if (!existsSync(DIR)) {
  console.log(`bench:recs skipped: ${DIR} (real film metadata) is absent; see ../shared/data/README.md`);
  process.exit(0);
}
const started = performance.now();

// ---------- titles ----------
const rand = random(SEED);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const seen = new Set<string>();
const films = DECADES.flatMap((d) => JSON.parse(readFileSync(`${DIR}/movies-${d}.json`, "utf8")) as WikipediaMovie[]).filter((m) => {
  const key = `${m.title}|${m.year}`;
  if (seen.has(key) || !m.genres?.length || !m.cast?.length || (m.extract ?? "").length < 150) return false;
  seen.add(key);
  return true;
});
for (let i = films.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [films[i], films[j]] = [films[j]!, films[i]!];
}
const catalog = wikipediaCatalog(films.slice(0, TITLES), Date.UTC(2024, 0, 1));
const N = catalog.titles.length;
const genreName = new Map(catalog.genres.map((g) => [g.id, g.name]));
const personName = new Map(catalog.people.map((p) => [p.id, p.name]));
const sources: FeatureSource[] = catalog.titles.map((t) => ({
  id: t.id!, genres: [], cast: [], crew: [], description: t.description ?? "", releaseYear: t.releaseYear,
}));
for (const tg of catalog.titleGenres) sources[tg.titleId - 1]!.genres.push(genreName.get(tg.genreId)!);
for (const c of [...catalog.credits].sort((a, b) => (a.billingOrder ?? 0) - (b.billingOrder ?? 0))) {
  sources[c.titleId - 1]!.cast.push(personName.get(c.personId)!);
}

// ---------- latent model ----------
const DIM = 6;
const unit = (v: number[]) => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
const actorVec = new Map<string, number[]>();
const actor = (name: string) => actorVec.get(name) ?? (actorVec.set(name, Array.from({ length: DIM }, gauss)), actorVec.get(name)!);
const style = sources.map((t) => {
  const own = Array.from({ length: DIM }, gauss);
  const lead = t.cast.slice(0, 3).map(actor);
  return unit(own.map((x, d) => 0.65 * x + 0.35 * (lead.reduce((s, a) => s + a[d]!, 0) / Math.max(1, lead.length))));
});
const popRank = catalog.titles.map((t, i) => ({ i, key: t.popularity! + 0.3 * rand() })).sort((a, b) => b.key - a.key);
const logPop = new Float64Array(N);
for (const [rank, { i }] of popRank.entries()) logPop[i] = -0.9 * Math.log((rank + 20) / 20);
const dotH = (a: number[], b: number[]) => a.reduce((s, x, d) => s + x * b[d]!, 0);
const genreFreq = new Map<string, number>();
for (const t of sources) for (const g of t.genres) genreFreq.set(g, (genreFreq.get(g) ?? 0) + 1);

// Companions: the 25 titles closest by hidden style, shared lead cast and genre overlap.
const companions: number[][] = sources.map((t, i) => {
  const lead = new Set(t.cast.slice(0, 3));
  const genres = new Set(t.genres);
  const scored: [number, number][] = [];
  for (let j = 0; j < N; j++) {
    if (j === i) continue;
    const o = sources[j]!;
    const shared = o.cast.slice(0, 3).filter((c) => lead.has(c)).length;
    const overlap = o.genres.filter((g) => genres.has(g)).length / new Set([...t.genres, ...o.genres]).size;
    scored.push([j, dotH(style[i]!, style[j]!) + 0.8 * Math.min(1, shared) + 0.4 * overlap]);
  }
  return scored.sort((a, b) => b[1] - a[1]).slice(0, 25).map(([j]) => j);
});

interface View {
  title: number;
  atMs: number;
}

const ALL = Array.from({ length: N }, (_, i) => i);

function sampleFrom(weights: Float64Array, allowed: (i: number) => boolean, pool: number[] = ALL): number {
  let total = 0;
  for (const i of pool) if (allowed(i)) total += weights[i]!;
  if (total <= 0) return -1;
  let r = rand() * total;
  for (const i of pool) {
    if (!allowed(i)) continue;
    r -= weights[i]!;
    if (r <= 0) return i;
  }
  return pool.findLast(allowed) ?? -1;
}

function generateUser(): View[] {
  const genres = [...genreFreq];
  const pref = new Map<string, number>();
  const favourites = 1 + Math.floor(rand() * 3);
  const totalFreq = genres.reduce((s, [, f]) => s + f, 0);
  while (pref.size < favourites) {
    let r = rand() * totalFreq;
    const g = genres.find(([, f]) => (r -= f) <= 0)?.[0] ?? genres[0]![0];
    pref.set(g, 0.5 + 0.5 * rand());
  }
  const era = sources[Math.floor(rand() * N)]!.releaseYear;
  const spread = 6 + 14 * rand();
  const z = Array.from({ length: DIM }, gauss);
  const popSensitivity = 0.3 + 0.7 * rand();
  const weight = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const t = sources[i]!;
    const g = t.genres.reduce((s, x) => s + (pref.get(x) ?? 0), 0) / Math.sqrt(t.genres.length);
    const e = Math.exp(-((t.releaseYear - era) ** 2) / (2 * spread * spread));
    weight[i] = Math.exp(1.6 * g + 0.8 * e + dotH(z, style[i]!) + popSensitivity * logPop[i]!);
  }
  const length = Math.min(80, Math.max(3, Math.round(Math.exp(1.9 + 0.8 * gauss()))));
  const watched = new Set<number>();
  const views: View[] = [];
  let day = Math.floor(rand() * 180);
  while (views.length < length) {
    const sessionLength = Math.min(4, 1 + Math.floor(-Math.log(1 - rand()) / Math.log(2)));
    let minute = 18 * 60 + Math.floor(rand() * 240);
    for (let s = 0; s < sessionLength && views.length < length; s++) {
      const previous = views.at(-1);
      let next = -1;
      if (s > 0 && previous && rand() < 0.35) next = sampleFrom(weight, (i) => !watched.has(i), companions[previous.title]);
      if (next < 0) next = sampleFrom(weight, (i) => !watched.has(i));
      watched.add(next);
      views.push({ title: next, atMs: day * DAY_MS + minute * 60_000 });
      minute += 100;
    }
    day += 1 + Math.floor(-Math.log(1 - rand()) * 3);
  }
  return views;
}

const histories = Array.from({ length: USERS }, generateUser);
const events = histories.reduce((s, h) => s + h.length, 0);
const features = buildFeatureIndex(sources);
console.log(`bench:recs — ${N} real films, ${USERS} synthetic users, ${events} views (seed ${SEED}); generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// ---------- splits ----------
interface Split {
  name: string;
  /** Per evaluated user: the training history (oldest first), the held-out title, when it was watched. */
  cases: { train: View[]; target: number; atMs: number }[];
  coWatch: CoWatchCounts;
  popularity: Map<number, number>;
}

function split(name: string, holdOut: number): Split {
  const coWatch = emptyCoWatch();
  const cases: Split["cases"] = [];
  for (const h of histories) {
    const train = h.slice(0, h.length - holdOut);
    countHistory(coWatch, train.map((v) => v.title + 1));
    if (h.length >= 3) cases.push({ train, target: h[h.length - holdOut]!.title + 1, atMs: h[h.length - holdOut]!.atMs });
  }
  const top = Math.max(1, ...coWatch.viewers.values());
  const popularity = new Map(Array.from({ length: N }, (_, i) => [i + 1, (coWatch.viewers.get(i + 1) ?? 0) / top] as [number, number]));
  return { name, cases, coWatch, popularity };
}
const validation = split("validation", 2);
const test = split("test", 1);

function signals(train: View[]): ProfileSignals {
  return {
    maxMaturityAge: 18, ratings: [], myList: [], onboarding: null,
    watched: train.map((v) => ({ titleId: v.title + 1, atMs: v.atMs, progress: 1, finished: true })),
  };
}

/** 0-based rank of the target among candidates (ties by id, as `ranked` orders them). */
function rankOf(target: number, score: (id: number) => number, excluded: Set<number>): number {
  const ts = score(target);
  let rank = 0;
  for (let id = 1; id <= N; id++) {
    if (id === target || excluded.has(id)) continue;
    const s = score(id);
    if (s > ts || (s === ts && id < target)) rank++;
  }
  return rank;
}

interface Metrics {
  hit: number;
  ndcg: number;
  /** Per-user NDCG, for paired comparisons. */
  perUser: Float64Array;
}

function metrics(ranks: number[]): Metrics {
  const perUser = Float64Array.from(ranks, (r) => (r < K ? 1 / Math.log2(r + 2) : 0));
  return { hit: ranks.filter((r) => r < K).length / ranks.length, ndcg: perUser.reduce((a, b) => a + b, 0) / ranks.length, perUser };
}

/** The production path: personalScores over the seeds profileSeeds gives. */
function evaluate(s: Split, weights: BlendWeights | "popularity"): Metrics {
  const model = weights === "popularity" ? null : similarityModel(features, s.coWatch, weights);
  const ranks = s.cases.map((c) => {
    const excluded = new Set(c.train.map((v) => v.title + 1));
    if (!model) return rankOf(c.target, (id) => s.popularity.get(id)!, excluded);
    const seeds = profileSeeds(signals(c.train), c.atMs, model.weights.seedHalfLifeDays);
    const candidates = Array.from({ length: N }, (_, i) => i + 1).filter((id) => !excluded.has(id));
    const scores = personalScores(model, seeds, s.popularity, candidates);
    return rankOf(c.target, (id) => scores.get(id)!, excluded);
  });
  return metrics(ranks);
}

// ---------- tuning (dense fast path: the same sums, grouped per similarity kind and cached) ----------
const popularityDense = (s: Split) => Float64Array.from({ length: N + 1 }, (_, id) => s.popularity.get(id) ?? 0);
const seedCache = new Map<string, { titleId: number; weight: number }[][]>();
function seedsOf(s: Split, halfLifeDays: number) {
  const key = `${s.name}|${halfLifeDays}`;
  let seeds = seedCache.get(key);
  if (!seeds) {
    seeds = s.cases.map((c) => {
      const list = profileSeeds(signals(c.train), c.atMs, halfLifeDays);
      const total = list.reduce((a, x) => a + Math.abs(x.weight), 0);
      return list.map((x) => ({ titleId: x.titleId, weight: x.weight / total }));
    });
    seedCache.set(key, seeds);
  }
  return seeds;
}
/** Content neighbours per title as parallel arrays (computed once). */
const neighbourCache = new Map<number, { ids: Int32Array; sims: Float64Array }>();
function contentRow(titleId: number) {
  let row = neighbourCache.get(titleId);
  if (!row) {
    const m = contentNeighbours(features, titleId);
    row = { ids: Int32Array.from(m.keys()), sims: Float64Array.from(m.values()) };
    neighbourCache.set(titleId, row);
  }
  return row;
}
/** Per case: Σ_s w_s · content(s, ·), dense. */
const contentCache = new Map<string, Float64Array[]>();
function contentVectors(s: Split, halfLifeDays: number): Float64Array[] {
  const key = `${s.name}|${halfLifeDays}`;
  let vectors = contentCache.get(key);
  if (!vectors) {
    vectors = seedsOf(s, halfLifeDays).map((seeds) => {
      const v = new Float64Array(N + 1);
      for (const seed of seeds) {
        const { ids, sims } = contentRow(seed.titleId);
        for (let k = 0; k < ids.length; k++) v[ids[k]!]! += seed.weight * sims[k]!;
      }
      return v;
    });
    contentCache.set(key, vectors);
  }
  return vectors;
}
/** Co-watch neighbours per (split, shrinkage, title) as parallel arrays. */
const coWatchRows = new Map<string, { ids: Int32Array; sims: Float64Array }>();
function coWatchRow(s: Split, shrinkage: number, titleId: number) {
  const key = `${s.name}|${shrinkage}|${titleId}`;
  let row = coWatchRows.get(key);
  if (!row) {
    const m = coWatchNeighbours(s.coWatch, titleId, shrinkage);
    row = { ids: Int32Array.from(m.keys()), sims: Float64Array.from(m.values()) };
    coWatchRows.set(key, row);
  }
  return row;
}

const popularityCache = new Map<string, Float64Array>();
/** Per case: 1 for the titles in its training history (not candidates). */
const excludedCache = new Map<string, Uint8Array[]>();

function fastEvaluate(s: Split, w: BlendWeights): number {
  const pop = popularityCache.get(s.name) ?? popularityCache.set(s.name, popularityDense(s)).get(s.name)!;
  const masks = excludedCache.get(s.name) ?? excludedCache.set(s.name, s.cases.map((c) => {
    const m = new Uint8Array(N + 1);
    for (const v of c.train) m[v.title + 1] = 1;
    return m;
  })).get(s.name)!;
  const cvs = contentVectors(s, w.seedHalfLifeDays);
  const seeds = seedsOf(s, w.seedHalfLifeDays);
  const score = new Float64Array(N + 1);
  const [a, b, g] = [w.content, 1 - w.content, w.popularity];
  let sum = 0;
  for (const [i, c] of s.cases.entries()) {
    const cv = cvs[i]!;
    for (let id = 1; id <= N; id++) score[id] = a * cv[id]! + g * pop[id]!;
    if (b > 0) {
      for (const seed of seeds[i]!) {
        const { ids, sims } = coWatchRow(s, w.shrinkage, seed.titleId);
        for (let k = 0; k < ids.length; k++) score[ids[k]!]! += b * seed.weight * sims[k]!;
      }
    }
    const mask = masks[i]!;
    const ts = score[c.target]!;
    let rank = 0;
    for (let id = 1; id <= N && rank < K; id++) {
      if (id === c.target || mask[id]) continue;
      if (score[id]! > ts || (score[id] === ts && id < c.target)) rank++;
    }
    if (rank < K) sum += 1 / Math.log2(rank + 2);
  }
  return sum / s.cases.length;
}

const GRID: { [P in keyof BlendWeights]: number[] } = {
  content: [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9],
  shrinkage: [1, 3, 10, 30, 100],
  popularity: [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4],
  seedHalfLifeDays: [3, 7, 30, 120, 100_000],
};

/** Coordinate search on validation NDCG@10 over the given parameters, three rounds. */
function tune(start: BlendWeights, free: (keyof BlendWeights)[]): { weights: BlendWeights; ndcg: number } {
  let best = { ...start };
  let bestNdcg = fastEvaluate(validation, best);
  for (let round = 0; round < 3; round++) {
    for (const p of free) {
      for (const v of GRID[p]) {
        if (v === best[p]) continue;
        const trial = { ...best, [p]: v };
        const ndcg = fastEvaluate(validation, trial);
        if (ndcg > bestNdcg + 1e-9) [best, bestNdcg] = [trial, ndcg];
      }
    }
  }
  return { weights: best, ndcg: bestNdcg };
}

const tuneStart = performance.now();
const contentOnly = tune({ ...DEFAULT_BLEND, content: 1, popularity: 0 }, ["seedHalfLifeDays"]);
const cowatchOnly = tune({ ...DEFAULT_BLEND, content: 0, popularity: 0 }, ["shrinkage", "seedHalfLifeDays"]);
const blend = tune(DEFAULT_BLEND, ["content", "shrinkage", "popularity", "seedHalfLifeDays"]);
const blendNoPop = tune({ ...blend.weights, popularity: 0 }, ["content", "shrinkage", "seedHalfLifeDays"]);
console.log(`tuned on validation in ${((performance.now() - tuneStart) / 1000).toFixed(1)} s; blend: ${JSON.stringify(blend.weights)}`);

// The production path must agree with the fast path it was tuned with.
const check = evaluate(validation, blend.weights);
console.log(`check: validation NDCG@10 of the blend, production path ${check.ndcg.toFixed(4)} vs fast path ${blend.ndcg.toFixed(4)}`);
if (Math.abs(check.ndcg - blend.ndcg) > 0.002) throw new Error("the fast tuning path disagrees with personalScores");

// ---------- report ----------
const methods = [
  ["popularity", "popularity" as const, null],
  ["content", contentOnly.weights, contentOnly],
  ["cowatch", cowatchOnly.weights, cowatchOnly],
  ["blend", blend.weights, blend],
  ["blend_no_popularity_prior", blendNoPop.weights, blendNoPop],
] as const;
const results = methods.map(([name, w, tuned]) => ({
  name, w, test: evaluate(test, w),
  val: tuned ? tuned.ndcg : evaluate(validation, w).ndcg,
}));

/** Paired difference of per-user NDCG (a − b) with a normal 95% interval. */
function paired(a: Metrics, b: Metrics): { mean: number; lo: number; hi: number } {
  const d = a.perUser.map((x, i) => x - b.perUser[i]!);
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
  const half = (1.96 * sd) / Math.sqrt(d.length);
  return { mean, lo: mean - half, hi: mean + half };
}

console.log(`\n${test.cases.length} users evaluated (leave-last-out; validation = second to last)\n`);
printTable(
  ["method", "val NDCG@10", "test NDCG@10", "test HR@10", "weights (tuned on validation)"],
  results.map((r) => [
    r.name, round(r.val, 4), round(r.test.ndcg, 4), round(r.test.hit, 4),
    r.w === "popularity" ? "—" : `content ${r.w.content}, λ ${r.w.shrinkage}, pop ${r.w.popularity}, half-life ${r.w.seedHalfLifeDays} d`,
  ]),
);
const pop = results[0]!.test;
const bl = results[3]!.test;
const diff = paired(bl, pop);
console.log(`\nblend − popularity, test NDCG@10: ${diff.mean.toFixed(4)} (95% CI ${diff.lo.toFixed(4)} … ${diff.hi.toFixed(4)}); blend / popularity = ${(bl.ndcg / pop.ndcg).toFixed(2)}×`);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);

const pick = (f: (m: Metrics) => number) => Object.fromEntries(results.slice(0, 4).map((r) => [r.name, round(f(r.test), 4)]));
bench.summary({
  split: "test",
  users: test.cases.length,
  titles: N,
  views: events,
  seed: SEED,
  ndcg10: pick((m) => m.ndcg),
  hitrate10: pick((m) => m.hit),
  blend_no_popularity_prior: { ndcg10: round(results[4]!.test.ndcg, 4), hitrate10: round(results[4]!.test.hit, 4) },
  blend_vs_popularity_ndcg10: { diff: round(diff.mean, 4), ci95: [round(diff.lo, 4), round(diff.hi, 4)] },
  blend_weights: blend.weights,
});
