/**
 * Premieres in Chromium: a film scheduled to premiere shows a countdown on its
 * title page and in Home's Coming up (with "Remind me" for a profile), turns LIVE
 * at its start (and the reminder says so in-app), and two pages that open it at
 * different moments play the same wall-clock position (PROGRAM-DATE-TIME of the
 * frame on screen) within a second; neither can seek past the live point.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { api, browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8841);
/** Long enough to look at the countdown at three sizes before the start. */
const LEAD_SECONDS = 45;

let premiere: { id: number; titleId: number; startsAt: number; endsAt: number };

/** The demo's premiere (as `npm start` schedules it): 10 plays of a 12-second clip. */
async function schedulePremiere(): Promise<void> {
  const res = await fetch(`${suite.site.url}/api/dev/demo-premiere`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: suite.site.url },
    body: JSON.stringify({ startsInSeconds: LEAD_SECONDS, loops: 10 }),
  });
  assert.equal(res.status, 201);
  premiere = (await res.json()) as typeof premiere;
}

async function signedIn(viewport = VIEWPORTS.desktop): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await suite.open("/browse", { viewport });
  const signin = await api(page, "POST", "/api/auth/signin", { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
  assert.equal(signin.status, 200, JSON.stringify(signin.json));
  const id = (signin.json.profiles as { id: string; name: string }[]).find((p) => p.name === "Alex")!.id;
  assert.equal((await api(page, "POST", `/api/profiles/${id}/select`, {})).status, 200);
  return { context, page };
}

/** The wall-clock lag of the frame on screen: now minus its PROGRAM-DATE-TIME (ms), read inside the page. */
const lagMs = (page: Page) =>
  page.evaluate(() => {
    const date = (window as any).__marqueeHls?.playingDate as Date | null;
    return date ? Date.now() - date.getTime() : null;
  });

let reminder: { context: BrowserContext; page: Page };

test("before the start: a countdown on the title page and Coming up on Home, Play held back, Remind me for a profile", async () => {
  await schedulePremiere();
  reminder = await signedIn();
  const { page } = reminder;
  await page.goto(`${suite.site.url}/title/${premiere.titleId}`);
  const clock = page.locator(".event-state[data-state=upcoming] .countdown-clock");
  await clock.waitFor();
  const shown = (await clock.textContent())!.trim();
  assert.match(shown, /^\d+:\d{2}$/, `a countdown in minutes and seconds: ${shown}`);
  const [m, s] = shown.split(":").map(Number) as [number, number];
  const left = (premiere.startsAt - Date.now()) / 1000;
  assert.ok(m * 60 + s >= left - 2 && m * 60 + s <= LEAD_SECONDS + 1, `the countdown (${shown}) says what is left (${left.toFixed(1)} s)`);
  assert.equal(await page.locator(".play-button").count(), 0, "no Play before a first premiere");
  await page.locator(".remind-me").click();
  await page.locator('.remind-me[aria-pressed="true"]').waitFor();

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const { context, page: p } = await suite.open(`/title/${premiere.titleId}${size === "tv" ? "?tv=1" : ""}`, { viewport, touch: size === "phone" });
    await p.locator(".countdown-clock").waitFor();
    await p.screenshot({ path: `${SCREENSHOTS}/premiere-countdown-${size}.png` });
    await p.goto(`${suite.site.url}/${size === "tv" ? "?tv=1" : ""}`);
    const coming = p.locator(`.schedule-row a.event-tile[data-title-id="${premiere.titleId}"]`);
    await coming.waitFor();
    assert.match((await coming.locator(".tile-meta").textContent())!, /\d+:\d{2}/, "the tile says when it starts");
    await p.locator(".schedule-row").first().scrollIntoViewIfNeeded();
    await p.screenshot({ path: `${SCREENSHOTS}/premiere-home-coming-up-${size}.png` });
    await context.close();
  }
});

test("at the start the title page turns LIVE with Watch live, Home moves it to Live now, and the reminder shows in-app", async () => {
  const { page } = reminder;
  // The page flips by itself on the server's clock: no reload.
  await page.locator(".event-state[data-state=live] .watch-live").waitFor({ timeout: (LEAD_SECONDS + 30) * 1000 });
  assert.ok(Date.now() >= premiere.startsAt - 1500, "not before the start");
  const notice = page.locator(`.reminder-notice[data-event-id="${premiere.id}"]`);
  await notice.waitFor();
  assert.match((await notice.textContent())!, /live now/i);
  await page.screenshot({ path: `${SCREENSHOTS}/premiere-live-title-desktop.png` });
  await page.goto(`${suite.site.url}/`);
  await page.locator(`.live-row a.event-tile[data-title-id="${premiere.titleId}"]`).waitFor();
  await page.screenshot({ path: `${SCREENSHOTS}/premiere-home-live-now-desktop.png` });
  await reminder.context.close();
});

test("two pages that join at different moments play the same wall-clock position within 1 s, and neither seeks past live", async () => {
  const first = await suite.open(`/watch/${premiere.titleId}?debug=1`, { console: true });
  await first.page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, { timeout: 60_000 });
  // The second viewer arrives a few seconds later: hls.js alone would place it from a different playlist edge.
  await first.page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 3, null, { timeout: 60_000 });
  const second = await suite.open(`/watch/${premiere.titleId}?debug=1`, { console: true });
  await second.page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, { timeout: 60_000 });
  for (const { page } of [first, second]) {
    // Settled: the sync controller reports the frame on screen within a fraction of a second of its wall-clock position.
    await page.waitForFunction(() => {
      const gap = document.querySelector("video")!.dataset.premiereGapMs;
      return gap !== undefined && gap !== "" && Math.abs(Number(gap)) < 300;
    }, null, { timeout: 60_000 });
  }
  const [a, b] = await Promise.all([lagMs(first.page), lagMs(second.page)]);
  assert.ok(a !== null && b !== null, "both pages know the date of the frame on screen");
  assert.ok(Math.abs(a - b) < 1000, `same position within 1 s: lags ${a} ms and ${b} ms`);
  // Both are live: behind real time, yet not before the premiere's start.
  for (const { page } of [first, second]) {
    const date = await page.evaluate(() => ((window as any).__marqueeHls.playingDate as Date).getTime());
    assert.ok(date >= premiere.startsAt && date <= Date.now(), "the frame on screen lies between the start and now");
    const live = await page.evaluate(() => (window as any).__marqueeHls.latestLevelDetails?.live ?? (window as any).__marqueeHls.levels[0].details.live);
    assert.equal(live, true, "hls.js plays a live playlist (no ENDLIST while it runs)");
  }

  // Seeking far past the live point lands no later than the live point.
  const seek = await first.page.evaluate(async () => {
    const video = document.querySelector("video")!;
    const end = video.seekable.end(video.seekable.length - 1);
    const seeked = new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
    video.currentTime = end + 600;
    await seeked;
    return { end: video.seekable.end(video.seekable.length - 1), at: video.currentTime };
  });
  assert.ok(seek.at <= seek.end + 0.5, `a seek past live stops at the live point (${seek.at} ≤ ${seek.end})`);
  await second.page.screenshot({ path: `${SCREENSHOTS}/premiere-watch-desktop.png` });
  assert.deepEqual(first.errors.filter((e) => !/favicon/.test(e)), []);
  await first.context.close();
  await second.context.close();
});
