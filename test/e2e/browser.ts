/**
 * The browser suite's one harness: Debian's Chromium via playwright-core, a fresh
 * local site per file, and a page opener that collects the page's errors.
 *
 *   const suite = browserSuite(8791);            // registers before/after: site up, browser up; both down after
 *   const { page, errors } = await suite.open("/title/1", { viewport: VIEWPORTS.phone, touch: true });
 *   ...
 *   assert.deepEqual(errors, []);                 // uncaught page errors (and console errors with `console: true`)
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, afterEach, before } from "node:test";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { buildClient, ensureDevVars, migratedD1Bindings, prepareState, root, startDevServer, type DevServer } from "../../tools/dev/server.ts";

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
export async function startSite(basePort: number, options: { media?: boolean; vars?: Record<string, string> } = {}): Promise<DevServer & { persistTo: string }> {
  const port = basePort + Number(process.env.E2E_PORT_OFFSET ?? 0);
  const persistTo = mkdtempSync(join(tmpdir(), "marquee-e2e-"));
  // The suite builds the SPA once and copies one prepared state (migrations, demo catalog, demo media):
  // each file still gets fresh state of its own, without paying for preparing it.
  if (!builtOnce && process.env.E2E_SKIP_BUILD !== "1") await buildClient(true);
  builtOnce = true;
  const media = options.media !== false && process.env.MARQUEE_DEMO_MEDIA !== "0";
  cpSync(await preparedTemplate(media), persistTo, { recursive: true });
  const extraArgs = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const server = await startDevServerRetrying({ port, persistTo, quiet: true, build: false, prepared: true, extraArgs });
  // Each file's state is a full copy (media included): removed when its site stops, so runs do not fill the disk.
  const stop = async () => {
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
  return { ...server, stop, persistTo };
}

let builtOnce = false;

/**
 * `wrangler dev`, started again (up to twice more) when it exits early because a socket's
 * address was taken. Two files start their sites at once; each wrangler picks free ports for its
 * internal sockets by probing, and two probing together can pick the same one (a CI run lost a
 * whole file to "Address already in use (socket "direct:1:default")"). Any other early exit fails
 * at once.
 */
async function startDevServerRetrying(options: Parameters<typeof startDevServer>[0]): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServer(options);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error) || !/exited early[\s\S]*Address already in use/.test(err.message)) throw err;
      console.error(`wrangler dev on port ${options.port}: an address was taken, starting it again (attempt ${attempt + 1})`);
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1500));
    }
  }
}

/**
 * A prepared state folder under .cache/e2e-state, named by a hash of what goes
 * into it (migrations, the demo catalog and media code), so a change rebuilds it
 * and an unchanged tree reuses it across files and runs.
 */
export async function preparedTemplate(media: boolean): Promise<string> {
  const hash = createHash("sha256");
  const inputs = [
    // DB's migrations and the e-mail index shards' (each shard wrangler.toml lists gets them).
    ...["migrations", "migrations-email-index"].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith(".sql")).sort().map((f) => join(root, d, f))),
    ...["tools/seed/demo-catalog.ts", "tools/seed/generate.ts", "tools/seed/load.ts", "tools/ingest/demo.ts", "tools/ingest/pipeline.ts", "tools/ingest/encrypt.ts", "tools/ingest/publish.ts"].map((f) => join(root, f)),
  ];
  // Named by the path inside the checkout, so another worktree with the same sources reuses a copied state.
  for (const file of inputs) hash.update(relative(root, file)).update(readFileSync(file));
  hash.update(migratedD1Bindings().join(","));
  // Content keys in the state are wrapped under .dev.vars' CONTENT_KEKS: a new KEK needs a new state.
  ensureDevVars();
  hash.update(/^CONTENT_KEKS=.*$/m.exec(readFileSync(join(root, ".dev.vars"), "utf8"))?.[0] ?? "");
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

export type Site = DevServer & { persistTo: string };

export const FAILURES = join(process.cwd(), "test-results", "failures");

/**
 * After a failed test: each open page's URL and the start of its visible text on
 * stderr (what CI prints), and a screenshot under test-results/failures, so a
 * failure seen only once in CI still says what the page showed.
 */
/** Each page's last console errors and uncaught errors (stacks included), printed with a failure. */
const recentErrors = new WeakMap<Page, string[]>();
function noteError(page: Page, line: string): void {
  const lines = recentErrors.get(page) ?? [];
  lines.push(line);
  recentErrors.set(page, lines.slice(-8));
}

async function reportFailure(testName: string, contexts: BrowserContext[]): Promise<void> {
  const slug = testName.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60);
  mkdirSync(FAILURES, { recursive: true });
  let n = 0;
  for (const context of contexts) {
    for (const page of context.pages()) {
      if (page.isClosed()) continue;
      n++;
      try {
        const text = await page.evaluate(() => document.body?.innerText ?? "", undefined);
        process.stderr.write(`\n[failed: ${testName}] page ${n} at ${page.url()}\n${text.replace(/\s+/g, " ").slice(0, 800)}\n`);
        for (const line of recentErrors.get(page) ?? []) process.stderr.write(`[failed: ${testName}] page ${n} error: ${line.slice(0, 1200)}\n`);
        await page.screenshot({ path: join(FAILURES, `${slug}-${n}.png`), timeout: 5_000 });
      } catch (e) {
        process.stderr.write(`\n[failed: ${testName}] page ${n} at ${page.url()}: could not be read (${(e as Error).message})\n`);
      }
    }
  }
}

/** A JSON request from inside the page (same origin, the context's cookies). */
export async function api(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const res = await fetch(p as string, { method: m as string, headers: { "content-type": "application/json" }, body: b === undefined ? undefined : JSON.stringify(b) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    [method, path, body] as const,
  );
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** A touch phone: hasTouch and isMobile. */
  touch?: boolean;
  userAgent?: string;
  reducedMotion?: "reduce" | "no-preference";
  /** The browser's language (navigator.languages and Accept-Language), e.g. "ar". */
  locale?: string;
  /** For injected scripts (axe) that the site's CSP rightly refuses. */
  bypassCSP?: boolean;
  /** Open the page in this context (then the context options above are not used). */
  context?: BrowserContext;
  /** A script run in every page of a new context before the site's own. */
  init?: () => void;
  /** Also count console errors (failed loads, logged errors) as errors, not only uncaught ones. */
  console?: boolean;
}

export interface Opened {
  page: Page;
  context: BrowserContext;
  /** The page's uncaught errors (and console errors with `console: true`), as they happen. */
  errors: string[];
}

export interface BrowserSuite {
  /** The file's site (after `before`). */
  readonly site: Site;
  /** The file's Chromium (after `before`). */
  readonly browser: Browser;
  /** A new page (in a new context unless one is given), listening for errors, at `path` on the site (null: not navigated). */
  open(path: string | null, options?: OpenOptions): Promise<Opened>;
}

/**
 * Registers the file's `before` (a fresh site on basePort + E2E_PORT_OFFSET, then
 * `prepare`, then Chromium, then `ready`) and `after` (both stopped), and answers the handle.
 */
export function browserSuite(
  basePort: number,
  options: {
    media?: boolean;
    /** Worker variables for this file's site (`wrangler dev --var`), e.g. a shorter licence renewal. */
    vars?: Record<string, string>;
    prepare?: (site: Site) => Promise<void>;
    ready?: (suite: BrowserSuite) => Promise<void>;
  } = {},
): BrowserSuite {
  let site: Site | undefined;
  let browser: Browser | undefined;
  before(async () => {
    site = await startSite(basePort, { ...(options.media === undefined ? {} : { media: options.media }), ...(options.vars ? { vars: options.vars } : {}) });
    await options.prepare?.(site);
    browser = await launchBrowser();
    await options.ready?.(suite);
  });
  // The contexts a test opened: when it fails, each of their pages says where it was and what it showed.
  let opened: BrowserContext[] = [];
  afterEach(async (t) => {
    const contexts = opened;
    opened = [];
    // Node 22's TestContext has `passed`; its type definitions do not say so yet.
    if ((t as { passed?: boolean }).passed !== false) return;
    await reportFailure(t.name, contexts);
  });
  after(async () => {
    await browser?.close();
    await site?.stop();
  });
  const suite: BrowserSuite = {
    get site() {
      if (!site) throw new Error("the site is not up yet (use it inside a test)");
      return site;
    },
    get browser() {
      if (!browser) throw new Error("the browser is not up yet (use it inside a test)");
      return browser;
    },
    async open(path, o = {}) {
      const context =
        o.context ??
        (await suite.browser.newContext({
          viewport: o.viewport ?? VIEWPORTS.desktop,
          ...(o.touch ? { hasTouch: true, isMobile: true } : {}),
          ...(o.userAgent ? { userAgent: o.userAgent } : {}),
          ...(o.reducedMotion ? { reducedMotion: o.reducedMotion } : {}),
          ...(o.locale ? { locale: o.locale } : {}),
          ...(o.bypassCSP ? { bypassCSP: true } : {}),
        }));
      if (!o.context) opened.push(context);
      if (o.init && !o.context) await context.addInitScript(o.init);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => (errors.push(e.message), noteError(page, e.stack ?? e.message)));
      page.on("console", (m) => m.type() === "error" && noteError(page, m.text()));
      if (o.console) page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      if (path !== null) await page.goto(`${suite.site.url}${path}`);
      return { page, context, errors };
    },
  };
  return suite;
}
