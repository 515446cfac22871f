/**
 * TV mode in Chromium: how it is chosen (a TV's user agent; `?tv=1` / `?tv=0`,
 * remembered), the D-pad (rows scroll sideways as focus moves along them, up and
 * down keep the column, a select is passed over and OK opens it, text fields
 * keep their keys) and Back (history inside the app, up to the page above when
 * there is none, never out of a text field). Also: reduced motion is respected.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

process.env.MARQUEE_DEMO_MEDIA ??= "0";

const TIZEN = "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36";

const suite = browserSuite(8800);

const open = (path: string, options: { userAgent?: string; reducedMotion?: "reduce" | "no-preference"; locale?: string; context?: BrowserContext } = {}) =>
  suite.open(path, { viewport: VIEWPORTS.tv, ...options });

const isTv = (page: Page) => page.evaluate(() => document.documentElement.classList.contains("tv"));
const homeReady = (page: Page) => page.waitForFunction(() => document.querySelectorAll('main a[href^="/title/"]').length >= 6);
const active = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const box = el.getBoundingClientRect();
    // In page coordinates: moving focus may scroll the page.
    return { href: el.getAttribute("href"), tag: el.tagName, text: el.textContent?.trim() ?? "", top: box.top + scrollY, bottom: box.bottom + scrollY, centerX: box.left + box.width / 2 };
  });
/** Sends a key the way a TV remote does, with a `key` Playwright's keyboard does not know (e.g. "GoBack"). */
const remoteKey = (page: Page, key: string) =>
  page.evaluate((k) => document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true })), key);

test("TV mode is chosen by a TV's user agent, forced on with ?tv=1 and off with ?tv=0, and the forced choice is remembered", async () => {
  const tv = await open("/", { userAgent: TIZEN });
  assert.equal(await isTv(tv.page), true, "a Tizen TV gets TV mode");
  await tv.page.goto(`${suite.site.url}/?tv=0`);
  assert.equal(await isTv(tv.page), false, "?tv=0 turns it off");
  await tv.page.goto(`${suite.site.url}/browse`);
  assert.equal(await isTv(tv.page), false, "and it stays off");
  await tv.context.close();

  const desktop = await open("/");
  assert.equal(await isTv(desktop.page), false, "a 1920 px screen with a mouse is not a TV");
  await desktop.page.goto(`${suite.site.url}/?tv=1`);
  assert.equal(await isTv(desktop.page), true);
  await desktop.page.goto(`${suite.site.url}/browse`);
  assert.equal(await isTv(desktop.page), true, "remembered without the parameter");
  assert.equal(await desktop.page.evaluate(() => localStorage.getItem("marquee.tv")), "1");
  // 10-foot type: the root font is at least 22 px.
  assert.ok((await desktop.page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))) >= 22);
  await desktop.page.goto(`${suite.site.url}/?tv=auto`);
  assert.equal(await isTv(desktop.page), false, "?tv=auto goes back to detection");
  assert.deepEqual([...tv.errors, ...desktop.errors], []);
  await desktop.context.close();
});

test("→ along a title row moves focus tile by tile and scrolls the row sideways to keep the focused tile on screen", async () => {
  const { context, page, errors } = await open("/?tv=1");
  await homeReady(page);
  for (let i = 0; i < 6 && !(await page.evaluate(() => !!document.activeElement?.closest(".row-scroller"))); i++) await page.keyboard.press("ArrowDown");
  const rowScroll = () => page.evaluate(() => document.activeElement!.closest(".row-scroller")!.scrollLeft);
  const count = await page.evaluate(() => document.activeElement!.closest(".row-scroller")!.querySelectorAll("a").length);
  assert.ok(count >= 8, `the row has ${count} tiles`);
  const seen = new Set<string>();
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press("ArrowRight");
    seen.add((await active(page)).href!);
  }
  assert.equal(seen.size, 7, "each press moved to another tile");
  await page.waitForFunction(() => {
    const box = document.activeElement!.getBoundingClientRect();
    return box.left >= 0 && box.right <= innerWidth;
  });
  assert.ok((await rowScroll()) > 0, "the row scrolled");
  await page.screenshot({ path: `${SCREENSHOTS}/tv-row-scrolled.png` });
  // ← all the way back reaches the first tile again.
  for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => document.activeElement!.closest(".row-scroller")!.scrollLeft === 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("in Arabic the D-pad follows the screen: ← goes on along a row that starts on the right, → comes back", async () => {
  const { context, page, errors } = await open("/?tv=1", { locale: "ar" });
  await page.locator("html[dir=rtl]").waitFor({ state: "attached" });
  await homeReady(page);
  for (let i = 0; i < 6 && !(await page.evaluate(() => !!document.activeElement?.closest(".row-scroller"))); i++) await page.keyboard.press("ArrowDown");
  const rowScroll = () => page.evaluate(() => document.activeElement!.closest(".row-scroller")!.scrollLeft);
  // The row starts on the right: its first tile is in the right half of the screen.
  const firstTileX = await page.evaluate(() => { const b = document.activeElement!.closest(".row-scroller")!.querySelector("a")!.getBoundingClientRect(); return b.left + b.width / 2; });
  assert.ok(firstTileX > VIEWPORTS.tv.width / 2, `the row's first tile is on the right (x ${Math.round(firstTileX)})`);
  // The focused tile's place in its row, in reading order (the row's first tile is 0).
  const place = () => page.evaluate(() => [...document.activeElement!.closest(".row-scroller")!.querySelectorAll("a")].indexOf(document.activeElement as HTMLAnchorElement));
  const start = await place();
  for (let i = 1; i <= 7; i++) {
    await page.keyboard.press("ArrowLeft");
    assert.equal(await place(), start + i, `← ${i} went on to the next tile in reading order`);
  }
  await page.waitForFunction(() => {
    const box = document.activeElement!.getBoundingClientRect();
    return box.left >= 0 && box.right <= innerWidth;
  });
  // Chromium counts a right-to-left row's scroll from its right edge, negative towards its end.
  assert.ok((await rowScroll()) < 0, "the row scrolled towards its end, which is on the left");
  // An English name on an Arabic page is its own left-to-right paragraph (a clipped one loses its end), set on the page's side.
  const latinName = await page.evaluate(() => {
    const el = [...document.querySelectorAll<HTMLElement>(".tile-name")].find((n) => /^[A-Za-z]/.test(n.textContent ?? ""))!;
    const style = getComputedStyle(el);
    return [style.direction, style.textAlign];
  });
  assert.deepEqual(latinName, ["ltr", "right"]);
  await page.screenshot({ path: `${SCREENSHOTS}/tv-row-scrolled-rtl.png` });
  // → all the way back reaches the first tile and the row's start.
  for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowRight");
  assert.equal(await place(), start);
  if (start === 0) await page.waitForFunction(() => document.activeElement!.closest(".row-scroller")!.scrollLeft === 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("↑ and ↓ keep the column: from a grid up to the filters and down again lands in the same column; and a select is passed over without changing it", async () => {
  const { context, page, errors } = await open("/browse?tv=1", { reducedMotion: "reduce" });
  await page.waitForFunction(() => document.querySelectorAll("main .grid a").length >= 12);
  await page.locator("main .grid a").nth(0).focus();
  // Move to the fourth tile of the first grid row, then up and down.
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  const start = await active(page);
  await page.keyboard.press("ArrowUp");
  const up = await active(page);
  assert.equal(up.tag, "SELECT", "the row above is the filters");
  const tileWidth = await page.evaluate(() => document.querySelector("main .grid a")!.getBoundingClientRect().width);
  assert.ok(Math.abs(up.centerX - start.centerX) > tileWidth / 2, "the select is not above the tile we came from, so only memory brings focus back");
  const filterValue = await page.evaluate(() => (document.querySelector("main select") as unknown as HTMLSelectElement).value);
  await page.keyboard.press("ArrowDown");
  const back = await active(page);
  assert.equal(back.href, start.href, "down returns to the same column, not the tile under the select");
  await page.keyboard.press("ArrowDown");
  const below = await active(page);
  assert.ok(below.top > back.bottom - 1 && Math.abs(below.centerX - back.centerX) < 20, `the next row, same column: ${JSON.stringify({ back, below })}`);
  // Passing over a select did not change its value.
  assert.equal(await page.evaluate(() => (document.querySelector("main select") as unknown as HTMLSelectElement).value), filterValue);
  assert.deepEqual(errors, []);
  await context.close();
});

test("Back: goes back through the app's history, up to Home when opened directly, and a text field keeps Escape and Backspace", async () => {
  const { context, page, errors } = await open("/title/5?tv=1");
  await page.getByRole("heading", { level: 1, name: "Harbour Lights" }).waitFor();
  // No history inside the app: Back goes up to Home instead of leaving the site.
  await remoteKey(page, "GoBack");
  await page.waitForURL(`${suite.site.url}/`);
  await homeReady(page);

  // Search: typing, Backspace deletes and Escape stays; then ↑ leaves the field and Back goes back home.
  await page.getByRole("link", { name: "Search" }).first().focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/search/);
  const box = page.getByRole("searchbox");
  await box.focus();
  await page.keyboard.type("harbour");
  await page.keyboard.press("Backspace");
  assert.equal(await box.inputValue(), "harbou");
  assert.match(page.url(), /\/search/, "Backspace in a text field does not go back");
  await page.keyboard.press("ArrowUp");
  assert.notEqual(await page.evaluate(() => document.activeElement?.getAttribute("type")), "search", "↑ leaves the field");
  await page.keyboard.press("Backspace");
  await page.waitForURL(`${suite.site.url}/`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("reduced motion: focused tiles are not animated or enlarged", async () => {
  const { context, page } = await open("/?tv=1", { reducedMotion: "reduce" });
  await homeReady(page);
  for (let i = 0; i < 6 && !(await page.evaluate(() => !!document.activeElement?.closest(".row-scroller"))); i++) await page.keyboard.press("ArrowDown");
  const style = await page.evaluate(() => { const s = getComputedStyle(document.activeElement!); return { transform: s.transform, transition: parseFloat(s.transitionDuration) }; });
  assert.equal(style.transform, "none");
  assert.ok(style.transition < 0.001, `transition ${style.transition}s`);
  await context.close();
});

test("the title page's rating buttons are readable at ten feet: a large glyph with its words", async () => {
  const { context, page, errors } = await open("/browse?tv=1");
  const signin = await page.evaluate(async (a) => {
    const res = await fetch("/api/auth/signin", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(a) });
    return res.json() as Promise<{ profiles: { id: string; name: string }[] }>;
  }, { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
  const alex = signin.profiles.find((p) => p.name === "Alex")!.id;
  await page.evaluate((id) => fetch(`/api/profiles/${id}/select`, { method: "POST" }), alex);
  await page.goto(`${suite.site.url}/title/1?tv=1`);
  const like = page.getByRole("button", { name: "I like this" });
  await like.waitFor();
  const sizes = await page.locator(".rating").evaluateAll((buttons) =>
    buttons.map((b) => ({ glyph: b.querySelector("svg")!.getBoundingClientRect().height, words: (b.querySelector(".rating-label") as HTMLElement).offsetHeight > 0 ? b.textContent!.trim() : "" })),
  );
  assert.equal(sizes.length, 3);
  for (const s of sizes) {
    assert.ok(s.glyph >= 36, `a rating glyph is ${s.glyph}px tall on a 1080p TV`);
    assert.ok(s.words.length > 0, "each rating says what it means");
  }
  await page.screenshot({ path: `${SCREENSHOTS}/tv-title-ratings.png` });
  assert.deepEqual(errors, []);
  await context.close();
});
