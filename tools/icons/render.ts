/**
 * Renders the app icons (PNG) the web app manifest lists from the one SVG logo
 * (client/public/favicon.svg), with the Chromium the browser suite uses: any
 * icon: the logo at 192 and 512 px; maskable: the logo inside the 80 % safe
 * zone on the brand red, so a launcher's mask never cuts it. Run it after the
 * logo changes: `node tools/icons/render.ts` (the PNGs are committed).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const root = join(import.meta.dirname, "..", "..");
const out = join(root, "client", "public", "icons");
const svg = readFileSync(join(root, "client", "public", "favicon.svg"), "utf8");
const RED = "#e50914";

const icons = [
  { file: "icon-192.png", size: 192, inset: 0, background: "transparent" },
  { file: "icon-512.png", size: 512, inset: 0, background: "transparent" },
  { file: "maskable-512.png", size: 512, inset: 0.1, background: RED },
];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const pad = Math.round(icon.size * icon.inset);
    await page.setContent(
      `<body style="margin:0;background:${icon.background}"><div style="padding:${pad}px;width:${icon.size - 2 * pad}px;height:${icon.size - 2 * pad}px">${svg.replace("<svg ", '<svg width="100%" height="100%" ')}</div></body>`,
    );
    await page.screenshot({ path: join(out, icon.file), omitBackground: icon.background === "transparent" });
    await page.close();
    console.log(`wrote client/public/icons/${icon.file}`);
  }
} finally {
  await browser.close();
}
