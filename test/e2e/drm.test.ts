/**
 * Content protection in Chromium: an encrypted demo title plays through
 * ClearKey EME (licences from the Worker), seeks and switches quality across
 * key tiers; a third device on a standard plan is refused, lists the devices
 * watching and stops one to play; and a switch to the Kids profile in another
 * tab stops an 18+ stream at its next licence renewal, with a message; and a
 * password changed on the account page stops another device's stream the same way. The
 * site renews licences every 2 s here (LICENCE_RENEWAL_SECONDS) so the test is quick.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { api, browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8811, { vars: { LICENCE_RENEWAL_SECONDS: "2" } });

/** A title's id by its name (the demo catalog's ids are not fixed). */
async function titleId(page: Page, name: string): Promise<number> {
  const r = await api(page, "GET", `/api/search?q=${encodeURIComponent(name)}`);
  const hit = (r.json.items as { id: number; title: string }[]).find((t) => t.title === name);
  assert.ok(hit, `${name} is in the demo catalog`);
  return hit.id;
}

const time = (page: Page) => page.evaluate(() => document.querySelector("video")!.currentTime);
const playsPast = (page: Page, seconds: number) => page.waitForFunction((s) => (document.querySelector("video")?.currentTime ?? 0) > s, seconds, { timeout: 60_000 });

/** Every licence request a page makes: the key ids it asks for, and the answer's status. */
function recordLicences(page: Page): { kids: string[]; status: number }[] {
  const seen: { kids: string[]; status: number }[] = [];
  page.on("response", async (res) => {
    const req = res.request();
    if (req.method() !== "POST" || !/\/api\/licence$/.test(new URL(res.url()).pathname)) return;
    seen.push({ kids: (JSON.parse(req.postData() ?? "{}") as { kids?: string[] }).kids ?? [], status: res.status() });
  });
  return seen;
}

const isLicence = (url: string) => /\/api\/licence$/.test(new URL(url).pathname);

test("an encrypted title plays through one ClearKey licence, asked for before any first segment arrives; it seeks and switches quality across key tiers", async () => {
  // Service workers blocked so that every media request reaches page.route.
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop, serviceWorkers: "block" });
  const { page, errors } = await suite.open(null, { console: true, context });
  const licences = recordLicences(page);
  await page.goto(`${suite.site.url}/browse`);
  const id = await titleId(page, "Orbitfall");
  // Every rendition's first media segment is held until a licence request has gone out: if the player asked
  // only once a first segment had arrived (the media's `encrypted` event), nothing would ever play.
  let asked = false;
  let licenceSent!: () => void;
  const licenceAsked = new Promise<void>((resolve) => (licenceSent = resolve));
  page.on("request", (req) => {
    if (req.method() !== "POST" || !isLicence(req.url())) return;
    asked = true;
    licenceSent();
  });
  const held: string[] = [];
  // Media URLs carry CMCD as a query argument: match on the path alone.
  await page.route((url) => /\/seg_0+\.m4s$/.test(url.pathname), async (route) => {
    held.push(route.request().url());
    await licenceAsked;
    await route.continue();
  });
  await page.goto(`${suite.site.url}/watch/${id}?debug=1`);
  await playsPast(page, 1).catch((err: Error) => {
    throw new Error(`no playback with the first segments held (${held.length} held, licence asked: ${asked}): ${err.message}`);
  });
  assert.ok(held.length >= 1, "a first media segment was held");
  assert.ok(await page.evaluate(() => document.querySelector("video")!.mediaKeys !== null), "the video plays through EME");
  assert.equal(licences.length, 1, `one licence request for the start: ${JSON.stringify(licences)}`);
  assert.equal(licences[0]!.status, 200);
  // 720p is the HD tier, under another key than 360p (SD); the first request named every session key of the master, so the switch asks for nothing.
  const hd = await page.evaluate(() => (window as any).__marqueeHls.levels.findIndex((l: { height: number }) => l.height === 720));
  assert.ok(hd >= 0, "the demo ladder has a 720p rendition");
  await page.evaluate((i) => ((window as any).__marqueeHls.currentLevel = i), hd);
  await page.waitForFunction(() => document.querySelector("video")?.dataset.height === "720", null, { timeout: 60_000 });
  const at = await time(page);
  await playsPast(page, at + 0.5);
  const licensed = new Set(licences.filter((l) => l.status === 200).flatMap((l) => l.kids));
  assert.ok(licensed.size >= 2, `the SD and HD keys were both licensed: ${JSON.stringify(licences)}`);
  assert.equal(licences.length, 1, `still one licence request after the switch: ${JSON.stringify(licences)}`);
  // Seek back: the keys are in the session; playback resumes at once.
  await page.evaluate(() => (document.querySelector("video")!.currentTime = 1));
  await page.waitForFunction(() => { const v = document.querySelector("video")!; return v.currentTime > 1.5 && v.currentTime < 8; }, null, { timeout: 60_000 });
  const frames = await page.evaluate(() => document.querySelector("video")!.getVideoPlaybackQuality().totalVideoFrames);
  assert.ok(frames > 25, `decoded frames: ${frames}`);
  await page.screenshot({ path: `${SCREENSHOTS}/drm-playing.png` });
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("on a title page the key system is made ready before Play: the player uses it and asks the browser for none", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop, serviceWorkers: "block" });
  // Counts the page's requests for key-system access (hls.js asks through the same navigator function).
  await context.addInitScript(() => {
    const ask = navigator.requestMediaKeySystemAccess.bind(navigator);
    (window as any).__keySystemAsks = 0;
    navigator.requestMediaKeySystemAccess = (keySystem, configs) => {
      (window as any).__keySystemAsks++;
      return ask(keySystem, configs);
    };
  });
  const { page, errors } = await suite.open(null, { console: true, context });
  const licences = recordLicences(page);
  await page.goto(`${suite.site.url}/browse`);
  const id = await titleId(page, "Orbitfall");
  await page.goto(`${suite.site.url}/title/${id}`);
  await page.waitForFunction(() => (window as any).__keySystemAsks === 1, null, { timeout: 30_000 });
  assert.equal(licences.length, 0, "a title page asks for no licence (a licence takes a screen)");
  await page.locator(".play-button").click();
  await playsPast(page, 1);
  assert.ok(await page.evaluate(() => document.querySelector("video")!.mediaKeys !== null), "the video plays through EME");
  assert.equal(await page.evaluate(() => (window as any).__keySystemAsks), 1, "the player took the access made before Play");
  assert.equal(licences.length, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

/** A new context signed in to `email` with its first profile chosen. */
async function device(email: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await suite.open("/browse");
  const signin = await api(page, "POST", "/api/auth/signin", { email, password });
  assert.equal(signin.status, 200, JSON.stringify(signin.json));
  const profile = (signin.json.profiles as { id: string }[])[0]!.id;
  assert.equal((await api(page, "POST", `/api/profiles/${profile}/select`, {})).status, 200);
  return { context, page };
}

/** A new standard-plan account (two screens) with three signed-in devices, the first two playing Orbitfall. */
async function twoScreensInUse(prefix: string) {
  const email = `${prefix}-${Date.now().toString(36)}@example.com`;
  const password = "three screens please";
  const { context: first, page: setup } = await suite.open("/browse");
  assert.equal((await api(setup, "POST", "/api/auth/signup", { email, password, plan: "standard", profileName: "Pat" })).status, 201);
  const id = await titleId(setup, "Orbitfall");
  await first.close();
  const [a, b, c] = [await device(email, password), await device(email, password), await device(email, password)];
  for (const d of [a, b]) {
    await d.page.goto(`${suite.site.url}/watch/${id}?debug=1`);
    await playsPast(d.page, 0.5);
  }
  return { id, a, b, c };
}

test("a third device on a standard plan is refused, shows who is watching, and stops one to play", async () => {
  const { id, a, b, c } = await twoScreensInUse("drm");
  await c.page.goto(`${suite.site.url}/watch/${id}?debug=1`);
  await c.page.getByRole("heading", { name: "Too many screens" }).waitFor({ timeout: 60_000 });
  const stops = c.page.getByRole("button", { name: /^Stop on / });
  await stops.first().waitFor();
  assert.equal(await stops.count(), 2, "both streams are listed");
  await c.page.screenshot({ path: `${SCREENSHOTS}/drm-stream-limit.png` });
  await stops.first().click();
  await playsPast(c.page, 0.5);
  // The oldest stream (the first device's) was the one listed first and stopped: it says so at its next renewal.
  await a.page.getByRole("heading", { name: "Playback stopped from another device" }).waitFor({ timeout: 60_000 });
  assert.equal(await a.page.evaluate(() => document.querySelector("video")!.paused), true);
  for (const d of [a, b, c]) await d.context.close();
});

test("closing a playing tab frees its screen at once: a third device plays without waiting for the lease", async () => {
  const { id, a, b, c } = await twoScreensInUse("drm-close");
  // The viewer closes the tab as a browser does (pagehide runs): the player's keepalive release goes out.
  await a.page.close({ runBeforeUnload: true });
  await c.page.goto(`${suite.site.url}/watch/${id}?debug=1`);
  await playsPast(c.page, 0.5);
  assert.equal(await c.page.getByRole("heading", { name: "Too many screens" }).count(), 0);
  for (const d of [a, b, c]) await d.context.close();
});

test("switching to the Kids profile in another tab stops an 18+ stream at its next renewal, with a message", async () => {
  const { context, page } = await device(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
  const me = await api(page, "GET", "/api/auth/me");
  const adult = (me.json.profiles as { id: string; name: string; isKids: boolean }[]).find((p) => p.name === "Alex")!;
  assert.equal((await api(page, "POST", `/api/profiles/${adult.id}/select`, {})).status, 200);
  const id = await titleId(page, "The Quiet Hours");
  // Each renewal's answer, by whether it was sent before or after the other tab switched profile.
  let switched = false;
  const sentAfterSwitch = new WeakMap<object, boolean>();
  const renewals: { after: boolean; status: number }[] = [];
  page.on("request", (req) => {
    if (/\/api\/licence\/renew$/.test(new URL(req.url()).pathname)) sentAfterSwitch.set(req, switched);
  });
  page.on("response", (res) => {
    if (/\/api\/licence\/renew$/.test(new URL(res.url()).pathname)) renewals.push({ after: sentAfterSwitch.get(res.request()) ?? false, status: res.status() });
  });
  const firstRenewal = page.waitForResponse((res) => /\/api\/licence\/renew$/.test(new URL(res.url()).pathname), { timeout: 60_000 });
  await page.goto(`${suite.site.url}/watch/${id}?debug=1`);
  await playsPast(page, 0.5);
  // At least one renewal went through while the adult profile was chosen.
  await firstRenewal;
  assert.ok(renewals.every((r) => r.status === 200), JSON.stringify(renewals));
  const other = await context.newPage();
  await other.goto(`${suite.site.url}/browse`);
  const kids = (me.json.profiles as { id: string; isKids: boolean }[]).find((p) => p.isKids)!;
  // Renewals sent from here on may reach the server before or after the switch.
  switched = true;
  assert.equal((await api(other, "POST", `/api/profiles/${kids.id}/select`, {})).status, 200);
  const refused = page.waitForResponse((res) => /\/api\/licence\/renew$/.test(new URL(res.url()).pathname) && res.status() !== 200, { timeout: 60_000 });
  await page.getByRole("heading", { name: "Playback stopped" }).waitFor({ timeout: 60_000 });
  await refused;
  // Playback stopped on the first refused renewal, and at most one renewal (in flight while the switch was made) went through before it.
  const after = renewals.filter((r) => r.after).map((r) => r.status);
  assert.equal(after.at(-1), 403, JSON.stringify(after));
  assert.ok(after.slice(0, -1).every((s) => s === 200) && after.length <= 2, JSON.stringify(after));
  assert.equal(await page.evaluate(() => document.querySelector("video")!.paused), true);
  await page.screenshot({ path: `${SCREENSHOTS}/drm-revoked.png` });
  await context.close();
});

test("a password changed on the account page stops another device's stream at its next renewal", async () => {
  const email = `drm-pw-${Date.now().toString(36)}@example.com`;
  const password = "before the change";
  const { context: owner, page: account } = await suite.open("/browse");
  assert.equal((await api(account, "POST", "/api/auth/signup", { email, password, plan: "standard", profileName: "Pat" })).status, 201);
  const id = await titleId(account, "Orbitfall");
  const watcher = await device(email, password);
  await watcher.page.goto(`${suite.site.url}/watch/${id}?debug=1`);
  await playsPast(watcher.page, 0.5);
  await account.goto(`${suite.site.url}/account`);
  const change = async (current: string, next: string) => {
    await account.getByLabel("Current password").fill(current);
    await account.getByLabel("New password").fill(next);
    await account.getByRole("button", { name: "Change password" }).click();
  };
  // A wrong current password is said so, and nothing changes: the stream keeps renewing.
  await change("not my password", "after the change");
  await account.getByRole("alert").filter({ hasText: "current password" }).waitFor();
  await change(password, "after the change");
  await account.getByRole("status").filter({ hasText: "Password changed. 1 other device was signed out." }).waitFor();
  await watcher.page.getByRole("heading", { name: "Playback stopped" }).waitFor({ timeout: 60_000 });
  assert.equal(await watcher.page.evaluate(() => document.querySelector("video")!.paused), true);
  // The device that changed it is still signed in.
  assert.equal((await api(account, "GET", "/api/auth/me")).status, 200);
  await watcher.context.close();
  await owner.close();
});
