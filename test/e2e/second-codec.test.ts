/**
 * The second codec in real Chromium: a short clip ingested with a per-title
 * H.264 + AV1 ladder is played by hls.js from its own master. Where Chromium
 * decodes AV1 it plays the AV1 set; with AV1 taken away (MediaSource and
 * MediaCapabilities stubbed to refuse av01) the same master plays in H.264.
 * No Worker involved: a static server hands out the packaged folder.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { root } from "../../tools/dev/server.ts";
import { ffTools } from "../../tools/ingest/ffmpeg.ts";
import { findVmaf, hasAv1Encoder } from "../../tools/ingest/per-title.ts";
import { prepareAsset } from "../../tools/ingest/pipeline.ts";
import { CHROMIUM, launchBrowser } from "./browser.ts";
import { serveStatic, type StaticSite } from "./static-site.ts";

const MODELS = join(root, "../shared/data/vmaf-models");
const skip = !existsSync(MODELS)
  ? `${MODELS} is absent`
  : "reason" in findVmaf(MODELS)
    ? (findVmaf(MODELS) as { reason: string }).reason
    : !hasAv1Encoder()
      ? "ffmpeg has no libsvtav1"
      : !existsSync(CHROMIUM)
        ? `${CHROMIUM} is absent`
        : false;
if (skip) console.log(`second-codec browser test skipped: ${skip}`);

const PAGE = `<!doctype html><video muted playsinline></video><script src="/hls.js"></script><script>
window.played = new Promise((resolve, reject) => {
  const video = document.querySelector("video");
  const hls = new Hls({ debug: false });
  const codecs = [];
  hls.on(Hls.Events.FRAG_BUFFERED, (_e, d) => { if (d.frag.type === "main") codecs.push(hls.levels[d.frag.level].videoCodec); });
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) reject(new Error(d.details)); });
  video.addEventListener("timeupdate", () => {
    if (video.currentTime > 0.5) resolve({ codecs, levels: hls.levels.map((l) => l.videoCodec) });
  });
  hls.loadSource("/a/master.m3u8");
  hls.attachMedia(video);
  video.play().catch(reject);
});
</script>`;

/** Refuses AV1 in MediaSource and MediaCapabilities, as a browser without an AV1 decoder would. */
const NO_AV1 = () => {
  const isTypeSupported = MediaSource.isTypeSupported.bind(MediaSource);
  MediaSource.isTypeSupported = (type: string) => !/av01/.test(type) && isTypeSupported(type);
  const caps = navigator.mediaCapabilities;
  if (caps) {
    const decodingInfo = caps.decodingInfo.bind(caps);
    caps.decodingInfo = (config: MediaDecodingConfiguration) =>
      /av01/.test(config.video?.contentType ?? "")
        ? Promise.resolve({ supported: false, smooth: false, powerEfficient: false } as MediaCapabilitiesDecodingInfo)
        : decodingInfo(config);
  }
};

describe("a title with H.264 and AV1 renditions in Chromium", { skip: skip || undefined }, () => {
  const work = mkdtempSync(join(tmpdir(), "marquee-second-codec-"));
  let site: StaticSite;
  let browser: Browser;

  before(async () => {
    const clip = join(work, "clip.mkv");
    const r = spawnSync(ffTools().ffmpeg.path, ["-v", "error", "-y", "-f", "lavfi", "-t", "3", "-i", "testsrc2=size=320x180:rate=24", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", clip]);
    assert.equal(r.status, 0, r.stderr.toString());
    const manifest = await prepareAsset({
      source: clip, owner: { titleId: 1 }, workDir: work, segmentSeconds: 1, subtitles: [], preset: "veryfast", trickplay: false,
      vmafModels: MODELS, codecs: ["h264", "av1"], probe: { heights: [180], crfs: [24, 34], av1Crfs: [35, 50], scenes: 1 }, assetId: "a",
      // In the clear: this page plays with a bare hls.js (no licence service); encryption is tested in drm.test.ts.
      clear: true,
    });
    assert.ok(manifest.renditions.some((v) => v.codecs.startsWith("av01.")), "the ladder has AV1 renditions");
    site = await serveStatic(PAGE, new Map([["/hls.js", { file: join(root, "node_modules/hls.js/dist/hls.js") }]]), join(work, "a"));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function play(init?: () => void): Promise<{ codecs: string[]; levels: string[]; av1Supported: boolean }> {
    const page = await browser.newPage();
    try {
      if (init) await page.addInitScript(init);
      await page.goto(`${site.origin}/`);
      const av1Supported = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="av01.0.00M.08"'));
      const result = await page.evaluate(() => (window as unknown as { played: Promise<{ codecs: string[]; levels: string[] }> }).played);
      return { ...result, av1Supported };
    } finally {
      await page.close();
    }
  }

  it("plays the AV1 set where Chromium decodes AV1, and only one codec set", async () => {
    const { codecs, levels, av1Supported } = await play();
    console.log(`Chromium decodes AV1: ${av1Supported}; levels ${levels.join(" ")}; played ${codecs.join(" ")}`);
    assert.ok(codecs.length > 0);
    assert.ok(av1Supported, "Debian's Chromium decodes AV1 (dav1d)");
    assert.ok(codecs.every((c) => c.startsWith("av01.")), `played ${codecs}`);
  });

  it("plays H.264 when the browser cannot decode AV1", async () => {
    const { codecs, levels } = await play(NO_AV1);
    assert.ok(levels.every((c) => c.startsWith("avc1.")), `AV1 levels were offered: ${levels}`);
    assert.ok(codecs.length > 0 && codecs.every((c) => c.startsWith("avc1.")), `played ${codecs}`);
  });
});
