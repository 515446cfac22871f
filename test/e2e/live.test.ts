/**
 * Live (LL-HLS) in Chromium: `npm run live -- --test-pattern` pushes a channel
 * to the site while hls.js plays it in low-latency mode (parts, blocking
 * reloads) a few seconds behind real time; the encoder is then killed (the
 * picture stops) and restarted (playback goes on after the discontinuity).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Page } from "playwright-core";
import { root } from "../../tools/dev/server.ts";
import { browserSuite, SCREENSHOTS } from "./browser.ts";

const SLUG = "e2e-live";
// No demo media: the channel is the only video this file plays.
const suite = browserSuite(8811, { media: false });
const encoders: ChildProcess[] = [];

/** Starts `npm run live` against the suite's site; resolves once it pushes (with the channel's title id when it created it). */
function goLive(): Promise<{ child: ChildProcess; titleId?: number }> {
  const child = spawn(process.execPath, [join(root, "tools/live/cli.ts"), "--test-pattern", "--channel", SLUG, "--heights", "240",
    "--parts-per-segment", "2", "--url", suite.site.url, "--persist-to", suite.site.persistTo], { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  encoders.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/(started|continuing) broadcast/.test(out)) {
        const titleId = /created on title (\d+)/.exec(out)?.[1];
        resolve({ child, titleId: titleId === undefined ? undefined : Number(titleId) });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`npm run live exited (${code}): ${out}`)));
  });
}

/** Kills an encoder and its ffmpeg at once (the process group), as a crashed encoder machine would. */
function killEncoder(child: ChildProcess) {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

after(() => encoders.forEach(killEncoder));

const videoTime = (page: Page) => page.evaluate(() => document.querySelector("video")!.currentTime);

test("a test-pattern channel plays live in hls.js with lowLatencyMode, within seconds of real time, across an encoder restart", async () => {
  const first = await goLive();
  assert.ok(first.titleId, "the first run creates the channel and its title");
  const { page, errors } = await suite.open(`/watch/${first.titleId}?debug=1`, { console: true });
  await page.waitForFunction(() => (window as any).__marqueeHls !== undefined, null, { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector("video")!.currentTime > 4, null, { timeout: 60_000 });
  const live = await page.evaluate(() => {
    const hls = (window as any).__marqueeHls;
    const details = hls.latestLevelDetails ?? hls.levels[hls.currentLevel]?.details;
    return { lowLatency: hls.config.lowLatencyMode, live: details?.live, parts: details?.partList?.length ?? 0, canBlock: details?.canBlockReload, latency: hls.latency, playingDate: hls.playingDate?.getTime() ?? null };
  });
  assert.equal(live.lowLatency, true);
  assert.equal(live.live, true);
  assert.equal(live.canBlock, true);
  assert.ok(live.parts > 0, "the playlist lists parts");
  assert.ok(live.playingDate !== null && Date.now() - live.playingDate < 10_000, `on screen within 10 s of real time (${live.playingDate === null ? "no PDT" : Date.now() - live.playingDate} ms)`);
  await page.screenshot({ path: `${SCREENSHOTS}/live-playing.png` });

  // The encoder dies: nothing new is published, so the picture stops.
  killEncoder(first.child);
  const stalledAt = await videoTime(page);
  await page.waitForFunction((t) => {
    const v = document.querySelector("video")!;
    const end = v.buffered.length ? v.buffered.end(v.buffered.length - 1) : 0;
    return v.currentTime > t && end - v.currentTime < 0.5;
  }, stalledAt, { timeout: 30_000 });
  // It comes back: the broadcast continues after a discontinuity and the picture moves on.
  const restarted = await goLive();
  assert.equal(restarted.titleId, undefined, "the second run continues the same channel");
  const resumedFrom = await videoTime(page);
  await page.waitForFunction((t) => document.querySelector("video")!.currentTime > t + 4, resumedFrom, { timeout: 60_000 });
  const discontinuities = await page.evaluate(() => {
    const hls = (window as any).__marqueeHls;
    return (hls.latestLevelDetails?.fragments ?? []).filter((f: any) => f.cc > 0).length;
  });
  assert.ok(discontinuities > 0, "segments after the restart are in a new discontinuity");
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  killEncoder(restarted.child);
  await page.context().close();
});
