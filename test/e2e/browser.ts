/** Shared browser-suite plumbing: Debian's Chromium via playwright-core, and a fresh local site per suite. */
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startDevServer, type DevServer } from "../../tools/dev/server.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1440, height: 900 },
  tv: { width: 1920, height: 1080 },
} as const;

export function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/** A local site with fresh state (demo catalog and demo media) on its own port. */
export async function startSite(port: number): Promise<DevServer & { persistTo: string }> {
  const persistTo = mkdtempSync(join(tmpdir(), "marquee-e2e-"));
  const server = await startDevServer({ port, persistTo, quiet: true, build: process.env.E2E_SKIP_BUILD !== "1" });
  return { ...server, persistTo };
}
