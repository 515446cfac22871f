/**
 * The app before its shell is on the device (issue 17), in Chromium with the
 * service worker blocked, as in the seconds before it has installed: a page whose
 * code cannot load says, in words, that it is not on this device yet while
 * offline and opens by itself once the connection returns; online, a chunk the
 * server no longer has (a deploy) reloads the page once onto the new build, then
 * offers a retry — never the browser's raw "Failed to fetch dynamically imported
 * module".
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page, Route } from "playwright-core";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8818, { media: false });

/** A page on Home in a context where no service worker ever controls a page (the shell not installed yet). */
async function withoutShell() {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop, serviceWorkers: "block" });
  const opened = await suite.open("/", { context });
  await opened.page.locator("a.nav-downloads").waitFor();
  assert.equal(await opened.page.evaluate(() => navigator.serviceWorker.controller), null, "no service worker controls the page");
  return { ...opened, context };
}

const RAW_ERROR = /dynamically imported module|Failed to fetch|Unable to preload/i;

async function bodyText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

test("offline before the shell is stored, Downloads says it is not on this device yet and opens once the connection returns", async () => {
  const { page, context, errors } = await withoutShell();
  await context.setOffline(true);
  await page.locator("a.nav-downloads").click();
  const view = page.locator('.chunk-error[data-kind="offline"]');
  await view.waitFor();
  assert.equal(await view.getByRole("heading", { level: 1 }).textContent(), "You're offline — this page isn't on this device yet");
  assert.doesNotMatch(await bodyText(page), RAW_ERROR);
  for (const [name, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SCREENSHOTS}/offline-not-on-device-${name}.png` });
  }
  await page.setViewportSize(VIEWPORTS.desktop);

  // Back online: the page's code is fetched again without a click.
  await context.setOffline(false);
  await page.getByRole("heading", { level: 1, name: "Downloads" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/downloads");
  assert.equal(await page.locator(".chunk-error").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

const HOME_ROWS = /\/api\/home\?/;

/** A page on Home (no service worker) whose requests for Home's rows are answered by `answer` until `HOME_ROWS` is unrouted. */
async function homeWhoseRows(answer: (route: Route) => Promise<void>) {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop, serviceWorkers: "block" });
  await context.route(HOME_ROWS, answer);
  const opened = await suite.open("/", { context });
  await opened.page.locator("a.nav-downloads").waitFor();
  return { ...opened, context };
}

test("the connection lost while Home's rows load: Home says it is offline, not the browser's error, and opens by itself once it returns", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { page, context, errors } = await homeWhoseRows(async (route) => {
    await held;
    await route.abort("internetdisconnected");
  });
  await context.setOffline(true);
  release();
  await page.locator('.chunk-error[data-kind="offline"]').waitFor();
  assert.doesNotMatch(await bodyText(page), RAW_ERROR);

  await context.unroute(HOME_ROWS);
  await context.setOffline(false);
  await page.locator(".home").waitFor();
  assert.equal(await page.locator(".error-view").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a page's error stays with that page: the menu still opens the others, and Home again", async () => {
  const { page, context } = await homeWhoseRows((route) => route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { code: "unavailable", message: "Try again shortly" } }) }));
  await page.locator(".error-view").waitFor();
  await page.getByRole("link", { name: "Browse", exact: true }).first().click();
  await page.locator(".page.browse").waitFor();
  assert.equal(await page.locator(".error-view").count(), 0, "Browse shows Browse, not Home's error");
  await context.unroute(HOME_ROWS);
  await page.getByRole("link", { name: "Home", exact: true }).first().click();
  await page.locator(".home").waitFor();
  assert.equal(await page.locator(".error-view").count(), 0, "Home asks for its rows again");
  await context.close();
});

test("online, a route chunk the server no longer has reloads the page once, then Try again opens it", async () => {
  const { page, context, errors } = await withoutShell();
  // A deploy replaced the build: the Downloads page's chunk of this build is gone from the server.
  const gone = (url: URL) => /\/assets\/downloads-[\w-]+\.js$/.test(url.pathname);
  await page.route(gone, (route) => route.fulfill({ status: 404, contentType: "text/plain", body: "not found" }));
  let loads = 0;
  page.on("load", () => loads++);
  await page.locator("a.nav-downloads").click();
  // One reload onto "the new build" (still without the chunk here), and no second one.
  await page.waitForFunction(() => document.querySelector('.chunk-error[data-kind="stale"]') !== null || location.pathname !== "/downloads", null, { timeout: 30_000 });
  await page.waitForLoadState("load");
  if (new URL(page.url()).pathname !== "/downloads") await page.locator("a.nav-downloads").click();
  const view = page.locator('.chunk-error[data-kind="stale"]');
  await view.waitFor();
  assert.equal(loads, 1, "the page reloaded exactly once");
  assert.equal(await view.getByRole("heading", { level: 1 }).textContent(), "This page didn't load");
  assert.doesNotMatch(await bodyText(page), RAW_ERROR);

  await page.unroute(gone);
  await view.getByRole("button", { name: "Try again" }).click();
  await page.getByRole("heading", { level: 1, name: "Downloads" }).waitFor();
  assert.equal(loads, 1, "Try again loads the page's code without reloading");
  assert.deepEqual(errors, []);
  await context.close();
});
