import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { root, run } from "../../tools/dev/server.ts";
import { ffTools } from "../../tools/ingest/ffmpeg.ts";
import { browserSuite, SCREENSHOTS } from "./browser.ts";

/** Title 1 ("The Lighthouse Keeper's Daughter") gets a 60 s clip: long enough to watch ABR and failover happen. */
const LONG_TITLE = 1;
const suite = browserSuite(8792, {
  prepare: async (site) => {
    const clip = join(mkdtempSync(join(tmpdir(), "marquee-e2e-clip-")), "long.mp4");
    const made = spawnSync(ffTools().ffmpeg.path, [
      "-v", "error", "-y", "-f", "lavfi", "-t", "60", "-i", "testsrc2=size=1280x720:rate=25",
      "-f", "lavfi", "-t", "60", "-i", "sine=frequency=300:sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-c:a", "aac", clip,
    ]);
    assert.equal(made.status, 0, made.stderr.toString());
    // Ingested while the site runs, as an operator would: it must play at once.
    await run(process.execPath, [join(root, "tools/ingest/cli.ts"), clip, "--title", String(LONG_TITLE), "--preset", "ultrafast", "--persist-to", site.persistTo], { quiet: true });
  },
});

async function watch(path: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await suite.open(`${path}${path.includes("?") ? "&" : "?"}debug=1`, { viewport: { width: 1440, height: 900 }, console: true });
  await page.waitForFunction(() => (window as any).__marqueeHls !== undefined);
  // Record every video fragment hls.js loads: its height and the pathway it came from.
  await page.evaluate(() => {
    const w = window as any;
    w.__frags = [];
    w.__marqueeHls.on("hlsFragLoaded", (_e: unknown, d: any) => {
      if (d.frag.type !== "main") return;
      w.__frags.push({ at: performance.now(), height: w.__marqueeHls.levels[d.frag.level]?.height, url: d.frag.url });
    });
  });
  return { page, errors };
}

const currentTime = (page: Page) => page.evaluate(() => document.querySelector("video")!.currentTime);

test("an ingested title plays through hls.js: time advances and the steering manifest is accepted", async () => {
  const { page, errors } = await watch(`/watch/${LONG_TITLE}`);
  await page.waitForFunction(() => document.querySelector("video")!.currentTime > 2, null, { timeout: 30_000 });
  // Playback starts without waiting for the steering manifest, which may still be on its way.
  await page.waitForFunction(() => (window as any).__marqueeHls.pathwayPriority !== null, null, { timeout: 10_000 }).catch(() => {});
  const priority = await page.evaluate(() => (window as any).__marqueeHls.pathwayPriority);
  assert.deepEqual(priority, ["a", "b"], "hls.js loaded and applied the steering manifest");
  // Our ABR controller kept its estimate for the next start (player/link-estimate.ts): a rate and a time, nothing else.
  const kept = await page.evaluate(() => ({ stored: JSON.parse(localStorage.getItem("marquee.abr.estimate") ?? "null"), now: Date.now() }));
  assert.deepEqual(Object.keys(kept.stored ?? {}).sort(), ["at", "bps"], `the link estimate was kept: ${JSON.stringify(kept.stored)}`);
  assert.ok(kept.stored.bps > 0 && Math.abs(kept.now - kept.stored.at) < 60_000, `a measured rate, just now: ${JSON.stringify(kept)}`);
  await page.screenshot({ path: `${SCREENSHOTS}/watch-desktop.png` });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("adaptive bitrate: with the bandwidth throttled then released, at least two renditions are loaded", async () => {
  const { page } = await watch(`/watch/${LONG_TITLE}`);
  const session = await page.context().newCDPSession(page);
  // ~1.6 Mbps: only 360p (1 Mbps + audio) fits.
  await session.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 200_000, uploadThroughput: 200_000 });
  await page.waitForFunction(() => (window as any).__frags.length >= 2, null, { timeout: 40_000 });
  await session.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.waitForFunction(() => new Set((window as any).__frags.map((f: any) => f.height)).size >= 2, null, { timeout: 40_000 });
  const heights = await page.evaluate(() => (window as any).__frags.map((f: any) => f.height));
  assert.ok(new Set(heights).size >= 2, `renditions loaded: ${heights.join(", ")}`);
  assert.equal(heights[0], 360, "throttled start picks the lowest rendition");
  await page.context().close();
});

test("subtitles display: choosing English shows cues over the video", async () => {
  // Demo title 3 (Amélie of the Canals) has English and French subtitles; its first cue runs 0.2–2.8 s.
  const { page, errors } = await watch("/watch/3");
  await page.waitForFunction(() => (window as any).__marqueeHls.subtitleTracks.length > 0, null, { timeout: 20_000 });
  await page.getByRole("button", { name: "Subtitles" }).click();
  await page.getByRole("menuitemradio", { name: "English" }).click();
  await page.evaluate(() => {
    const v = document.querySelector("video")!;
    v.currentTime = 1;
    // A later pause() may interrupt it (the key may not be usable yet): not a page error.
    v.play().catch(() => {});
  });
  await page.waitForFunction(
    () => [...document.querySelector("video")!.textTracks].some((t) => t.mode === "showing" && (t.activeCues?.length ?? 0) > 0),
    null,
    { timeout: 15_000 },
  );
  const cue = await page.evaluate(() => {
    const t = [...document.querySelector("video")!.textTracks].find((x) => x.mode === "showing")!;
    return (t.activeCues![0] as VTTCue).text;
  });
  assert.match(cue, /Welcome to Amélie of the Canals/);
  await page.screenshot({ path: `${SCREENSHOTS}/watch-subtitles.png` });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("failover: pathway A starts failing mid-play and playback continues on pathway B", async () => {
  const { page } = await watch(`/watch/${LONG_TITLE}`);
  // On loopback the whole clip would be buffered in a second; at ~5 Mbps the buffer only runs a little ahead,
  // so fragments are still being fetched when the pathway fails, as on a real network.
  const session = await page.context().newCDPSession(page);
  await session.send("Network.emulateNetworkConditions", { offline: false, latency: 10, downloadThroughput: 625_000, uploadThroughput: 625_000 });
  await page.waitForFunction(() => document.querySelector("video")!.currentTime > 3, null, { timeout: 30_000 });
  const stalls: number[] = [];
  await page.evaluate(() => {
    const w = window as any;
    const v = document.querySelector("video")!;
    w.__stalls = [];
    let since = 0;
    v.addEventListener("waiting", () => (since = performance.now()));
    v.addEventListener("playing", () => since && w.__stalls.push(performance.now() - since));
  });
  const faultAt = await page.evaluate(async () => {
    const res = await fetch("/api/dev/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pathway: "a", mode: "503" }) });
    if (!res.ok) throw new Error(`fault switch answered ${res.status}`);
    return performance.now();
  });
  try {
    const before = await currentTime(page);
    await page.waitForFunction((t) => (window as any).__frags.some((f: any) => f.at > t && f.url.includes("/cdn/b/")), faultAt, { timeout: 30_000 });
    await page.waitForFunction((t) => document.querySelector("video")!.currentTime > t + 4, before, { timeout: 30_000 });
    const firstB = await page.evaluate((t) => (window as any).__frags.find((f: any) => f.at > t && f.url.includes("/cdn/b/")).at, faultAt);
    stalls.push(...(await page.evaluate(() => (window as any).__stalls as number[])));
    // The player reported the failures with its playback token, after being served media: the steering server counted them
    // (the reporter stored as a keyed hash, never the viewer's id).
    await page.waitForFunction(
      () => fetch("/api/dev/steering/US").then((r) => r.json()).then((s: any) => (s.health.pathways.a?.errors ?? []).some((e: any) => /^[0-9a-f]{32}$/.test(e.reporter))),
      null,
      { timeout: 10_000 },
    );
    const failoverMs = Math.round(firstB - faultAt);
    const longestStallMs = Math.round(Math.max(0, ...stalls));
    // Recorded, not asserted: timings belong in BENCHMARKS.md, not in pass/fail.
    console.log(`failover: first fragment from pathway b ${failoverMs} ms after pathway a failed; longest stall ${longestStallMs} ms`);
  } finally {
    await page.evaluate(() => fetch("/api/dev/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pathway: "a", mode: "off" }) }));
    await page.context().close();
  }
});

test("our ABR controller switches down before stalling when the network slows, and comes back up", async () => {
  const { page } = await watch(`/watch/${LONG_TITLE}`);
  const session = await page.context().newCDPSession(page);
  const throttle = (bytesPerSecond: number) =>
    session.send("Network.emulateNetworkConditions", { offline: false, latency: 10, downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond });
  await page.evaluate(() => {
    const w = window as any;
    w.__waiting = [];
    const v = document.querySelector("video")!;
    v.addEventListener("waiting", () => v.currentTime > 0.5 && w.__waiting.push(performance.now()));
  });
  // Fast (~8 Mbps): the controller climbs to 720p.
  await throttle(1_000_000);
  await page.waitForFunction(() => (window as any).__frags.some((f: any) => f.height === 720), null, { timeout: 45_000 });
  // Slow (~1.2 Mbps): only 360p fits.
  const slowAt = await page.evaluate(() => performance.now());
  await throttle(150_000);
  await page.waitForFunction((t) => (window as any).__frags.some((f: any) => f.at > t && f.height < 720), slowAt, { timeout: 45_000 });
  const downAt = await page.evaluate((t) => (window as any).__frags.find((f: any) => f.at > t && f.height < 720).at, slowAt);
  const stallsBeforeDown = await page.evaluate(([a, b]) => (window as any).__waiting.filter((w: number) => w > a! && w < b!).length, [slowAt, downAt]);
  assert.equal(stallsBeforeDown, 0, "switched down before the buffer ran dry");
  // Fast again: back up.
  const fastAt = await page.evaluate(() => performance.now());
  await throttle(1_000_000);
  await page.waitForFunction((t) => (window as any).__frags.some((f: any) => f.at > t && f.height > 360), fastAt, { timeout: 45_000 });
  const path = await page.evaluate(() => (window as any).__frags.map((f: any) => f.height).join(" "));
  console.log(`ABR heights fast → slow → fast: ${path}`);
  await page.context().close();
});
