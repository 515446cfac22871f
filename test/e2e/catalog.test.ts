import assert from "node:assert/strict";
import { test } from "node:test";
import { browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8791);

const newPage = (viewport: { width: number; height: number }) => suite.open(null, { viewport, console: true });

test("home → search with a typo → open a series → switch season → see its episodes", async () => {
  const { page, errors } = await newPage(VIEWPORTS.desktop);
  await page.goto(suite.site.url);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  await page.locator(".row .tile").first().waitFor();
  assert.ok((await page.locator(".row").count()) >= 4, "home shows several rows");

  await page.getByRole("link", { name: "Search" }).click();
  const box = page.getByRole("searchbox");
  await box.fill("harbor lihgts");
  const first = page.locator("a.result").first();
  await first.waitFor();
  assert.match(await first.innerText(), /Harbour Lights/);

  // Keyboard: ↓ from the box focuses the first result, Enter opens it.
  await box.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Harbour Lights" }).waitFor();
  assert.equal(await page.locator(".episode").count(), 8, "season 1 has 8 episodes");

  await page.locator("select.season-picker").selectOption("3");
  await page.waitForFunction(() => document.querySelectorAll(".episode").length === 6);
  assert.match(await page.locator(".episode h3").first().innerText(), /\S/);
  assert.deepEqual(errors, []);
});

test("browse scrolls through every title and filters by genre", async () => {
  const { page, errors } = await newPage(VIEWPORTS.desktop);
  await page.goto(`${suite.site.url}/browse?sort=title`);
  await page.locator(".grid .tile").first().waitFor();
  // The demo catalog has more titles than one page (24): scrolling to the end must load the rest.
  const tiles = () => page.locator(".grid .tile:not(.skeleton)").count();
  for (let i = 0; i < 120 && (await tiles()) <= 24; i++) {
    await page.mouse.wheel(0, 3000);
    await page.waitForTimeout(500);
  }
  const shown = await tiles();
  assert.ok(shown > 24, `only ${shown} tiles after scrolling to the end; page errors: ${errors.join(" | ") || "none"}; status: ${await page.locator(".browse").innerText().then((t) => t.slice(-200))}`);
  const names = await page.locator(".grid .tile-name").allInnerTexts();
  assert.equal(new Set(names).size, names.length, "no title twice");

  await page.getByLabel("Genre").selectOption("documentary");
  await page.waitForFunction(() => [...document.querySelectorAll(".grid .tile-name")].every((n) => ["Wild Atlas", "Monsters of the Deep Blue"].includes(n.textContent ?? "")));
  assert.deepEqual(errors, []);
});

test("a person page lists their titles; unknown titles show a not-found view", async () => {
  const { page } = await newPage(VIEWPORTS.desktop);
  await page.goto(`${suite.site.url}/title/2`);
  await page.getByRole("heading", { level: 1, name: "Orbitfall" }).waitFor();
  await page.locator(".credits a").first().click();
  await page.locator(".person .grid .tile").first().waitFor();
  await page.goto(`${suite.site.url}/title/99999`);
  await page.getByRole("heading", { name: "Not here" }).waitFor();
});

test("pages render at phone, desktop and TV sizes (screenshots)", async () => {
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    const { page, errors } = await newPage(viewport);
    await page.goto(suite.site.url);
    await page.locator(".row .tile:not(.skeleton)").first().waitFor();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${SCREENSHOTS}/home-${name}.png` });
    await page.goto(`${suite.site.url}/title/5`);
    await page.locator(".episode").first().waitFor();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${SCREENSHOTS}/title-${name}.png` });
    await page.goto(`${suite.site.url}/search?q=amelie`);
    await page.locator("a.result").first().waitFor();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${SCREENSHOTS}/search-${name}.png` });
    // Nothing overflows the viewport horizontally.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: page is ${overflow}px wider than the viewport`);
    assert.deepEqual(errors, [], name);
    await page.context().close();
  }
});

test("each page has a document title of its own, so tabs and history tell them apart", async () => {
  const { page, context } = await newPage(VIEWPORTS.desktop);
  const titleOf = async (path: string, ready: () => Promise<unknown>) => {
    await page.goto(`${suite.site.url}${path}`);
    await ready();
    await page.waitForFunction(() => document.title !== "Marquee");
    return page.title();
  };
  const h1 = (name?: string | RegExp) => () => page.getByRole("heading", { level: 1, ...(name ? { name } : {}) }).waitFor();
  const titles = [
    await titleOf("/", () => page.locator(".row a.tile").first().waitFor()),
    await titleOf("/browse", () => page.locator(".grid a.tile").first().waitFor()),
    await titleOf("/search?q=orbitfall", () => page.locator("a.result").first().waitFor()),
    await titleOf("/title/2", h1("Orbitfall")),
    await titleOf("/signin", h1("Sign in")),
    await titleOf("/no-such-page", h1()),
  ];
  assert.deepEqual(titles.slice(0, 4), ["Home · Marquee", "Browse · Marquee", "“orbitfall” · Search · Marquee", "Orbitfall · Marquee"]);
  assert.equal(new Set(titles).size, titles.length, `distinct: ${titles.join(" | ")}`);
  await context.close();
});

test("a search that finds nothing offers popular titles and the genres instead of a dead end", async () => {
  const { page, context, errors } = await newPage(VIEWPORTS.phone);
  await page.goto(`${suite.site.url}/search?q=qqzzxxv`);
  await page.locator(".search-status").filter({ hasText: /No results/ }).waitFor();
  const offer = page.getByRole("region", { name: "Try instead" });
  await offer.getByRole("heading", { name: "Browse by genre" }).waitFor();
  assert.ok((await offer.locator('a[href^="/browse?genre="]').count()) >= 10);
  assert.ok((await offer.locator('a[href^="/title/"]').count()) >= 3);
  await page.screenshot({ path: `${SCREENSHOTS}/search-no-results-phone.png` });
  await offer.locator('a[href^="/browse?genre="]').first().click();
  await page.locator(".grid a.tile").first().waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
