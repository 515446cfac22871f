/**
 * Live (LL-HLS) in Chromium: `npm run live -- --test-pattern` pushes a channel
 * to the site while hls.js plays it in low-latency mode (parts, blocking
 * reloads) a few seconds behind real time; the encoder is then killed (the
 * picture stops) and restarted (playback goes on after the discontinuity).
 * What the viewer sees on the way: the LIVE badge lit at the edge, "Go to live"
 * and how far behind after going back, the latency in stats for nerds, and
 * "Stream interrupted" while the encoder is gone. The broadcast is found by
 * search with its LIVE badge, and the operating system's media controls (the
 * lock screen's scrubber) cannot seek past the live edge.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Page } from "playwright-core";
import { root } from "../../tools/dev/server.ts";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const SLUG = "e2e-live";
// No demo media: the channel is the only video this file plays.
const suite = browserSuite(8812, { media: false });
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

/** Screenshots of the player as it is now at phone, TV and desktop sizes (the controls up: the pointer rests on the bar), back at desktop size after. */
async function shoot(page: Page, name: string) {
  for (const [kind, size] of [["phone", VIEWPORTS.phone], ["tv", VIEWPORTS.tv], ["desktop", VIEWPORTS.desktop]] as const) {
    await page.setViewportSize(size);
    await page.mouse.move(size.width / 2, size.height - 20);
    await page.locator(".player:not(.player-idle)").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${kind}.png`, animations: "disabled" });
  }
}

/** The LIVE badge's state: lit, its name, and the behind label's text. */
const badge = (page: Page) =>
  page.evaluate(() => {
    const b = document.querySelector(".live-badge")!;
    return { lit: b.classList.contains("live-badge-on"), name: b.getAttribute("aria-label"), behind: document.querySelector(".player-behind")!.textContent ?? "" };
  });

test("a test-pattern channel plays live in hls.js with lowLatencyMode, within seconds of real time, with a LIVE badge and DVR seeking, across an encoder restart", async () => {
  const first = await goLive();
  assert.ok(first.titleId, "the first run creates the channel and its title");
  // Record the handlers the player gives the media session, to act as the OS's media controls would.
  const captureMediaSession = () => {
    const handlers: Record<string, MediaSessionActionHandler | null> = {};
    (window as any).__mediaSessionHandlers = handlers;
    const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
    navigator.mediaSession.setActionHandler = (action, handler) => {
      handlers[action] = handler;
      set(action, handler);
    };
  };
  const { page, errors } = await suite.open(`/watch/${first.titleId}?debug=1`, { console: true, init: captureMediaSession });
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

  // Stats for nerds (?debug=1) show the latency: to the edge, to real time (PDT), the target and the catch-up rate.
  await page.waitForFunction(() => !/—/.test(document.querySelector('.stats [data-stat="Latency"]')?.textContent ?? "—"), null, { timeout: 15_000 });
  assert.match(await page.locator('.stats [data-stat="Latency"]').innerText(), /^\d+\.\d sec to edge · \d+\.\d sec behind real time · target \d+\.\d sec · \d\.\d\d×$/);
  assert.equal(await page.locator(".stats dt", { hasText: "Live latency" }).count(), 1);
  await page.locator(".stats-close").click();

  // At the edge the LIVE badge is lit and nothing says "behind".
  await page.waitForFunction(() => document.querySelector(".live-badge-on")?.getAttribute("aria-label") === "Live", null, { timeout: 15_000 });
  assert.deepEqual(await badge(page), { lit: true, name: "Live", behind: "" });
  await shoot(page, "live-edge");

  // D-pad (a TV remote; the bar's focus zone works with or without TV mode): ↑ from the seek bar to the badge, ↑ again to Back.
  await page.locator(".seek").focus();
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("live-badge")), true, "↑ from the seek bar focuses the LIVE badge");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("player-back")), true, "↑ from the badge focuses Back");
  await page.evaluate(() => (document.activeElement as HTMLElement).blur());

  // Back 10 s (once the DVR window holds more than that): the badge goes grey and says "Go to live", the label how far behind.
  await page.waitForFunction(() => { const s = document.querySelector("video")!.seekable; return s.length > 0 && s.end(s.length - 1) - s.start(0) > 16; }, null, { timeout: 60_000 });
  await page.mouse.move(VIEWPORTS.desktop.width / 2, VIEWPORTS.desktop.height - 20);
  await page.getByRole("button", { name: "Back 10 seconds" }).click();
  await page.waitForFunction(() => document.querySelector(".live-badge")?.getAttribute("aria-label") === "Go to live");
  const behind = await badge(page);
  assert.equal(behind.lit, false, "behind the edge the badge is not lit");
  const label = /^Behind live −0:(\d\d)$/.exec(behind.behind);
  assert.ok(label && Number(label[1]) >= 6 && Number(label[1]) <= 14, `about ten seconds behind: "${behind.behind}"`);
  await shoot(page, "live-behind");

  // The badge takes the viewer back to the edge, where it is lit again.
  await page.getByRole("button", { name: "Go to live" }).click();
  await page.waitForFunction(() => document.querySelector(".live-badge-on")?.getAttribute("aria-label") === "Live");
  assert.deepEqual(await badge(page), { lit: true, name: "Live", behind: "" });

  // The lock screen's scrubber asks for a point far past the broadcast: the player lands on the edge going
  // live lands on (hls.js's live sync position, a hold-back behind the newest part), not at the end of what is
  // published, where the next part is not there yet. (The browser alone would clamp to seekable's end.)
  const lockScreen = await page.evaluate(() => {
    const v = document.querySelector("video")!;
    (window as any).__mediaSessionHandlers.seekto({ action: "seekto", seekTime: v.currentTime + 3600 });
    const hls = (window as any).__marqueeHls;
    return { time: v.currentTime, sync: hls.liveSyncPosition as number, end: v.seekable.end(v.seekable.length - 1) };
  });
  assert.ok(lockScreen.end - lockScreen.sync > 1, `the published end is past the sync position (${lockScreen.sync} < ${lockScreen.end})`);
  assert.ok(Math.abs(lockScreen.time - lockScreen.sync) < 0.5, `a media-session seek ahead lands on the live edge (${lockScreen.time} vs ${lockScreen.sync}; published to ${lockScreen.end})`);
  await page.waitForFunction(() => document.querySelector(".live-badge-on")?.getAttribute("aria-label") === "Live");

  // Search finds the broadcast by its name ("Live: e2e-live") and marks it LIVE.
  const search = await page.context().newPage();
  await search.goto(`${suite.site.url}/search?q=${encodeURIComponent(SLUG)}`);
  const hit = search.locator(".result-live[data-live=live]");
  await hit.waitFor({ timeout: 15_000 });
  assert.match(await hit.innerText(), /LIVE/i);
  await search.close();

  // The encoder dies: nothing new is published, so the picture stops.
  killEncoder(first.child);
  const stalledAt = await videoTime(page);
  await page.waitForFunction((t) => {
    const v = document.querySelector("video")!;
    const end = v.buffered.length ? v.buffered.end(v.buffered.length - 1) : 0;
    return v.currentTime > t && end - v.currentTime < 0.5;
  }, stalledAt, { timeout: 30_000 });
  // The viewer is told, without the buffering spinner, until it is back.
  const notice = page.locator(".player-interrupted");
  await notice.waitFor({ timeout: 30_000 });
  assert.equal(await notice.getAttribute("role"), "status");
  assert.match(await notice.innerText(), /Stream interrupted\s+The broadcast will pick up here as soon as it is back\./);
  assert.equal(await page.locator(".player-spinner").count(), 0, "no spinner while interrupted");
  await shoot(page, "live-interrupted");

  // It comes back: the broadcast continues after a discontinuity and the picture moves on.
  const restarted = await goLive();
  assert.equal(restarted.titleId, undefined, "the second run continues the same channel");
  await notice.waitFor({ state: "detached", timeout: 60_000 });
  assert.equal(await page.locator(".player > .visually-hidden[aria-live=polite]").textContent(), "Back live", "recovery is flashed and announced");
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
