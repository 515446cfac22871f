/**
 * An HDR title in real Chromium, played by the player's own PlaybackEngine: a
 * generated HDR10 clip is ingested (SDR H.264 + AV1 ladder tone-mapped from it,
 * and an AV1 10-bit PQ set) and served as packaged. Headless Chromium's display
 * is SDR, so the engine removes the PQ levels before hls.js loads anything and
 * plays the SDR ladder; where the display and MediaCapabilities say HDR (both
 * stubbed to say so) the PQ set stays and is preferred.
 * No Worker involved: a static server hands out the folder and the bundled page.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { build } from "vite";
import { root } from "../../tools/dev/server.ts";
import { hdrTestSource } from "../../tools/ingest/hdr-source.ts";
import { findVmaf, hasAv1Encoder } from "../../tools/ingest/per-title.ts";
import { prepareAsset } from "../../tools/ingest/pipeline.ts";
import { CHROMIUM, launchBrowser } from "./browser.ts";
import { serveStatic, type StaticSite } from "./static-site.ts";

const MODELS = join(root, "../shared/data/vmaf-models");
const vmaf = existsSync(MODELS) ? findVmaf(MODELS) : { reason: `${MODELS} is absent` };
const skip = "reason" in vmaf ? vmaf.reason : !hasAv1Encoder() ? "ffmpeg has no libsvtav1" : !existsSync(CHROMIUM) ? `${CHROMIUM} is absent` : false;
if (skip) console.log(`HDR browser test skipped: ${skip}`);

const PAGE = `<!doctype html><video muted playsinline></video><script type="module" src="/engine.js"></script>`;

/** An HDR display whose decoder renders PQ: the display query and MediaCapabilities' HDR answer stubbed to yes. */
const HDR_DISPLAY = () => {
  const realMatch = window.matchMedia.bind(window);
  window.matchMedia = (q: string) => (q === "(dynamic-range: high)" ? ({ matches: true, media: q } as MediaQueryList) : realMatch(q));
  const caps = navigator.mediaCapabilities;
  const decodingInfo = caps.decodingInfo.bind(caps);
  caps.decodingInfo = (config: MediaDecodingConfiguration) =>
    config.video?.transferFunction === "pq" ? Promise.resolve({ supported: true, smooth: true, powerEfficient: true } as MediaCapabilitiesDecodingInfo) : decodingInfo(config);
};

interface Played {
  hdrDisplay: boolean;
  levels: { range: string; codec: string }[];
  playing: { range: string; codec: string };
  decodedFrames: number;
  /** Every media URL the page asked for. */
  requested: string[];
}

describe("an HDR title in Chromium, through the player's engine", { skip: skip || undefined }, () => {
  const work = mkdtempSync(join(tmpdir(), "marquee-hdr-e2e-"));
  let site: StaticSite;
  let browser: Browser;
  let masterRanges: string[];

  before(async () => {
    const manifest = await prepareAsset({
      source: await hdrTestSource(join(root, ".cache", "hdr")), owner: { titleId: 1 }, workDir: work, segmentSeconds: 1, subtitles: [], preset: "veryfast",
      trickplay: false, vmafModels: MODELS, codecs: ["h264", "av1"], probe: { heights: [180], crfs: [24, 34], av1Crfs: [35, 50], scenes: 1 }, assetId: "a",
      // In the clear: the page has no licence service; encryption is tested in drm.test.ts.
      clear: true,
    });
    masterRanges = manifest.renditions.filter((r) => r.kind === "video").map((r) => (/\.09\.16\.09\./.test(r.codecs) ? "PQ" : "SDR"));
    // The page's script: the engine and everything it imports, bundled by vite as the SPA's own build would (chunks included).
    const result = await build({
      root, configFile: false, logLevel: "silent",
      build: { write: false, minify: false, lib: { entry: join(root, "test/e2e/pages/engine-page.ts"), formats: ["es"], fileName: "engine" } },
    });
    const chunks = new Map<string, string | { file: string }>();
    for (const out of (Array.isArray(result) ? result : [result]).flatMap((r) => ("output" in r ? r.output : []))) {
      chunks.set(`/${out.type === "chunk" && out.isEntry ? "engine.js" : out.fileName}`, out.type === "chunk" ? out.code : String(out.source));
    }
    site = await serveStatic(PAGE, chunks, join(work, "a"));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Opens the page and waits until the video has played past 0.5 s; the engine's levels and the one playing. */
  async function play(init?: () => void): Promise<Played> {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requested: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    try {
      if (init) await page.addInitScript(init);
      await page.goto(`${site.origin}/`);
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0.5, undefined, { timeout: 30_000 }).catch(() => {
        throw new Error(`the video did not play: ${errors.join("; ") || "no page error"}`);
      });
      const state = await page.evaluate(() => {
        type L = { videoRange: string; videoCodec: string };
        const hls = (window as unknown as { __marqueeHls: { levels: L[]; currentLevel: number } }).__marqueeHls;
        const v = document.querySelector("video")!;
        const at = (l: L) => ({ range: l.videoRange, codec: l.videoCodec });
        return {
          hdrDisplay: matchMedia("(dynamic-range: high)").matches,
          levels: hls.levels.map(at),
          playing: at(hls.levels[hls.currentLevel]!),
          decodedFrames: v.getVideoPlaybackQuality().totalVideoFrames,
        };
      });
      return { ...state, requested };
    } finally {
      await page.close();
    }
  }

  it("plays the SDR ladder on Chromium's SDR display: the PQ levels are gone before hls.js loads", async () => {
    assert.ok(masterRanges.includes("PQ") && masterRanges.includes("SDR"), `the master has both ranges: ${masterRanges}`);
    const played = await play();
    console.log(`SDR display: levels ${played.levels.map((l) => `${l.codec}/${l.range}`).join(" ")}; playing ${played.playing.codec}/${played.playing.range}`);
    assert.equal(played.hdrDisplay, false, "headless Chromium reports an SDR display");
    assert.ok(played.levels.length > 0 && played.levels.every((l) => l.range === "SDR"), `PQ levels were offered: ${JSON.stringify(played.levels)}`);
    assert.equal(played.playing.range, "SDR");
    assert.ok(played.decodedFrames > 0);
    assert.deepEqual(played.requested.filter((u) => u.includes("/av1-pq-")), [], "nothing of the PQ set is fetched");
  });

  it("keeps and plays the PQ set where the display and MediaCapabilities say HDR", async () => {
    const played = await play(HDR_DISPLAY);
    console.log(`HDR display: levels ${played.levels.map((l) => `${l.codec}/${l.range}`).join(" ")}; playing ${played.playing.codec}/${played.playing.range}`);
    assert.ok(played.levels.some((l) => l.range === "PQ"), `no PQ level offered: ${JSON.stringify(played.levels)}`);
    assert.equal(played.playing.range, "PQ");
    assert.ok(played.playing.codec.startsWith("av01."));
  });
});
