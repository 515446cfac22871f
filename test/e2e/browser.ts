/** Shared browser-suite plumbing: Debian's Chromium via playwright-core, and a fresh local site per suite. */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { buildClient, prepareState, root, startDevServer, type DevServer } from "../../tools/dev/server.ts";

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

/** A local site with fresh state (demo catalog and demo media) on its own port (shifted by E2E_PORT_OFFSET, so two checkouts can run the suite at once). */
export async function startSite(basePort: number, options: { media?: boolean } = {}): Promise<DevServer & { persistTo: string }> {
  const port = basePort + Number(process.env.E2E_PORT_OFFSET ?? 0);
  const persistTo = mkdtempSync(join(tmpdir(), "marquee-e2e-"));
  // The suite builds the SPA once and copies one prepared state (migrations, demo catalog, demo media):
  // each file still gets fresh state of its own, without paying for preparing it.
  if (!builtOnce && process.env.E2E_SKIP_BUILD !== "1") await buildClient(true);
  builtOnce = true;
  const media = options.media !== false && process.env.MARQUEE_DEMO_MEDIA !== "0";
  cpSync(await preparedTemplate(media), persistTo, { recursive: true });
  const server = await startDevServer({ port, persistTo, quiet: true, build: false, prepared: true });
  // Each file's state is a full copy (media included): removed when its site stops, so runs do not fill the disk.
  const stop = async () => {
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
  return { ...server, stop, persistTo };
}

let builtOnce = false;

/**
 * A prepared state folder under .cache/e2e-state, named by a hash of what goes
 * into it (migrations, the demo catalog and media code), so a change rebuilds it
 * and an unchanged tree reuses it across files and runs.
 */
async function preparedTemplate(media: boolean): Promise<string> {
  const hash = createHash("sha256");
  const inputs = [
    ...readdirSync(join(root, "migrations")).filter((f) => f.endsWith(".sql")).sort().map((f) => join(root, "migrations", f)),
    ...["tools/seed/demo-catalog.ts", "tools/seed/generate.ts", "tools/seed/load.ts", "tools/ingest/demo.ts", "tools/ingest/pipeline.ts", "tools/ingest/publish.ts"].map((f) => join(root, f)),
  ];
  for (const file of inputs) hash.update(file).update(readFileSync(file));
  const dir = join(root, ".cache", "e2e-state", `${media ? "media" : "catalog"}-${hash.digest("hex").slice(0, 16)}`);
  if (!existsSync(dir)) {
    // Prepared aside and renamed into place, so a concurrent run never sees (or removes) a half-made one.
    mkdirSync(join(root, ".cache", "e2e-state"), { recursive: true });
    const scratch = mkdtempSync(`${dir}.tmp-`);
    await prepareState({ persistTo: scratch, quiet: true, media });
    try {
      renameSync(scratch, dir);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another run finished first
    }
  }
  return dir;
}
