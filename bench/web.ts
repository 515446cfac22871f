/**
 * `npm run bench:web [-- --runs 7 --port 8805 --verbose]`
 *
 * The SPA is built into the benchmark's own folder (.cache/bench-web/client,
 * served with `wrangler dev --assets`), never into dist/client: a running
 * `npm start` keeps serving what it served (`--no-build` reuses the last build).
 *
 * The web app in Debian's Chromium with 4× CPU slowdown and a throttled network
 * (10 Mbit/s down, 5 Mbit/s up, 40 ms latency), each run in a fresh browser
 * context (empty HTTP cache), signed out (the demo viewer), desktop 1440×900:
 *   - Home (in the browser language `--locale`, default en): first and largest contentful paint (the page's own paint and
 *     largest-contentful-paint entries, read after load and a quiet network),
 *     the LCP element, and the JavaScript Home loaded: bytes on the wire and
 *     gzip-compressed bytes (each script gzipped here, level 6, as a CDN would).
 *   - Video start: on the title page of title 1 (a film; 12 s demo clip), once
 *     the page is loaded and its network quiet, click Play; the time from the
 *     click event to the first frame the <video> presents
 *     (`requestVideoFrameCallback`, registered by an init script on every video
 *     element the page creates). Four ways, interleaved in rotating order:
 *       * start:       Marquee's player as shipped;
 *       * quick:       a viewer's quick click from Home: once Home is loaded and
 *                      quiet, the pointer moves onto title 1's tile and rests
 *                      there `--rest-ms` (500) before clicking it, and Play is
 *                      clicked as soon as the title page shows it;
 *       * opened:      the title page opened by its URL, Play clicked as soon
 *                      as it shows (the page's own preparation is still in
 *                      flight and must be joined; nothing came before it);
 *       * hlsjs:       the baseline, localStorage "marquee.baseline" = "hlsjs":
 *                      no preparation on the title page, plain hls.js defaults.
 * Prints medians and p90s, then one JSON line.
 */
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { launchBrowser, VIEWPORTS } from "../test/e2e/browser.ts";
import { benchmark, benchSite, numbers } from "./harness.ts";
import { clickPlay, PROFILE, quiet, readBench, throttledPage, type StartRun } from "./video-start.ts";
import { percentile, printTable, round } from "./stats.ts";

const bench = benchmark("web", {
  runs: { type: "string", default: "7" },
  port: { type: "string", default: "8805" },
  title: { type: "string", default: "1" },
  verbose: { type: "boolean", default: false },
  /** While working on one part: the start ways to measure, and whether to measure Home. */
  ways: { type: "string", default: "start,hlsjs,quick,opened" },
  /** How long the quick click's pointer rests on the tile before clicking it. */
  "rest-ms": { type: "string", default: "500" },
  "skip-home": { type: "boolean", default: false },
  /** The browser's language for Home (the SPA loads that locale's dictionary): "ar" measures Home in Arabic. */
  locale: { type: "string", default: "en" },
  "no-build": { type: "boolean", default: false },
});
const { values } = bench;
const { runs, "rest-ms": restMs } = numbers(values, "runs", "rest-ms");
const titlePath = `/title/${values.title}`;

const gzipCache = new Map<string, number>();
async function gzipBytes(base: string, url: string): Promise<number> {
  if (!gzipCache.has(url)) {
    const body = Buffer.from(await (await fetch(url.startsWith("http") ? url : `${base}${url}`)).arrayBuffer());
    gzipCache.set(url, gzipSync(body, { level: 6 }).length);
  }
  return gzipCache.get(url)!;
}

interface HomeRun { fcp: number; lcp: number; lcpElement: string; jsWire: number; jsGzip: number; scripts: string[]; requests: string[]; events: string[] }

async function homeRun(browser: Browser, base: string): Promise<HomeRun> {
  const { context, page, scripts } = await throttledPage(browser, false, values.locale);
  try {
    await page.goto(`${base}/`, { waitUntil: "load" });
    await page.locator(".hero h1").waitFor({ timeout: 30_000 });
    await quiet(page);
    const b = await readBench(page);
    const urls = [...scripts.keys()];
    const requests = await page.evaluate(() =>
      (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((r) => `${Math.round(r.startTime)}→${Math.round(r.responseEnd)} ms ${r.name.replace(location.origin, "")}`));
    let jsGzip = 0;
    for (const url of urls) jsGzip += await gzipBytes(base, url);
    return { fcp: b.fcp, lcp: b.lcp, lcpElement: b.lcpElement, jsWire: [...scripts.values()].reduce((a, x) => a + x, 0), jsGzip, scripts: urls.map((u) => u.replace(base, "")), requests, events: b.events.map(([name, at]) => `${Math.round(at)} ms ${name}`) };
  } finally {
    await context.close();
  }
}

type StartWay = "start" | "quick" | "opened" | "hlsjs";

async function startRun(browser: Browser, base: string, way: StartWay): Promise<StartRun> {
  const { context, page } = await throttledPage(browser, way === "hlsjs");
  try {
    const play = page.locator(".play-button");
    if (way === "quick") {
      await page.goto(`${base}/`, { waitUntil: "load" });
      const tile = page.locator(`.row a.tile[data-title-id='${values.title}']`).first();
      await tile.waitFor({ timeout: 30_000 });
      await quiet(page);
      await tile.hover();
      await page.waitForTimeout(restMs);
      await tile.click();
    } else {
      await page.goto(`${base}${titlePath}`, { waitUntil: "load" });
    }
    await play.waitFor({ timeout: 30_000 });
    if (way === "start" || way === "hlsjs") await quiet(page);
    return await clickPlay(page, play);
  } finally {
    await context.close();
  }
}

const stats = (xs: number[]) => ({ median: round(percentile(xs, 50), 0), p90: round(percentile(xs, 90), 0) });

const server = await benchSite({ name: "web", port: Number(values.port), client: "own", reuse: values["no-build"], demoAccount: false });
let browser: Browser | undefined;
try {
  browser = await launchBrowser();
  const base = server.url;
  // Warm the site (first requests compile routes and fill the Worker's caches), unthrottled and unmeasured.
  {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.locator(".hero h1").waitFor({ timeout: 60_000 });
    await page.goto(`${base}${titlePath}`);
    await page.locator(".play-button").click();
    await page.waitForFunction(() => { const v = document.querySelector("video"); return !!v && v.currentTime > 0.2; }, null, { timeout: 60_000 });
    await context.close();
  }

  const homes: HomeRun[] = [];
  for (let i = 0; i < (values["skip-home"] ? 1 : runs); i++) {
    const h = await homeRun(browser, base);
    homes.push(h);
    if (values.verbose) console.log(`home ${i + 1}: FCP ${round(h.fcp, 0)} ms, LCP ${round(h.lcp, 0)} ms (${h.lcpElement})\n  ${h.requests.join("\n  ")}\n  ${h.events.join("\n  ")}`);
  }

  const ways = values.ways.split(",").filter((w): w is StartWay => ["start", "hlsjs", "quick", "opened"].includes(w));
  const starts: Record<StartWay, StartRun[]> = { start: [], quick: [], opened: [], hlsjs: [] };
  for (let i = 0; i < runs; i++) {
    const order = ways.map((_, k) => ways[(k + i) % ways.length]!);
    for (const way of order) {
      const r = await startRun(browser, base, way);
      starts[way].push(r);
      if (values.verbose) console.log(`run ${i + 1} ${way}: ${round(r.ms, 0)} ms (${r.height}p)\n  ${r.requestsAfterClick.join("\n  ")}`);
    }
  }

  const fcp = stats(homes.map((h) => h.fcp));
  const lcp = stats(homes.map((h) => h.lcp));
  const jsGzip = stats(homes.map((h) => h.jsGzip));
  const jsWire = stats(homes.map((h) => h.jsWire));
  const start = stats(starts.start.map((r) => r.ms));
  const quick = stats(starts.quick.map((r) => r.ms));
  const opened = stats(starts.opened.map((r) => r.ms));
  const hlsjs = stats(starts.hlsjs.map((r) => r.ms));
  const lcpElements = [...new Set(homes.map((h) => h.lcpElement))];

  console.log(`bench:web — Chromium, CPU ×${PROFILE.cpuSlowdown} slower, 10 Mbit/s down, 5 up, 40 ms; ${runs} runs each, fresh context per run, signed out, 1440×900\n`);
  printTable(["metric", "median", "p90"], [
    ["Home FCP (ms)", fcp.median, fcp.p90],
    ["Home LCP (ms)", lcp.median, lcp.p90],
    ["Home JS, gzip (bytes)", jsGzip.median, jsGzip.p90],
    ["Home JS, on the wire (bytes)", jsWire.median, jsWire.p90],
    [`video start, ${titlePath} Play → first frame (ms)`, start.median, start.p90],
    [`  quick click: Home tile (pointer rests ${restMs} ms), Play as soon as shown (ms)`, quick.median, quick.p90],
    ["  title page opened by URL, Play as soon as shown (ms)", opened.median, opened.p90],
    ["  baseline: hls.js defaults, no preparation (ms)", hlsjs.median, hlsjs.p90],
  ]);
  console.log(`\nHome LCP element: ${lcpElements.join(" | ")}`);
  console.log(`Home scripts: ${homes[0]!.scripts.join(", ")}`);
  console.log(`start / hls.js defaults: ${round(start.median / hlsjs.median, 2)} (median over median); first frame heights: ${starts.start.map((r) => r.height).join(" ")} vs ${starts.hlsjs.map((r) => r.height).join(" ")}`);
  bench.summary({
    runs,
    home_fcp_ms: fcp.median,
    home_fcp_ms_p90: fcp.p90,
    home_lcp_ms: lcp.median,
    home_lcp_ms_p90: lcp.p90,
    home_locale: values.locale,
    home_js_gzip_bytes: jsGzip.median,
    home_js_wire_bytes: jsWire.median,
    start_ms: start.median,
    start_ms_p90: start.p90,
    start_ms_quick_click: quick.median,
    start_ms_quick_click_p90: quick.p90,
    start_ms_quick_click_opened: opened.median,
    quick_click_rest_ms: restMs,
    start_ms_hlsjs_defaults: hlsjs.median,
    start_ms_hlsjs_defaults_p90: hlsjs.p90,
    start_ratio: round(start.median / hlsjs.median, 2),
  });
} finally {
  await browser?.close();
  await server.stop();
}
