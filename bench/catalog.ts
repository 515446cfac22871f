/**
 * `npm run bench:catalog [-- --titles 100000 --episodes 1000000 --requests 300]`
 *
 * Seeds a synthetic catalog into its own local D1 state (kept in .cache/ and
 * reused on later runs), serves it with `wrangler dev` on 127.0.0.1, and measures
 * in one interleaved run the latency of: a title fetch by primary key (the floor),
 * a browse page, search, suggest, and a naive LIKE '%q%' search (the baseline).
 * Every read skips the edge cache (`cache=miss`): what is measured is D1's work.
 * Prints a table of p50/p95/p99 and ratios to the floor, then one JSON line.
 */
import { existsSync, writeFileSync } from "node:fs";
import { random, SCALE_NOUNS, SCALE_WORDS } from "../tools/seed/generate.ts";
import { DEMO_GENRES } from "../tools/seed/demo-catalog.ts";
import { slugify } from "../tools/seed/generate.ts";
import { benchDir, benchmark, benchSite, numbers } from "./harness.ts";
import { percentile, printTable, round } from "./stats.ts";

const bench = benchmark("catalog", {
  titles: { type: "string", default: "100000" },
  episodes: { type: "string", default: "1000000" },
  requests: { type: "string", default: "300" },
  port: { type: "string", default: "8795" },
});
const { values } = bench;
const { titles, episodes, requests } = numbers(values, "titles", "episodes", "requests");

const state = `${benchDir("catalog")}-${titles}-${episodes}`;
const marker = `${state}/seeded.json`;
const fresh = !existsSync(marker);
console.log(fresh ? `seeding ${titles} titles and ${episodes} episodes into ${state} (first run only)…` : `reusing ${state}`);
const seedStarted = performance.now();
const server = await benchSite({
  name: "catalog",
  port: Number(values.port),
  persistTo: state,
  client: "any",
  media: false,
  seedArgs: fresh ? ["--reset", "--titles", String(titles), "--episodes", String(episodes)] : ["--if-empty"],
});
if (fresh) writeFileSync(marker, JSON.stringify({ titles, episodes, seededInSeconds: round((performance.now() - seedStarted) / 1000, 1) }));

const rand = random(2024);
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
/** A realistic typo: drop, double or swap one letter. */
function typo(word: string): string {
  const i = 1 + Math.floor(rand() * (word.length - 2));
  const kind = Math.floor(rand() * 3);
  if (kind === 0) return word.slice(0, i) + word.slice(i + 1);
  if (kind === 1) return word.slice(0, i) + word[i] + word.slice(i);
  return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
}

/** Half typed correctly ("shadow harbor"), half with one typo ("shdow harbor"), as people search. */
const likeQueries: string[] = [];
function nextSearchQuery(): string {
  const word = pick(SCALE_WORDS).toLowerCase();
  const q = `${rand() < 0.5 ? word : typo(word)} ${pick(SCALE_NOUNS).toLowerCase()}`;
  likeQueries.push(q);
  return q;
}

const endpoints: Record<string, () => string> = {
  floor_title_by_id: () => `/api/catalog/titles/${1 + Math.floor(rand() * titles)}`,
  browse_page: () => `/api/catalog/titles?genre=${slugify(pick(DEMO_GENRES))}&sort=${pick(["popular", "newest", "year", "title"])}&limit=24`,
  search: () => `/api/search?q=${encodeURIComponent(nextSearchQuery())}`,
  suggest: () => {
    const word = pick(SCALE_WORDS).toLowerCase();
    return `/api/search/suggest?q=${encodeURIComponent(word.slice(0, 3 + Math.floor(rand() * 3)))}`;
  },
  // The baseline gets the very same queries as search, in the same order.
  like_baseline: () => `/api/dev/baseline/like-search?q=${encodeURIComponent(likeQueries.shift() ?? "harbor")}`,
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(endpoints).map((k) => [k, []]));
try {
  // Warm up each endpoint (isolate start, SQLite page cache), then measure round-robin so drift hits all equally.
  for (let i = 0; i < 20; i++) for (const make of Object.values(endpoints)) await (await fetch(server.url + make())).arrayBuffer();
  for (let i = 0; i < requests; i++) {
    for (const [name, make] of Object.entries(endpoints)) {
      // `cache=miss` (development only): this benchmark measures D1's queries and indexes, not the edge cache (bench:scale does).
      const path = make();
      const url = `${server.url}${path}${path.includes("?") ? "&" : "?"}cache=miss`;
      const started = performance.now();
      const res = await fetch(url);
      await res.arrayBuffer();
      const ms = performance.now() - started;
      if (res.status >= 500) throw new Error(`${url} answered ${res.status}`);
      samples[name]!.push(ms);
    }
  }
} finally {
  await server.stop();
}

const floor = { p50: percentile(samples.floor_title_by_id!, 50), p95: percentile(samples.floor_title_by_id!, 95) };
const rows = Object.entries(samples).map(([name, s]) => {
  const p50 = percentile(s, 50), p95 = percentile(s, 95), p99 = percentile(s, 99);
  return [name, round(p50), round(p95), round(p99), `${round(p50 / floor.p50)}×`, `${round(p95 / floor.p95)}×`];
});
console.log(`\ncatalog: ${titles} titles, ${episodes} episodes; ${requests} requests per endpoint over HTTP to wrangler dev (ms)\n`);
printTable(["endpoint", "p50", "p95", "p99", "p50/floor", "p95/floor"], rows);
const p95 = (name: string) => percentile(samples[name]!, 95);
bench.summary({
  titles,
  episodes,
  requests,
  ms: Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, { p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)) }])),
  search_p95_vs_floor: round(p95("search") / floor.p95),
  suggest_p95_vs_floor: round(p95("suggest") / floor.p95),
  like_p95_vs_search_p95: round(p95("like_baseline") / p95("search")),
});
