/**
 * Accounts in the browser: sign up, profiles (kids, PIN), sign out and in, the
 * profile picker, a kids ceiling in search, My List and ratings from title pages,
 * reordering, and an expired access token refreshed once across two tabs.
 * The tests run in order and share one browser context (one household).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { root } from "../../tools/dev/server.ts";
import { signAccessToken } from "../../worker/auth/session-tokens.ts";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

// These pages need the catalog, not the demo videos.
process.env.MARQUEE_DEMO_MEDIA ??= "0";

const EMAIL = `e2e-${Date.now().toString(36)}@example.com`;
const PASSWORD = "correct horse battery";

let context: BrowserContext;
let page: Page;
let errors: string[];
const suite = browserSuite(8793, {
  // One page for the whole file: the tests run in order as one household.
  ready: async (s) => {
    ({ context, page, errors } = await s.open(null));
  },
});

const menuButton = () => page.locator(".top-bar .avatar-button");

async function openMenuItem(name: string) {
  await menuButton().click();
  await page.getByRole("menuitem", { name }).click();
}

async function screenshots(name: string, ready: () => Promise<unknown>) {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await ready();
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${size}.png` });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} at ${size} is ${overflow}px wider than the viewport`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** Searches and answers the result titles once the status line has settled. */
async function search(q: string): Promise<string[]> {
  await page.goto(`${suite.site.url}/search`);
  await page.getByRole("searchbox").fill(q);
  await page.locator(".search-status").filter({ hasText: /result/i }).waitFor();
  return page.locator("a.result .result-title").allInnerTexts();
}

async function openTitle(name: string): Promise<void> {
  assert.ok((await search(name)).includes(name), `${name} is found`);
  await page.locator("a.result", { hasText: name }).first().click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

test("signing up lands on home with the new profile's avatar in the header", async () => {
  await page.goto(`${suite.site.url}/signup`);
  await page.getByLabel("E-mail").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel(/Your profile name/).fill("Alex");
  await page.getByRole("radio", { name: /Standard/ }).check();
  assert.match(await page.locator(".plan-option", { hasText: "Standard" }).innerText(), /1080p/);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${suite.site.url}/`);
  await page.getByRole("button", { name: "Profile menu, Alex" }).waitFor();
  await page.locator(".row .tile").first().waitFor();
  assert.equal(await page.getByRole("link", { name: "Sign in" }).count(), 0);
});

test("a kids profile is added and the adult profile gets a PIN, from Manage profiles", async () => {
  await openMenuItem("Manage profiles");
  await page.getByRole("heading", { name: "Manage profiles" }).waitFor();
  await screenshots("profiles-manage", () => page.locator(".manage-item").first().waitFor());

  await page.getByRole("button", { name: "Add profile" }).click();
  await page.getByLabel("Name").fill("Kiddo");
  await page.getByLabel(/Kids profile/).check();
  assert.equal(await page.getByLabel("Maturity rating").inputValue(), "7", "a kids profile's ceiling drops to 7+");
  await page.locator(".avatar-option", { hasText: "Star" }).click();
  await screenshots("profiles-edit", () => page.getByLabel("Name").waitFor());
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").filter({ hasText: "Added Kiddo." }).waitFor();
  assert.equal(await page.locator(".manage-item").count(), 2);
  assert.match(await page.locator(".manage-item", { hasText: "Kiddo" }).innerText(), /Kids · up to 7\+/);

  // A PIN needs the account password: a wrong one is refused and said so.
  await page.getByRole("button", { name: "Edit Alex" }).click();
  await page.getByRole("radio", { name: "Set a PIN" }).check();
  await page.getByLabel("New PIN (4 digits)").fill("1234");
  await page.getByLabel("Account password").fill("not the password");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("alert").filter({ hasText: /account password/ }).waitFor();
  await page.getByLabel("Account password").fill(PASSWORD);
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByRole("status").filter({ hasText: "Saved Alex." }).waitFor();
  assert.match(await page.locator(".manage-item", { hasText: "Alex" }).innerText(), /PIN lock/);
});

test("after signing out, a wrong password is announced and the right one opens the profile picker", async () => {
  await openMenuItem("Sign out");
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await screenshots("signin", () => page.getByLabel("E-mail").waitFor());

  await page.getByLabel("E-mail").fill(EMAIL);
  await page.getByLabel("Password").fill("wrong password here");
  await page.getByRole("button", { name: "Sign in" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Wrong e-mail or password." });
  await alert.waitFor();
  assert.equal(page.url(), `${suite.site.url}/signin`);

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${suite.site.url}/profiles`);
  await page.getByRole("heading", { name: "Who's watching?" }).waitFor();
  assert.deepEqual(await page.locator(".profile-choice .profile-name").allInnerTexts(), ["Alex", "Kiddo"]);
  await screenshots("profiles", () => page.locator(".profile-choice").first().waitFor());
});

test("a locked profile asks for its PIN and refuses a wrong one", async () => {
  await page.getByRole("button", { name: /Alex/ }).click();
  const dialog = page.getByRole("dialog", { name: "Enter the PIN for Alex" });
  await dialog.waitFor();
  await dialog.getByLabel("4-digit PIN").fill("9999");
  await dialog.getByRole("alert").filter({ hasText: "Wrong PIN." }).waitFor();
  await dialog.getByLabel("4-digit PIN").fill("1234");
  await page.waitForURL(`${suite.site.url}/`);
  await page.getByRole("button", { name: "Profile menu, Alex" }).waitFor();
});

test("the kids profile does not find a title above its ceiling", async () => {
  await openMenuItem("Switch profile");
  await page.getByRole("button", { name: /Kiddo/ }).click();
  await page.waitForURL(`${suite.site.url}/`);
  await page.getByRole("button", { name: "Profile menu, Kiddo" }).waitFor();
  // Orbitfall is rated 13+; Little Comet (all ages) proves search itself works.
  assert.deepEqual(await search("orbitfall"), []);
  assert.ok((await search("little comet")).includes("Little Comet"));
});

test("the kids profile opening a title above its ceiling is told it is a maturity refusal, not a missing title", async () => {
  // Orbitfall (13+) is the demo catalog's second title.
  await page.goto(`${suite.site.url}/title/2`);
  const view = page.locator(".error-view");
  await view.getByRole("heading", { level: 1, name: "Not available on this profile" }).waitFor();
  assert.equal(await view.getAttribute("data-code"), "maturity_restricted");
  assert.match(await view.innerText(), /maturity setting/);
  assert.doesNotMatch(await view.innerText(), /region|does not exist/);
  assert.equal(await view.getByRole("button", { name: "Try again" }).count(), 0, "retrying does not lift a ceiling");
});

test("titles added to My List from their pages show on /my-list, reorder with buttons, and stay in order", async () => {
  await openTitle("Little Comet");
  const toggle = page.getByRole("button", { name: "My List" });
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "true");
  const like = page.getByRole("button", { name: "I like this" });
  await like.click();
  assert.equal(await like.getAttribute("aria-pressed"), "true");
  await page.waitForLoadState("networkidle");
  await screenshots("title-signed-in", () => page.locator(".my-list-toggle").waitFor());

  await openTitle("Wild Atlas");
  await page.getByRole("button", { name: "My List" }).click();
  await page.waitForLoadState("networkidle");

  // Both saves reached the server: a fresh page load shows them.
  await openTitle("Little Comet");
  await page.waitForFunction(() => document.querySelector(".my-list-toggle")?.getAttribute("aria-pressed") === "true");
  assert.equal(await page.getByRole("button", { name: "I like this" }).getAttribute("aria-pressed"), "true");

  await openMenuItem("My List");
  await page.getByRole("heading", { name: "My List" }).waitFor();
  const order = () => page.locator(".list-item .list-title").allInnerTexts();
  await page.locator(".list-item").first().waitFor();
  assert.deepEqual(await order(), ["Little Comet", "Wild Atlas"]);

  await page.getByRole("button", { name: "Move Wild Atlas up" }).click();
  assert.deepEqual(await order(), ["Wild Atlas", "Little Comet"]);
  await page.getByRole("status").filter({ hasText: "Wild Atlas moved to position 1 of 2." }).waitFor();
  // Focus follows the moved title (its up button is now disabled, so its down button), and the keyboard goes on from there.
  const focused = (label: string) => page.waitForFunction((l) => document.activeElement?.getAttribute("aria-label") === l, label);
  await focused("Move Wild Atlas down");
  await page.keyboard.press("Enter");
  assert.deepEqual(await order(), ["Little Comet", "Wild Atlas"]);
  await focused("Move Wild Atlas up");
  await page.keyboard.press("Enter");
  assert.deepEqual(await order(), ["Wild Atlas", "Little Comet"], "moved back up with the keyboard");
  // The three saves go one after another; the server's list reads in the last order before the reload cuts the page off.
  // (waitForLoadState("networkidle") returned at once: the page had been idle once since it loaded.)
  await page.waitForFunction(
    async (want) => {
      const r = await fetch("/api/my-list");
      const body = r.ok ? ((await r.json()) as { items: { title: string }[] }) : null;
      return JSON.stringify(body?.items.map((i) => i.title)) === JSON.stringify(want);
    },
    ["Wild Atlas", "Little Comet"],
    { polling: 250, timeout: 15_000 },
  );

  await page.reload();
  await page.locator(".list-item").first().waitFor();
  assert.deepEqual(await order(), ["Wild Atlas", "Little Comet"], "the order was saved");
  await screenshots("my-list", () => page.locator(".list-item").first().waitFor());
});

test("the account page shows the plan and the header menu lists the profile's pages", async () => {
  await openMenuItem("Account");
  await page.getByRole("heading", { name: "Account" }).waitFor();
  const facts = await page.locator(".facts-list").innerText();
  assert.ok(facts.includes(EMAIL) && facts.includes("Standard · Full HD (1080p)"), facts);
  // Kiddo is a kids profile: the account's data is not theirs to download or delete.
  await page.getByText("Switch to an adult profile to download or delete").waitFor();
  assert.equal(await page.getByRole("button", { name: "Delete account" }).count(), 0);

  await menuButton().focus();
  await page.keyboard.press("Enter");
  const items = page.getByRole("menuitem");
  assert.deepEqual(await items.allInnerTexts(), ["Switch profile", "Manage profiles", "My List", "Viewing history", "Account", "Sign out"]);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Switch profile", "the menu opens on its first item");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Sign out", "↑ wraps to the last item");
  await screenshots("account-menu", () => page.getByRole("menu").waitFor());
  await page.keyboard.press("Escape");
  assert.equal(await page.getByRole("menu").isVisible(), false);
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("avatar-button")), true, "Escape returns focus to the button");
});

test("an expired access token is refreshed exactly once for two tabs, and the session survives", async () => {
  const me = (await page.evaluate(() => fetch("/api/auth/me").then((r) => r.json()))) as { account: { id: string; plan: "basic" | "standard" | "premium" } };
  const refresh = (await context.cookies()).find((c) => c.name === "mq_rt");
  assert.ok(refresh, "a refresh cookie is set");
  // The refresh token is <account>.<family>.<secret>; the access token's sid is the family.
  const vars = readFileSync(`${root}.dev.vars`, "utf8");
  const sessionKeys = /^SESSION_KEYS='(.*)'$/m.exec(vars)?.[1];
  const env = { SESSION_KEYS: sessionKeys, ENVIRONMENT: "development" } as unknown as Env;
  const { token } = await signAccessToken(env, { sub: me.account.id, sid: refresh.value.split(".")[1]!, plan: me.account.plan, profile: null, qoeOptOut: false }, Date.now() - 20 * 60_000);
  await context.addCookies([{ name: "mq_at", value: token, domain: "127.0.0.1", path: "/api", httpOnly: true, secure: true, sameSite: "Lax" }]);

  // Hold the first refresh until both tabs have been told their token expired, so both want to refresh at once.
  let expiredAnswers = 0;
  let refreshes = 0;
  let bothExpired!: () => void;
  const bothExpiredNow = new Promise<void>((resolve) => (bothExpired = resolve));
  const onResponse = async (res: import("playwright-core").Response) => {
    if (res.status() === 401 && (await res.text().catch(() => "")).includes("session_expired") && ++expiredAnswers === 2) bothExpired();
  };
  context.on("response", onResponse);
  await context.route("**/api/auth/refresh", async (route) => {
    refreshes++;
    await bothExpiredNow;
    await route.continue();
  });

  const second = await context.newPage();
  await Promise.all([page.goto(`${suite.site.url}/my-list`), second.goto(`${suite.site.url}/my-list`)]);
  await Promise.all([page.locator(".list-item").first().waitFor(), second.locator(".list-item").first().waitFor()]);
  assert.equal(expiredAnswers, 2, "both tabs met the expired token");
  assert.equal(refreshes, 1, "one refresh for both tabs");
  assert.equal(await second.evaluate(() => fetch("/api/auth/me").then((r) => r.status)), 200, "the session was not revoked");
  context.off("response", onResponse);
  await context.unroute("**/api/auth/refresh");
  await second.close();
  assert.deepEqual(errors, []);
});

test("from an adult profile, the account's data downloads as JSON and the account is deleted with its password", async () => {
  await openMenuItem("Switch profile");
  await page.getByRole("button", { name: /Alex/ }).click();
  await page.getByRole("dialog", { name: "Enter the PIN for Alex" }).getByLabel("4-digit PIN").fill("1234");
  await page.getByRole("button", { name: "Profile menu, Alex" }).waitFor();
  await openMenuItem("Account");
  await page.getByRole("button", { name: "Download my data" }).waitFor();
  await screenshots("account", () => page.locator(".privacy").waitFor());

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download my data" }).click()]);
  const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as unknown;
  assert.ok(JSON.stringify(exported).includes(EMAIL), "the export names the account");
  assert.ok(JSON.stringify(exported).includes("Kiddo"), "and holds its profiles");

  await page.getByRole("button", { name: "Delete account" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete your account?" });
  await dialog.getByLabel(/Account password/).fill("not the password");
  await dialog.getByRole("button", { name: "Delete account" }).click();
  await dialog.getByRole("alert").filter({ hasText: "not this account's current password" }).waitFor();
  await dialog.getByLabel(/Account password/).fill(PASSWORD);
  await dialog.getByRole("button", { name: "Delete account" }).click();
  await page.waitForURL(`${suite.site.url}/`);
  await page.getByRole("link", { name: "Sign in" }).waitFor();

  await page.goto(`${suite.site.url}/signin`);
  await page.getByLabel("E-mail").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong e-mail or password." }).waitFor();
  assert.deepEqual(errors, []);
});
