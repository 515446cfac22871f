/**
 * `npm run bench:media [-- --seconds 10 --concurrency 8 --slice-ms 1000 --range 0-1023 --source FILE --title 2]`
 *
 * Cost of the token check on media. Ingests one clip for a movie into its own
 * local state (kept in .cache/bench-media and reused on later runs), serves it
 * with `wrangler dev` on 127.0.0.1 and fetches the same segment (360p
 * seg_00001.m4s) as fast as `--concurrency` workers can, through:
 *   - checked:        `/cdn/a/<token>/<assetId>/…`, one token (as a player sends: the same token on every segment);
 *   - checked_fresh:  the same route, each request with a token this isolate has not verified yet (worst case);
 *   - floor:          `/api/dev/baseline/media/<assetId>/…`, the same R2 read without the token (dev only);
 *   - static:         the same bytes as a Workers static asset, `/bench-segment.m4s`, from a private
 *                     assets folder (`wrangler dev --assets .cache/bench-media/assets`: the site's
 *                     `_headers` plus the segment, written before the server starts and removed after;
 *                     not dist/client, which a concurrent `vite build` empties).
 * Targets alternate in `--slice-ms` slices, in rotating order, until each had
 * `--seconds`, so drift hits all. `--range a-b` asks the Worker targets for
 * those bytes only (206) and makes the static file just those bytes, leaving the
 * per-request work with little transfer. Prints p50/p99 and requests/s with
 * ratios to the floor, then one JSON line.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import { cdnPath, splitCdnPath } from "../common/cdn-url.ts";
import { database } from "../worker/db/client.ts";
import { readyAsset } from "../worker/db/playback.ts";
import { prepareState, root, run, type DevServer } from "../tools/dev/server.ts";
import { benchDir, benchmark, benchSite, numbers, SITE_CLIENT, sliceOptions } from "./harness.ts";
import { alternateSlices, round, runSlice, sliceStats, statsJson, vsFloor, type SliceTarget } from "./stats.ts";

const bench = benchmark("media", {
  ...sliceOptions({ seconds: "10", port: "8796" }),
  concurrency: { type: "string", default: "8" },
  "max-requests": { type: "string", default: "200000" },
  source: { type: "string", default: `${root}../shared/data/video-blender/clip_03_sintel.mp4` },
  title: { type: "string", default: "2" },
  range: { type: "string" },
});
const { values } = bench;
const { seconds, concurrency, "slice-ms": sliceMs, "max-requests": maxRequests, title: titleId } = numbers(values, "seconds", "concurrency", "slice-ms", "max-requests", "title");
const segmentPath = "video/360p/seg_00001.m4s";
const staticName = "bench-segment.m4s";
/** Fresh tokens cycle through more than the isolate's verified-token cache holds (1024), so none is ever a hit. */
const FRESH_TOKENS = 1200;
const range = values.range ? /^(\d+)-(\d+)$/.exec(values.range) : null;
if (values.range && !range) throw new Error("--range wants first-last byte offsets, e.g. 0-1023");
const rangeHeaders: Record<string, string> = range ? { Range: `bytes=${range[1]}-${range[2]}` } : {};

const state = benchDir("media");
const marker = `${state}/ingested.json`;
const assetsDir = `${state}/assets`;
await prepareState({ persistTo: state, quiet: true });
if (!existsSync(marker)) {
  console.log(`ingesting ${values.source} as title ${titleId} into ${state} (first run only)…`);
  await run(process.execPath, [`${root}tools/ingest/cli.ts`, values.source, "--title", String(titleId), "--persist-to", state], { quiet: true });
  writeFileSync(marker, JSON.stringify({ source: values.source, titleId }));
} else console.log(`reusing ${state}`);

// Read the segment straight from the local R2 state (before wrangler dev holds it) to make the static copy.
const proxy = await getPlatformProxy<Env>({ persist: { path: join(state, "v3") } });
let assetId: string;
let segment: Uint8Array;
try {
  const asset = await readyAsset(database(proxy.env.DB), { titleId });
  if (!asset) throw new Error(`title ${titleId} has no ready asset in ${state}; delete ${marker} to ingest again`);
  assetId = asset.id;
  const object = await proxy.env.MEDIA.get(`${asset.keyPrefix}${segmentPath}`);
  if (!object) throw new Error(`no ${segmentPath} in asset ${assetId}`);
  segment = new Uint8Array(await object.arrayBuffer());
} finally {
  await proxy.dispose();
}
rmSync(assetsDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });
// The site's own static headers (CSP and the rest), so the static answer carries what production's would.
if (existsSync(`${SITE_CLIENT}/_headers`)) copyFileSync(`${SITE_CLIENT}/_headers`, `${assetsDir}/_headers`);
// With --range, the static file is just those bytes (local static assets answer Range with the whole file).
const staticBytes = range ? segment.subarray(Number(range[1]), Number(range[2]) + 1) : segment;
writeFileSync(`${assetsDir}/${staticName}`, staticBytes);

interface Target extends SliceTarget {
  url: () => string;
  /** Whether the request carries the --range header (all but the static file). */
  ranged: boolean;
}

let server: DevServer | undefined;
const targets: Target[] = [];
try {
  server = await benchSite({ name: "media", port: Number(values.port), persistTo: state, client: "none", prepared: true, extraArgs: ["--assets", assetsDir] });
  const base = server.url;
  const play = async (maxHeight?: number) => {
    const res = await fetch(`${base}/api/playback/${titleId}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(maxHeight ? { maxHeight } : {}),
    });
    if (!res.ok) throw new Error(`POST /api/playback/${titleId} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { token: string; assetId: string; masterUrl: string };
  };
  const playback = await play();
  if (playback.assetId !== assetId) throw new Error(`playback serves asset ${playback.assetId}, expected ${assetId}`);
  const pathway = splitCdnPath(new URL(playback.masterUrl, base).pathname)?.pathway ?? "a";
  // Distinct tokens: the same claims signed in the same second give the same text, so vary the height ceiling.
  const fresh = new Set<string>();
  for (let h = 360; fresh.size < FRESH_TOKENS; h += concurrency) {
    const batch = await Promise.all(Array.from({ length: concurrency }, (_, i) => play(Math.min(2160, h + i))));
    for (const p of batch) fresh.add(p.token);
    if (h > 2160) throw new Error(`only ${fresh.size} distinct tokens`);
  }
  const freshTokens = [...fresh];
  let freshIndex = 0;
  const cdn = (token: string) => `${base}${cdnPath(pathway, token, assetId, segmentPath)}`;
  const make = (name: string, url: () => string, ranged = true): Target => ({ name, url, ranged, latencies: [], requests: 0, elapsedMs: 0 });
  targets.push(
    make("checked (same token)", () => cdn(playback.token)),
    make("checked (fresh token)", () => cdn(freshTokens[freshIndex++ % freshTokens.length]!)),
    make("floor (dev baseline)", () => `${base}/api/dev/baseline/media/${assetId}/${segmentPath}`),
    make("static asset", () => `${base}/${staticName}`, false),
  );

  /** One slice: `concurrency` workers fetching the target back to back until the slice ends. */
  const slice = (t: Target, ms: number, record: boolean) => {
    const expectedStatus = range && t.ranged ? 206 : 200;
    const expectedBytes = range ? staticBytes.byteLength : segment.byteLength;
    return runSlice(
      t,
      ms,
      concurrency,
      record,
      async () => {
        const url = t.url();
        const res = await fetch(url, { headers: t.ranged ? rangeHeaders : {} });
        const body = await res.arrayBuffer();
        if (res.status !== expectedStatus || body.byteLength !== expectedBytes) {
          throw new Error(`${t.name}: ${url} answered ${res.status} with ${body.byteLength} bytes (expected ${expectedStatus}, ${expectedBytes})`);
        }
      },
      (done) => t.requests + done < maxRequests,
    );
  };

  // Warm up every target (isolate, R2 file cache, connections), then alternate slices in rotating order.
  await alternateSlices(targets, seconds, sliceMs, slice);
} finally {
  await server?.stop();
  rmSync(assetsDir, { recursive: true, force: true });
}

const { stats, print } = sliceStats(targets, "floor (dev baseline)");
const [checked, checkedFresh, floor, staticAsset] = stats as [(typeof stats)[0], (typeof stats)[0], (typeof stats)[0], (typeof stats)[0]];
console.log(
  `\nmedia: ${segmentPath} of asset ${assetId} (${segment.byteLength} bytes), ${concurrency} concurrent, ` +
    `${range ? `bytes ${range[1]}-${range[2]} of it, ` : ""}${seconds} s per target in ${sliceMs} ms slices, over HTTP to wrangler dev (ms)\n`,
);
print();
bench.summary({
  segment_bytes: segment.byteLength,
  range: values.range ?? null,
  concurrency,
  seconds_per_target: seconds,
  ms: statsJson(stats),
  ...vsFloor(checked, floor),
  rps_vs_floor: round(checked.rps / floor.rps),
  p50_vs_static: round(checked.p50 / staticAsset.p50),
  fresh_token_p50_vs_floor: round(checkedFresh.p50 / floor.p50),
  floor_p50_vs_static: round(floor.p50 / staticAsset.p50),
});
