/**
 * Video start in Chromium as bench:web measures it, shared by bench:web and
 * bench:drm: the throttling profile (4× CPU slowdown; 10 Mbit/s down, 5 up,
 * 40 ms), an init script observing paints, the Play click and the first video
 * frame presented (`requestVideoFrameCallback`), and one start run: a title
 * page in a fresh context, Play clicked once the page is quiet (or as soon as
 * it shows), the time from the click to the first frame.
 */
import type { Browser, BrowserContext, CDPSession, Locator, Page } from "playwright-core";
import { VIEWPORTS } from "../test/e2e/browser.ts";

/** The throttling profile of bench:web and bench:drm (CDP units: bytes per second, milliseconds). */
export const PROFILE = {
  cpuSlowdown: 4,
  network: { offline: false, latency: 40, downloadThroughput: (10_000_000 / 8), uploadThroughput: (5_000_000 / 8) },
};

/** Runs in every page before its scripts: paint entries, the Play click and the first presented video frame. */
export const OBSERVE = () => {
  const w = window as unknown as Record<string, unknown>;
  w.__bench = { fcp: 0, lcp: 0, lcpElement: "", click: 0, firstFrame: 0, events: [] };
  const b = w.__bench as Bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") b.fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { element?: Element | null; url?: string })[]) {
      b.lcp = e.startTime;
      const el = e.element;
      b.lcpElement = el ? `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(" ").join(".")}` : ""}${e.url ? ` ${e.url.replace(location.origin, "")}` : ""}` : "";
    }
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.events.push([`long task ${Math.round(e.duration)} ms`, e.startTime]);
  }).observe({ type: "longtask", buffered: true });
  document.addEventListener("click", (e) => {
    // Play on a title page, or Play on a finished download (the Downloads page).
    if ((e.target as Element | null)?.closest?.(".play-button, .download-actions a[href^='/downloads/']")) b.click = e.timeStamp;
  }, true);
  const watch = (v: HTMLVideoElement) => {
    if ((v as unknown as { __benchWatched?: boolean }).__benchWatched) return;
    (v as unknown as { __benchWatched?: boolean }).__benchWatched = true;
    b.events.push(["video element", performance.now()]);
    for (const type of ["loadedmetadata", "loadeddata", "canplay", "play", "playing"]) {
      v.addEventListener(type, () => b.events.push([type, performance.now()]), { once: true });
    }
    v.requestVideoFrameCallback((now, meta) => {
      if (!b.firstFrame) b.firstFrame = meta.presentationTime || now;
    });
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n instanceof HTMLVideoElement) watch(n);
      else if (n instanceof Element) n.querySelectorAll("video").forEach(watch);
    }
  }).observe(document, { childList: true, subtree: true });
};

export interface Bench { fcp: number; lcp: number; lcpElement: string; click: number; firstFrame: number; events: [string, number][] }

/** A fresh context (empty HTTP cache) and page with the profile applied, OBSERVE in every document; `baseline` picks hls.js defaults. */
export async function throttledPage(browser: Browser, baseline: boolean, locale?: string): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; scripts: Map<string, number> }> {
  // A locale makes the browser's languages (navigator.languages, Accept-Language) that one: the SPA then speaks it.
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, ...(locale ? { locale } : {}) });
  if (baseline) await context.addInitScript(() => localStorage.setItem("marquee.baseline", "hlsjs"));
  await context.addInitScript(OBSERVE);
  const page = await context.newPage();
  const cdp = await throttle(page);
  // Script responses: URL → bytes on the wire (headers included, as Chromium counts them).
  const scripts = new Map<string, number>();
  const types = new Map<string, { url: string; type: string }>();
  cdp.on("Network.responseReceived", (e) => types.set(e.requestId, { url: e.response.url, type: e.type }));
  cdp.on("Network.loadingFinished", (e) => {
    const r = types.get(e.requestId);
    if (r?.type === "Script") scripts.set(r.url, e.encodedDataLength);
  });
  return { context, page, cdp, scripts };
}

/** Applies the profile (network and CPU) to one page: a CDP session with the network domain enabled. */
export async function throttle(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", PROFILE.network);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: PROFILE.cpuSlowdown });
  return cdp;
}

export const readBench = (page: Page) => page.evaluate(() => (window as unknown as { __bench: Bench }).__bench);

/** Waits until the page's network has been quiet for a while (bounded). */
export async function quiet(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle", { timeout: 30_000 }).catch(() => {});
}

export interface StartRun { ms: number; height: string; requestsAfterClick: string[] }

/** One start: `titlePath`'s Play clicked once its network is quiet (`quick`: as soon as it shows); click → first frame, with the requests after the click. */
export async function startRun(browser: Browser, base: string, o: { titlePath: string; baseline?: boolean; quick?: boolean }): Promise<StartRun> {
  const { context, page } = await throttledPage(browser, o.baseline ?? false);
  try {
    await page.goto(`${base}${o.titlePath}`, { waitUntil: "load" });
    const play = page.locator(".play-button");
    await play.waitFor({ timeout: 30_000 });
    if (!o.quick) await quiet(page);
    return await clickPlay(page, play);
  } finally {
    await context.close();
  }
}

/** Clicks Play and waits for the first presented frame: click → first frame, the frame's height, and the events and requests after the click. */
export async function clickPlay(page: Page, play: Locator): Promise<StartRun> {
  await play.click();
  await page.waitForFunction(() => (window as unknown as { __bench: Bench }).__bench.firstFrame > 0, null, { timeout: 60_000 });
  const b = await readBench(page);
  if (!b.click) throw new Error("the Play click was not seen");
  const after = await page.evaluate((t) =>
    (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
      .filter((r) => r.responseEnd > t)
      .map((r) => `${Math.round(Math.max(0, r.startTime - t))}→${Math.round(r.responseEnd - t)} ms ${r.name.replace(location.origin, "").replace(/\/cdn\/([^/]+)\/[^/]+\//, "/cdn/$1/…/")}`), b.click);
  const height = await page.evaluate(() => String(document.querySelector("video")?.videoHeight ?? ""));
  const events = b.events.map(([name, at]) => `${Math.round(at - b.click)} ms ${name}`);
  return { ms: b.firstFrame - b.click, height, requestsAfterClick: [...events, ...after] };
}
