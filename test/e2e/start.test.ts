/**
 * Fast start in Chromium (data/prefetch.ts, player/token-loader.ts): a title
 * page prepares playback while it is open and the player plays from it without
 * asking again; so does a Home tile the pointer or TV focus rests on
 * (data/play-intent.ts), and tiles passed or scrolled past prepare nothing; an opened watch page asks for playback alongside its code; a
 * preparation too old to trust is not used; the baseline switch turns it off;
 * Home does not load hls.js. Demo media: 12 s clips in 4 s segments, title 1 a film.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page, Request } from "playwright-core";
import { browserSuite, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8806);

/** Every request the page makes, by path (the token in /cdn/ paths left out), from the moment it is called. */
function record(page: Page): { paths: string[] } {
  const log = { paths: [] as string[] };
  page.on("request", (r: Request) => log.paths.push(new URL(r.url()).pathname.replace(/^\/cdn\/([^/]+)\/[^/]+\//, "/cdn/$1/")));
  return log;
}

const playingPast = (page: Page, seconds: number) =>
  page.waitForFunction((s) => { const v = document.querySelector("video"); return !!v && !v.paused && v.currentTime > s; }, seconds, { timeout: 30_000 });

const openTitle = (path: string, init?: () => void) => suite.open(path, { console: true, ...(init ? { init } : {}) });

test("Play on a title page plays what the page prepared: no playback request, playlist or first segment is fetched after the click", async () => {
  const { page, errors } = await openTitle("/title/1");
  const prepared = page.waitForResponse((r) => /\/video\/\d+p\/seg_00000\.m4s$/.test(r.url()) && r.ok(), { timeout: 30_000 });
  const before = record(page);
  await page.locator(".play-button").waitFor();
  await prepared;
  assert.ok(before.paths.includes("/api/playback/1"), "the page asked for playback while open");
  assert.ok(before.paths.some((p) => /^\/assets\/watch-.*\.js$/.test(p)), "and loaded the player's code");
  const media = before.paths.filter((p) => p.startsWith("/cdn/"));
  assert.ok(media.some((p) => p.endsWith("/master.m3u8")) && media.some((p) => /\/video\/\d+p\/init\.mp4$/.test(p)), `the master and the start rendition's init were prepared: ${media.join(", ")}`);
  const afterClick = record(page);
  await page.locator(".play-button").click();
  await playingPast(page, 4.5);
  // What was prepared, not whatever rendition ABR climbs to after the first segment (its playlist and init are new).
  const again = afterClick.paths.filter((p) => p === "/api/playback/1" || media.includes(p));
  assert.deepEqual(again, [], "nothing prepared was fetched twice");
  assert.ok(afterClick.paths.includes("/api/licence"), "the encrypted media was licensed");
  assert.ok(afterClick.paths.some((p) => /\/video\/\d+p\/seg_0000[12]\.m4s$/.test(p)), "later segments come from the network");
  assert.equal(await page.evaluate(() => document.querySelector("video")!.dataset.abr), "marquee", "our ABR runs");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("a Home tile the pointer rests on prepares playback; a click then Play fetches none of it again; tiles passed or scrolled past prepare nothing", async () => {
  const { page, errors } = await suite.open(null, { console: true });
  // Timers run only when the test says (dwell and debounce are timers): no assertion depends on speed.
  await page.clock.install();
  await page.goto(`${suite.site.url}/`);
  const row = page.locator(".row").filter({ has: page.locator("a.tile[data-title-id='1']") }).first();
  const tile = row.locator("a.tile[data-title-id='1']");
  await tile.scrollIntoViewIfNeeded();
  const log = record(page);
  const asked = () => log.paths.filter((p) => p.startsWith("/api/playback/"));
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));

  // The pointer runs along a row (title 1's among its tiles) and comes to rest on the row's heading: nothing had its dwell.
  const box = (await row.locator(".row-scroller").boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width - 5, box.y + box.height / 2, { steps: 12 });
  await row.locator("h2").hover();
  await page.clock.runFor(2000);
  // The pointer rests on another tile; the wheel scrolls the page, tiles pass under the still pointer.
  const other = await page.evaluate(() => {
    const t = [...document.querySelectorAll<HTMLElement>(".row a.tile:not([data-title-id='1'])")]
      .map((e) => e.getBoundingClientRect()).find((r) => r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth)!;
    return { x: t.left + t.width / 2, y: t.top + t.height / 2, scrollY };
  });
  await page.mouse.move(other.x, other.y);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 250);
  await page.clock.runFor(2000);
  assert.ok(await page.evaluate((y) => scrollY > y, other.scrollY), "the page scrolled");

  // Now the pointer moves onto title 1's tile and rests there.
  await tile.scrollIntoViewIfNeeded();
  await page.clock.runFor(500);
  const prepared = page.waitForResponse((r) => /\/video\/\d+p\/seg_00000\.m4s$/.test(r.url()) && r.ok(), { timeout: 30_000 });
  const playback = page.waitForRequest((r) => r.url().endsWith("/api/playback/1"), { timeout: 30_000 });
  await tile.hover();
  await page.clock.runFor(1000);
  await playback;
  assert.deepEqual(asked(), ["/api/playback/1"], "only the tile the pointer rested on was prepared");
  await prepared;
  const media = log.paths.filter((p) => p.startsWith("/cdn/"));
  assert.ok(media.some((p) => p.endsWith("/master.m3u8")) && media.some((p) => /\/video\/\d+p\/init\.mp4$/.test(p)), `the master and the start rendition's init were prepared: ${media.join(", ")}`);
  await page.clock.resume();

  const afterClick = record(page);
  await tile.click();
  await page.locator(".play-button").click();
  await playingPast(page, 4.5);
  const again = afterClick.paths.filter((p) => p.startsWith("/api/playback/") || media.includes(p));
  assert.deepEqual(again, [], "nothing prepared from Home was fetched again");
  assert.deepEqual(afterClick.paths.filter((p) => /^\/assets\/watch-.*\.js$/.test(p)), [], "the player's code came with the preparation");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("TV: the D-pad moving along a row prepares nothing on the way; the tile where focus rests is prepared", async () => {
  const { page, errors } = await suite.open(null, { console: true, viewport: VIEWPORTS.tv });
  await page.clock.install();
  await page.goto(`${suite.site.url}/?tv=1`);
  await page.waitForFunction(() => document.querySelectorAll("main .row a.tile").length >= 6);
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1000));
  const log = record(page);
  for (let i = 0; i < 6 && !(await page.evaluate(() => !!document.activeElement?.closest(".row-scroller"))); i++) await page.keyboard.press("ArrowDown");
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  const resting = await page.evaluate(() => new URL((document.activeElement as HTMLAnchorElement).href).pathname.replace("/title/", ""));
  const prepared = page.waitForRequest((r) => r.url().endsWith(`/api/playback/${resting}`), { timeout: 30_000 });
  await page.clock.runFor(2000);
  await prepared;
  assert.deepEqual(log.paths.filter((p) => p.startsWith("/api/playback/")), [`/api/playback/${resting}`], "only the tile focus rested on");
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("an opened watch page asks for playback while its code loads, once, and plays", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  const log = record(page);
  const order: string[] = [];
  page.on("request", (r) => r.url().endsWith("/api/playback/1") && order.push("asked"));
  page.on("requestfinished", (r) => /\/assets\/watch-.*\.js$/.test(r.url()) && order.push("player code loaded"));
  await page.goto(`${suite.site.url}/watch/1?debug=1`);
  await playingPast(page, 1);
  assert.equal(log.paths.filter((p) => p === "/api/playback/1").length, 1, "one playback request");
  assert.equal(log.paths.filter((p) => p.endsWith("/master.m3u8")).length, 1, "one master playlist request");
  assert.equal(log.paths.filter((p) => /\/video\/\d+p\/seg_00000\.m4s$/.test(p)).length, 1, "the first segment once");
  assert.ok(order.indexOf("asked") >= 0 && order.indexOf("asked") < order.indexOf("player code loaded"), `playback was asked for before the player's code had loaded: ${order.join(", ")}`);
  assert.equal(await page.evaluate(() => (window as any).__marqueeHls.levels.length > 0), true, "?debug=1 still exposes hls.js");
  await context.close();
});

test("a preparation older than a few minutes is not used: Play asks for playback again", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  await page.clock.install();
  const prepared = page.waitForResponse((r) => r.url().endsWith("/api/playback/1"), { timeout: 30_000 });
  await page.goto(`${suite.site.url}/title/1`);
  await prepared;
  await page.clock.fastForward("04:00");
  const afterClick = record(page);
  await page.locator(".play-button").click();
  await playingPast(page, 0.5);
  assert.ok(afterClick.paths.includes("/api/playback/1"), "a fresh playback request after the click");
  await context.close();
});

test("the baseline switch prepares nothing before Play, and Home never loads hls.js", async () => {
  const { page } = await openTitle("/", () => localStorage.setItem("marquee.baseline", "hlsjs"));
  const log = record(page);
  await page.locator(".hero h1").waitFor();
  await page.waitForLoadState("networkidle");
  assert.equal(log.paths.filter((p) => /^\/assets\/watch-.*\.js$/.test(p)).length, 0, "no player code on Home");
  await page.goto(`${suite.site.url}/title/1`);
  await page.locator(".play-button").waitFor();
  await page.waitForLoadState("networkidle");
  assert.equal(log.paths.filter((p) => p === "/api/playback/1" || p.startsWith("/cdn/")).length, 0, "nothing prepared on the title page");
  await page.locator(".play-button").click();
  await playingPast(page, 0.5);
  assert.equal(log.paths.filter((p) => p === "/api/playback/1").length, 1);
  await page.context().close();
});
