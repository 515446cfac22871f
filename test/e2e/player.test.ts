/**
 * The player in Chromium: our controls over hls.js on the demo media (12 s clips;
 * title 1 a movie, title 3 with English and French subtitles, title 5 a series
 * whose episodes have intro 1–4 s and credits from 9 s). Seek bar with trickplay
 * thumbnails, quality / subtitle menus and their persistence, keyboard and touch,
 * skip intro, the next-episode card, errors with retry, the resume prompt, progress
 * reports and live sync for a signed-in profile, and screenshots at three sizes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8794);

const open = (path: string, options: { viewport?: { width: number; height: number }; touch?: boolean; context?: BrowserContext } = {}) => suite.open(path, options);

const video = {
  time: (page: Page) => page.evaluate(() => document.querySelector("video")!.currentTime),
  paused: (page: Page) => page.evaluate(() => document.querySelector("video")!.paused),
  playingPast: (page: Page, seconds: number) =>
    page.waitForFunction((s) => { const v = document.querySelector("video"); return !!v && !v.paused && v.currentTime > s; }, seconds, { timeout: 30_000 }),
  /** Pauses at `seconds` (seeked and ready to show a frame). */
  pauseAt: async (page: Page, seconds: number) => {
    await page.evaluate((s) => { const v = document.querySelector("video")!; v.pause(); v.currentTime = s; }, seconds);
    await page.waitForFunction((s) => { const v = document.querySelector("video")!; return !v.seeking && Math.abs(v.currentTime - s) < 0.3 && v.readyState >= 2; }, seconds);
  },
};

test("a title plays under our controls; hovering and dragging the seek bar preview trickplay thumbnails, and releasing seeks", async () => {
  const { page, context, errors } = await open("/watch/1?debug=1");
  await video.playingPast(page, 0.5);
  assert.equal(await page.evaluate(() => document.querySelector("video")!.controls), false, "the browser's own controls are off");
  await page.evaluate(() => document.querySelector("video")!.pause());

  const duration = await page.evaluate(() => document.querySelector("video")!.duration);
  const clock = (t: number) => `${Math.floor(t / 60)}:${String(Math.floor(t % 60)).padStart(2, "0")}`;
  const bar = (await page.locator(".seek").boundingBox())!;
  const y = bar.y + bar.height / 2;
  const xAt = (fraction: number) => bar.x + bar.width * fraction;
  // Hover at four fifths: the preview shows that time and its sprite tile.
  await page.mouse.move(xAt(0.8), y);
  const thumb = page.locator(".seek-thumb");
  await thumb.waitFor();
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".seek-thumb")!).backgroundImage.startsWith('url("blob:'));
  assert.equal(await page.locator(".seek-preview-time").innerText(), clock(duration * 0.8));
  const position = await thumb.evaluate((el) => getComputedStyle(el).backgroundPosition);
  assert.notEqual(position, "0px 0px", "a tile other than the first is shown");
  await page.screenshot({ path: `${SCREENSHOTS}/player-trickplay-hover.png` });

  // Drag from a quarter to just past half: the preview follows the pointer, the video seeks on release.
  const target = duration * 0.52;
  await page.mouse.move(xAt(0.25), y);
  await page.mouse.down();
  await page.mouse.move(xAt(0.52), y, { steps: 5 });
  assert.equal(await page.locator(".seek-preview-time").innerText(), clock(target));
  await thumb.waitFor();
  assert.ok(Math.abs((await video.time(page)) - target) > 0.5, "no seek before the drag ends");
  await page.mouse.up();
  await page.waitForFunction((t) => Math.abs(document.querySelector("video")!.currentTime - t) < 0.3, target);
  assert.equal(await page.locator(".player-time").first().textContent(), `Elapsed ${clock(target)}`);
  assert.equal(await page.locator(".player-remaining").textContent(), `Remaining −${clock(duration - (await video.time(page)))}`);
  assert.equal(await page.locator(".seek").getAttribute("aria-valuenow"), String(Math.round(await video.time(page))));
  assert.deepEqual(errors, []);
  await context.close();
});

test("the quality menu shows what Auto picked; choosing a rendition pins hls.currentLevel, and the choice persists", async () => {
  const { page, context, errors } = await open("/watch/1?debug=1");
  await page.waitForFunction(() => (window as any).__marqueeHls?.levels?.length > 0 && (window as any).__marqueeHls.currentLevel >= 0);
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("menuitem", { name: /^Quality/ }).click();
  const auto = page.getByRole("menuitemradio", { name: /^Auto/ });
  await page.waitForFunction(() => /Auto \(\d+p\)/.test(document.querySelector("[role=menuitemradio]")?.textContent ?? ""));
  assert.equal(await auto.getAttribute("aria-checked"), "true");
  const offered = await page.getByRole("menuitemradio").allInnerTexts();
  assert.ok(offered.some((t) => t.startsWith("360p")) && offered.some((t) => t.startsWith("720p")), `renditions offered: ${offered.join(" | ")}`);
  await page.screenshot({ path: `${SCREENSHOTS}/player-quality-menu.png`, animations: "disabled" });

  await page.getByRole("menuitemradio", { name: /^360p/ }).click();
  await page.waitForFunction(() => { const h = (window as any).__marqueeHls; return h.currentLevel >= 0 && h.levels[h.currentLevel].height === 360 && !h.autoLevelEnabled; });
  // Stats for nerds (on with ?debug=1) report the manual pick.
  await page.waitForFunction(() => /360p .*Manual/.test(document.querySelector('.stats [data-stat="Rendition"]')?.textContent ?? ""));
  await page.getByRole("button", { name: "Settings" }).click();
  assert.match(await page.getByRole("menuitem", { name: /^Quality/ }).innerText(), /360p/);
  await page.keyboard.press("Escape");

  await page.reload();
  await page.waitForFunction(() => { const h = (window as any).__marqueeHls; return h?.levels?.length > 0 && h.currentLevel >= 0 && h.levels[h.currentLevel].height === 360 && !h.autoLevelEnabled; });
  assert.deepEqual(errors, []);
  await context.close();
});

test("subtitles: English from the captions menu shows cues; size and background restyle them; the choice persists", async () => {
  const { page, context, errors } = await open("/watch/3?debug=1");
  await page.waitForFunction(() => (window as any).__marqueeHls?.subtitleTracks.length > 0);
  await page.getByRole("button", { name: "Subtitles" }).click();
  assert.equal(await page.getByRole("menuitemradio", { name: "Off" }).getAttribute("aria-checked"), "true");
  await page.getByRole("menuitemradio", { name: "English" }).click();
  await page.getByRole("menuitemradio", { name: "Large" }).click();
  await page.getByRole("menuitemradio", { name: "Solid" }).click();
  assert.equal(await page.locator(".player").getAttribute("data-sub-size"), "large");
  assert.equal(await page.locator(".player").getAttribute("data-sub-bg"), "solid");
  await page.evaluate(() => { const v = document.querySelector("video")!; v.currentTime = 1; v.play().catch(() => {}); }); // a pause() below may interrupt it: not a page error
  await page.waitForFunction(() => [...document.querySelector("video")!.textTracks].some((t) => t.mode === "showing" && (t.activeCues?.length ?? 0) > 0), null, { timeout: 15_000 });
  const cue = await page.evaluate(() => ([...document.querySelector("video")!.textTracks].find((t) => t.mode === "showing")!.activeCues![0] as VTTCue).text);
  assert.match(cue, /Welcome to Amélie of the Canals/);
  await page.keyboard.press("Escape");
  await page.getByRole("menu").waitFor({ state: "detached" });
  await page.evaluate(() => document.querySelector("video")!.pause());
  await page.screenshot({ path: `${SCREENSHOTS}/player-subtitles-large-solid.png` });
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("marquee.player") ?? "{}"));
  assert.deepEqual(stored.subtitles, { language: "en", size: "large", background: "solid" });

  await page.reload();
  await page.waitForFunction(() => { const h = (window as any).__marqueeHls; return h?.subtitleTracks.length > 0 && h.subtitleTrack >= 0 && h.subtitleTracks[h.subtitleTrack].lang === "en"; });
  assert.equal(await page.locator(".player").getAttribute("data-sub-size"), "large");
  // `c` turns them off and on again.
  await page.keyboard.press("c");
  await page.waitForFunction(() => (window as any).__marqueeHls.subtitleTrack === -1);
  await page.keyboard.press("c");
  await page.waitForFunction(() => (window as any).__marqueeHls.subtitleTrack >= 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("audio: a second language is offered under Settings, switches the hls.js audio track, and is kept for next time", async () => {
  const { page, context, errors } = await open("/watch/1?debug=1");
  await page.waitForFunction(() => (window as any).__marqueeHls?.audioTracks.length === 2);
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("menuitem", { name: /^Audio/ }).click();
  assert.deepEqual(await page.locator("[role=menuitemradio] .menu-label").allTextContents(), ["English", "French"]);
  await page.getByRole("menuitemradio", { name: "French" }).click();
  await page.waitForFunction(() => { const h = (window as any).__marqueeHls; return h.audioTracks[h.audioTrack].lang === "fr"; });
  await page.reload();
  await page.waitForFunction(() => { const h = (window as any).__marqueeHls; return h?.audioTracks.length === 2 && h.audioTracks[h.audioTrack].lang === "fr"; });
  assert.deepEqual(errors, []);
  await context.close();
});

test("without MediaSource the player hands the master playlist to the browser's own HLS, or explains that it cannot play", async () => {
  for (const nativeHls of [true, false]) {
    const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
    await context.addInitScript((supported) => {
      // Safari on iOS before 17.1: no MediaSource at all; native HLS instead.
      delete (window as any).MediaSource;
      delete (window as any).ManagedMediaSource;
      delete (window as any).WebKitMediaSource;
      const original = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type: string) {
        return type === "application/vnd.apple.mpegurl" ? (supported ? "maybe" : "") : original.call(this, type);
      };
    }, nativeHls);
    const { page } = await open("/watch/1?debug=1", { context });
    if (nativeHls) {
      await page.waitForFunction(() => /\/master\.m3u8$/.test(document.querySelector("video")?.src ?? ""));
      assert.equal(await page.locator("video").getAttribute("data-abr"), "native");
      assert.equal(await page.evaluate(() => (window as any).__marqueeHls), undefined, "no hls.js instance");
    } else {
      await page.getByRole("heading", { name: "This browser can't play video" }).waitFor();
      assert.equal(await page.getByRole("button", { name: "Retry" }).count(), 0);
    }
    await context.close();
  }
});

test("keyboard: space pauses and plays, l and ← seek, m mutes, ↓ lowers the volume, ? lists the shortcuts", async () => {
  const { page, context, errors } = await open("/watch/1?debug=1");
  await video.playingPast(page, 0.3);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("video")!.paused);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => !document.querySelector("video")!.paused);
  await video.pauseAt(page, 1);
  await page.keyboard.press("l");
  await page.waitForFunction(() => Math.abs(document.querySelector("video")!.currentTime - 11) < 0.3);
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => Math.abs(document.querySelector("video")!.currentTime - 6) < 0.3);
  await page.keyboard.press("m");
  assert.equal(await page.evaluate(() => document.querySelector("video")!.muted), true);
  // The mute button's name follows (hidden while the controls rest, so counted with hidden ones).
  await page.getByRole("button", { name: "Unmute", includeHidden: true }).waitFor({ state: "attached" });
  await page.keyboard.press("m");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.querySelector("video")!.volume), 0.95);
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await help.waitFor();
  assert.match(await help.innerText(), /Forward 10 seconds/);
  await page.screenshot({ path: `${SCREENSHOTS}/player-shortcuts.png` });
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
  await context.close();
});

test("skip intro: an episode shows the button during its intro, and it jumps to the intro's end", async () => {
  const { page, context, errors } = await open("/watch/5?debug=1");
  await video.playingPast(page, 0.2);
  await video.pauseAt(page, 2);
  const skip = page.getByRole("button", { name: "Skip intro" });
  await skip.click();
  await page.waitForFunction(() => Math.abs(document.querySelector("video")!.currentTime - 4) < 0.3);
  await skip.waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
  await context.close();
});

test("next episode: from the credits a card counts down, then the next episode is requested", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const first = page.waitForResponse((r) => /\/api\/playback\/5(\?|$)/.test(r.url()) && r.request().method() === "POST");
  await page.goto(`${suite.site.url}/watch/5?debug=1`);
  const { nextEpisode } = (await (await first).json()) as { nextEpisode: { id: number; number: number } };
  await video.playingPast(page, 0.2);
  await page.evaluate(() => { document.querySelector("video")!.currentTime = 9.2; });
  const card = page.getByRole("region", { name: "Next episode" });
  await card.waitFor();
  assert.match(await card.innerText(), new RegExp(`S1:E${nextEpisode.number}`));
  assert.match(await card.getByRole("button", { name: /Next episode in \d+/ }).innerText(), /Next episode in \d+/);
  await page.screenshot({ path: `${SCREENSHOTS}/player-next-episode.png` });
  // No click: the countdown moves on (signed out, autoplay is on) and asks for the next episode.
  const next = page.waitForRequest((r) => r.url().endsWith(`/api/playback/5?episode=${nextEpisode.id}`), { timeout: 30_000 });
  await page.waitForURL(new RegExp(`/watch/5\\?episode=${nextEpisode.id}&debug=1$`), { timeout: 30_000 });
  await next;
  assert.deepEqual(errors, []);
  await context.close();
});

test("errors: a failing master playlist shows an explanation and Retry recovers; a region refusal offers no retry", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  let failing = true;
  // Media URLs carry CMCD as a query argument: match on the path alone.
  await context.route((url) => url.pathname.endsWith("/master.m3u8"), (route) => (failing ? route.fulfill({ status: 503, body: "" }) : route.continue()));
  const { page } = await open("/watch/1?debug=1", { context });
  const alert = page.getByRole("alert");
  await alert.getByRole("heading", { name: "The video server is having trouble" }).waitFor();
  const retry = alert.getByRole("button", { name: "Retry" });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Retry", "Retry has focus");
  await page.screenshot({ path: `${SCREENSHOTS}/player-error.png` });
  failing = false;
  await retry.click();
  await video.playingPast(page, 0.3);
  assert.equal(await alert.count(), 0);

  await context.route("**/api/playback/2", (route) =>
    route.fulfill({ status: 403, contentType: "application/json", body: JSON.stringify({ error: { code: "region_restricted", message: "This title is not available in your region." } }) }),
  );
  await page.goto(`${suite.site.url}/watch/2`);
  await page.getByRole("heading", { name: "Not available in your region" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Retry" }).count(), 0);
  assert.equal(await page.getByRole("link", { name: "Back to title" }).count(), 1);
  await context.close();
});

test("the playback token is renewed a minute before it expires, and media requested afterwards carry the new token", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  // A token that expires in 66 s: renewal is due after ~6 s, while the clip still plays.
  await context.route("**/api/playback/1", async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, json: { ...(await res.json()), expiresAt: Date.now() + 66_000 } });
  });
  const { page, errors } = await open("/watch/1?debug=1", { context });
  await page.waitForFunction(() => (window as any).__marqueeHls?.url);
  const original = await page.evaluate(() => /\/cdn\/[^/]+\/([^/]+)\//.exec((window as any).__marqueeHls.url)![1]);
  const renewed = await page.waitForResponse((r) => r.url().includes("/api/playback/1/renew"), { timeout: 20_000 });
  assert.equal(renewed.status(), 200);
  const { token } = (await renewed.json()) as { token: string };
  assert.notEqual(token, original);
  const later: string[] = [];
  page.on("request", (r) => r.url().includes("/cdn/") && later.push(r.url()));
  // Switching rendition makes hls.js fetch a new playlist and fragments.
  const next = page.waitForRequest((r) => r.url().includes("/cdn/"), { timeout: 10_000 });
  await page.evaluate(() => {
    const h = (window as any).__marqueeHls;
    const current = h.levels[h.currentLevel]?.height;
    h.currentLevel = h.levels.findIndex((l: { height: number }) => l.height !== current);
  });
  await next;
  assert.ok(later.length > 0, "media was requested after the renewal");
  assert.deepEqual(later.filter((u) => !u.includes(`/${token}/`)), [], "every later media request uses the renewed token");
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("touch: a tap toggles the controls and double taps on the right and left halves seek ±10 s", async () => {
  const { page, context, errors } = await open("/watch/1?debug=1", { viewport: VIEWPORTS.phone, touch: true });
  await video.playingPast(page, 0.2);
  const box = (await page.locator(".player").boundingBox())!;
  const at = (fx: number) => ({ x: box.x + box.width * fx, y: box.y + box.height * 0.45 });
  // Controls hide by themselves while playing; a tap brings them back.
  await page.locator(".player.player-idle").waitFor({ timeout: 8000 });
  await page.touchscreen.tap(at(0.5).x, at(0.5).y);
  await page.locator(".player:not(.player-idle)").waitFor();

  await video.pauseAt(page, 1);
  await page.touchscreen.tap(at(0.8).x, at(0.8).y);
  await page.touchscreen.tap(at(0.8).x, at(0.8).y);
  await page.waitForFunction(() => Math.abs(document.querySelector("video")!.currentTime - 11) < 0.3);
  await page.touchscreen.tap(at(0.2).x, at(0.2).y);
  await page.touchscreen.tap(at(0.2).x, at(0.2).y);
  await page.waitForFunction(() => Math.abs(document.querySelector("video")!.currentTime - 1) < 0.3);
  assert.equal(await video.paused(page), true, "double taps seek without toggling playback");
  assert.deepEqual(errors, []);
  await context.close();
});

/** The playback response carries the profile's saved position (signed in); here one at 0:07 from "TV" is injected. */
async function offerResumeAt7(context: BrowserContext): Promise<void> {
  await context.route("**/api/playback/1", async (route) => {
    const res = await route.fetch();
    const body = { ...(await res.json()), resume: { positionSeconds: 7, updatedAt: Date.now() - 60_000, deviceName: "TV" } };
    await route.fulfill({ response: res, json: body });
  });
}

test("resume prompt: a saved position is offered with its device; Resume continues there and Start over from 0", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  await offerResumeAt7(context);
  const { page, errors } = await open("/watch/1?debug=1", { context });
  const resume = page.getByRole("button", { name: "Resume from 0:07 (watched on TV)" });
  await resume.waitFor();
  assert.equal(await video.paused(page), true, "nothing plays until the viewer chooses");
  await page.screenshot({ path: `${SCREENSHOTS}/player-resume.png` });
  await resume.click();
  await video.playingPast(page, 7);
  await page.reload();
  await page.getByRole("button", { name: "Start over" }).click();
  await page.waitForFunction(() => { const v = document.querySelector("video")!; return !v.paused && v.currentTime < 3; });
  assert.deepEqual(errors, []);
  await context.close();
});

test("Start over chosen before the resume position's media has arrived still starts from 0", async () => {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  await offerResumeAt7(context);
  // Media is held back until the viewer has chosen, as on a slow link: the video has no metadata yet when Start over is clicked.
  let release!: () => void;
  const chosen = new Promise<void>((resolve) => (release = resolve));
  await context.route("**/cdn/**", async (route) => {
    await chosen;
    await route.continue();
  });
  const { page, errors } = await open("/watch/1?debug=1", { context });
  await page.getByRole("button", { name: "Start over" }).click();
  assert.equal(await page.evaluate(() => document.querySelector("video")!.readyState), 0, "no media had loaded at the click");
  release();
  await page.waitForFunction(() => { const v = document.querySelector("video")!; return !v.paused && v.currentTime > 0.5; }, null, { timeout: 30_000 });
  assert.ok((await video.time(page)) < 5, "playback started from the beginning, not from the resume position");
  assert.deepEqual(errors, []);
  await context.close();
});

/** A same-origin API call from inside the page, so the browser's own cookie handling applies. */
function api(page: Page, method: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  return page.evaluate(async ([m, p, b]) => {
    const res = await fetch(p as string, { method: m as string, headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
    return { status: res.status, json: await res.json().catch(() => null) };
  }, [method, path, body] as const);
}

/** A browser context signed into the demo account with profile `name` chosen. */
async function signedIn(name: string): Promise<{ context: BrowserContext; profileId: string }> {
  const context = await suite.browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  await page.goto(`${suite.site.url}/browse`);
  const signin = await api(page, "POST", "/api/auth/signin", { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
  assert.equal(signin.status, 200, JSON.stringify(signin.json));
  const profileId = (signin.json.profiles as { id: string; name: string }[]).find((p) => p.name === name)!.id;
  const select = await api(page, "POST", `/api/profiles/${profileId}/select`, {});
  assert.equal(select.status, 200, JSON.stringify(select.json));
  await page.close();
  return { context, profileId };
}

test("signed in: pausing reports the position; another device's newer position is offered live; autoplay off shows no countdown", async () => {
  const a = await signedIn("Alex");
  const b = await signedIn("Alex");
  const reports: { event: string; positionSeconds: number; deviceId: string; opId: string }[] = [];
  const { page: pageA, errors } = await open("/watch/1?debug=1", { context: a.context });
  pageA.on("request", (r) => r.url().endsWith("/api/progress") && r.method() === "POST" && reports.push(JSON.parse(r.postData() ?? "{}")));
  await video.playingPast(pageA, 0.5);
  // Listened for before the key: the report can be answered before the page is seen paused.
  const stored = pageA.waitForResponse((r) => r.url().endsWith("/api/progress") && r.request().method() === "POST" && JSON.parse(r.request().postData() ?? "{}").event === "pause");
  await pageA.keyboard.press("k");
  await pageA.waitForFunction(() => document.querySelector("video")!.paused);
  assert.equal((await stored).status(), 200);
  const pause = reports.find((r) => r.event === "pause");
  assert.ok(pause, `a pause report was sent: ${JSON.stringify(reports)}`);
  assert.match(pause.deviceId, /^[A-Za-z0-9_-]{8,64}$/);
  assert.match(pause.opId, /^[A-Za-z0-9_-]{8,64}$/);
  assert.equal(await pageA.evaluate(() => localStorage.getItem("marquee.device")), pause.deviceId);

  // Every resume offer this page makes from here on (the other device's first saves are near 0:00: no offer).
  await pageA.evaluate(() => {
    const seen: string[] = ((window as unknown as { offersSeen: string[] }).offersSeen = []);
    new MutationObserver(() => {
      for (const el of document.querySelectorAll(".resume-go")) if (!seen.includes(el.textContent ?? "")) seen.push(el.textContent ?? "");
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // The other device watches to 0:08 and pauses: this one, paused, is offered that position.
  const { page: pageB } = await open("/watch/1?debug=1", { context: b.context });
  await video.playingPast(pageB, 0.2);
  await pageB.evaluate(() => { const v = document.querySelector("video")!; v.currentTime = 8; });
  await pageB.waitForFunction(() => document.querySelector("video")!.currentTime >= 8.1);
  await pageB.keyboard.press("k");
  const offer = pageA.getByRole("button", { name: /^Resume from 0:08 \(watched on / });
  await offer.waitFor({ timeout: 10_000 });
  await pageA.screenshot({ path: `${SCREENSHOTS}/player-live-resume.png` });
  const offersSeen = await pageA.evaluate(() => (window as unknown as { offersSeen: string[] }).offersSeen);
  assert.ok(offersSeen.every((o) => !/from 0:0[0-4]$/.test(o.trim())), `no offer to resume from the first seconds: ${JSON.stringify(offersSeen)}`);
  await offer.click();
  await pageA.waitForFunction(() => document.querySelector("video")!.currentTime >= 7.9);
  await b.context.close();

  // A profile with autoplay off: the card offers the next episode without counting down.
  const patch = await api(pageA, "PATCH", `/api/profiles/${a.profileId}`, { autoplay: false });
  assert.equal(patch.status, 200, JSON.stringify(patch.json));
  await pageA.goto(`${suite.site.url}/watch/5?episode=1&debug=1`);
  await video.playingPast(pageA, 0.2);
  await pageA.evaluate(() => { document.querySelector("video")!.currentTime = 9.2; });
  await pageA.getByRole("region", { name: "Next episode" }).waitFor();
  assert.equal(await pageA.getByRole("button", { name: "Play next episode" }).count(), 1);
  assert.equal(await pageA.getByRole("button", { name: /Next episode in/ }).count(), 0);
  assert.deepEqual(errors, []);
  await a.context.close();
});

test("screenshots: the player with its controls, thumbnails and menus at phone, desktop and TV sizes", async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const { page, context, errors } = await open("/watch/5?episode=1", { viewport });
    await video.playingPast(page, 0.3);
    await video.pauseAt(page, 2.5);
    const bar = (await page.locator(".seek").boundingBox())!;
    await page.mouse.move(bar.x + bar.width * 0.6, bar.y + bar.height / 2);
    await page.waitForFunction(() => getComputedStyle(document.querySelector(".seek-thumb")!).backgroundImage.startsWith('url("blob:'));
    await page.screenshot({ path: `${SCREENSHOTS}/player-controls-${size}.png` });
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("menu", { name: "Settings" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/player-settings-${size}.png`, animations: "disabled" });
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Subtitles" }).click();
    await page.getByRole("menu", { name: "Subtitles" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/player-subtitles-menu-${size}.png`, animations: "disabled" });
    // Every control is in view and labelled; nothing overflows the screen.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll(".player button, .player input, .player [role=slider]")]
      .filter((el) => !(el.getAttribute("aria-label") || el.textContent?.trim())).length);
    assert.equal(unlabelled, 0, `${size}: unlabelled controls`);
    const outside = await page.evaluate(() => [...document.querySelectorAll(".player-toolbar button")].filter((b) => {
      const r = b.getBoundingClientRect();
      return r.width > 0 && (r.left < 0 || r.right > innerWidth);
    }).length);
    assert.equal(outside, 0, `${size}: toolbar buttons off screen`);
    assert.deepEqual(errors, [], size);
    await context.close();
  }
});

test("the subtitles button shows only for a title whose media has subtitles", async () => {
  // Demo media: Orbitfall (2) has none, The Lighthouse Keeper's Daughter (1) has English and French.
  const { page, context, errors } = await open("/watch/2");
  await video.playingPast(page, 0.2);
  await page.getByRole("button", { name: "Settings" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Subtitles" }).count(), 0);
  await page.goto(`${suite.site.url}/watch/1`);
  await video.playingPast(page, 0.2);
  await page.getByRole("button", { name: "Subtitles" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("QoE consent: a view sends CMCD on its media requests and beacons; once the account page's switch is off, the next view sends neither, on this device and on the account's other", async () => {
  const { page, context, errors } = await open("/browse");
  const email = `qoe-${Date.now().toString(36)}@example.com`;
  const password = "share nothing please";
  assert.equal((await api(page, "POST", "/api/auth/signup", { email, password, plan: "standard", profileName: "Kim" })).status, 201);
  // Another device of the account, signed in before the choice is made (so it remembers nothing of it).
  const other = await open("/browse");
  const signedIn = await api(other.page, "POST", "/api/auth/signin", { email, password });
  assert.equal(signedIn.status, 200);
  assert.equal(signedIn.json.qoeOptOut, false);
  assert.equal((await api(other.page, "POST", `/api/profiles/${signedIn.json.profiles[0].id}/select`, {})).status, 200);
  // Every request the pages make: whether a media URL carried CMCD, and every QoE beacon (fetch or sendBeacon).
  const count = (ctx: BrowserContext) => {
    const seen: { cmcd: number; beacons: number } = { cmcd: 0, beacons: 0 };
    ctx.on("request", (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith("/cdn/") && url.searchParams.has("CMCD")) seen.cmcd++;
      if (url.pathname === "/api/qoe" || url.pathname === "/api/qoe/rows") seen.beacons++;
    });
    return seen;
  };
  const seen = count(context);
  const seenOther = count(other.context);
  const watch = async (on = page) => {
    await on.goto(`${suite.site.url}/watch/1`);
    await video.playingPast(on, 1);
    // Leaving the player ends the view (its exit goes as a beacon, if any is sent).
    await on.goto(`${suite.site.url}/browse`);
    await on.getByRole("heading", { level: 1 }).first().waitFor();
  };

  await watch();
  assert.ok(seen.cmcd > 0, "sharing on: media requests carry CMCD");
  assert.ok(seen.beacons > 0, "sharing on: the view sent beacons");

  await page.goto(`${suite.site.url}/account`);
  const share = page.getByRole("checkbox", { name: "Share playback quality statistics" });
  await share.waitFor();
  assert.equal(await share.isChecked(), true);
  await share.uncheck();
  await page.waitForFunction(async () => ((await (await fetch("/api/qoe/consent")).json()) as { optedOut: boolean }).optedOut);
  await page.reload();
  await share.waitFor();
  assert.equal(await share.isChecked(), false, "the choice is the account's");

  seen.cmcd = 0;
  seen.beacons = 0;
  await watch();
  await page.goto(`${suite.site.url}/`);
  await page.locator(".tile").first().waitFor();
  await page.goto(`${suite.site.url}/browse`);
  assert.equal(seen.cmcd, 0, "opted out: no media request carries CMCD");
  assert.equal(seen.beacons, 0, "opted out: no QoE beacon and no Home-row batch");

  // The other device learns the account's choice from the server with its session (GET /api/auth/me), and its player honours it.
  // The choice is one of the access token's facts: a token older than it is sent to refresh first, as the app does on 401 session_expired.
  let me = await api(other.page, "GET", "/api/auth/me", undefined);
  if (me.status === 401 && me.json.error.code === "session_expired") {
    assert.equal((await api(other.page, "POST", "/api/auth/refresh", undefined)).status, 200);
    me = await api(other.page, "GET", "/api/auth/me", undefined);
  }
  assert.equal(me.json.qoeOptOut, true);
  await other.page.reload();
  await other.page.getByRole("heading", { level: 1 }).first().waitFor();
  seenOther.cmcd = 0;
  seenOther.beacons = 0;
  await watch(other.page);
  assert.equal(seenOther.cmcd, 0, "opted out on another device: no media request carries CMCD here either");
  assert.equal(seenOther.beacons, 0, "opted out on another device: no QoE beacon here either");
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
  await context.close();
  await other.context.close();
});
