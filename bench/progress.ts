/**
 * `npm run bench:progress [-- --seconds 8 --writers 50 --slice-ms 1000 --port 8797]`
 *
 * Watch-progress writes against ONE account's ViewerState object, the way a
 * busy household (or a reconnect storm) hits it: `--writers` concurrent
 * clients, each a device of the demo account POSTing `/api/progress` back to
 * back (JSON, a fresh operation id, its own advancing clock, one of a few
 * films). The floor, in the same run: the same number of clients calling
 * `/api/dev/bench/viewer-state-counter`, which goes through the same Worker,
 * session check and object, and does a bare SQLite counter increment there.
 * Targets alternate in slices, in rotating order, so drift hits both. Prints
 * writes/s, p50 and p99 with ratios to the floor, then one JSON line.
 */
import { benchmark, benchSite, numbers, signInDemo, sliceOptions } from "./harness.ts";
import { alternateSlices, round, runSlice, sliceStats, vsFloor, type SliceTarget } from "./stats.ts";

const bench = benchmark("progress", { ...sliceOptions({ seconds: "8", port: "8797" }), writers: { type: "string", default: "50" } });
const { values } = bench;
const { seconds, writers, "slice-ms": sliceMs } = numbers(values, "seconds", "writers", "slice-ms");

interface Target extends SliceTarget {
  request: (writer: number) => { path: string; body: unknown };
}

const server = await benchSite({ name: "progress", port: Number(values.port), client: "any", media: false });
const targets: Target[] = [];
const fresh = (name: string): SliceTarget => ({ name, latencies: [], requests: 0, elapsedMs: 0 });
let applied = 0;
try {
  const base = server.url;
  let { cookie } = await signInDemo(server);
  const films = (await (await fetch(`${base}/api/catalog/titles?type=movie&limit=8`)).json()) as { items: { id: number }[] };
  const filmIds = films.items.map((f) => f.id);
  if (filmIds.length === 0) throw new Error("the demo catalog has no films");

  const clocks = Array.from({ length: writers }, () => Date.now());
  targets.push(
    {
      request: (w) => ({
        path: "/api/progress",
        body: {
          opId: crypto.randomUUID(),
          titleId: filmIds[w % filmIds.length]!,
          positionSeconds: 60 + (clocks[w]! % 1000) / 10,
          durationSeconds: 5400,
          // Each device's clock advances; all stay within the server's skew.
          clientTime: (clocks[w] = Math.max(clocks[w]! + 1, Date.now())),
          deviceId: `bench-device-${w.toString().padStart(3, "0")}`,
          deviceName: `Bench ${w}`,
          event: "tick",
        },
      }),
      ...fresh("progress write"),
    },
    { ...fresh("floor: DO counter"), request: () => ({ path: "/api/dev/bench/viewer-state-counter", body: {} }) },
  );

  const slice = (t: Target, ms: number, record: boolean) =>
    runSlice(t, ms, writers, record, async (w) => {
      const { path, body } = t.request(w);
      const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: base, cookie }, body: JSON.stringify(body) });
      const answer = (await res.json()) as { applied?: boolean };
      if (!res.ok) throw new Error(`${t.name}: ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
      if (answer.applied) applied++;
    });
  await alternateSlices(targets, seconds, sliceMs, slice, async (r) => {
    // The access token lives 15 minutes; a long run refreshes it between slices.
    if (r % 60 !== 59) return;
    const refreshed = await fetch(`${base}/api/auth/refresh`, { method: "POST", headers: { origin: base, cookie } });
    cookie = refreshed.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  });
} finally {
  await server.stop();
}

const { stats, print } = sliceStats(targets, "floor: DO counter");
const [progress, floor] = stats as [(typeof stats)[0], (typeof stats)[0]];
console.log(`\nprogress: ${writers} concurrent writers on one account's ViewerState, ${seconds} s per target in ${sliceMs} ms slices, over HTTP to wrangler dev (ms)\n`);
print();
console.log(`\n${applied} progress writes applied, warm-up included (each device's clock advances, so every write should apply), load average (1 min) ${bench.load().join(" → ")}`);
bench.summary({
  writers,
  seconds_per_target: seconds,
  writes_per_s: round(progress.rps, 0),
  p50_ms: round(progress.p50),
  p99_ms: round(progress.p99),
  floor: { ops_per_s: round(floor.rps, 0), p50_ms: round(floor.p50), p99_ms: round(floor.p99) },
  ...vsFloor(progress, floor),
  writes_per_s_vs_floor: round(progress.rps / floor.rps),
});
