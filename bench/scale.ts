/**
 * `npm run bench:scale [-- --seconds 6 --concurrency 4 --slice-ms 1000 --port 8806
 *                          --accounts 10 --sim-minutes 5 --population-concurrency 8
 *                          --skip-latency | --skip-population]`
 *
 * Issue 21, both halves. The population half (population.ts): N and 10×N
 * simulated accounts on a fresh copy of the demo state with media, each size
 * on its own `wrangler dev`, counting requests per Durable Object instance and
 * queries per D1 binding (reads and writes) per simulated second; it reports
 * each class's busiest instance and the growth from N to 10×N.
 *
 * The latency half: catalog reads answered from the data centre's cache
 * (worker/catalog/edge-cache.ts) and Home answered from KV, each against the
 * constant-response floor of the same Worker (`/api/dev/bench/constant`: the
 * same middleware — D1 session, session cookie check, viewer — and a constant
 * body), and a catalog read that skips the cache (`?cache=miss`, development
 * only) to show what the cache saves. A second floor adds one read-only call
 * to the account's object (`/api/dev/bench/object-call`), which any answer of
 * the account's own data needs: Home against it shows what Home adds beyond
 * that call. All as the demo account's profile,
 * against a local `wrangler dev`, targets alternating in slices so drift hits
 * all. Prints p50/p99 with ratios to the floor, then one JSON line.
 *
 */
import { cpSync, existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { prepareState, root } from "../tools/dev/server.ts";
import { benchDir, benchmark, benchSite, numbers, signInDemo, sliceOptions } from "./harness.ts";
import { busiestPerClass, COUNTRIES, runPopulation, type PopulationResult } from "./population.ts";
import { alternateSlices, printTable, round, runSlice, sliceStats, statsJson, vsFloor, type SliceTarget } from "./stats.ts";

const bench = benchmark("scale", {
  ...sliceOptions({ seconds: "6", port: "8806" }),
  concurrency: { type: "string", default: "4" },
  accounts: { type: "string", default: "10" },
  "sim-minutes": { type: "string", default: "5" },
  "population-concurrency": { type: "string", default: "8" },
  "settle-seconds": { type: "string", default: "130" },
  "skip-latency": { type: "boolean", default: false },
  "skip-population": { type: "boolean", default: false },
});
const { values } = bench;
const { seconds, concurrency, "slice-ms": sliceMs, accounts, "sim-minutes": simMinutes, "population-concurrency": popConcurrency, "settle-seconds": settleSeconds } = numbers(
  values, "seconds", "concurrency", "slice-ms", "accounts", "sim-minutes", "population-concurrency", "settle-seconds",
);

interface Target extends SliceTarget {
  path: string;
  /** The cache header and the value every answer must carry (null: none checked). */
  expect: [header: string, value: string] | null;
}

const FLOOR = "floor: constant JSON";
/** The floor plus one read-only call to the account's object: what any answer of the account's own data costs at least. */
const OBJECT_FLOOR = "floor + object call";
const targets: Target[] = [];
if (!values["skip-latency"]) {
  // The epoch is re-read every 5 s per isolate, as in production (development re-reads it on every request).
  const server = await benchSite({ name: "scale", port: Number(values.port), client: "any", media: false, extraArgs: ["--var", "CATALOG_EPOCH_RECHECK_MS:5000", "--var", "BROADCAST_RECHECK_MS:10000"] });
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
      make(OBJECT_FLOOR, "/api/dev/bench/object-call", null),
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
}

/** The prepared demo state with media the browser suite keeps (.cache/e2e-state/media-*), or one prepared here once. */
async function mediaTemplate(): Promise<string> {
  const dir = join(root, ".cache", "e2e-state");
  const found = existsSync(dir)
    ? readdirSync(dir).filter((d) => d.startsWith("media-") && !d.includes(".tmp-") && existsSync(join(dir, d, "v3"))).map((d) => join(dir, d)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (found[0]) return found[0];
  const own = `${benchDir("scale-population")}/template`;
  if (!existsSync(join(own, "v3"))) await prepareState({ persistTo: own, quiet: true, media: true });
  return own;
}

/** One population size on a fresh copy of the template, on its own wrangler dev. */
async function population(size: number, template: string): Promise<PopulationResult> {
  const state = `${benchDir("scale-population")}/run`;
  rmSync(state, { recursive: true, force: true });
  cpSync(template, state, { recursive: true });
  const site = await benchSite({ name: "scale-population", persistTo: state, port: Number(values.port), client: "any", prepared: true });
  try {
    // Films the signed-out demo viewer can play (development only): the population plays these (a series would need episodes).
    const listed = (await (await fetch(`${site.url}/api/catalog/titles?type=movie&sort=popular&limit=48`)).json()) as { items: { id: number }[] };
    const titles: number[] = [];
    const playable = async (id: number, country: string) => {
      const res = await fetch(`${site.url}/api/playback/${id}`, { method: "POST", headers: { "content-type": "application/json", origin: site.url, "x-dev-country": country }, body: "{}" });
      await res.arrayBuffer();
      return res.ok;
    };
    for (const { id } of listed.items) {
      // Available in every country of the population, so every account's playback and progress are answered.
      let everywhere = true;
      for (const country of new Set(COUNTRIES)) if (!(everywhere = await playable(id, country))) break;
      if (everywhere) titles.push(id);
      if (titles.length === 8) break;
    }
    if (titles.length === 0) throw new Error("no playable title in the template state");
    return await runPopulation({ base: site.url, accounts: size, simulatedMinutes: simMinutes, concurrency: popConcurrency, titles, label: `scale${size}`, settleSeconds });
  } catch (err) {
    console.error(site.logTail());
    throw err;
  } finally {
    await site.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

/** Both population sizes, their tables printed; the summary's fields. */
async function populationHalf() {
  const template = await mediaTemplate();
  const small = await population(accounts, template);
  const large = await population(accounts * 10, template);

  const rate = (n: number, r: PopulationResult) => round(n / r.simulatedSeconds, 3);
  const growth = (a: number, b: number) => (a > 0 ? round(b / a, 2) : null);
  console.log(`\nscale: population of ${accounts} and ${accounts * 10} accounts, ${simMinutes} simulated minutes each (requests per simulated second)\n`);
  for (const r of [small, large]) {
    const failed = Object.entries(r.failures);
    console.log(`${r.accounts} accounts: ${r.requests} requests in ${r.realSeconds} s real${failed.length ? `; not 2xx: ${failed.map(([k, n]) => `${k} ×${n}`).join(", ")}` : ""}`);
  }
  const smallBusiest = busiestPerClass(small);
  const largeBusiest = busiestPerClass(large);
  const classes = [...new Set([...largeBusiest, ...smallBusiest].map((b) => b.className))];
  printTable(
    ["object class", `busiest at ${accounts}`, `rps`, `busiest at ${accounts * 10}`, "rps", "growth", "instances"],
    classes.map((name) => {
      const a = smallBusiest.find((b) => b.className === name);
      const b = largeBusiest.find((x) => x.className === name);
      return [name, a?.instance.slice(0, 24) ?? "-", a ? round(a.rps, 3) : 0, b?.instance.slice(0, 24) ?? "-", b ? round(b.rps, 3) : 0, a && b ? (growth(a.rps, b.rps) ?? "-") : "-", `${a?.instances ?? 0} → ${b?.instances ?? 0}`];
    }),
  );
  // Objects bounded on the real clock (steering's read copies and report shards: one call a second per isolate; alarms)
  // grow in the table above with the run's real length alone; per real second their load should stay flat (SCALING §7).
  const smallReal = busiestPerClass(small, "real");
  const largeReal = busiestPerClass(large, "real");
  console.log("\nthe same per real second\n");
  printTable(
    ["object class", `busiest at ${accounts}`, "rps", `busiest at ${accounts * 10}`, "rps", "growth"],
    classes.map((name) => {
      const a = smallReal.find((b) => b.className === name);
      const b = largeReal.find((x) => x.className === name);
      return [name, a?.instance.slice(0, 24) ?? "-", a ? round(a.rps, 3) : 0, b?.instance.slice(0, 24) ?? "-", b ? round(b.rps, 3) : 0, a && b ? (growth(a.rps, b.rps) ?? "-") : "-"];
    }),
  );
  const db = (r: PopulationResult) => r.databases.find((d) => d.binding === "DB") ?? { binding: "DB", reads: 0, writes: 0, writesByTable: {} };
  console.log("");
  printTable(
    ["D1 binding", `reads/s at ${accounts}`, `at ${accounts * 10}`, "growth", `writes/s at ${accounts}`, `at ${accounts * 10}`, "growth"],
    [["DB", rate(db(small).reads, small), rate(db(large).reads, large), growth(db(small).reads, db(large).reads) ?? "-", rate(db(small).writes, small), rate(db(large).writes, large), growth(db(small).writes, db(large).writes) ?? "-"]],
  );
  const tables = [...new Set([...Object.keys(db(large).writesByTable), ...Object.keys(db(small).writesByTable)])];
  console.log("\nD1 writes by table (per simulated second)\n");
  printTable(
    ["table", `at ${accounts}`, `at ${accounts * 10}`, "growth"],
    tables.map((t) => [t, rate(db(small).writesByTable[t] ?? 0, small), rate(db(large).writesByTable[t] ?? 0, large), growth(db(small).writesByTable[t] ?? 0, db(large).writesByTable[t] ?? 0) ?? "-"]),
  );
  const maxObjectGrowth = growth(smallBusiest[0]?.rps ?? 0, largeBusiest[0]?.rps ?? 0);
  const maxWritesGrowth = growth(db(small).writes, db(large).writes);
  console.log(`\nbusiest object: ${smallBusiest[0]?.className} ${round(smallBusiest[0]?.rps ?? 0, 3)}/s → ${largeBusiest[0]?.className} ${round(largeBusiest[0]?.rps ?? 0, 3)}/s (${maxObjectGrowth}×); DB writes ${maxWritesGrowth}×`);

  return {
    accounts: [accounts, accounts * 10],
    simulated_minutes: simMinutes,
    busiest_objects: Object.fromEntries(classes.map((name) => [name, [smallBusiest.find((b) => b.className === name)?.rps ?? 0, largeBusiest.find((b) => b.className === name)?.rps ?? 0].map((x) => round(x, 3))])),
    busiest_objects_per_real_s: Object.fromEntries(classes.map((name) => [name, [smallReal.find((b) => b.className === name)?.rps ?? 0, largeReal.find((b) => b.className === name)?.rps ?? 0].map((x) => round(x, 3))])),
    database_writes_per_s: [rate(db(small).writes, small), rate(db(large).writes, large)],
    database_reads_per_s: [rate(db(small).reads, small), rate(db(large).reads, large)],
    max_object_rps_growth_10x: maxObjectGrowth,
    max_database_writes_growth_10x: maxWritesGrowth,
  };
}
const populationSummary = values["skip-population"] ? null : await populationHalf();

const latency = targets.length > 0 ? sliceStats(targets, FLOOR) : null;
if (latency) {
  const { stats, print } = latency;
  console.log(`\nscale: cached catalog reads and Home against the floor, signed in, ${concurrency} concurrent, ${seconds} s per target in ${sliceMs} ms slices, over HTTP to wrangler dev (ms)\n`);
  print();
}
console.log(`\nload average (1 min) ${bench.load().join(" → ")}`);
const by = (name: string) => latency!.stats.find((s) => s.name === name)!;
const catalogHits = latency?.stats.filter((s) => s.name.startsWith("catalog hit")) ?? [];
bench.summary({
  concurrency,
  seconds_per_target: seconds,
  ...(latency ? { ms: statsJson(latency.stats) } : {}),
  ...populationSummary,
  catalog_hit_p50_vs_floor: latency ? vsFloor(catalogHits.reduce((a, b) => (b.p50 > a.p50 ? b : a)), by(FLOOR)).p50_vs_floor : null,
  catalog_miss_p50_vs_floor: latency ? vsFloor(by("catalog miss: browse"), by(FLOOR)).p50_vs_floor : null,
  home_hit_p50_vs_floor: latency ? vsFloor(by("home hit"), by(FLOOR)).p50_vs_floor : null,
  home_hit_p50_vs_object_floor: latency ? vsFloor(by("home hit"), by(OBJECT_FLOOR)).p50_vs_floor : null,
});
