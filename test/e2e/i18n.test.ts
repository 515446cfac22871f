/**
 * Localisation in Chromium: a profile set to Arabic gets a right-to-left Marquee
 * (html lang/dir, Arabic words and catalog text, rows that start on the right)
 * whose player timeline and transport controls stay left to right; a profile
 * set to the pseudo-locale shows no unlocalised English in the interface's own
 * words on Home and a title page, and none of its header, buttons and menus
 * overflows. The pages whose words live in page namespaces (Account, the profile
 * picker, sign-in, the player's overlays and error screen) do the same in Arabic
 * and in the pseudo-locale, as do the offline player's refusal and (in Arabic)
 * the title page's crew jobs. Screenshots
 * (Arabic at desktop and phone; the title page with its credits, Account and
 * sign-in in Arabic at phone, desktop and TV) land in test-results/.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { DEMO_TITLES } from "../../tools/seed/demo-catalog.ts";
import { pseudoString } from "../../client/src/i18n/pseudo.ts";
import shellEnglish from "../../client/src/i18n/dicts/en.ts";
import titleEnglish from "../../client/src/i18n/pages/title/en.ts";
import browseEnglish from "../../client/src/i18n/pages/browse/en.ts";
import searchEnglish from "../../client/src/i18n/pages/search/en.ts";
import actionsEnglish from "../../client/src/i18n/pages/actions/en.ts";
import creditsEnglish from "../../client/src/i18n/pages/credits/en.ts";
import downloadEnglish from "../../client/src/i18n/pages/download/en.ts";
import { api, browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8821);
const ORBITFALL = DEMO_TITLES.findIndex((t) => t.title === "Orbitfall") + 1;

/** A context signed in as the demo account with `profile` chosen and its language set to `language`. */
async function signedIn(profile: string, language: string, viewport: { width: number; height: number } = VIEWPORTS.desktop): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await suite.open("/browse", { viewport });
  const signin = await api(page, "POST", "/api/auth/signin", { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
  assert.equal(signin.status, 200, JSON.stringify(signin.json));
  const id = (signin.json.profiles as { id: string; name: string }[]).find((p) => p.name === profile)!.id;
  assert.equal((await api(page, "PATCH", `/api/profiles/${id}`, { language })).status, 200);
  assert.equal((await api(page, "POST", `/api/profiles/${id}/select`, {})).status, 200);
  return { context, page };
}

async function htmlLangDir(page: Page): Promise<[string, string]> {
  return page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
}

test("a profile set to Arabic gets a right-to-left Marquee in Arabic whose player controls stay left to right", async () => {
  const { context, page } = await signedIn("Alex", "ar");
  await page.goto(`${suite.site.url}/`);
  await page.locator("html[dir=rtl]").waitFor({ state: "attached" });
  assert.deepEqual(await htmlLangDir(page), ["ar", "rtl"]);
  const nav = page.getByRole("navigation", { name: "الأقسام" });
  await nav.getByRole("link", { name: "تصفّح" }).waitFor();
  // Rows start on the right: a row's first tile sits to the right of its second.
  const row = page.locator("section.row:not(.continue-row)").first();
  await row.locator("a.tile").nth(1).waitFor();
  // Measured once both tiles are laid out (Home may still be settling: onboarding above, rows re-rendered from a fresh answer).
  // Scrolled into view inside the poll: a row re-rendered meanwhile is a new element (a held one would be detached).
  await page.waitForFunction(() => {
    const current = document.querySelector("section.row:not(.continue-row)");
    current?.scrollIntoView({ block: "nearest" });
    const tiles = current?.querySelectorAll("a.tile");
    return !!tiles && tiles.length > 1 && tiles[0]!.getBoundingClientRect().width > 0 && tiles[1]!.getBoundingClientRect().width > 0;
  });
  const [first, second] = await row.locator("a.tile").evaluateAll((as) => as.slice(0, 2).map((a) => a.getBoundingClientRect().left));
  assert.ok(first! > second!, `the first tile (${first}) is right of the second (${second})`);
  // Catalog text comes in Arabic where the catalog has it.
  await page.getByText("السقوط المداري").first().waitFor();
  await page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-home-desktop.png` });

  await page.goto(`${suite.site.url}/title/${ORBITFALL}`);
  await page.getByRole("heading", { level: 1, name: "السقوط المداري" }).waitFor();
  await page.getByRole("link", { name: /تشغيل/ }).first().waitFor();
  await page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-title-desktop.png` });
  // Crew jobs ("Director", "Writer"… in the catalog) are worded in Arabic.
  assert.deepEqual(await crewJobsNotArabic(page), [], "crew jobs");
  await page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-title-credits-desktop.png`, fullPage: true });

  await page.goto(`${suite.site.url}/watch/1`);
  const timeline = page.locator(".player-timeline");
  await timeline.waitFor({ state: "attached" });
  const directions = await page.evaluate(() =>
    [".player-timeline", ".player-toolbar", ".seek"].map((s) => {
      const el = document.querySelector(s);
      return el ? getComputedStyle(el).direction : "missing";
    }),
  );
  assert.deepEqual(directions, ["ltr", "ltr", "ltr"], "timeline, toolbar and seek bar stay left to right");
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  await context.close();

  const phone = await signedIn("Alex", "ar", VIEWPORTS.phone);
  await phone.page.goto(`${suite.site.url}/`);
  await phone.page.getByRole("navigation", { name: "الرئيسية" }).getByText("قائمتي").waitFor();
  await phone.page.locator("section.row a.tile").first().waitFor();
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling of the page in Arabic on a phone (${overflow}px)`);
  await phone.page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-home-phone.png` });
  await phone.page.goto(`${suite.site.url}/title/${ORBITFALL}`);
  await phone.page.getByRole("heading", { level: 1, name: "السقوط المداري" }).waitFor();
  await phone.page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-title-phone.png` });
  assert.deepEqual(await crewJobsNotArabic(phone.page), [], "crew jobs (phone)");
  await phone.page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-title-credits-phone.png`, fullPage: true });
  await phone.context.close();

  const tv = await signedIn("Alex", "ar", VIEWPORTS.tv);
  await tv.page.goto(`${suite.site.url}/title/${ORBITFALL}`);
  await tv.page.getByRole("heading", { level: 1, name: "السقوط المداري" }).waitFor();
  assert.deepEqual(await crewJobsNotArabic(tv.page), [], "crew jobs (TV)");
  await tv.page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-title-credits-tv.png`, fullPage: true });
  await tv.context.close();
});

/** The title page's crew jobs that are not in Arabic (there must be some jobs to look at). */
async function crewJobsNotArabic(page: Page): Promise<string[]> {
  await page.locator(".credits .job").first().waitFor();
  const jobs = await page.locator(".credits .job").allInnerTexts();
  assert.ok(jobs.length > 0);
  return jobs.filter((job) => !/^[\u0600-\u06FF\s]+$/.test(job.trim()));
}

/**
 * Visible text of the page that is the interface's own (catalog data — names,
 * taglines, descriptions, people, genres, maturity labels — aside) and contains a
 * plain ASCII word: in the pseudo-locale every word of ours is accented.
 */
async function unlocalised(page: Page, genres: string[]): Promise<string[]> {
  return page.evaluate(([genreNames, data]) => {
    const CATALOG = `${data}, .art, .tile-name, .tile-meta, .hero h1, .hero .tagline, .hero-description, .hero .eyebrow, .title-body h1, .tagline, .description, .original-title, .people, .episode-text, .chip, .maturity, .facts, .languages dd, .menu-profile, .profile-name, .brand, .onboarding-name`;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent!.trim();
      const el = node.parentElement!;
      if (!/[A-Za-z]{2,}/.test(text.replace(/\{\{\s*\w+\s*\}\}/g, ""))) continue;
      if (el.closest(CATALOG) || el.closest("script, style, [hidden], [aria-hidden=true]") || !el.checkVisibility()) continue;
      if (genreNames.includes(text)) continue;
      found.push(text);
    }
    return found;
  }, [genres, DATA] as const);
}

/** Data on screen that is not our words: an error code for support, key names, the account's e-mail, dates (Intl's; the pseudo-locale formats as English). */
const DATA = "code, kbd, time, .account-email";

/**
 * Visible text in `scope` that has a Latin word and no Arabic letter, data aside
 * (catalog names, codes, the e-mail): English of ours left in an Arabic page.
 * Arabic sentences may name Marquee or a "PIN" within them; a whole text in
 * Latin letters may not.
 */
async function notArabic(page: Page, scope = "body"): Promise<string[]> {
  return page.evaluate(
    ([root, data]) => {
      const found: string[] = [];
      const walker = document.createTreeWalker(document.querySelector(root)!, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent!.trim();
        const el = node.parentElement!;
        if (!/[A-Za-z]{2,}/.test(text) || /[\u0600-\u06FF]/.test(text)) continue;
        if (el.closest(`${data}, .profile-name, .brand, .tile-name, script, style, [hidden], [aria-hidden=true]`) || !el.checkVisibility()) continue;
        found.push(text);
      }
      return found;
    },
    [scope, DATA] as const,
  );
}

/** Labels (aria-label, placeholder, title) in `scope` with a Latin word and no Arabic letter. */
async function labelsNotArabic(page: Page, scope = "body"): Promise<string[]> {
  return page.evaluate((root) => {
    return [...document.querySelector(root)!.querySelectorAll<HTMLElement>("[aria-label], [placeholder], [title]")]
      .filter((el) => el.checkVisibility() && !el.closest(".profile-name"))
      .flatMap((el) => ["aria-label", "placeholder", "title"].map((a) => el.getAttribute(a) ?? ""))
      .filter((text) => /[A-Za-z]{2,}/.test(text) && !/[\u0600-\u06FF]/.test(text) && !/^(Marquee|PIN)$/.test(text));
  }, scope);
}

/** A signed-out context whose browser speaks `language` (navigator.languages), as a first visit would be. */
async function signedOut(language: string, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await suite.browser.newContext({ viewport, locale: language });
  const { page } = await suite.open("/signin", { context });
  return { context, page };
}

test("Browse sorted A–Z in French lists the French titles in French order", async () => {
  const { context, page } = await signedIn("Alex", "fr");
  const names = async (locale: string) =>
    ((await api(page, "GET", `/api/catalog/titles?sort=title&limit=12&locale=${locale}`)).json.items as { title: string }[]).map((t) => t.title);
  const french = await names("fr");
  assert.notDeepEqual(french, await names("en"), "the French A–Z is not the English one");
  assert.ok(french.includes("Les Feux du port"), french.join(", "));
  await page.goto(`${suite.site.url}/browse?sort=title`);
  await page.locator("html[lang=fr]").waitFor({ state: "attached" });
  // The grid starts again once the profile's language is applied: wait for the French list's first title.
  await page.locator(".grid .tile:not(.skeleton) .tile-name").first().filter({ hasText: french[0]! }).waitFor();
  await page.locator(".grid .tile:not(.skeleton) .tile-name").nth(11).waitFor();
  assert.deepEqual((await page.locator(".grid .tile:not(.skeleton) .tile-name").allInnerTexts()).slice(0, 12), french);
  await context.close();
});

/** Our English words (the shell's and the pages' below), whole texts without placeholders: seen in an Arabic page, one is a flash of English. */
const OUR_ENGLISH = new Set(
  [shellEnglish, titleEnglish, browseEnglish, searchEnglish, actionsEnglish]
    .flatMap((words) => Object.values(words as Record<string, string | Record<string, string>>))
    .flatMap((v) => (typeof v === "string" ? [v] : Object.values(v)))
    .filter((v) => !v.includes("{{") && v.length >= 3),
);

/** English of ours long enough not to be code by chance, as it would stand in a script: a page in another language loads none. */
const ENGLISH_IN_SCRIPTS = [shellEnglish, titleEnglish, browseEnglish, searchEnglish, actionsEnglish, creditsEnglish, downloadEnglish]
  .flatMap((words) => Object.values(words as Record<string, string | Record<string, string>>))
  .flatMap((v) => (typeof v === "string" ? [v] : Object.values(v)))
  .filter((v) => (v.replace(/\{\{\s*\w+\s*\}\}/g, "").match(/[A-Za-z]/g)?.length ?? 0) >= 12 && !/[`'"\\\n]/.test(v));

/**
 * Records every text and label the page ever puts in the DOM, from before its
 * first script (a MutationObserver runs before the next paint, so whatever could
 * have been painted is recorded): `window.__drawn`.
 */
function recordDrawnText(): void {
  const drawn = ((window as unknown as { __drawn: string[] }).__drawn = [] as string[]);
  const note = (text: string | null | undefined) => void (text && text.trim() && drawn.push(text.trim()));
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) return note(node.textContent);
    if (!(node instanceof Element) || node.closest("script, style")) return;
    for (const a of ["aria-label", "placeholder", "title"]) note(node.getAttribute(a));
    node.childNodes.forEach(walk);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach(walk);
      else if (r.type === "characterData") note(r.target.textContent);
      else note((r.target as Element).getAttribute(r.attributeName!));
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["aria-label", "placeholder", "title"] });
}

test("in Arabic, a returning visit never draws our English or a raw key, and the seek flash says its seconds in Arabic", async () => {
  // Sam, not Alex: watching Orbitfall here gives its profile a "Because you watched Orbitfall" row the pseudo-locale test would read.
  const { context, page } = await signedIn("Sam", "ar");
  // The first visit with the profile's language learns it (the browser speaks English); the next ones start in it.
  await page.goto(`${suite.site.url}/`);
  await page.locator("html[lang=ar]").waitFor({ state: "attached" });
  await context.addInitScript(recordDrawnText);
  // Every script these pages load, to find English words riding along with the Arabic ones.
  const scripts: Promise<{ url: string; body: string }>[] = [];
  page.on("response", (r) => void (r.request().resourceType() === "script" && scripts.push(r.text().then((body) => ({ url: r.url(), body }), () => ({ url: r.url(), body: "" })))));
  const pages: [string, () => Promise<unknown>][] = [
    ["/", () => page.locator("section.row a.tile").first().waitFor()],
    [`/title/${ORBITFALL}`, () => page.locator(".credits .job").first().waitFor()],
    ["/browse?sort=title", () => page.locator(".grid .tile:not(.skeleton)").first().waitFor()],
    ["/search?q=orbit", () => page.locator("#search-results li").first().waitFor()],
  ];
  for (const [path, settled] of pages) {
    await page.goto(`${suite.site.url}${path}`);
    await settled();
    await page.getByRole("navigation", { name: "الأقسام" }).getByRole("link", { name: "تصفّح" }).waitFor();
    const drawn = await page.evaluate(() => (window as unknown as { __drawn: string[] }).__drawn);
    assert.ok(drawn.length > 20, `${path}: the recorder saw the page being drawn (${drawn.length} texts)`);
    assert.deepEqual(drawn.filter((text) => OUR_ENGLISH.has(text)), [], `${path}: English of ours drawn at some point`);
    assert.deepEqual(drawn.filter((text) => /^[a-z]+(\.[a-zA-Z0-9_-]+)+$/.test(text)), [], `${path}: a raw key drawn at some point`);
  }
  // Each page's words came in Arabic alone: no script carries the English of the shell or of a page namespace.
  const loaded = (await Promise.all(scripts)).filter((s) => s.body !== "");
  assert.ok(loaded.some((s) => s.body.includes("الأقسام")) && loaded.length >= 5, `the scripts were read (${loaded.length})`);
  const english = loaded.flatMap((s) => ENGLISH_IN_SCRIPTS.filter((text) => s.body.includes(text)).map((text) => `${new URL(s.url).pathname}: ${text}`));
  assert.deepEqual(english, [], "English words loaded with an Arabic page");

  // The seek flash (and its announcement, which stays): the seconds in Arabic, no Latin "s".
  await page.goto(`${suite.site.url}/watch/${ORBITFALL}`);
  await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0.2, undefined, { timeout: 60_000 });
  await page.keyboard.press("l");
  const said = page.locator(".player [aria-live=polite]").filter({ hasText: /\d|[٠-٩]/ });
  await said.waitFor();
  const step = await said.innerText();
  assert.match(step, /ث/, `the seek step "${step}" names its seconds in Arabic`);
  assert.doesNotMatch(step, /[A-Za-z]/, `the seek step "${step}" has no Latin unit`);
  await context.close();
});

/** Opens the player on Orbitfall, waits for it to play, and opens the keyboard-shortcut overlay. */
async function openShortcuts(page: Page, name: string): Promise<void> {
  await page.goto(`${suite.site.url}/watch/${ORBITFALL}`);
  await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0.2, undefined, { timeout: 60_000 });
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name }).waitFor();
}

/** Header links, buttons and menu items whose text is wider than their box, and header controls pushed off screen. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...[...document.querySelectorAll<HTMLElement>(".top-bar a, .top-bar button, .bottom-nav a, button, a.button, .menu a, .menu button")]
      .filter((el) => el.checkVisibility() && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.trim()}`),
    ...[...document.querySelectorAll<HTMLElement>(".top-bar .brand, .top-bar .avatar-button, .top-bar .sign-in-link")]
      .filter((el) => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
      .map((el) => `off screen: ${el.className}`),
  ]);
}

test("the pseudo-locale shows no unlocalised English on Home and a title page, and nothing in the header, buttons or menus overflows", async () => {
  for (const viewport of [VIEWPORTS.desktop, VIEWPORTS.phone]) {
    const { context, page } = await signedIn("Alex", "en-XA", viewport);
    const genres = ((await api(page, "GET", "/api/catalog/genres")).json.items as { name: string }[]).map((g) => g.name);
    await page.goto(`${suite.site.url}/`);
    await page.locator("html[lang=en-XA]").waitFor({ state: "attached" });
    await page.locator("section.row a.tile").first().waitFor();
    assert.deepEqual(await unlocalised(page, genres), [], "Home");
    assert.deepEqual(await overflowing(page), [], "Home");
    await page.goto(`${suite.site.url}/title/${ORBITFALL}`);
    await page.locator(".title-body h1").waitFor();
    await page.locator(".play-button").waitFor();
    assert.deepEqual(await unlocalised(page, genres), [], "title page");
    assert.deepEqual(await overflowing(page), [], "title page");
    await page.screenshot({ path: `${SCREENSHOTS}/i18n-pseudo-title-${viewport.width}.png` });
    await context.close();
  }
});

test("Account, the profile picker, sign-in and the player's overlays speak Arabic, right to left, with no English of ours", async () => {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    const { context, page } = await signedIn("Alex", "ar", viewport);
    await page.goto(`${suite.site.url}/account`);
    await page.getByRole("heading", { level: 1, name: "الحساب" }).waitFor();
    await page.getByRole("checkbox", { name: "مشاركة إحصاءات جودة التشغيل" }).waitFor();
    assert.deepEqual(await htmlLangDir(page), ["ar", "rtl"]);
    assert.deepEqual(await notArabic(page, "main"), [], `Account (${size})`);
    assert.deepEqual(await labelsNotArabic(page, "main"), [], `Account labels (${size})`);
    // The member-since date is written the Arabic way (Intl in the interface locale, not the browser's default).
    const createdAt = (await api(page, "GET", "/api/auth/me")).json.account.createdAt as string | number;
    const arabicDate = await page.evaluate((at) => new Intl.DateTimeFormat("ar", { dateStyle: "medium" }).format(new Date(at)), createdAt);
    assert.equal(await page.locator(".facts-list time").innerText(), arabicDate);
    await page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-account-${size}.png`, fullPage: true });
    if (size === "desktop") {
      await page.goto(`${suite.site.url}/profiles`);
      await page.getByRole("heading", { level: 1, name: "من يشاهد الآن؟" }).waitFor();
      assert.deepEqual(await notArabic(page, "main"), [], "profile picker");
      await page.goto(`${suite.site.url}/profiles/manage`);
      await page.getByRole("heading", { level: 1, name: "إدارة الملفات الشخصية" }).waitFor();
      await openShortcuts(page, "اختصارات لوحة المفاتيح");
      assert.deepEqual(await notArabic(page, ".help-card"), [], "keyboard shortcuts");
      await page.keyboard.press("Escape");
      // A title that is not there: the error screen, in Arabic, its code kept as it is for support.
      await page.goto(`${suite.site.url}/watch/999999`);
      await page.getByRole("heading", { name: "العمل غير موجود" }).waitFor();
      assert.deepEqual(await notArabic(page, ".player-error"), [], "error screen");
      assert.equal(await page.locator(".player-error code").innerText(), "title_not_found");
      // The offline player's refusal (a download not on this device) is worded in Arabic too.
      await page.goto(`${suite.site.url}/downloads/not-on-this-device`);
      await page.getByRole("heading", { name: "غير موجود على هذا الجهاز" }).waitFor();
      assert.deepEqual(await notArabic(page, ".player-error"), [], "offline refusal");
      assert.equal(await page.locator(".player-error code").innerText(), "download_not_found");
    }
    await context.close();

    const out = await signedOut("ar", viewport);
    await out.page.getByRole("heading", { level: 1, name: "تسجيل الدخول" }).waitFor();
    assert.deepEqual(await htmlLangDir(out.page), ["ar", "rtl"]);
    // A wrong password is told in Arabic, from the error code, not the server's English message.
    await out.page.getByLabel("البريد الإلكتروني").fill("nobody@marquee.local");
    await out.page.getByLabel("كلمة المرور").fill("not-the-password");
    await out.page.getByRole("button", { name: "تسجيل الدخول" }).click();
    await out.page.getByRole("alert").filter({ hasText: "البريد الإلكتروني أو كلمة المرور غير صحيحة." }).waitFor();
    assert.deepEqual(await notArabic(out.page, "main"), [], `sign-in (${size})`);
    await out.page.screenshot({ path: `${SCREENSHOTS}/i18n-ar-signin-${size}.png` });
    await out.context.close();
  }
});

test("in the pseudo-locale, Account, the profile picker, sign-in and the player's overlays show no unlocalised English", async () => {
  const { context, page } = await signedIn("Alex", "en-XA");
  const genres = ((await api(page, "GET", "/api/catalog/genres")).json.items as { name: string }[]).map((g) => g.name);
  await page.goto(`${suite.site.url}/account`);
  await page.locator("html[lang=en-XA]").waitFor({ state: "attached" });
  await page.locator(".qoe-consent input").waitFor();
  assert.deepEqual(await unlocalised(page, genres), [], "Account");
  assert.deepEqual(await overflowing(page), [], "Account");
  await page.goto(`${suite.site.url}/profiles`);
  await page.locator(".profile-choice").first().waitFor();
  assert.deepEqual(await unlocalised(page, genres), [], "profile picker");
  await openShortcuts(page, pseudoString("Keyboard shortcuts"));
  assert.deepEqual(await unlocalised(page, genres), [], "keyboard shortcuts");
  await page.keyboard.press("Escape");
  await page.goto(`${suite.site.url}/watch/999999`);
  await page.locator(".player-error h2").waitFor();
  assert.deepEqual(await unlocalised(page, genres), [], "error screen");
  await page.goto(`${suite.site.url}/downloads/not-on-this-device`);
  await page.locator(".player-error h2").filter({ hasText: pseudoString("Not on this device") }).waitFor();
  assert.deepEqual(await unlocalised(page, genres), [], "offline refusal");
  await context.close();

  const out = await signedOut("en-XA", VIEWPORTS.phone);
  await out.page.locator(".auth-card h1").waitFor();
  assert.deepEqual(await unlocalised(out.page, genres), [], "sign-in");
  assert.deepEqual(await overflowing(out.page), [], "sign-in");
  await out.context.close();
});

test("Home, a title page, the player and Account in Arabic and the pseudo-locale at phone, desktop and TV sizes (screenshots); nothing overflows in the pseudo-locale", async () => {
  for (const language of ["ar", "en-XA"]) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { context, page } = await signedIn("Alex", language, viewport);
      const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}/i18n-${language}-${name}-${size}-all.png` });
      const checkOverflow = async (where: string) => {
        if (language === "en-XA") assert.deepEqual(await overflowing(page), [], `${where} (${size})`);
      };
      await page.goto(`${suite.site.url}/`);
      await page.locator(`html[lang=${language}]`).waitFor({ state: "attached" });
      await page.locator("section.row a.tile").first().waitFor();
      await checkOverflow("Home");
      await shot("home");
      await page.goto(`${suite.site.url}/title/${ORBITFALL}`);
      await page.locator(".play-button").waitFor();
      await checkOverflow("title page");
      await shot("title");
      await page.goto(`${suite.site.url}/account`);
      await page.locator(".facts-list time").waitFor();
      await checkOverflow("Account");
      await shot("account");
      await page.goto(`${suite.site.url}/watch/${ORBITFALL}`);
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0.2, undefined, { timeout: 60_000 });
      // The controls show on pointer movement; the screenshot is of the player as a viewer sees it then.
      await page.mouse.move(viewport.width / 2, viewport.height / 2);
      await page.mouse.move(viewport.width / 2 + 10, viewport.height / 2 + 10);
      await page.locator(".player-toolbar").waitFor();
      assert.deepEqual(await htmlLangDir(page), [language, language === "ar" ? "rtl" : "ltr"]);
      await checkOverflow("player");
      await shot("player");
      await context.close();
    }
  }
});
