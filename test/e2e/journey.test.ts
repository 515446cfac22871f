/**
 * Whole journeys through the app in Chromium, the way people use it: on a
 * desktop with a mouse and keyboard (sign in → profile → search with a typo →
 * title → play, seek with the trickplay preview, quality, subtitles, skip intro,
 * next episode → back), on a TV with only a remote's arrows, OK and Back, and on
 * a phone with touch. Then screenshots of the main pages at three sizes.
 *
 * Locators go by role and label (Home is rebuilt around GET /api/home; only its
 * tile links, `a[href="/title/<id>"]`, are relied on). Demo media: 12 s clips;
 * title 1 is a film with English and French subtitles, title 5 a series whose
 * episodes have an intro at 1–4 s and credits from 9 s.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8798);

const newPage = (options: { viewport?: { width: number; height: number }; touch?: boolean } = {}) => suite.open(null, options);

const video = {
  time: (page: Page) => page.evaluate(() => document.querySelector("video")!.currentTime),
  playing: (page: Page) =>
    page.waitForFunction(() => { const v = document.querySelector("video"); return !!v && !v.paused && v.readyState >= 3 && v.currentTime > 0.2; }, null, { timeout: 30_000 }),
  near: (page: Page, seconds: number, tolerance = 0.4) =>
    page.waitForFunction(([s, tol]) => Math.abs(document.querySelector("video")!.currentTime - s!) < tol!, [seconds, tolerance] as const, { timeout: 15_000 }),
};

/** Home has rendered rows of tiles (not only the hero's link). */
const homeReady = (page: Page) => page.waitForFunction(() => document.querySelectorAll('main a[href^="/title/"]').length >= 6);
/** Title tiles: links to a title with artwork in them. */
const tiles = (page: Page) => page.locator('main a[href^="/title/"]:has(img, svg)');

/** Where on the seek bar a time (seconds) lies. */
async function seekPoint(page: Page, seconds: number): Promise<{ x: number; y: number }> {
  const duration = await page.evaluate(() => document.querySelector("video")!.duration);
  const bar = (await page.getByRole("slider", { name: "Seek" }).boundingBox())!;
  return { x: bar.x + (bar.width * seconds) / duration, y: bar.y + bar.height / 2 };
}

/** Clicks the seek bar at a time (seconds). */
async function clickSeek(page: Page, seconds: number): Promise<void> {
  const at = await seekPoint(page, seconds);
  await page.mouse.click(at.x, at.y);
}

test("desktop: sign in, pick a profile, find a title despite a typo, play it — trickplay seek, quality, subtitles — then skip an intro, go on to the next episode, and back", async () => {
  const { page, context, errors } = await newPage();
  await page.goto(`${suite.site.url}/signin`);
  await page.getByLabel("E-mail").fill(DEMO_ACCOUNT.email);
  await page.getByLabel("Password").fill(DEMO_ACCOUNT.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  // Several profiles: the picker asks who is watching.
  await page.getByRole("heading", { name: "Who's watching?" }).waitFor();
  await page.getByRole("button", { name: "Alex" }).click();
  await page.waitForURL(`${suite.site.url}/`);
  await homeReady(page);
  assert.match((await page.getByRole("button", { name: /^Profile menu/ }).getAttribute("aria-label"))!, /Alex/);

  // Search with a typo.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Search" }).click();
  await page.getByRole("searchbox").fill("lighthous keeper");
  const hit = page.getByRole("link", { name: /The Lighthouse Keeper's Daughter/ });
  await hit.first().waitFor();
  await hit.first().click();
  await page.getByRole("heading", { level: 1, name: "The Lighthouse Keeper's Daughter" }).waitFor();

  // Play.
  await page.getByRole("link", { name: "Play", exact: true }).click();
  await page.waitForURL(/\/watch\/1$/);
  await video.playing(page);
  await page.getByRole("button", { name: "Pause" }).click();
  const duration = await page.evaluate(() => document.querySelector("video")!.duration);

  // Hovering the seek bar previews the frame there (a tile of the trickplay sprite); a click seeks to it.
  const at = await seekPoint(page, duration * 0.75);
  await page.mouse.move(at.x, at.y);
  await page.locator(".seek-thumb").waitFor();
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".seek-thumb")!).backgroundImage.startsWith('url("blob:'));
  await page.mouse.click(at.x, at.y);
  await video.near(page, duration * 0.75);
  assert.equal(await page.getByRole("slider", { name: "Seek" }).getAttribute("aria-valuenow"), String(Math.round(await video.time(page))));

  // Quality: pin 360p in the settings menu; the picture changes to it.
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("menuitem", { name: /^Quality/ }).click();
  await page.getByRole("menuitemradio", { name: /^360p/ }).click();
  await page.getByRole("button", { name: "Settings" }).click();
  assert.match(await page.getByRole("menuitem", { name: /^Quality/ }).innerText(), /360p/);
  await page.keyboard.press("Escape");
  await page.getByRole("menu").waitFor({ state: "detached" });

  // Subtitles on: English cues show while it plays from 1 s.
  await page.getByRole("button", { name: "Subtitles" }).click();
  await page.getByRole("menuitemradio", { name: "English" }).click();
  await page.keyboard.press("Escape");
  await clickSeek(page, 1);
  await page.getByRole("button", { name: "Play", exact: true }).first().click();
  await page.waitForFunction(() => [...document.querySelector("video")!.textTracks].some((t) => t.mode === "showing" && (t.activeCues?.length ?? 0) > 0), null, { timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector("video")!.videoHeight === 360, null, { timeout: 15_000 });

  // Back to the title page, and on to a series.
  await page.getByRole("link", { name: "Back to title" }).first().click();
  await page.getByRole("heading", { level: 1, name: "The Lighthouse Keeper's Daughter" }).waitFor();
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Search" }).click();
  await page.getByRole("searchbox").fill("harbor lights");
  await page.getByRole("link", { name: /Harbour Lights/ }).first().click();
  await page.getByRole("heading", { level: 1, name: "Harbour Lights" }).waitFor();
  await page.getByRole("link", { name: "Play", exact: true }).click();
  await page.waitForURL(/\/watch\/5/);

  // The intro runs from 1 to 4 s: "Skip intro" jumps to its end.
  const skip = page.getByRole("button", { name: "Skip intro" });
  await skip.waitFor({ timeout: 30_000 });
  await skip.click();
  await page.waitForFunction(() => document.querySelector("video")!.currentTime >= 3.9);
  await skip.waitFor({ state: "detached" });

  // In the credits the next-episode card offers episode 2; choosing it plays it.
  await clickSeek(page, 9.5);
  const card = page.getByRole("region", { name: "Next episode" });
  await card.waitFor();
  assert.match(await card.innerText(), /S1:E2/);
  const nextPlayback = page.waitForResponse((r) => /\/api\/playback\/5\?episode=\d+$/.test(r.url()) && r.request().method() === "POST");
  await card.getByRole("button", { name: /Next episode in|Play next episode/ }).click();
  await page.waitForURL(/\/watch\/5\?episode=\d+/);
  const { episode } = (await (await nextPlayback).json()) as { episode: { seasonNumber: number; number: number } };
  assert.deepEqual([episode.seasonNumber, episode.number], [1, 2]);
  await page.locator(".player-toolbar-title", { hasText: "S1:E2" }).waitFor();
  await video.playing(page);

  // Back leaves the player for the series' page.
  await page.getByRole("link", { name: "Back to title" }).first().click();
  await page.getByRole("heading", { level: 1, name: "Harbour Lights" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

/** Waits until the images on screen (lazy ones included) have loaded, so screenshots show them. */
const imagesOnScreenLoaded = (page: Page) =>
  page.waitForFunction(() =>
    [...document.images].every((img) => {
      const box = img.getBoundingClientRect();
      const onScreen = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
      return !onScreen || img.complete;
    }),
  );

/** Waits until the page has stopped scrolling (smooth scrolling into view). */
const scrollSettled = (page: Page) =>
  page.waitForFunction(() => new Promise((resolve) => {
    let y = scrollY;
    let still = 0;
    const step = () => {
      still = scrollY === y ? still + 1 : 0;
      y = scrollY;
      if (still >= 10) resolve(true);
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }));

/** What has focus, described enough to follow it in a test. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { href: el?.getAttribute("href") ?? null, text: el?.textContent?.trim() ?? "", inRow: !!el?.closest(".row-scroller"), isTile: !!el?.matches('a[href^="/title/"]') };
  });

test("TV mode: with only arrows, OK (Enter) and Back, a remote goes from a home tile to its title, plays it, and comes back", async () => {
  const { page, context, errors } = await newPage({ viewport: VIEWPORTS.tv });
  await page.goto(`${suite.site.url}/?tv=1`);
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains("tv")), true);
  await homeReady(page);

  // Down until a tile in a row has focus (the hero's button comes first, if there is one).
  for (let i = 0; i < 6 && !(await focused(page)).inRow; i++) await page.keyboard.press("ArrowDown");
  assert.equal((await focused(page)).isTile, true, "a tile has focus");
  const first = await focused(page);
  await page.keyboard.press("ArrowRight");
  const second = await focused(page);
  assert.equal(second.isTile, true);
  assert.notEqual(second.href, first.href, "→ moves along the row");
  await page.keyboard.press("ArrowLeft");
  assert.equal((await focused(page)).href, first.href, "← comes back");
  await page.keyboard.press("ArrowRight");
  const opened = second.href!;

  await page.keyboard.press("Enter");
  await page.waitForURL(`${suite.site.url}${opened}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  // The title page opens with its main action focused; arrows move off it and back.
  await page.waitForFunction(() => document.activeElement?.classList.contains("play-button"));
  await page.keyboard.press("ArrowDown");
  assert.notEqual((await focused(page)).text, "Play");
  await page.keyboard.press("ArrowUp");
  assert.match((await focused(page)).text, /Play$/);

  await page.keyboard.press("Enter");
  await page.waitForURL(/\/watch\/\d+/);
  await video.playing(page);

  // Back (Escape on a keyboard) returns to the title, then Back again home, focus on the tile that was opened.
  await page.keyboard.press("Escape");
  await page.waitForURL(`${suite.site.url}${opened}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.keyboard.press("Backspace");
  await page.waitForURL(`${suite.site.url}/?tv=1`);
  await page.waitForFunction((href) => document.activeElement?.getAttribute("href") === href, opened);
  assert.deepEqual(errors, []);
  await context.close();
});

test("phone: taps open a title from home and play it; a tap brings the controls back and a double tap seeks", async () => {
  const { page, context, errors } = await newPage({ viewport: VIEWPORTS.phone, touch: true });
  await page.goto(`${suite.site.url}/`);
  const bottomNav = page.getByRole("navigation", { name: "Main" });
  // The shell draws once its first dictionary is in (main.tsx), after the load event.
  await homeReady(page);
  assert.equal(await bottomNav.isVisible(), true, "the bottom navigation shows on a phone");
  const tile = tiles(page).first();
  const href = (await tile.getAttribute("href"))!;
  await tile.tap();
  await page.waitForURL(`${suite.site.url}${href}`);
  await page.getByRole("link", { name: "Play", exact: true }).tap();
  await page.waitForURL(/\/watch\/\d+/);
  await video.playing(page);
  assert.equal(await bottomNav.isVisible(), false, "the player has the whole screen");

  const box = (await page.locator(".player").boundingBox())!;
  const point = (fx: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * 0.45 });
  await page.locator(".player.player-idle").waitFor({ timeout: 10_000 });
  await page.touchscreen.tap(point(0.5).x, point(0.5).y);
  await page.locator(".player:not(.player-idle)").waitFor();

  await page.getByRole("button", { name: "Pause" }).tap();
  await page.evaluate(() => { document.querySelector("video")!.currentTime = 1; });
  await video.near(page, 1, 0.2);
  await page.touchscreen.tap(point(0.8).x, point(0.8).y);
  await page.touchscreen.tap(point(0.8).x, point(0.8).y);
  await video.near(page, 11);
  await page.touchscreen.tap(point(0.2).x, point(0.2).y);
  await page.touchscreen.tap(point(0.2).x, point(0.2).y);
  await video.near(page, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test("screenshots: home, title and search at phone, desktop and TV sizes, and TV mode's home with a focused tile — none wider than the screen", async () => {
  const pages: [string, string, (page: Page) => Promise<unknown>][] = [
    ["home", "/", homeReady],
    ["title", "/title/5", (page) => page.getByRole("heading", { level: 1, name: "Harbour Lights" }).waitFor()],
    ["search", "/search?q=lighthous", (page) => page.getByRole("link", { name: /The Lighthouse Keeper's Daughter/ }).first().waitFor()],
  ];
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const { page, context, errors } = await newPage({ viewport, touch: size === "phone" });
    for (const [name, path, ready] of pages) {
      await page.goto(`${suite.site.url}${path}`);
      await ready(page);
      await imagesOnScreenLoaded(page);
      await page.screenshot({ path: `${SCREENSHOTS}/journey-${name}-${size}.png` });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} at ${size} is ${overflow}px wider than the screen`);
      assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), size === "phone", `bottom navigation on ${name} at ${size}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }

  const { page, context } = await newPage({ viewport: VIEWPORTS.tv });
  await page.goto(`${suite.site.url}/?tv=1`);
  await homeReady(page);
  for (let i = 0; i < 6 && !(await focused(page)).inRow; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  const ring = await page.evaluate(() => {
    const el = document.activeElement!;
    const art = el.querySelector(".art") ?? el;
    return { transform: getComputedStyle(el).transform, shadow: getComputedStyle(art).boxShadow };
  });
  assert.notEqual(ring.transform, "none", "the focused tile is enlarged");
  assert.match(ring.shadow, /rgb\(255, 213, 74\)/, "and ringed in the focus colour");
  await scrollSettled(page);
  await imagesOnScreenLoaded(page);
  await page.screenshot({ path: `${SCREENSHOTS}/journey-home-tv-focused.png` });
  await context.close();
});
