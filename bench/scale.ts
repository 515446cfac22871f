/**
 * `npm run bench:scale [-- --seconds 6 --concurrency 4 --slice-ms 1000 --port 8806]`
 *
 * Issue 21's latency half: catalog reads answered from the data centre's cache
 * (worker/catalog/edge-cache.ts) and Home answered from KV, each against the
 * constant-response floor of the same Worker (`/api/dev/bench/constant`: the
 * same middleware — D1 session, session cookie check, viewer — and a constant
 * body), and a catalog read that skips the cache (`?cache=miss`, development
 * only) to show what the cache saves. All as the demo account's profile,
 * against a local `wrangler dev`, targets alternating in slices so drift hits
 * all. Prints p50/p99 with ratios to the floor, then one JSON line.
 *
 * Not measured here yet: the population half of the issue (N and 10×N
 * simulated accounts, requests per Durable Object and per D1 database); see
 * docs/SCALING.md §7.
 */
import { benchmark, benchSite, numbers, signInDemo, sliceOptions } from "./harness.ts";
import { alternateSlices, runSlice, sliceStats, statsJson, vsFloor, type SliceTarget } from "./stats.ts";

const bench = benchmark("scale", { ...sliceOptions({ seconds: "6", port: "8806" }), concurrency: { type: "string", default: "4" } });
const { values } = bench;
const { seconds, concurrency, "slice-ms": sliceMs } = numbers(values, "seconds", "concurrency", "slice-ms");

interface Target extends SliceTarget {
  path: string;
  /** The cache header and the value every answer must carry (null: none checked). */
  expect: [header: string, value: string] | null;
}

const FLOOR = "floor: constant JSON";
// The epoch is re-read every 5 s per isolate, as in production (development re-reads it on every request).
const server = await benchSite({ name: "scale", port: Number(values.port), client: "any", media: false, extraArgs: ["--var", "CATALOG_EPOCH_RECHECK_MS:5000"] });
const targets: Target[] = [];
try {
  const base = server.url;
  const { headers } = await signInDemo(server);
  const first = ((await (await fetch(`${base}/api/catalog/titles?sort=popular&limit=1`, { headers })).json()) as { items: { id: number }[] }).items[0]!;
  const make = (name: string, path: string, expect: Target["expect"]): Target => ({ name, path, expect, latencies: [], requests: 0, elapsedMs: 0 });
  targets.push(
    make("catalog hit: title", `/api/catalog/titles/${first.id}`, ["x-catalog-cache", "hit"]),
    make("catalog hit: browse", "/api/catalog/titles?sort=popular&limit=24", ["x-catalog-cache", "hit"]),
    make("catalog hit: search", "/api/search?q=the&limit=20", ["x-catalog-cache", "hit"]),
    make("catalog miss: browse", "/api/catalog/titles?sort=popular&limit=24&cache=miss", ["x-catalog-cache", "miss"]),
    make("home hit", "/api/home?device=desktop&hour=20", ["x-home-cache", "hit"]),
    make(FLOOR, "/api/dev/bench/constant", null),
  );
  // Fill every cache first: the writes happen after the answer, so ask until a hit comes back.
  for (const t of targets.filter((t) => t.expect?.[1] === "hit")) {
    for (let i = 0; ; i++) {
      const res = await fetch(`${base}${t.path}`, { headers });
      await res.arrayBuffer();
      if (res.headers.get(t.expect![0]) === "hit") break;
      if (i > 50) throw new Error(`${t.name}: ${t.path} never came back from its cache`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const slice = (t: Target, ms: number, record: boolean) =>
    runSlice(t, ms, concurrency, record, async () => {
      const res = await fetch(`${base}${t.path}`, { headers });
      await res.arrayBuffer();
      const got = t.expect ? res.headers.get(t.expect[0]) : null;
      if (!res.ok || (t.expect && got !== t.expect[1])) throw new Error(`${t.name}: ${t.path} answered ${res.status} with ${t.expect?.[0]} ${got}`);
    });
  await alternateSlices(targets, seconds, sliceMs, slice);
} finally {
  await server.stop();
}

const { stats, print } = sliceStats(targets, FLOOR);
const by = (name: string) => stats.find((s) => s.name === name)!;
const floor = by(FLOOR);
const catalogHits = stats.filter((s) => s.name.startsWith("catalog hit"));
const worstCatalogHit = catalogHits.reduce((a, b) => (b.p50 > a.p50 ? b : a));
console.log(`\nscale: cached catalog reads and Home against the floor, signed in, ${concurrency} concurrent, ${seconds} s per target in ${sliceMs} ms slices, over HTTP to wrangler dev (ms)\n`);
print();
console.log(`\nload average (1 min) ${bench.load().join(" → ")}`);
bench.summary({
  concurrency,
  seconds_per_target: seconds,
  ms: statsJson(stats),
  max_object_rps_growth_10x: null,
  max_database_writes_growth_10x: null,
  catalog_hit_p50_vs_floor: vsFloor(worstCatalogHit, floor).p50_vs_floor,
  catalog_miss_p50_vs_floor: vsFloor(by("catalog miss: browse"), floor).p50_vs_floor,
  home_hit_p50_vs_floor: vsFloor(by("home hit"), floor).p50_vs_floor,
});
