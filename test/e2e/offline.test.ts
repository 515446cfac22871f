/**
 * Offline (issue 17) in Chromium: Marquee is installable (a manifest with
 * icons, a service worker that controls the page) and its app shell opens
 * with the network off, saying it is offline; a demo film downloaded at
 * Standard plays with the network off (app from the service worker, media and
 * keys from IndexedDB, no media or licence request), seeks, and the position
 * saved offline reaches another device of the account once back online.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { api, browserSuite, SCREENSHOTS } from "./browser.ts";

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

/** Signs the page's context in to the demo account with its first profile (Alex) chosen. */
async function signInDemo(page: Page): Promise<void> {
  const signin = await api(page, "POST", "/api/auth/signin", { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
  assert.equal(signin.status, 200, JSON.stringify(signin.json));
  const alex = (signin.json.profiles as { id: string; name: string }[]).find((p) => p.name === "Alex")!;
  assert.equal((await api(page, "POST", `/api/profiles/${alex.id}/select`, {})).status, 200);
}

test("a downloaded film plays offline, seeks, and its progress reaches another device once back online", async () => {
  const { page, context, errors } = await suite.open("/browse");
  await signInDemo(page);
  const search = await api(page, "GET", "/api/search?q=Orbitfall");
  const id = (search.json.items as { id: number; title: string }[]).find((t) => t.title === "Orbitfall")!.id;
  await page.goto(`${suite.site.url}/title/${id}`);
  await controlled(page);
  await page.getByRole("button", { name: "Download" }).click();
  await page.getByRole("menuitem", { name: /^Standard · \d+p · / }).click();
  // In the app (not a reload): the download keeps running in this page.
  await page.locator("a.download-state").click();
  await page.locator('.download-item[data-state="done"]').waitFor({ timeout: 120_000 });
  const meta = await page.locator(".download-meta").textContent();
  assert.match(meta ?? "", /Standard · \d+p · .* · Downloaded · Expires/);

  await context.setOffline(true);
  const leaked: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/cdn/") || path.startsWith("/api/licence") || path.startsWith("/api/downloads")) leaked.push(r.url());
  });
  await page.reload();
  await page.getByText("You're offline").first().waitFor();
  await page.getByRole("link", { name: /^Play Orbitfall/ }).click();
  await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 1, null, { timeout: 60_000 });
  assert.ok(await page.evaluate(() => document.querySelector("video")!.mediaKeys !== null), "the encrypted download plays through EME");
  const duration = await page.evaluate(() => document.querySelector("video")!.duration);
  const target = Math.floor(duration / 2);
  await page.evaluate((t) => (document.querySelector("video")!.currentTime = t), target);
  await page.waitForFunction((t) => (document.querySelector("video")?.currentTime ?? 0) > t + 0.5, target, { timeout: 60_000 });
  await page.evaluate(() => document.querySelector("video")!.pause());
  const pausedAt = await page.evaluate(() => document.querySelector("video")!.currentTime);
  await page.screenshot({ path: `${SCREENSHOTS}/offline-playing.png` });
  assert.deepEqual(leaked, [], "no media, licence or download request while offline");

  // Back online: the queued position goes to the account, and another device sees it.
  await context.setOffline(false);
  const other = await suite.open("/browse");
  await signInDemo(other.page);
  await other.page.waitForFunction(
    async ([titleId, at]) => {
      const r = await fetch(`/api/progress/title/${titleId}`);
      const body = r.ok ? ((await r.json()) as { latest: { positionSeconds: number } | null }) : null;
      return (body?.latest?.positionSeconds ?? 0) >= at - 0.5;
    },
    [id, pausedAt] as const,
    { timeout: 60_000, polling: 500 },
  );
  assert.deepEqual(errors, []);
  await other.context.close();
  await context.close();
});
