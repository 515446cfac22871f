/**
 * `npm run bench:offline [-- --runs 5 --port 8807 --title 1 --verbose --no-build]`
 *
 * What a download buys, in Debian's Chromium with bench:web's profile (4× CPU
 * slowdown; 10 Mbit/s down, 5 up, 40 ms), signed in as the demo account, on the
 * benchmark's own local site (demo catalog and media):
 *   - Start: the first frame of title `--title` played from its download with
 *     the browser offline (the Downloads page loaded, the network cut, ▶ Play
 *     clicked: the offline player reads media and keys from IndexedDB) against
 *     the same title streamed online (its title page in a fresh context, Play
 *     clicked once the page is quiet), click → first presented frame, runs
 *     interleaved in rotating order.
 *   - Download throughput: a Standard download from the title page (menu click
 *     → every file stored in IndexedDB: the grant, playlists, init segments,
 *     segments and subtitles, one at a time) against a plain sequential `fetch`
 *     of the same media URLs, read to the end, in the same page right after.
 * Prints both, then one JSON line.
 */
import { writeFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, VIEWPORTS } from "../test/e2e/browser.ts";
import { storedDownloads } from "../test/e2e/offline-store.ts";
import { benchmark, benchSite, numbers, signInDemo } from "./harness.ts";
import { percentile, printTable, round } from "./stats.ts";
import { clickPlay, OBSERVE, PROFILE, quiet, throttle, throttledPage, type StartRun } from "./video-start.ts";

const bench = benchmark("offline", {
  runs: { type: "string", default: "5" },
  port: { type: "string", default: "8807" },
  title: { type: "string", default: "1" },
  verbose: { type: "boolean", default: false },
  "no-build": { type: "boolean", default: false },
  /** Writes a CPU profile (Chrome DevTools' .cpuprofile) of each offline start, click to first frame, as <path>-<run>.cpuprofile. */
  "cpu-profile": { type: "string" },
  /** Writes a Chrome trace (devtools.timeline: style, layout, paint, scripts) of each offline start as <path>-<run>.json. */
  trace: { type: "string" },
});
const { values } = bench;
const { runs, title: titleId } = numbers(values, "runs", "title");
const titlePath = `/title/${titleId}`;

/** The demo account's session cookies, for a fresh context. */
function cookiesFor(base: string, cookie: string) {
  return cookie.split("; ").map((pair) => {
    const at = pair.indexOf("=");
    return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
  });
}

interface DownloadRun { downloadMs: number; fetchMs: number; bytes: number; files: number }

/**
 * One Standard download of the title from its page (an earlier one deleted
 * first), then the same media URLs fetched plainly one after another, read to
 * the end (`no-store`: nothing from the HTTP cache).
 */
async function downloadRun(page: Page, base: string): Promise<DownloadRun> {
  await page.goto(`${base}${titlePath}`, { waitUntil: "load" });
  await quiet(page);
  const urls: string[] = [];
  const onRequest = (r: { url(): string; method(): string }) => {
    if (r.method() === "GET" && new URL(r.url()).pathname.startsWith("/cdn/")) urls.push(r.url());
  };
  await page.getByRole("button", { name: "Download" }).click({ timeout: 30_000 }).catch(async (err: unknown) => {
    // What the device holds instead (a deleted download that came back shows its state here).
    const held = await storedDownloads(page).catch((e: unknown) => String(e));
    await page.screenshot({ path: "test-results/bench-offline-no-download-button.png" }).catch(() => {});
    throw new Error(`bench:offline: no Download button on ${titlePath}; the device holds ${JSON.stringify(held)} (screenshot: test-results/bench-offline-no-download-button.png)`, { cause: err });
  });
  const standard = page.getByRole("menuitem", { name: /^Standard · / });
  await standard.waitFor({ timeout: 30_000 });
  page.on("request", onRequest);
  const started = performance.now();
  await standard.click();
  await page.locator("a.download-state").filter({ hasText: "Downloaded" }).waitFor({ timeout: 180_000 });
  const downloadMs = performance.now() - started;
  page.off("request", onRequest);
  const plain = await page.evaluate(async (list) => {
    const t0 = performance.now();
    let bytes = 0;
    for (const u of list) bytes += (await (await fetch(u, { cache: "no-store" })).arrayBuffer()).byteLength;
    return { ms: performance.now() - t0, bytes };
  }, urls);
  return { downloadMs, fetchMs: plain.ms, bytes: plain.bytes, files: urls.length };
}

/**
 * Deletes the title's download from the Downloads page (revoking its grant), so
 * the next run downloads afresh. The list re-renders when a grant is renewed on
 * load, which can swap the button under a click or show no item for a moment:
 * the device's store, not the list, says whether the download is gone, and a
 * click that removed nothing is made again (bounded).
 */
async function deleteDownloads(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/downloads`, { waitUntil: "load" });
  const items = page.locator(".download-item");
  await items.first().waitFor({ timeout: 30_000 });
  for (let attempt = 0; (await storedDownloads(page)).length > 0; attempt++) {
    if (attempt === 10) throw new Error("bench:offline: the download could not be deleted from the Downloads page");
    const before = (await storedDownloads(page)).length;
    await items.first().locator(".download-actions button").filter({ hasText: "Delete" }).click();
    for (const until = Date.now() + 5_000; Date.now() < until && (await storedDownloads(page)).length >= before; ) await page.waitForTimeout(100);
  }
}

/** Offline start: a new page of the context that holds the download; the Downloads page loaded online, then the network cut and Play clicked. */
async function offlineRun(context: BrowserContext, base: string, profilePath?: string, tracePath?: string): Promise<StartRun> {
  const page = await context.newPage();
  const cdp = await throttle(page);
  try {
    await page.goto(`${base}/downloads`, { waitUntil: "load" });
    const play = page.locator(".download-item[data-state='done'] .download-actions a[href^='/downloads/']").first();
    await play.waitFor({ timeout: 30_000 });
    await quiet(page);
    await context.setOffline(true);
    if (tracePath) {
      await browser!.startTracing(page, { path: tracePath, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing"] });
      try {
        return await clickPlay(page, play);
      } finally {
        await browser!.stopTracing();
      }
    }
    if (!profilePath) return await clickPlay(page, play);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    const run = await clickPlay(page, play);
    const { profile } = await cdp.send("Profiler.stop");
    writeFileSync(profilePath, JSON.stringify(profile));
    return run;
  } finally {
    await context.setOffline(false);
    await page.close();
  }
}

/** Online start: the title page in a fresh context (empty HTTP cache), signed in, Play once the page is quiet. */
async function onlineRun(browser: Browser, base: string, cookie: string): Promise<StartRun> {
  const { context, page } = await throttledPage(browser, false);
  try {
    await context.addCookies(cookiesFor(base, cookie));
    await page.goto(`${base}${titlePath}`, { waitUntil: "load" });
    const play = page.locator(".play-button");
    await play.waitFor({ timeout: 30_000 });
    await quiet(page);
    return await clickPlay(page, play).catch(async (err: unknown) => {
      // What the page shows instead of a picture (a refusal, an error screen).
      const shown = await page.locator(".player").innerText({ timeout: 2_000 }).catch(() => "(no player)");
      throw new Error(`bench:offline: no first frame online; the player shows: ${shown.replace(/\s+/g, " ").slice(0, 300)}`, { cause: err });
    });
  } finally {
    // Leaving the page frees the stream's screen (the player releases its lease), as a viewer's tab does.
    await page.goto("about:blank").catch(() => {});
    await context.close();
  }
}

/**
 * Stops every stream the demo account holds, as "Stop on …" does: a closed bench context
 * does not always release its screen (the lease then lasts until it expires), and the
 * demo plan's four screens would run out over a few runs (and over earlier runs on the same state).
 */
async function stopStreams(base: string, headers: Record<string, string>): Promise<void> {
  const list = await fetch(`${base}/api/licence/streams`, { headers });
  if (!list.ok) throw new Error(`GET /api/licence/streams answered ${list.status}: ${await list.text()}`);
  for (const s of ((await list.json()) as { streams: { streamId: string }[] }).streams) {
    const stopped = await fetch(`${base}/api/licence/streams/${s.streamId}`, { method: "DELETE", headers });
    if (!stopped.ok && stopped.status !== 404) throw new Error(`DELETE /api/licence/streams/${s.streamId} answered ${stopped.status}`);
  }
}

/**
 * Revokes every download grant the demo account holds: each earlier run's
 * browser was a new device, and its last download stays granted when the run
 * ends, so without this the plan's device limit refuses the download after a
 * few runs on the same state.
 */
async function revokeEarlierGrants(base: string, headers: Record<string, string>): Promise<void> {
  const list = await fetch(`${base}/api/downloads`, { headers });
  if (!list.ok) throw new Error(`GET /api/downloads answered ${list.status}: ${await list.text()}`);
  for (const d of ((await list.json()) as { downloads: { downloadId: string }[] }).downloads) {
    const gone = await fetch(`${base}/api/downloads/${d.downloadId}`, { method: "DELETE", headers });
    if (!gone.ok && gone.status !== 404) throw new Error(`DELETE /api/downloads/${d.downloadId} answered ${gone.status}`);
  }
}

const server = await benchSite({ name: "offline", port: Number(values.port), client: "own", reuse: values["no-build"] });
let browser: Browser | undefined;
const downloads: DownloadRun[] = [];
const starts: Record<"offline" | "online", StartRun[]> = { offline: [], online: [] };
try {
  const base = server.url;
  const { cookie, headers } = await signInDemo(server);
  await revokeEarlierGrants(base, headers);
  browser = await launchBrowser();
  // The context that downloads and plays offline: signed in, the app-shell service worker in control (offline navigation).
  const home = await browser.newContext({ viewport: VIEWPORTS.desktop });
  await home.addCookies(cookiesFor(base, cookie));
  await home.addInitScript(OBSERVE);
  const page = await home.newPage();
  await throttle(page);
  await page.goto(`${base}/downloads`, { waitUntil: "load" });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  // Warm the site, unmeasured: one download and one online start.
  await downloadRun(page, base);
  await stopStreams(base, headers);
  await onlineRun(browser, base, cookie);
  for (let i = 0; i < runs; i++) {
    await deleteDownloads(page, base);
    const d = await downloadRun(page, base);
    downloads.push(d);
    if (values.verbose) console.log(`download ${i + 1}: ${round(d.downloadMs, 0)} ms, plain fetch ${round(d.fetchMs, 0)} ms (${d.files} files, ${d.bytes} bytes)`);
  }
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (["offline", "online"] as const) : (["online", "offline"] as const);
    for (const way of order) {
      const profilePath = values["cpu-profile"] ? `${values["cpu-profile"]}-${i + 1}.cpuprofile` : undefined;
      const tracePath = values.trace ? `${values.trace}-${i + 1}.json` : undefined;
      if (way === "online") await stopStreams(base, headers);
      const r = way === "offline" ? await offlineRun(home, base, profilePath, tracePath) : await onlineRun(browser, base, cookie);
      starts[way].push(r);
      if (values.verbose) console.log(`start ${i + 1} ${way}: ${round(r.ms, 0)} ms (${r.height}p)\n  ${r.requestsAfterClick.join("\n  ")}`);
    }
  }
  await home.close();
} finally {
  await browser?.close();
  await server.stop();
}

const median = (xs: number[]) => round(percentile(xs, 50), 0);
const p90 = (xs: number[]) => round(percentile(xs, 90), 0);
const offlineMs = starts.offline.map((r) => r.ms);
const onlineMs = starts.online.map((r) => r.ms);
const downloadMs = downloads.map((d) => d.downloadMs);
const fetchMs = downloads.map((d) => d.fetchMs);
const ratios = downloads.map((d) => d.downloadMs / d.fetchMs);
const mbps = (bytes: number, ms: number) => round((bytes * 8) / ms / 1000, 2);
const bytes = downloads[0]?.bytes ?? 0;
console.log(`\nbench:offline — Chromium (CPU ×${PROFILE.cpuSlowdown} slower, 10 Mbit/s down, 5 up, 40 ms), ${runs} runs each, signed in, /title/${titleId}\n`);
printTable(["video start, Play → first frame (ms)", "median", "p90", "runs"], [
  ["offline: the download (IndexedDB), network cut", median(offlineMs), p90(offlineMs), offlineMs.map((x) => round(x, 0)).join(" ")],
  ["online: streamed, fresh context", median(onlineMs), p90(onlineMs), onlineMs.map((x) => round(x, 0)).join(" ")],
]);
console.log("");
printTable(["getting the Standard download's media (ms)", "median", "p90", "Mbit/s (median)", "runs"], [
  [`download (${downloads[0]?.files ?? 0} files stored)`, median(downloadMs), p90(downloadMs), mbps(bytes, percentile(downloadMs, 50)), downloadMs.map((x) => round(x, 0)).join(" ")],
  ["plain sequential fetch of the same URLs", median(fetchMs), p90(fetchMs), mbps(bytes, percentile(fetchMs, 50)), fetchMs.map((x) => round(x, 0)).join(" ")],
]);
console.log(`\nload average (1 min) ${bench.load().join(" → ")}`);
bench.summary({
  runs,
  offline_start_ms: median(offlineMs),
  online_start_ms: median(onlineMs),
  offline_vs_online: round(percentile(offlineMs, 50) / percentile(onlineMs, 50), 2),
  download_ms: median(downloadMs),
  fetch_ms: median(fetchMs),
  download_vs_fetch: round(percentile(ratios, 50), 2),
  download_bytes: bytes,
});
