/**
 * Offline (issue 17) in Chromium: Marquee is installable (a manifest with
 * icons, a service worker that controls the page) and its app shell opens
 * with the network off, saying it is offline.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { browserSuite, SCREENSHOTS } from "./browser.ts";

const suite = browserSuite(8815);

/** Waits until the app-shell service worker controls the page (it claims clients once it has precached the shell). */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
}

test("the app is installable and its shell opens with the network off", async () => {
  const { page, context, errors } = await suite.open("/browse");
  const manifestHref = await page.getAttribute('link[rel="manifest"]', "href");
  assert.equal(manifestHref, "/manifest.webmanifest");
  const manifest: { display: string; icons: { sizes: string; type: string }[] } = await page.evaluate(async (href) => (await fetch(href!)).json(), manifestHref);
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.icons.some((i) => i.sizes === "512x512" && i.type === "image/png"), "a 512 px PNG icon");
  await controlled(page);
  await context.setOffline(true);
  await page.reload();
  await page.getByText("You're offline").waitFor();
  assert.equal(await page.locator(".brand").textContent(), "MARQUEE");
  await page.screenshot({ path: `${SCREENSHOTS}/offline-shell.png` });
  assert.deepEqual(errors, []);
  await context.close();
});
