/**
 * The operations console in Chromium: real QoE traffic (beacons posted through
 * the real API, as the player sends them) reaches the shards, their rollups
 * reach D1, and an operator made with `npm run admin -- grant` sees the figures
 * on /ops — totals hand-computed from the event streams, a uPlot chart per
 * metric, the tables — then writes an alert rule on the console, the cron
 * (wrangler dev's `/cdn-cgi/local/scheduled`) finds it breached, the webhook (a receiver in this process)
 * gets the event and the console shows the rule firing. Home visits report which
 * rows were shown and a play started from the hero, and the console's click-through
 * table shows that row's plays ÷ showings. An account that is not
 * an operator is told so. The shards flush after 1 s here (QOE_FLUSH_SECONDS,
 * development only), so the figures are there in seconds.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import type { HomeRowBatch } from "../../common/home-rows.ts";
import { bucketUpperMs, histogramBucket, type QoeBeacon, type QoeEvent } from "../../common/qoe.ts";
import { root } from "../../tools/dev/server.ts";
import { api, browserSuite, SCREENSHOTS, VIEWPORTS } from "./browser.ts";

// The console needs the catalog and posted beacons, not the demo videos.
process.env.MARQUEE_DEMO_MEDIA ??= "0";

const BASE_PORT = 8851;
/** The alert webhook's receiver: the port after the site's. */
const RECEIVER_PORT = BASE_PORT + 1 + Number(process.env.E2E_PORT_OFFSET ?? 0);
const received: { text: string; alert: { state: string; rule: { name: string } } }[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "POST" && req.url === "/hook") received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    res.writeHead(204).end();
  });
});
before(() => new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, "127.0.0.1", resolve)));
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const suite = browserSuite(BASE_PORT, {
  media: false,
  vars: { QOE_FLUSH_SECONDS: "1", QOE_ALERT_WEBHOOK: `http://127.0.0.1:${RECEIVER_PORT}/hook` },
});

const PASSWORD = "correct horse battery";
const stamp = Date.now().toString(36);
const OPERATOR = `ops-${stamp}@example.com`;
const VIEWER = `viewer-${stamp}@example.com`;

/** Six views that start after 700 ms, rebuffer 1 s once and play to the end at 20.7 s; one that fails at 3 s before its first frame. */
const STARTUP_MS = 700;
const GOOD_VIEW: QoeEvent[] = [
  { type: "intent", t: 0 },
  { type: "pathway", t: 0, pathway: "a" },
  { type: "rendition", t: 0, kbps: 2000, height: 720 },
  { type: "firstframe", t: STARTUP_MS },
  { type: "stall", t: 5700 },
  { type: "unstall", t: 6700 },
  { type: "end", t: 20_700 },
  { type: "exit", t: 20_800 },
];
const FAILED_VIEW: QoeEvent[] = [
  { type: "intent", t: 0 },
  { type: "pathway", t: 0, pathway: "a" },
  { type: "error", t: 3000, code: "network_error", fatal: true },
  { type: "exit", t: 3000 },
];
const GOOD_VIEWS = 6;
/** Home visits before the console reads click-through (the console shows rows shown at least 5 times). */
const HOME_VISITS = 5;
// Watch time: each good view from intent to its end, the failed one until its error; rebuffering 1 s per good view.
const REBUFFER_PCT = (100 * GOOD_VIEWS * 1000) / (GOOD_VIEWS * 20_700 + 3000);

async function signUp(page: Page, email: string): Promise<void> {
  const r = await api(page, "POST", "/api/auth/signup", { email, password: PASSWORD, plan: "standard", profileName: "Ops" });
  assert.equal(r.status, 201, JSON.stringify(r.json));
}

/** Posts a view's events as the player does (text/plain, for sendBeacon), in two batches. */
async function postView(page: Page, titleId: number, events: QoeEvent[]): Promise<void> {
  const viewId = `e2e${crypto.randomUUID().replaceAll("-", "")}`;
  const half = Math.ceil(events.length / 2);
  for (const [seq, batch] of [events.slice(0, half), events.slice(half)].entries()) {
    const beacon: QoeBeacon = { v: 1, viewId, seq, titleId, device: "desktop", player: "web-e2e", events: batch };
    const status = await page.evaluate(async (body) => (await fetch("/api/qoe", { method: "POST", headers: { "content-type": "text/plain" }, body })).status, JSON.stringify(beacon));
    assert.equal(status, 202);
  }
}

/** Waits until the console's API counts `views` in the last hour (the shards flush within a second or two). */
async function untilFlushed(page: Page, views: number): Promise<void> {
  await page.waitForFunction(
    async (n) => ((await (await fetch("/api/ops/series?range=1h")).json()) as { totals: { views: number } | null }).totals?.views === n,
    views,
    { polling: 500, timeout: 60_000 },
  );
}

async function grantOperator(email: string): Promise<void> {
  const { stdout } = await promisify(execFile)(`${root}node_modules/.bin/node`, ["tools/admin/cli.ts", "grant", email, "--persist-to", suite.site.persistTo], { cwd: root });
  assert.match(stdout, /is an operator/);
}

test("an account that is not an operator is refused by the API and told so on /ops", async () => {
  const { page, errors } = await suite.open("/browse"); // not Home: the click-through counts only the visits below
  await signUp(page, VIEWER);
  assert.equal((await api(page, "GET", "/api/ops/series")).status, 403);
  await page.goto(`${suite.site.url}/ops`);
  await page.getByRole("heading", { name: "Not an operator" }).waitFor();
  assert.deepEqual(errors, []);
  await page.context().close();
});

test("an operator sees the played views on the console: totals, a uPlot chart per metric, the tables, and an alert rule that fires and is posted", async () => {
  const { page, errors } = await suite.open("/browse"); // not Home: the click-through counts only the visits below
  const titles = (await api(page, "GET", "/api/catalog/titles?sort=popular&limit=2")).json.items as { id: number; title: string }[];
  const [played, failed] = titles;
  assert.ok(played && failed);
  for (let i = 0; i < GOOD_VIEWS; i++) await postView(page, played.id, GOOD_VIEW);
  await postView(page, failed.id, FAILED_VIEW);

  // Five Home visits by a signed-out viewer; on the last one, Play on the hero.
  const visitor = await suite.open(null, { viewport: VIEWPORTS.desktop });
  const rowBatch = () => visitor.page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/qoe/rows");
  let heroTitle = 0;
  for (let visit = 0; visit < HOME_VISITS; visit++) {
    const sent = rowBatch();
    await visitor.page.goto(`${suite.site.url}/`);
    const batch = JSON.parse((await sent).postData() ?? "{}") as HomeRowBatch;
    assert.ok(batch.shown.some((s) => s.row === "hero" && s.first), "the hero was seen");
    heroTitle = batch.shown.find((s) => s.row === "hero")!.titleId;
  }
  const playBatch = rowBatch();
  await visitor.page.locator(".hero a", { hasText: /Play/ }).click();
  await visitor.page.waitForURL(/\/watch\//);
  assert.deepEqual((JSON.parse((await playBatch).postData() ?? "{}") as HomeRowBatch).plays, [{ row: "hero", titleId: heroTitle }]);
  assert.deepEqual(visitor.errors, []);
  await visitor.context.close();

  await signUp(page, OPERATOR);
  await grantOperator(OPERATOR);
  await untilFlushed(page, GOOD_VIEWS + 1);
  await page.waitForFunction(
    async (n) => ((await (await fetch("/api/ops/home-rows")).json()) as { rows: { row: string; rowViews: number; plays: number }[] }).rows.some((r) => r.row === "hero" && r.rowViews === n && r.plays === 1),
    HOME_VISITS,
    { polling: 500, timeout: 60_000 },
  );
  await page.goto(`${suite.site.url}/ops`);
  await page.getByRole("heading", { name: "Operations", level: 1 }).waitFor();

  // Totals, as computed by hand from the event streams above.
  const tile = (metric: string) => page.locator(`.ops-tile[data-metric="${metric}"]`);
  await tile("startupMs").and(page.locator("[data-value]:not([data-value=''])")).waitFor();
  const value = async (metric: string) => Number(await tile(metric).getAttribute("data-value"));
  assert.ok(Math.abs((await value("startupMs")) - bucketUpperMs(histogramBucket(STARTUP_MS))) < 1e-9, "the median startup is the 700 ms views' bucket");
  assert.ok(Math.abs((await value("failurePct")) - 100 / 7) < 1e-9, "one failure in seven views");
  assert.equal(await value("exitBeforeStartPct"), 0);
  assert.ok(Math.abs((await value("rebufferPct")) - REBUFFER_PCT) < 1e-9, `rebuffering ${REBUFFER_PCT} %`);
  assert.ok(Math.abs((await value("bitrateKbps")) - 2000) < 1e-9);
  assert.equal(await value("completionPct"), 100);
  await page.getByText(`${GOOD_VIEWS + 1} views`).waitFor();

  // uPlot drew each chart (a canvas of its own) with this minute's point.
  assert.equal(await page.locator(".ops-chart .uplot canvas").count(), 6);
  const plotted = await page.locator(".ops-chart[data-chart='rebufferPct'] .uplot").evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(plotted > 100, "the chart has its height");

  // The tables: top titles by name, the failing title, the pathway.
  const row = (table: string, value: string | number) => page.locator(`[data-table="${table}"] tr[data-value="${value}"]`);
  await row("top", played.id).waitFor();
  assert.match(await row("top", played.id).innerText(), new RegExp(`${played.title}\\s+${GOOD_VIEWS}\\b`));
  assert.equal(await page.locator('[data-table="failing"] tbody tr').count(), 0, "the failing title had one view: fewer than 5 are not shown");
  assert.match(await row("pathway", "a").innerText(), /\b7\b.*14\.3 %/s);
  assert.match(await row("device", "desktop").innerText(), /\b7\b/);

  // Click-through: the hero shown on five visits, one play from it.
  assert.match(await row("home-rows", "hero").innerText(), /Hero \(featured\)\s+5\s+5\s+1\s+20\.0 %\s+20\.0 %/);

  // An alert rule written on the console.
  const form = page.getByRole("form", { name: "New alert rule" });
  await form.getByLabel("Name").fill("Pathway a rebuffers");
  await form.getByLabel("Metric").selectOption("rebufferPct");
  await form.locator("select[name=op]").selectOption("above");
  await form.getByLabel("Threshold").fill("2");
  await form.getByLabel("For (minutes)").fill("5");
  await form.getByLabel("Pathway").fill("a");
  await form.getByRole("button", { name: "Add rule" }).click();
  const rule = page.locator(".ops-alert-rules tr", { hasText: "Pathway a rebuffers" });
  await rule.waitFor();
  assert.equal(await rule.getAttribute("data-state"), "ok");
  assert.match(await rule.innerText(), /Rebuffer percentage above 2 % over 5 min\s+pathway a/);

  // The minute's cron, a minute from now (the current minute is then a whole one in the rule's window).
  const cron = await fetch(`${suite.site.url}/cdn-cgi/local/scheduled?cron=*+*+*+*+*&time=${Date.now() + 60_000}`);
  assert.equal(cron.status, 200);
  // The cron's work may finish after its answer (waitUntil): the console shows it from then on.
  await page.waitForFunction(async () => ((await (await fetch("/api/ops/alerts")).json()) as { events: unknown[] }).events.length > 0, undefined, { polling: 500 });
  await page.reload();
  await page.locator('.ops-alert-rules tr[data-state="firing"]', { hasText: "Pathway a rebuffers" }).waitFor();
  assert.match(await rule.innerText(), /FIRING since/);
  await rule.getByRole("cell", { name: `${REBUFFER_PCT.toFixed(1)} %`, exact: true }).waitFor();
  await page.locator('.ops-alert-events li[data-event-state="firing"]', { hasText: "Pathway a rebuffers" }).waitFor();
  // Delivery follows the evaluation in the same cron run: the console says "posted" once the receiver took it.
  await page.reload();
  await page.locator('.ops-alert-events li[data-event-state="firing"]', { hasText: "posted" }).waitFor();
  assert.equal(received.length, 1, "the firing was posted once");
  assert.equal(received[0]!.alert.state, "firing");
  assert.match(received[0]!.text, /^\[FIRING\] Pathway a rebuffers: Rebuffer percentage 4\.7\d* % \(above 2 over 5 min, pathway a\)$/);

  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.locator(".ops-chart .uplot canvas").first().waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/ops-${size}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the console at ${size} is ${overflow}px wider than the viewport`);
  }
  assert.deepEqual(errors, []);
  await page.context().close();
});
