/**
 * Accessibility: axe-core (injected from node_modules) on every page of the app,
 * signed out and signed in with a profile, on a desktop and on a phone, and in
 * TV mode; the test fails on any serious or critical violation and lists them
 * (rule, what it means, where). The contexts bypass the site's CSP, which
 * (rightly) refuses the injected axe script.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { browserSuite, VIEWPORTS } from "./browser.ts";

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const suite = browserSuite(8799);

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  nodes: AxeNode[];
}

/** Runs axe on the page as it is; answers the serious and critical violations, one readable line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ["violations"] })).violations;
  }) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | ")}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ""}`);
}

interface Visit {
  name: string;
  path: string;
  /** Resolves once the page shows what it is about. */
  ready: (page: Page) => Promise<unknown>;
}

const heading = (name: string | RegExp) => (page: Page) => page.getByRole("heading", { level: 1, name }).waitFor();
const homeReady = (page: Page) => page.waitForFunction(() => document.querySelectorAll('main a[href^="/title/"]').length >= 6);

const PUBLIC_PAGES: Visit[] = [
  { name: "home", path: "/", ready: homeReady },
  { name: "browse", path: "/browse", ready: (page) => page.waitForFunction(() => document.querySelectorAll('main .grid a[href^="/title/"]').length > 0) },
  { name: "search with results", path: "/search?q=lighthous", ready: (page) => page.getByRole("link", { name: /Lighthouse Keeper/ }).first().waitFor() },
  { name: "title (film)", path: "/title/1", ready: heading("The Lighthouse Keeper's Daughter") },
  { name: "title (series)", path: "/title/5", ready: heading("Harbour Lights") },
  {
    name: "person",
    path: "/title/1",
    ready: async (page) => {
      await heading("The Lighthouse Keeper's Daughter")(page);
      await page.locator('main a[href^="/person/"]').first().click();
      await page.waitForFunction(() => location.pathname.startsWith("/person/") && !!document.querySelector("main h1"));
    },
  },
  {
    name: "watch",
    path: "/watch/5",
    ready: (page) => page.waitForFunction(() => { const v = document.querySelector("video"); return !!v && v.readyState >= 2 && !!document.querySelector(".player-toolbar"); }, null, { timeout: 30_000 }),
  },
];

const SIGNED_OUT_ONLY: Visit[] = [
  { name: "sign in", path: "/signin", ready: heading("Sign in") },
  { name: "sign up", path: "/signup", ready: heading(/Create|Sign up/) },
];

const ACCOUNT_PAGES: Visit[] = [
  { name: "profiles", path: "/profiles", ready: heading("Who's watching?") },
  { name: "manage profiles", path: "/profiles/manage", ready: heading(/Manage profiles/) },
  { name: "edit a profile", path: "/profiles/manage", ready: async (page) => {
    await heading(/Manage profiles/)(page);
    await page.getByRole("button", { name: /Edit/ }).first().click();
    await page.getByRole("heading", { level: 1, name: /Edit/ }).waitFor();
  } },
  { name: "my list", path: "/my-list", ready: (page) => page.locator(".list-item").first().waitFor() },
  { name: "history", path: "/history", ready: (page) => page.getByRole("button", { name: /Remove .* from viewing history/ }).first().waitFor() },
  { name: "account", path: "/account", ready: heading("Account") },
];

/** Visits each page and collects its serious and critical violations under the page's name. */
async function audit(page: Page, visits: Visit[], label: string): Promise<string[]> {
  const found: string[] = [];
  for (const visit of visits) {
    await page.goto(`${suite.site.url}${visit.path}`);
    await visit.ready(page);
    for (const v of await seriousViolations(page)) found.push(`[${label}] ${visit.name}: ${v}`);
  }
  return found;
}

async function signedInContext(viewport = VIEWPORTS.desktop): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await suite.open("/signin", { viewport, bypassCSP: true });
  await page.getByLabel("E-mail").fill(DEMO_ACCOUNT.email);
  await page.getByLabel("Password").fill(DEMO_ACCOUNT.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Alex" }).click();
  await page.waitForURL(`${suite.site.url}/`);
  return { context, page };
}

test("the audit catches what it should: an unlabelled button and an image without text put into a page are reported", async () => {
  const { context, page } = await suite.open("/signin", { bypassCSP: true });
  await heading("Sign in")(page);
  await page.evaluate(() => {
    const main = document.querySelector("main")!;
    main.insertAdjacentHTML("beforeend", '<button type="button"><svg width="20" height="20"></svg></button><img src="/favicon.svg" width="20" height="20">');
  });
  const found = (await seriousViolations(page)).join("\n");
  assert.match(found, /critical button-name/);
  assert.match(found, /critical image-alt/);
  await context.close();
});

test("signed out, every public page, the sign-in and the sign-up page have no serious or critical axe violation (desktop and phone)", async () => {
  const found: string[] = [];
  for (const [size, viewport] of [["desktop", VIEWPORTS.desktop], ["phone", VIEWPORTS.phone]] as const) {
    const { context, page } = await suite.open(null, { viewport, touch: size === "phone", bypassCSP: true });
    found.push(...(await audit(page, [...PUBLIC_PAGES, ...SIGNED_OUT_ONLY], `signed out, ${size}`)));
    await context.close();
  }
  assert.deepEqual(found, []);
});

test("signed in with a profile, every page — with something in My List and the history — has no serious or critical axe violation", async () => {
  const { context, page } = await signedInContext();
  // Something to show: a title in My List (from its page) and a finished one in the history.
  await page.goto(`${suite.site.url}/title/1`);
  await page.getByRole("button", { name: "My List" }).click();
  await page.waitForFunction(() => document.querySelector(".my-list-toggle")?.getAttribute("aria-pressed") === "true");
  const saved = await page.evaluate(async () => {
    const res = await fetch("/api/progress", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ opId: crypto.randomUUID(), titleId: 3, positionSeconds: 11.5, durationSeconds: 12, clientTime: Date.now(), deviceId: "a11y-test-device" }),
    });
    return res.status;
  });
  assert.ok(saved < 300, `progress saved (${saved})`);

  const found = await audit(page, [...PUBLIC_PAGES, ...ACCOUNT_PAGES], "signed in");
  // The header's profile menu, open.
  await page.goto(`${suite.site.url}/account`);
  await heading("Account")(page);
  await page.getByRole("button", { name: /^Profile menu/ }).click();
  await page.getByRole("menuitem").first().waitFor();
  for (const v of await seriousViolations(page)) found.push(`[signed in] profile menu: ${v}`);
  await context.close();
  assert.deepEqual(found, []);
});

test("TV mode's home and title page, with focus on a tile, have no serious or critical axe violation", async () => {
  const { context, page } = await suite.open("/?tv=1", { viewport: VIEWPORTS.tv, bypassCSP: true });
  await homeReady(page);
  for (let i = 0; i < 6 && !(await page.evaluate(() => !!document.activeElement?.closest(".row-scroller"))); i++) await page.keyboard.press("ArrowDown");
  const found = (await seriousViolations(page)).map((v) => `[tv] home: ${v}`);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1 }).waitFor();
  found.push(...(await seriousViolations(page)).map((v) => `[tv] title: ${v}`));
  await context.close();
  assert.deepEqual(found, []);
});
