/**
 * `npm run bench:live [-- --seconds 180 --warmup-seconds 15 --viewers 200 --poll-seconds 30 --heights 360 --port 8812]`
 *
 * Live latency and what viewers cost the channel object, on the benchmark's own
 * local site (.cache/bench-live, demo catalog without media):
 *   - Latency: `npm run live -- --test-pattern` on a new channel, watched in
 *     Debian's Chromium (the Watch page, hls.js in low-latency mode) for
 *     `--seconds`; every 500 ms after `--warmup-seconds`, latency = the wall
 *     clock − the program date time of the frame on screen (hls.js `playingDate`).
 *     Stalls: the video's `waiting` events while playing, not seeking.
 *   - Baseline: the same, with the channel in standard HLS (`--standard`: 4 s
 *     segments, no parts, no blocking reload), in a fresh page.
 *   - Object requests per second: during the LL-HLS broadcast (the browser
 *     closed), 1 and then `--viewers` plain HTTP clients poll one rendition as
 *     hls.js does (a blocking `_HLS_msn`/`_HLS_part` reload with `_HLS_skip` for
 *     the next part, then each new part) for `--poll-seconds` each; the calls
 *     reaching the LiveChannel object are counted inside it (the dev-only
 *     `GET /api/live/:slug/object-calls`).
 * Prints both latency runs and the object rates, then one JSON line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Browser } from "playwright-core";
import { launchBrowser } from "../test/e2e/browser.ts";
import { root } from "../tools/dev/server.ts";
import { benchDir, benchmark, benchSite, numbers } from "./harness.ts";
import { percentile, printTable, round } from "./stats.ts";

const bench = benchmark("live", {
  seconds: { type: "string", default: "180" },
  "warmup-seconds": { type: "string", default: "15" },
  viewers: { type: "string", default: "200" },
  "poll-seconds": { type: "string", default: "30" },
  heights: { type: "string", default: "360" },
  port: { type: "string", default: "8812" },
  verbose: { type: "boolean", default: false },
});
const { values } = bench;
const { seconds, viewers, port } = numbers(values, "seconds", "viewers", "port");
const warmupSeconds = numbers(values, "warmup-seconds")["warmup-seconds"];
const pollSeconds = numbers(values, "poll-seconds")["poll-seconds"];
if (seconds < 10 || seconds > 1800) throw new Error("--seconds: 10 to 1800");
if (viewers < 1 || viewers > 1000) throw new Error("--viewers: 1 to 1000");
if (pollSeconds < 5 || pollSeconds > 600) throw new Error("--poll-seconds: 5 to 600");
const log = (line: string) => values.verbose && console.log(`bench:live: ${line}`);

// A new channel each run (its title is created with it), so a run never continues an earlier one's broadcast.
const slug = `bench-${Date.now().toString(36)}`;
const persistTo = benchDir("live");

interface Encoder {
  child: ChildProcess;
  titleId?: number;
  /** Its output so far (the end of it), for the report when it stops on its own. */
  output(): string;
}

/** Throws with the encoder's output when it has stopped on its own: a run without a broadcast measures nothing. */
function checkAlive(encoder: Encoder): void {
  if (encoder.child.exitCode !== null || encoder.child.signalCode !== null) {
    throw new Error(`npm run live stopped (${encoder.child.exitCode ?? encoder.child.signalCode}):\n${encoder.output()}`);
  }
}

/** Starts `npm run live` on the bench's channel; resolves once it pushes. */
function goLive(url: string, standard: boolean): Promise<Encoder> {
  const args = [`${root}tools/live/cli.ts`, "--test-pattern", "--channel", slug, "--heights", values.heights, "--new", "--url", url, "--persist-to", persistTo];
  if (standard) args.push("--standard");
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const output = () => out.slice(-4000);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      log(chunk.toString().trim());
      if (/(started|continuing) broadcast/.test(out)) {
        const titleId = /created on title (\d+)/.exec(out)?.[1];
        resolve({ child, titleId: titleId === undefined ? undefined : Number(titleId), output });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`npm run live exited (${code}): ${output()}`)));
  });
}

/** Ends a broadcast as Ctrl-C does (ENDLIST, recording kept) and waits for the encoder to exit. */
async function endLive(encoder: Encoder): Promise<void> {
  if (encoder.child.exitCode !== null) return;
  // Its exit is expected now: the listener that reports an early exit goes first.
  encoder.child.removeAllListeners("exit");
  const exited = new Promise<void>((resolve) => encoder.child.once("exit", () => resolve()));
  encoder.child.kill("SIGINT");
  const timeout = setTimeout(() => encoder.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timeout);
}

interface LatencyRun {
  samples: number[];
  stalls: number;
}

/** Watches the title in a fresh page for `seconds` after the warm-up: latency samples (s) and stalls. */
async function watch(browser: Browser, base: string, titleId: number): Promise<LatencyRun> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  // hls.js's errors, fatal or not, with their details: the player shows only "could not be loaded".
  await page.addInitScript(() => {
    const hook = setInterval(() => {
      const hls = (window as any).__marqueeHls;
      if (!hls) return;
      clearInterval(hook);
      hls.on("hlsError", (_event: string, data: any) => {
        console.error(`hls.js ${data.fatal ? "fatal " : ""}${data.type}/${data.details} ${data.response?.code ?? ""} ${data.url ?? data.frag?.url ?? data.context?.url ?? ""} ${data.reason ?? data.error?.message ?? ""}`);
      });
    }, 5);
  });
  try {
    await page.goto(`${base}/watch/${titleId}?debug=1`, { waitUntil: "load" });
    await page.waitForFunction(() => (window as any).__marqueeHls !== undefined, null, { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector("video")!.currentTime > 0.5, null, { timeout: 90_000 }).catch(async (err: unknown) => {
      const text = await page.evaluate(() => document.body.innerText.slice(0, 400)).catch(() => "");
      console.error(`bench:live: playback never started at ${page.url()}: ${text.replace(/\s+/g, " ")}\nconsole errors: ${consoleErrors.slice(-10).join("\n")}`);
      throw err;
    });
    await page.evaluate(() => {
      const v = document.querySelector("video")!;
      const w = window as any;
      w.__benchStalls = 0;
      v.addEventListener("waiting", () => {
        if (!v.seeking) w.__benchStalls++;
      });
    });
    await page.waitForTimeout(warmupSeconds * 1000);
    const stallsAtStart = await page.evaluate(() => (window as any).__benchStalls as number);
    const samples: number[] = [];
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const latency = await page.evaluate(() => {
        const date = (window as any).__marqueeHls?.playingDate as Date | null | undefined;
        return date ? (Date.now() - date.getTime()) / 1000 : null;
      });
      if (latency !== null) samples.push(latency);
      await page.waitForTimeout(500);
    }
    const stalls = (await page.evaluate(() => (window as any).__benchStalls as number)) - stallsAtStart;
    // A run that ends far behind (a stall that never recovered) says what the page showed, for finding out why.
    if ((samples.at(-1) ?? 0) > 10) {
      const state = await page.evaluate(() => {
        const v = document.querySelector("video")!;
        const end = v.buffered.length ? v.buffered.end(v.buffered.length - 1) : null;
        return { currentTime: v.currentTime, paused: v.paused, readyState: v.readyState, bufferedEnd: end, text: (document.querySelector(".player") as HTMLElement | null)?.innerText.slice(0, 400) };
      });
      console.error(`bench:live: the run ended ${samples.at(-1)} s behind: ${JSON.stringify(state)}\nconsole errors: ${consoleErrors.slice(-10).join("\n")}`);
    }
    return { samples, stalls };
  } finally {
    await context.close();
  }
}

/** The calls that reached the channel object so far. */
async function objectCalls(base: string): Promise<number> {
  const res = await fetch(`${base}/api/live/${slug}/object-calls`, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`object-calls answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { calls: number }).calls;
}

/** The media playlist URL of the first variant (pathway a) a signed-out local viewer gets for the title. */
async function mediaPlaylistUrl(base: string, titleId: number): Promise<string> {
  const res = await fetch(`${base}/api/playback/${titleId}`, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: "{}", signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`playback answered ${res.status}: ${await res.text()}`);
  const master = new URL((await res.json() as { masterUrl: string }).masterUrl, base);
  const text = await (await fetch(master, { signal: AbortSignal.timeout(15_000) })).text();
  const variant = text.split("\n").find((l) => l && !l.startsWith("#"));
  if (!variant) throw new Error(`no variant in the master playlist:\n${text}`);
  return new URL(variant, master).href;
}

/** The next part to ask for after a playlist: its PRELOAD-HINT's (msn, part). */
function hintOf(text: string): { msn: number; part: number } | null {
  const m = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="(\d+)\.(\d+)\.m4s"/.exec(text);
  return m ? { msn: Number(m[1]), part: Number(m[2]) } : null;
}

/**
 * One simulated viewer until `deadline`: a plain playlist, then blocking
 * reloads (delta updates) for the hinted part, each new part fetched and read
 * to the end, as hls.js's low-latency mode does. Bounded by the deadline and a
 * per-request timeout.
 */
async function viewer(playlistUrl: string, deadline: number): Promise<ViewerRun> {
  const seen = new Set<string>();
  let requests = 0;
  let parts = 0;
  const playlistMs: number[] = [];
  const partMs: number[] = [];
  let failures = 0;
  let next: { msn: number; part: number } | null = null;
  while (Date.now() < deadline) {
    const url = new URL(playlistUrl);
    if (next) {
      url.searchParams.set("_HLS_msn", String(next.msn));
      url.searchParams.set("_HLS_part", String(next.part));
      url.searchParams.set("_HLS_skip", "YES");
    }
    try {
      const asked = performance.now();
      const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      requests++;
      const text = await res.text();
      playlistMs.push(performance.now() - asked);
      if (!res.ok) {
        failures++;
        next = null;
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      const listed = [...text.matchAll(/#EXT-X-PART:[^\n]*URI="([^"]+)"/g)].map((m) => m[1]!);
      // A player joining starts near the edge: of the first playlist only the newest part is fetched.
      if (next === null) listed.slice(0, -1).forEach((uri) => seen.add(uri));
      for (const uri of listed) {
        if (seen.has(uri)) continue;
        seen.add(uri);
        const partAsked = performance.now();
        const part = await fetch(new URL(uri, url), { signal: AbortSignal.timeout(15_000) });
        await part.arrayBuffer();
        partMs.push(performance.now() - partAsked);
        requests++;
        if (part.ok) parts++;
        else failures++;
      }
      next = hintOf(text);
    } catch {
      failures++;
      next = null;
    }
  }
  return { requests, parts, playlistMs, partMs, failures };
}

interface ViewerRun {
  requests: number;
  parts: number;
  /** How long each playlist request took (a blocking reload waits for its part). */
  playlistMs: number[];
  /** How long each part took to arrive in full. */
  partMs: number[];
  /** Non-2xx answers and timeouts. */
  failures: number;
}

/**
 * `count` viewers polling for `pollSeconds` (starts spread over the first
 * second): object calls per second; viewer requests per second; and parts each
 * viewer got per second (1 s parts: about 1 when the viewers keep up with the
 * broadcast, less when the local site cannot serve them all).
 */
async function poll(base: string, playlistUrl: string, count: number): Promise<{ objectRps: number; viewerRps: number; partsPerViewerS: number }> {
  const before = await objectCalls(base);
  const started = Date.now();
  const deadline = started + pollSeconds * 1000;
  const runs = Array.from({ length: count }, (_, i) =>
    new Promise<ViewerRun>((resolve) => setTimeout(() => resolve(viewer(playlistUrl, deadline)), (i / count) * 1000)),
  );
  const done = await Promise.all(runs);
  const elapsed = (Date.now() - started) / 1000;
  const calls = (await objectCalls(base)) - before;
  const requests = done.reduce((n, d) => n + d.requests, 0);
  const parts = done.reduce((n, d) => n + d.parts, 0);
  const playlistMs = done.flatMap((d) => d.playlistMs);
  const partMs = done.flatMap((d) => d.partMs);
  log(
    `${count} viewer(s): playlist ms p50 ${round(percentile(playlistMs, 50))} p95 ${round(percentile(playlistMs, 95))}; ` +
      `part ms p50 ${round(percentile(partMs, 50))} p95 ${round(percentile(partMs, 95))}; failures ${done.reduce((n, d) => n + d.failures, 0)}`,
  );
  return { objectRps: round(calls / elapsed), viewerRps: round(requests / elapsed, 1), partsPerViewerS: round(parts / count / elapsed) };
}

const summarize = (run: LatencyRun) => ({
  p50: round(percentile(run.samples, 50)),
  p95: round(percentile(run.samples, 95)),
  max: round(Math.max(...run.samples)),
  samples: run.samples.length,
  stalls: run.stalls,
});

const server = await benchSite({ name: "live", port, client: "any", media: false });
let browser: Browser | undefined;
const encoders: Encoder[] = [];
try {
  log(`site ${server.url}, channel ${slug}`);
  const ll = await goLive(server.url, false);
  encoders.push(ll);
  if (ll.titleId === undefined) throw new Error("the channel's first run did not say its title");
  const titleId = ll.titleId;
  browser = await launchBrowser();
  log(`LL-HLS: watching title ${titleId} for ${seconds} s after ${warmupSeconds} s`);
  const lowLatency = summarize(await watch(browser, server.url, titleId));
  log(`LL-HLS: ${JSON.stringify(lowLatency)}`);
  await browser.close();
  browser = undefined;
  checkAlive(ll);

  log(`object calls: 1 and ${viewers} viewers, ${pollSeconds} s each`);
  const playlistUrl = await mediaPlaylistUrl(server.url, titleId);
  const one = await poll(server.url, playlistUrl, 1);
  log(`1 viewer: ${JSON.stringify(one)}`);
  const many = await poll(server.url, playlistUrl, viewers);
  log(`${viewers} viewers: ${JSON.stringify(many)}`);
  checkAlive(ll);
  await endLive(ll);

  const standard = await goLive(server.url, true);
  encoders.push(standard);
  browser = await launchBrowser();
  log(`standard HLS: watching for ${seconds} s after ${warmupSeconds} s`);
  const baseline = summarize(await watch(browser, server.url, titleId));
  checkAlive(standard);
  await endLive(standard);

  console.log(`\nbench:live — ${seconds} s watched per run after ${warmupSeconds} s, renditions ${values.heights}p, test pattern`);
  printTable(
    ["run", "p50 s", "p95 s", "max s", "samples", "stalls"],
    [
      ["LL-HLS (1 s parts, 4 s segments)", lowLatency.p50, lowLatency.p95, lowLatency.max, lowLatency.samples, lowLatency.stalls],
      ["standard HLS (4 s segments)", baseline.p50, baseline.p95, baseline.max, baseline.samples, baseline.stalls],
    ],
  );
  console.log("");
  printTable(
    ["viewers", "object calls/s", "viewer requests/s", "parts/s per viewer"],
    [
      [1, one.objectRps, one.viewerRps, one.partsPerViewerS],
      [viewers, many.objectRps, many.viewerRps, many.partsPerViewerS],
    ],
  );
  bench.summary({
    latency_p50_s: lowLatency.p50,
    latency_p95_s: lowLatency.p95,
    stalls: lowLatency.stalls,
    baseline_latency_p50_s: baseline.p50,
    baseline_latency_p95_s: baseline.p95,
    baseline_stalls: baseline.stalls,
    object_rps_1_viewer: one.objectRps,
    object_rps_200_viewers: many.objectRps,
    viewers,
    viewer_rps: many.viewerRps,
    parts_per_viewer_s: [one.partsPerViewerS, many.partsPerViewerS],
    seconds,
  });
} finally {
  await browser?.close();
  for (const e of encoders) await endLive(e).catch(() => {});
  await server.stop();
}
