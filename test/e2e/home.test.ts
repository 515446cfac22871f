/**
 * Home in Chromium for the demo household: the Kids profile's rows stay within
 * its ceiling; a fresh adult profile is asked to pick three titles and then
 * gets personal rows; finishing a film takes it out of every row while a film
 * in progress shows in Continue Watching; and two devices of one account: a
 * pause on one is offered as the resume position on the other within 2 s.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { DEMO_ACCOUNT } from "../../tools/dev/demo-account.ts";
import { api, browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

const suite = browserSuite(8803);

/** A browser context signed in as the demo account with `profile` chosen. */
async function signedIn(profile: string, options: { viewport?: { width: number; height: number }; userAgent?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await suite.open("/browse", options);
  const signin = await api(page, "POST", "/api/auth/signin", { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
  assert.equal(signin.status, 200, JSON.stringify(signin.json));
  const id = (signin.json.profiles as { id: string; name: string }[]).find((p) => p.name === profile)!.id;
  assert.equal((await api(page, "POST", `/api/profiles/${id}/select`, {})).status, 200);
  return { context, page };
}

/** Title ids of the rendered tiles of Home's rows (Continue Watching apart), after the rows have loaded. */
async function homeTiles(page: Page): Promise<{ rows: Map<string, number[]>; continuing: number[] }> {
  await page.goto(`${suite.site.url}/`);
  await page.locator(".row a.tile, .onboarding").first().waitFor();
  const rows = new Map<string, number[]>();
  for (const section of await page.locator("section.row:not(.continue-row)").all()) {
    const heading = (await section.locator("h2").textContent()) ?? "";
    rows.set(heading, (await section.locator("a.tile").evaluateAll((as) => as.map((a) => Number(a.getAttribute("data-title-id"))))));
  }
  const continuing = await page.locator(".continue-row a.tile").evaluateAll((as) => as.map((a) => Number(a.getAttribute("data-title-id"))));
  return { rows, continuing };
}

test("the Kids profile's home holds only titles within its ceiling", async () => {
  const { context, page } = await signedIn("Kids");
  const { rows } = await homeTiles(page);
  assert.ok(rows.size >= 1, "the kids home has rows");
  const ids = [...new Set([...rows.values()].flat())];
  assert.ok(ids.length >= 4);
  for (const id of ids) {
    const detail = await api(page, "GET", `/api/catalog/titles/${id}`);
    assert.equal(detail.status, 200, `title ${id} is visible to the kids profile`);
    assert.ok(detail.json.maturity.age <= 7, `title ${id} (${detail.json.title}) is rated ${detail.json.maturity.label}`);
  }
  await page.screenshot({ path: `${SCREENSHOTS}/home-kids-desktop.png` });
  await context.close();
});

test("a new adult profile picks three titles it likes, then gets personal rows", async () => {
  const { context, page } = await signedIn("Sam", { viewport: VIEWPORTS.tv });
  await page.goto(`${suite.site.url}/`);
  const onboarding = page.getByRole("region", { name: "Pick three you like" });
  await onboarding.waitFor();
  await page.screenshot({ path: `${SCREENSHOTS}/home-onboarding-tv.png` });
  const choices = onboarding.locator(".onboarding-choice");
  assert.ok((await choices.count()) >= 3);
  const done = page.getByRole("button", { name: "Done" });
  for (let i = 0; i < 3; i++) {
    assert.equal(await done.isDisabled(), true, "Done waits for three picks");
    await choices.nth(i).click();
  }
  await done.click();
  await onboarding.waitFor({ state: "detached" });
  await page.locator(".row a.tile").first().waitFor();
  const headings = await page.locator("section.row h2").allTextContents();
  assert.ok(headings.some((h) => /^Because you liked /.test(h) || h === "Picked for you"), `personal rows: ${headings.join(" | ")}`);
  await context.close();
});

test("finishing a film takes it out of the rows; a film in progress shows in Continue Watching", async () => {
  const { context, page } = await signedIn("Alex");
  const before = await homeTiles(page);
  if (before.rows.size === 0) {
    // Alex may be new too: skip the onboarding step.
    assert.equal((await api(page, "POST", "/api/home/onboarding", { titleIds: [] })).status, 200);
  }
  const films = (await api(page, "GET", "/api/catalog/titles?type=movie&limit=50")).json.items as { id: number }[];
  const shown = new Set([...(await homeTiles(page)).rows.values()].flat());
  const [finish, inProgress] = films.map((f) => f.id).filter((id) => shown.has(id));
  assert.ok(finish && inProgress, "two films shown on Home");
  const save = (titleId: number, positionSeconds: number) =>
    api(page, "POST", "/api/progress", { opId: crypto.randomUUID(), titleId, positionSeconds, durationSeconds: 12, clientTime: Date.now(), deviceId: "home-test-device", deviceName: "Laptop" });
  assert.equal((await save(inProgress, 5)).status, 200);
  const finished = await save(finish, 12);
  assert.equal(finished.json.entry.finished, true);
  const after = await homeTiles(page);
  assert.ok(![...after.rows.values()].flat().includes(finish), "the finished film is in no row");
  assert.deepEqual(after.continuing, [inProgress]);
  assert.ok(![...after.rows.values()].slice(0, 2).flat().includes(inProgress), "the film in progress is not repeated at the top");
  await page.screenshot({ path: `${SCREENSHOTS}/home-continue-desktop.png` });
  await context.close();
});

test("two devices of one account: a pause on the TV is offered on the laptop within 2 s", async () => {
  const tv = await signedIn("Alex", { viewport: VIEWPORTS.tv, userAgent: "Mozilla/5.0 (SMART-TV; Linux; Tizen 8.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" });
  const laptop = await signedIn("Alex");
  // The laptop opens the film and pauses at the start.
  await laptop.page.goto(`${suite.site.url}/watch/1`);
  await laptop.page.waitForFunction(() => { const v = document.querySelector("video"); return !!v && v.readyState >= 2; });
  await laptop.page.evaluate(() => { const v = document.querySelector("video")!; v.pause(); v.currentTime = 0; });
  // The TV plays past 8 s and pauses: its pause is saved.
  await tv.page.goto(`${suite.site.url}/watch/1`);
  await tv.page.waitForFunction(() => { const v = document.querySelector("video"); return !!v && v.readyState >= 2; });
  await tv.page.evaluate(() => { const v = document.querySelector("video")!; v.currentTime = 8; v.play().catch(() => {}); }); // a later pause() may interrupt it: not a page error
  await tv.page.waitForFunction(() => { const v = document.querySelector("video")!; return !v.paused && v.currentTime >= 8.2; });
  const saved = tv.page.waitForResponse((r) => r.url().endsWith("/api/progress") && r.request().method() === "POST" && JSON.parse(r.request().postData() ?? "{}").event === "pause");
  await tv.page.keyboard.press("k");
  const response = await saved;
  assert.equal(response.status(), 200);
  const savedAt = Date.now();
  const offer = laptop.page.getByRole("button", { name: /^Resume from 0:0[89] \(watched on TV\)$/ });
  // No timed assertion (a loaded machine is not a failure): the delay is measured and printed.
  await offer.waitFor();
  console.log(`# resume offered on the other device ${Date.now() - savedAt} ms after the pause was saved`);
  await laptop.page.screenshot({ path: `${SCREENSHOTS}/sync-offer-desktop.png` });
  await tv.context.close();
  await laptop.context.close();
});

test("Home and the title page follow another device live: Continue Watching, \"Resume · … left\" and a bar per episode", async () => {
  // A profile of its own, chosen in two contexts (a laptop and a phone) of one account.
  const laptop = await signedIn("Alex");
  const created = await api(laptop.page, "POST", "/api/profiles", { name: "Robin" });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const choose = async (page: Page) => assert.equal((await api(page, "POST", `/api/profiles/${created.json.id}/select`, {})).status, 200);
  await choose(laptop.page);
  const phone = await signedIn("Alex", { viewport: VIEWPORTS.phone });
  await choose(phone.page);
  const film = 12; // The Last Cartographer
  const series = 6; // The Clockmaker's Apprentice
  const episode = (await api(phone.page, "GET", `/api/catalog/titles/${series}`)).json.seasons[0].episodes[2] as { id: number; number: number };
  const save = (titleId: number, positionSeconds: number, episodeId?: number) =>
    api(phone.page, "POST", "/api/progress", { opId: crypto.randomUUID(), titleId, episodeId, positionSeconds, durationSeconds: 12, clientTime: Date.now(), deviceId: "live-phone-device", deviceName: "Phone" });

  // The laptop has Home and the film's title page open; neither is reloaded or hidden below.
  const home = laptop.page;
  await home.goto(`${suite.site.url}/`);
  await home.locator(".row a.tile, .onboarding").first().waitFor();
  assert.equal(await home.locator(".continue-row").count(), 0);
  const title = await laptop.context.newPage();
  await title.goto(`${suite.site.url}/title/${film}`);
  await title.getByRole("heading", { level: 1 }).waitFor();
  assert.equal(await title.locator(".resume-state").count(), 0, "nothing to resume yet");
  // A save made before a page's socket opens is caught up when it opens; after, it is pushed.
  assert.equal((await save(film, 8)).status, 200);
  const savedAt = Date.now();
  await home.locator(`.continue-row a.tile[data-title-id="${film}"]`).waitFor();
  console.log(`# Continue Watching updated ${Date.now() - savedAt} ms after the other device saved`);
  const resume = title.locator(".resume-state");
  await resume.getByText("Resume · 4 sec left").waitFor();
  console.log(`# the title page showed the resume state ${Date.now() - savedAt} ms after the save`);
  assert.equal(await resume.getByRole("progressbar").getAttribute("aria-valuenow"), "67");
  assert.match(await title.locator(".play-button").innerText(), /Resume/);

  // A series: the episode in progress, and a bar on that episode.
  await title.goto(`${suite.site.url}/title/${series}`);
  await title.locator(".episode").first().waitFor();
  assert.equal((await save(series, 6, episode.id)).status, 200);
  await title.locator(".resume-state").getByText(`S1:E${episode.number}`).waitFor();
  const bar = title.locator(`.episode[data-episode-id="${episode.id}"] .watch-progress`);
  await bar.waitFor();
  assert.equal(await bar.getAttribute("aria-valuenow"), "50");
  assert.equal(await title.locator(".episode .watch-progress").count(), 1, "only the episode watched has a bar");
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await title.setViewportSize(viewport);
    await title.screenshot({ path: `${SCREENSHOTS}/title-resume-${size}.png` });
  }
  await home.screenshot({ path: `${SCREENSHOTS}/home-live-continue-desktop.png` });
  await laptop.context.close();
  await phone.context.close();
});
