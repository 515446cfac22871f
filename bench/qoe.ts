/**
 * `npm run bench:qoe [-- --seconds 6 --concurrency 4 --slice-ms 1000 --days 30 --port 8807]`
 *
 * Issue 18's benchmark, against a local `wrangler dev`:
 *   - beacons: `POST /api/qoe` with a view's first beacon (intent, rendition,
 *     pathway, first frame, heartbeat), a new view each time, so every one
 *     reaches its view's QoeShard and is stored — against the floor, the constant
 *     answer of the same Worker through the same middleware
 *     (`/api/dev/bench/constant`). Targets alternate in slices;
 *   - the operations console: `GET /api/ops/series` and `/api/ops/breakdown`
 *     over 30 days of generated minute rollups (8 cells a minute: ~350 k rows in
 *     `qoe_minutes` and as many histogram rows, plus their hour rollups), as an
 *     operator, p50/p95.
 * The rollups are generated once into the benchmark's own state (.cache/bench-qoe)
 * with the server stopped, through the same local D1 (getPlatformProxy).
 * Prints tables, then one JSON line.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import { DEMO_ACCOUNT } from "../tools/dev/demo-account.ts";
import { database } from "../worker/db/client.ts";
import { grantOperator } from "../worker/db/qoe.ts";
import { benchDir, benchmark, benchSite, numbers, signInDemo, sliceOptions } from "./harness.ts";
import { alternateSlices, percentile, printTable, round, runSlice, sliceStats, statsJson, vsFloor, type SliceTarget } from "./stats.ts";

const bench = benchmark("qoe", { ...sliceOptions({ seconds: "6", port: "8807" }), concurrency: { type: "string", default: "4" }, days: { type: "string", default: "30" } });
const { values } = bench;
const { seconds, concurrency, days, "slice-ms": sliceMs } = numbers(values, "seconds", "concurrency", "slice-ms", "days");
const port = Number(values.port);
const state = benchDir("qoe");
const marker = join(state, `rollups-v2-${days}d.json`);

/** Generates `days` of minute rollups ending now (8 cells a minute), once per state. */
async function generateRollups(): Promise<void> {
  // The first start applies the migrations and seeds the demo catalog and account.
  await (await benchSite({ name: "qoe", port, client: "any", media: false })).stop();
  const proxy = await getPlatformProxy<Env>({ persist: { path: join(state, "v3") } });
  try {
    const nowMinute = Math.floor(Date.now() / 60_000);
    const from = nowMinute - days * 24 * 60;
    // A recursive CTE makes the rows inside SQLite: one statement per table, no 350 k bound parameters.
    const cells = `WITH RECURSIVE m(x) AS (SELECT ${from} UNION ALL SELECT x + 1 FROM m WHERE x < ${nowMinute}),
      c(title, device, country, rendition) AS (VALUES (1,'desktop','US',1080),(2,'desktop','US',720),(3,'phone','US',480),(4,'tv','US',1080),(1,'phone','FR',720),(5,'desktop','FR',1080),(6,'tv','DE',720),(2,'phone','DE',360))`;
    await proxy.env.DB.prepare("DELETE FROM qoe_minutes").run();
    await proxy.env.DB.prepare("DELETE FROM qoe_startup_histogram").run();
    await proxy.env.DB.prepare(
      `${cells} INSERT INTO qoe_minutes (minute, title_id, rendition, pathway, country, device, player, views, started, startup_ms, failed, exits_before_start, completed, stalls, watch_ms, rebuffer_ms, playing_ms, rated_ms, kbps_ms, errors)
       SELECT x, title, rendition, 'primary', country, device, 'web-bench', 6, 6, 6 * (600 + (x * 7 + title) % 900), (x + title) % 50 = 0, 0, 1, (x + title) % 7 = 0, 360000, (x % 5) * 300, 354000, 354000, 354000 * 3000, 0
       FROM m, c`,
    ).run();
    await proxy.env.DB.prepare(
      `${cells} INSERT INTO qoe_startup_histogram (minute, title_id, rendition, pathway, country, device, player, bucket, count)
       SELECT x, title, rendition, 'primary', country, device, 'web-bench', 10 + (x + title) % 6, 6 FROM m, c`,
    ).run();
    // The hour rollups the Worker writes with every minute (db/qoe.ts addRollups), made the way migration 0010 backfills them.
    const backfill = readFileSync("migrations/0010_qoe_hours.sql", "utf8").split("--> statement-breakpoint").filter((q) => q.trim().startsWith("INSERT INTO"));
    if (backfill.length !== 2) throw new Error("migrations/0010_qoe_hours.sql no longer has its two backfill statements");
    await proxy.env.DB.prepare("DELETE FROM qoe_hours").run();
    await proxy.env.DB.prepare("DELETE FROM qoe_startup_hours").run();
    for (const q of backfill) await proxy.env.DB.prepare(q).run();
    if (!(await grantOperator(database(proxy.env.DB), DEMO_ACCOUNT.email, Date.now()))) throw new Error("the demo account is missing");
  } finally {
    await proxy.dispose();
  }
  writeFileSync(marker, JSON.stringify({ days, at: new Date().toISOString() }));
}

if (!existsSync(marker)) {
  console.log(`generating ${days} days of QoE rollups into ${state} (first run only)…`);
  await generateRollups();
}

interface Target extends SliceTarget {
  send: () => Promise<Response>;
}

const FLOOR = "floor: constant JSON";
const server = await benchSite({ name: "qoe", port, client: "any", media: false });
const beacons: Target = { name: "beacon: POST /api/qoe", send: () => Promise.reject(), latencies: [], requests: 0, elapsedMs: 0 };
const floorTarget: Target = { name: FLOOR, send: () => Promise.reject(), latencies: [], requests: 0, elapsedMs: 0 };
const consoleTimes: Record<string, number[]> = {};
let stored = 0;
try {
  const base = server.url;
  const { headers } = await signInDemo(server);
  let n = 0;
  beacons.send = () => {
    const viewId = `bench-${process.pid}-${(n++).toString(36).padStart(10, "0")}`;
    const body = {
      v: 1,
      viewId,
      seq: 0,
      titleId: 1 + (n % 6),
      device: "desktop",
      player: "web-bench",
      events: [
        { type: "intent", t: 0 },
        { type: "rendition", t: 10, kbps: 3000, height: 720 },
        { type: "pathway", t: 10, pathway: "primary" },
        { type: "firstframe", t: 700 },
        { type: "heartbeat", t: 10_000 },
      ],
    };
    return fetch(`${base}/api/qoe`, { method: "POST", headers, body: JSON.stringify(body) });
  };
  floorTarget.send = () => fetch(`${base}/api/dev/bench/constant`, { headers });
  const slice = (t: Target, ms: number, record: boolean) =>
    runSlice(t, ms, concurrency, record, async () => {
      const res = await t.send();
      const text = await res.text();
      if (!res.ok) throw new Error(`${t.name} answered ${res.status}: ${text}`);
      if (t === beacons && record && (JSON.parse(text) as { stored: boolean }).stored) stored++;
    });
  await alternateSlices([beacons, floorTarget], seconds, sliceMs, slice);

  const queries = {
    "series 30d": "/api/ops/series?range=30d",
    "series 24h": "/api/ops/series?range=24h",
    "breakdown by title 30d": "/api/ops/breakdown?by=title&range=30d",
    "breakdown by country 30d, failing": "/api/ops/breakdown?by=country&range=30d&failing=1",
  };
  for (let round = 0; round < 12; round++) {
    for (const [name, path] of Object.entries(queries)) {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { headers });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
      // The first round warms the isolate and SQLite's page cache.
      if (round > 1) (consoleTimes[name] ??= []).push(performance.now() - started);
    }
  }
} finally {
  await server.stop();
}

const { stats, floor, print } = sliceStats([beacons, floorTarget], FLOOR);
const beacon = stats[0]!;
console.log(`\nqoe: beacons (a new view each) against the floor, signed in, ${concurrency} concurrent, ${seconds} s per target in ${sliceMs} ms slices (ms)\n`);
print();
console.log(`\n${stored} of ${beacon.requests} beacons stored${stored < beacon.requests ? " (the others were refused as duplicates)" : ""}\n`);
console.log(`operations console over ${days} days of minute rollups (8 cells a minute), sequential, after warm-up (ms)\n`);
const consoleRows = Object.entries(consoleTimes).map(([name, ms]) => [name, ms.length, round(percentile(ms, 50)), round(percentile(ms, 95))] as (string | number)[]);
printTable(["query", "requests", "p50", "p95"], consoleRows);
const consoleP95 = Math.max(...Object.values(consoleTimes).map((ms) => percentile(ms, 95)));
console.log(`\nload average (1 min) ${bench.load().join(" → ")}`);
bench.summary({
  concurrency,
  seconds_per_target: seconds,
  rollup_days: days,
  ms: statsJson(stats),
  beacons_per_s: round(beacon.rps, 0),
  beacons_stored: stored,
  ...vsFloor(beacon, floor, "beacon_"),
  console_p95_ms: round(consoleP95),
  console: Object.fromEntries(consoleRows.map(([name, , p50, p95]) => [name, { p50, p95 }])),
});
