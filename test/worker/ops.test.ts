/**
 * The operations console's API: only operator accounts get in (403 for a
 * signed-in viewer and for nobody at all); an operator sees the views that
 * beacons reported, with the right startup time and rebuffering, once there
 * are at least 5; fewer stay hidden; bad queries are 400.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { QoeBeacon } from "../../common/qoe.ts";
import { grantOperator } from "../../worker/db/qoe.ts";
import { QOE_SHARDS, shardByIndex } from "../../worker/qoe/stub.ts";
import { call, db } from "./helpers.ts";
import { TestBrowser } from "./session-client.ts";

let n = 0;
const viewId = () => `ops-${Date.now().toString(36)}-${(n++).toString(36).padStart(8, "0")}`;

async function operator(): Promise<TestBrowser> {
  const b = new TestBrowser();
  const { email } = await b.signUp();
  expect(await grantOperator(db(), email, Date.now())).toBe(true);
  return b;
}

/** One started view of `titleId` with a 600 ms start and a 2 s stall in 20 s, sent in two beacons. */
async function view(titleId: number, pathway: string): Promise<void> {
  const id = viewId();
  const send = (b: QoeBeacon) => call("/api/qoe", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b), country: "NL" });
  const base = { v: 1 as const, viewId: id, titleId, device: "tv" as const, player: "web-ops" };
  expect((await send({ ...base, seq: 0, events: [{ type: "intent", t: 0 }, { type: "pathway", t: 0, pathway }, { type: "rendition", t: 0, kbps: 1500, height: 480 }, { type: "firstframe", t: 600 }] })).status).toBe(202);
  expect((await send({ ...base, seq: 1, events: [{ type: "stall", t: 10_000 }, { type: "unstall", t: 12_000 }, { type: "exit", t: 20_600 }] })).status).toBe(202);
}

async function flushAll(): Promise<void> {
  for (let i = 0; i < QOE_SHARDS; i++) await shardByIndex(env, i).sweep(Date.now());
}

describe("/api/ops access", () => {
  it("refuses a signed-in account that is not an operator with 403 not_operator", async () => {
    const b = new TestBrowser();
    await b.signUp();
    for (const path of ["/api/ops/series", "/api/ops/breakdown?by=title", "/api/ops/alerts"]) {
      const r = await b.json(path);
      expect(r.status, path).toBe(403);
      expect(r.body.error.code).toBe("not_operator");
    }
  });

  it("refuses a signed-out request with 403 too", async () => {
    const res = await call("/api/ops/series");
    expect(res.status).toBe(403);
  });

  it("lets an operator in, and answers 400 to a bad query", async () => {
    const b = await operator();
    expect((await b.json("/api/ops/series?range=1h")).status).toBe(200);
    expect((await b.json("/api/ops/series?range=7y")).status).toBe(400);
    expect((await b.json("/api/ops/breakdown?by=ip")).status).toBe(400);
    expect((await b.json("/api/ops/series?country=nl")).status).toBe(400);
  });
});

describe("/api/ops metrics", () => {
  it("shows 5 reported views in the live hour with their startup time and rebuffering, by title and pathway; 4 views of another title stay hidden", async () => {
    const b = await operator();
    const shownTitle = 990_001;
    const hiddenTitle = 990_002;
    for (let i = 0; i < 5; i++) await view(shownTitle, "b");
    for (let i = 0; i < 4; i++) await view(hiddenTitle, "b");
    await flushAll();
    const series = (await b.json(`/api/ops/series?range=1h&title=${shownTitle}`)).body;
    expect(series.points).toHaveLength(60);
    expect(series.totals).toMatchObject({ views: 5, failurePct: 0, exitBeforeStartPct: 0 });
    // 600 ms start: the log bucket's upper bound, within 19 %.
    expect(series.totals.startupMs).toBeGreaterThanOrEqual(600);
    expect(series.totals.startupMs).toBeLessThan(600 * 1.19);
    // 2 s rebuffering in 20.6 s of watch time per view.
    expect(series.totals.rebufferPct).toBeCloseTo((100 * 2000) / 20_600, 6);
    expect(series.totals.bitrateKbps).toBe(1500);
    const hidden = (await b.json(`/api/ops/series?range=1h&title=${hiddenTitle}`)).body;
    expect(hidden.totals).toBeNull();
    expect(hidden.points.every((p: { views: number | null }) => p.views === null)).toBe(true);
    const byPathway = (await b.json(`/api/ops/breakdown?by=pathway&title=${shownTitle}`)).body;
    expect(byPathway.rows.map((r: { value: string }) => r.value)).toEqual(["b"]);
    const byTitle = (await b.json("/api/ops/breakdown?by=title&limit=100")).body.rows.map((r: { value: number }) => r.value);
    expect(byTitle).toContain(shownTitle);
    expect(byTitle).not.toContain(hiddenTitle);
  });
});

describe("/api/ops/alerts", () => {
  const RULE = { name: "Rebuffering on b in DE", metric: "rebufferPct", op: "above", threshold: 2, windowMinutes: 5, pathway: "b", country: "DE" };

  it("lets an operator create, list, edit and delete alert rules; a non-operator can do none of it", async () => {
    const b = await operator();
    const created = await b.json("/api/ops/alerts", { method: "POST", body: RULE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...RULE, minViews: 5, titleId: null, device: null, enabled: true, firing: false });
    const id = created.body.id as number;
    const listed = (await b.json("/api/ops/alerts")).body;
    expect(listed.rules.map((r: { id: number }) => r.id)).toContain(id);
    expect(listed.webhookConfigured).toBe(false);
    const edited = await b.json(`/api/ops/alerts/${id}`, { method: "PUT", body: { ...RULE, threshold: 3, enabled: false } });
    expect(edited.body).toMatchObject({ id, threshold: 3, enabled: false });
    const viewer = new TestBrowser();
    await viewer.signUp();
    expect((await viewer.json("/api/ops/alerts", { method: "POST", body: RULE })).status).toBe(403);
    expect((await viewer.json(`/api/ops/alerts/${id}`, { method: "DELETE" })).status).toBe(403);
    expect((await b.json(`/api/ops/alerts/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await b.json(`/api/ops/alerts/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await b.json(`/api/ops/alerts/${id}`, { method: "PUT", body: RULE })).status).toBe(404);
  });

  it("answers 400 to a rule it cannot evaluate, never 500", async () => {
    const b = await operator();
    const bad: unknown[] = [
      { ...RULE, metric: "ip" },
      { ...RULE, op: "equals" },
      { ...RULE, threshold: "2" },
      { ...RULE, windowMinutes: 0 },
      { ...RULE, windowMinutes: 61 },
      { ...RULE, minViews: 4 },
      { ...RULE, country: "de" },
      { ...RULE, name: "" },
      { ...RULE, extra: 1 },
      "not json",
      [],
    ];
    for (const body of bad) {
      const r = await b.json("/api/ops/alerts", { method: "POST", body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toMatch(/^(invalid_json|bad_request|invalid_[a-z]+)$/);
    }
    expect((await b.json("/api/ops/alerts/abc", { method: "DELETE" })).status).toBe(400);
  });

  it("answers fuzzed rules (every field sometimes wrong) with 201 or a 4xx envelope, never 5xx", async () => {
    const b = await operator();
    const field = <T,>(good: fc.Arbitrary<T>) => fc.oneof(good, fc.anything(), fc.constant(undefined));
    const body = fc.record({
      name: field(fc.string({ maxLength: 90 })),
      metric: field(fc.constantFrom("rebufferPct", "failurePct", "startupMs", "qualityScore", "views")),
      op: field(fc.constantFrom("above", "below")),
      threshold: field(fc.double()),
      windowMinutes: field(fc.integer({ min: -5, max: 100 })),
      minViews: field(fc.integer({ min: 0, max: 20 })),
      pathway: field(fc.stringMatching(/^[a-z]{0,3}$/)),
      country: field(fc.constantFrom("DE", "de", "")),
      titleId: field(fc.integer()),
    });
    await fc.assert(
      fc.asyncProperty(body, async (rule) => {
        const r = await b.json("/api/ops/alerts", { method: "POST", body: JSON.stringify(rule) });
        expect([201, 400]).toContain(r.status);
        if (r.status === 400) expect(typeof r.body.error.code).toBe("string");
        else await b.json(`/api/ops/alerts/${r.body.id}`, { method: "DELETE" });
      }),
      { numRuns: 60 },
    );
  });
});
