/**
 * `npm run bench:drm [-- --runs 7 --seconds 6 --concurrency 4 --slice-ms 1000 --port 8806 --verbose --no-build]`
 *
 * What content protection costs, on the benchmark's own local site (demo media):
 *   - Video start, encrypted against clear: a clear twin of demo title 1 (the
 *     same generated clip, ladder and encode, left unencrypted, under its own
 *     catalog title "<name> (clear)", made once in this benchmark's state) is
 *     started beside the encrypted title, interleaved in rotating order, each
 *     run as bench:web measures video start (bench/video-start.ts: Chromium,
 *     4× CPU slowdown, 10 Mbit/s down, 5 up, 40 ms; fresh context; signed out,
 *     the demo viewer of local development; Play → first presented frame). The
 *     encrypted start includes EME setup and the licence round trip.
 *   - The licence request: `POST /api/licence` (ClearKey, the SD key of title 1)
 *     for the signed-in demo account (session, profile, entitlement, the stream's
 *     lease in the account's object, the key unwrapped) against the floor,
 *     `GET /api/dev/bench/constant` from the same Worker with the same session;
 *     alternating slices as bench:home does. p50/p99 and their ratios.
 * Prints both, then one JSON line.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../test/e2e/browser.ts";
import { demoPackage } from "../tools/ingest/demo.ts";
import { localTarget, publishAsset } from "../tools/ingest/publish.ts";
import { DEMO_TITLES } from "../tools/seed/demo-catalog.ts";
import { benchDir, benchmark, benchSite, numbers, signInDemo, sliceOptions } from "./harness.ts";
import { alternateSlices, percentile, printTable, round, runSlice, sliceStats, statsJson, vsFloor, type SliceTarget } from "./stats.ts";
import { PROFILE, startRun, type StartRun } from "./video-start.ts";

const bench = benchmark("drm", {
  ...sliceOptions({ seconds: "6", port: "8806" }),
  runs: { type: "string", default: "7" },
  concurrency: { type: "string", default: "4" },
  title: { type: "string", default: "1" },
  verbose: { type: "boolean", default: false },
  "no-build": { type: "boolean", default: false },
});
const { values } = bench;
const { runs, seconds, concurrency, "slice-ms": sliceMs, title: titleId } = numbers(values, "runs", "seconds", "concurrency", "slice-ms", "title");
/** The demo clips' length (tools/ingest/demo.ts default), so the twin is the same clip. */
const DEMO_SECONDS = 12;

/**
 * The clear twin of `titleId` in the benchmark's state: a copy of its catalog
 * row and availability under a new id, with the same demo clip ingested in the
 * clear (encoded once, cached in the benchmark's folder). Its id.
 */
async function clearTwin(persistTo: string, sourceId: number): Promise<number> {
  const target = await localTarget(persistTo);
  try {
    const [source] = await target.query<{ title: string; type: string }>(sql`SELECT title, type FROM titles WHERE id = ${sourceId}`);
    if (!source || source.type !== "movie") throw new Error(`title ${sourceId} is not a film of the demo catalog`);
    const name = `${source.title} (clear)`;
    const [ready] = await target.query<{ id: number }>(sql`SELECT t.id FROM titles t JOIN assets a ON a.title_id = t.id AND a.status = 'ready' WHERE t.title = ${name}`);
    if (ready) return ready.id;
    const columns = (await target.query<{ name: string }>(sql`SELECT name FROM pragma_table_info('titles')`)).map((c) => c.name).filter((c) => c !== "id" && c !== "title");
    const list = sql.raw(columns.join(", "));
    const [{ id }] = (await target.query<{ id: number }>(sql`SELECT max(id) + 1 AS id FROM titles`)) as [{ id: number }];
    await target.batch([
      sql`INSERT INTO titles (id, title, ${list}) SELECT ${id}, ${name}, ${list} FROM titles WHERE id = ${sourceId}`,
      sql`INSERT INTO availability (title_id, region, starts_at, ends_at) SELECT ${id}, region, starts_at, ends_at FROM availability WHERE title_id = ${sourceId}`,
    ]);
    const index = DEMO_TITLES.findIndex((t) => t.title === source.title);
    console.log(`bench:drm: encoding the clear twin of ${source.title} (once; cached in ${benchDir("drm")}/media)`);
    const manifest = await demoPackage({ titleId: id, name: source.title, episodeIds: [] }, index, DEMO_SECONDS, join(benchDir("drm"), "media"), { clear: true });
    await publishAsset(target, manifest);
    return id;
  } finally {
    await target.close();
  }
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** The ClearKey licence request for the title's first KEYID (its SD key), read from its first media playlist as a player does. */
async function licenceRequest(base: string, masterUrl: string, headers: Record<string, string>): Promise<string> {
  const master = await (await fetch(`${base}${masterUrl}`, { headers })).text();
  const media = master.split("\n").find((l) => l.trim() !== "" && !l.startsWith("#"));
  if (!media) throw new Error("the master playlist lists no media playlist");
  const playlist = await (await fetch(new URL(media, `${base}${masterUrl}`), { headers })).text();
  const kid = /KEYID=0x([0-9a-fA-F]{32})/.exec(playlist)?.[1];
  if (!kid) throw new Error("the media playlist has no KEYID: is title 1 encrypted?");
  return JSON.stringify({ kids: [b64url(Buffer.from(kid, "hex"))], type: "temporary" });
}

interface Target extends SliceTarget {
  run: () => Promise<void>;
}

// The catalog's epoch is re-read every 5 s per isolate, as in production (development re-reads it on every request), as bench:scale does.
const server = await benchSite({ name: "drm", port: Number(values.port), client: "own", reuse: values["no-build"], extraArgs: ["--var", "CATALOG_EPOCH_RECHECK_MS:5000"] });
let browser: Browser | undefined;
const starts: Record<"encrypted" | "clear", StartRun[]> = { encrypted: [], clear: [] };
const targets: Target[] = [];
try {
  const base = server.url;
  const twinId = await clearTwin(benchDir("drm"), titleId);
  const paths = { encrypted: `/title/${titleId}`, clear: `/title/${twinId}` };

  browser = await launchBrowser();
  // Warm both (route compilation, the Worker's caches), unmeasured.
  for (const titlePath of Object.values(paths)) await startRun(browser, base, { titlePath });
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (["encrypted", "clear"] as const) : (["clear", "encrypted"] as const);
    for (const way of order) {
      const r = await startRun(browser, base, { titlePath: paths[way] });
      starts[way].push(r);
      if (values.verbose) console.log(`run ${i + 1} ${way}: ${round(r.ms, 0)} ms (${r.height}p)\n  ${r.requestsAfterClick.join("\n  ")}`);
    }
  }
  await browser.close();
  browser = undefined;

  const { headers } = await signInDemo(server);
  const playback = await fetch(`${base}/api/playback/${titleId}`, { method: "POST", headers, body: "{}" });
  if (!playback.ok) throw new Error(`playback answered ${playback.status}: ${await playback.text()}`);
  const { token, masterUrl } = (await playback.json()) as { token: string; masterUrl: string };
  const body = await licenceRequest(base, masterUrl, headers);
  const licenceHeaders = { ...headers, "x-playback-token": token, "x-device-name": "bench:drm" };
  const request = (name: string, path: string, init: RequestInit): Target => ({
    name, latencies: [], requests: 0, elapsedMs: 0,
    async run() {
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      if (!res.ok) throw new Error(`${name}: ${path} answered ${res.status}: ${text}`);
    },
  });
  targets.push(
    request("licence (ClearKey, SD key)", "/api/licence", { method: "POST", headers: licenceHeaders, body }),
    request("floor: constant JSON", "/api/dev/bench/constant", { headers }),
  );
  await targets[0]!.run();
  await alternateSlices(targets, seconds, sliceMs, (t, ms, record) => runSlice(t, ms, concurrency, record, () => t.run()));
} finally {
  await browser?.close();
  await server.stop();
}

const median = (xs: number[]) => round(percentile(xs, 50), 0);
const encrypted = median(starts.encrypted.map((r) => r.ms));
const clear = median(starts.clear.map((r) => r.ms));
console.log(`\nbench:drm — video start in Chromium (CPU ×${PROFILE.cpuSlowdown} slower, 10 Mbit/s down, 5 up, 40 ms), ${runs} runs each, interleaved, signed out\n`);
printTable(["video start, Play → first frame (ms)", "median", "p90", "runs"], [
  [`encrypted (ClearKey), /title/${titleId}`, encrypted, round(percentile(starts.encrypted.map((r) => r.ms), 90), 0), starts.encrypted.map((r) => round(r.ms, 0)).join(" ")],
  ["same clip in the clear", clear, round(percentile(starts.clear.map((r) => r.ms), 90), 0), starts.clear.map((r) => round(r.ms, 0)).join(" ")],
]);
const { stats, print } = sliceStats(targets, "floor: constant JSON");
const [licence, floor] = stats as [(typeof stats)[0], (typeof stats)[0]];
console.log(`\nlicence requests, signed in, ${concurrency} concurrent, ${seconds} s per target in ${sliceMs} ms slices, over HTTP to wrangler dev (ms)\n`);
print();
console.log(`\nload average (1 min) ${bench.load().join(" → ")}`);
bench.summary({
  runs,
  start_ms_encrypted: encrypted,
  start_ms_clear: clear,
  start_ratio: round(encrypted / clear, 2),
  ...vsFloor(licence, floor, "license_"),
  concurrency,
  ms: statsJson(stats),
});
