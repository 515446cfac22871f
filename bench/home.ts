/**
 * `npm run bench:home [-- --seconds 8 --concurrency 4 --slice-ms 1000 --port 8801]`
 *
 * `GET /api/home` for the demo account's profile Alex (signed in, with titles in
 * Continue Watching, so every answer also reads the account's ViewerState
 * object), against a local `wrangler dev`, three ways:
 *   - hit:   the profile's rows are in KV (the normal case);
 *   - miss:  `?cache=miss` (development only) skips the KV read, so every request
 *            loads the signals and the candidate slice, ranks, diversifies and
 *            writes KV again — the cost of the first visit after a taste event;
 *   - floor: `/api/dev/bench/constant`, a constant JSON answer from the same
 *            Worker through the same middleware (session cookie check included).
 * Targets alternate in slices in rotating order, so drift hits all. Prints p50,
 * p99 and requests/s with ratios to the floor, then one JSON line.
 */
import { benchmark, benchSite, numbers, signInDemo, sliceOptions } from "./harness.ts";
import { alternateSlices, runSlice, sliceStats, statsJson, vsFloor, type SliceTarget } from "./stats.ts";

const bench = benchmark("home", { ...sliceOptions({ seconds: "8", port: "8801" }), concurrency: { type: "string", default: "4" } });
const { values } = bench;
const { seconds, concurrency, "slice-ms": sliceMs } = numbers(values, "seconds", "concurrency", "slice-ms");

interface Target extends SliceTarget {
  path: string;
  expect: string | null;
}

const server = await benchSite({ name: "home", port: Number(values.port), client: "any", media: false });
const targets: Target[] = [];
let rows = 0;
let continuing = 0;
try {
  const base = server.url;
  const { headers } = await signInDemo(server);
  // A few films in progress, so Continue Watching is part of every answer.
  const films = ((await (await fetch(`${base}/api/catalog/titles?type=movie&limit=4`)).json()) as { items: { id: number }[] }).items;
  for (const [i, f] of films.entries()) {
    const body = { opId: crypto.randomUUID(), titleId: f.id, positionSeconds: 600 + i * 60, durationSeconds: 5400, clientTime: Date.now() - i * 1000, deviceId: "bench-home-device", deviceName: "Bench" };
    const res = await fetch(`${base}/api/progress`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`progress answered ${res.status}: ${await res.text()}`);
  }
  const query = "device=desktop&hour=20";
  const make = (name: string, path: string, expect: string | null): Target => ({ name, path, expect, latencies: [], requests: 0, elapsedMs: 0 });
  targets.push(make("hit", `/api/home?${query}`, "hit"), make("miss", `/api/home?${query}&cache=miss`, "miss"), make("floor: constant JSON", "/api/dev/bench/constant", null));
  // The first request fills KV; wait until a hit comes back (the write happens after the answer).
  for (let i = 0; ; i++) {
    const res = await fetch(`${base}/api/home?${query}`, { headers });
    const body = (await res.json()) as { rows: unknown[]; continueWatching: unknown[] };
    rows = body.rows.length;
    continuing = body.continueWatching.length;
    if (res.headers.get("x-home-cache") === "hit") break;
    if (i > 50) throw new Error("the home rows never came back from KV");
    await new Promise((r) => setTimeout(r, 50));
  }
  const slice = (t: Target, ms: number, record: boolean) =>
    runSlice(t, ms, concurrency, record, async () => {
      const res = await fetch(`${base}${t.path}`, { headers });
      await res.arrayBuffer();
      const cache = res.headers.get("x-home-cache");
      if (!res.ok || cache !== t.expect) throw new Error(`${t.name}: ${t.path} answered ${res.status} with X-Home-Cache ${cache}`);
    });
  await alternateSlices(targets, seconds, sliceMs, slice);
} finally {
  await server.stop();
}

const { stats, print } = sliceStats(targets, "floor: constant JSON");
const [hit, miss, floor] = stats as [(typeof stats)[0], (typeof stats)[0], (typeof stats)[0]];
console.log(`\nhome: GET /api/home for a signed-in profile (${rows} rows, ${continuing} in Continue Watching), ${concurrency} concurrent, ${seconds} s per target in ${sliceMs} ms slices, over HTTP to wrangler dev (ms)\n`);
print();
console.log(`\nload average (1 min) ${bench.load().join(" → ")}`);
bench.summary({
  concurrency,
  seconds_per_target: seconds,
  ms: statsJson(stats),
  ...vsFloor(hit, floor, "hit_"),
  ...vsFloor(miss, floor, "miss_"),
});
