/**
 * Home-row click-through through HTTP (`POST /api/qoe/rows`) into real QoeShard
 * objects and D1, and out through `GET /api/ops/home-rows`: bad batches are 4xx
 * (never 5xx, fuzzed), a retried batch counts once, sums add up per day, row kind
 * and device at the shard's sweep, GPC stores nothing, the console shows plays ÷
 * showings per row only from 5 showings, and days go after 13 months.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HomeRowBatch } from "../../../common/home-rows.ts";
import { addHomeRowDays } from "../../../worker/db/home-rows.ts";
import { grantOperator } from "../../../worker/db/qoe.ts";
import { homeRowDays } from "../../../worker/db/schema.ts";
import { epochDay } from "../../../worker/qoe/home-rows.ts";
import { QOE_SHARDS, qoeShard, shardByIndex } from "../../../worker/qoe/stub.ts";
import { call, db } from "../helpers.ts";
import { TestBrowser } from "../session-client.ts";

let n = 0;
const batchId = () => `rows-${Date.now().toString(36)}-${(n++).toString(36).padStart(8, "0")}`;

function post(body: unknown, headers: Record<string, string> = {}) {
  return call("/api/qoe/rows", { method: "POST", headers: { "content-type": "text/plain", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

async function flushAll(nowMs = Date.now()): Promise<void> {
  for (let i = 0; i < QOE_SHARDS; i++) await shardByIndex(env, i).sweep(nowMs);
}

/** D1's sums of one row kind on one device today. */
async function today(row: string, device: string) {
  const r = await db()
    .select()
    .from(homeRowDays)
    .where(and(eq(homeRowDays.day, epochDay(Date.now())), eq(homeRowDays.row, row), eq(homeRowDays.device, device)))
    .get();
  return { rowViews: r?.rowViews ?? 0, tileViews: r?.tileViews ?? 0, plays: r?.plays ?? 0 };
}

const batch = (over: Partial<HomeRowBatch> = {}): HomeRowBatch => ({ v: 1, batchId: batchId(), device: "phone", shown: [], plays: [], ...over });

describe("POST /api/qoe/rows", () => {
  it("refuses malformed batches with 4xx and a JSON error", async () => {
    const cases: [unknown, string][] = [
      ["not json", "invalid_json"],
      [{ ...batch(), shown: [{ row: "trending", titleId: 1 }], v: 2 }, "invalid_beacon"],
      [{ ...batch({ shown: [{ row: "sideways", titleId: 1 }] as never }) }, "invalid_beacon"],
      [{ ...batch({ shown: [{ row: "trending", titleId: -1 }] }) }, "invalid_beacon"],
      [{ ...batch({ shown: [{ row: "trending", titleId: 1 }] }), batchId: "short" }, "invalid_beacon"],
      [{ ...batch({ shown: [{ row: "trending", titleId: 1 }] }), device: "fridge" }, "invalid_beacon"],
      [{ ...batch({ shown: [{ row: "trending", titleId: 1 }] }), account: "a@b.c" }, "invalid_beacon"],
      [{ ...batch({ shown: [{ row: "trending", titleId: 1, position: 3 }] as never }) }, "invalid_beacon"],
      [batch(), "invalid_beacon"],
      [batch({ shown: Array.from({ length: 150 }, (_, i) => ({ row: "trending" as const, titleId: i + 1 })), plays: Array.from({ length: 60 }, (_, i) => ({ row: "trending" as const, titleId: i + 1 })) }), "invalid_beacon"],
    ];
    for (const [body, code] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const xml = await post(JSON.stringify(batch({ plays: [{ row: "hero", titleId: 1 }] })), { "content-type": "application/xml" });
    expect(xml.status).toBe(415);
  });

  it("never answers 5xx to any JSON (fuzzed)", async () => {
    const item = fc.record({ row: fc.oneof(fc.constantFrom("hero", "trending", "genre"), fc.string()), titleId: fc.oneof(fc.integer(), fc.double(), fc.string()), first: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), fc.record({ v: fc.constantFrom(1, 2), batchId: fc.oneof(fc.constant(batchId()), fc.string()), device: fc.constantFrom("tv", "x"), shown: fc.array(item, { maxLength: 5 }), plays: fc.array(item, { maxLength: 5 }) }, { requiredKeys: [] })),
        async (body) => {
          const res = await post(JSON.stringify(body) ?? "null");
          expect(res.status).toBeLessThan(500);
          expect([202, 400]).toContain(res.status);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("counts a retried batch once: the same id again answers stored false and adds nothing", async () => {
    const b = batch({ device: "tv", shown: [{ row: "my-list", titleId: 3, first: true }, { row: "my-list", titleId: 4 }], plays: [{ row: "my-list", titleId: 4 }] });
    const before = await today("my-list", "tv");
    expect(await (await post(b)).json()).toEqual({ stored: true });
    expect(await (await post(b)).json()).toEqual({ stored: false, reason: "duplicate" });
    await flushAll();
    expect(await post(b).then((r) => r.json())).toEqual({ stored: false, reason: "duplicate" });
    await flushAll();
    const after = await today("my-list", "tv");
    expect({ rowViews: after.rowViews - before.rowViews, tileViews: after.tileViews - before.tileViews, plays: after.plays - before.plays }).toEqual({ rowViews: 1, tileViews: 2, plays: 1 });
  });

  it("adds batches up per day, row kind and device in D1 at the shards' sweep, and nothing before it", async () => {
    const before = { trending: await today("trending", "desktop"), genre: await today("genre", "desktop"), trendingPhone: await today("trending", "phone") };
    const visits = [
      batch({ device: "desktop", shown: [{ row: "trending", titleId: 1, first: true }, { row: "trending", titleId: 2 }, { row: "genre", titleId: 5, first: true }] }),
      batch({ device: "desktop", shown: [{ row: "genre", titleId: 6, first: true }], plays: [{ row: "trending", titleId: 2 }] }),
      batch({ device: "phone", shown: [{ row: "trending", titleId: 1, first: true }] }),
    ];
    for (const v of visits) expect((await post(v)).status).toBe(202);
    expect(await today("trending", "desktop")).toEqual(before.trending);
    await flushAll();
    const delta = (a: { rowViews: number; tileViews: number; plays: number }, b: typeof a) => ({ rowViews: a.rowViews - b.rowViews, tileViews: a.tileViews - b.tileViews, plays: a.plays - b.plays });
    expect(delta(await today("trending", "desktop"), before.trending)).toEqual({ rowViews: 1, tileViews: 2, plays: 1 });
    expect(delta(await today("genre", "desktop"), before.genre)).toEqual({ rowViews: 2, tileViews: 2, plays: 0 });
    expect(delta(await today("trending", "phone"), before.trendingPhone)).toEqual({ rowViews: 1, tileViews: 1, plays: 0 });

    // A batch taken yesterday lands on yesterday's day.
    const yesterday = Date.now() - 86_400_000;
    const b = batch({ device: "desktop", shown: [{ row: "popular", titleId: 9, first: true }] });
    expect(await qoeShard(env, b.batchId).ingestRows(b, yesterday)).toBe(true);
    await qoeShard(env, b.batchId).sweep(Date.now());
    const day = await db().select().from(homeRowDays).where(and(eq(homeRowDays.row, "popular"), eq(homeRowDays.day, epochDay(yesterday)))).get();
    expect(day).toMatchObject({ rowViews: 1, tileViews: 1, plays: 0 });
  });

  it("stores nothing with Global Privacy Control", async () => {
    const before = await today("new-releases", "tv");
    const res = await post(batch({ device: "tv", shown: [{ row: "new-releases", titleId: 1, first: true }] }), { "sec-gpc": "1" });
    expect(await res.json()).toEqual({ stored: false, reason: "gpc" });
    await flushAll();
    expect(await today("new-releases", "tv")).toEqual(before);
  });

  it("deletes days older than 13 months when a shard flushes", async () => {
    const old = epochDay(Date.UTC(2020, 0, 1));
    await addHomeRowDays(db(), [{ day: old, row: "hero", device: "tv", rowViews: 7, tileViews: 7, plays: 1 }]);
    const b = batch({ device: "tv", shown: [{ row: "hero", titleId: 1, first: true }] });
    expect((await post(b)).status).toBe(202);
    await qoeShard(env, b.batchId).sweep(Date.now());
    expect(await db().select().from(homeRowDays).where(eq(homeRowDays.day, old)).all()).toEqual([]);
  });
});

describe("GET /api/ops/home-rows", () => {
  it("gives an operator each row kind's plays ÷ showings, hiding kinds shown fewer than 5 times; others get 403, bad queries 400", async () => {
    // Seven showings of Continue Watching on TV with two plays; three of "picked-for-you" (too few to show).
    for (let i = 0; i < 7; i++) {
      const plays = i < 2 ? [{ row: "continue" as const, titleId: 10 + i }] : [];
      expect((await post(batch({ device: "tv", shown: [{ row: "continue", titleId: 10 + i, first: true }, { row: "continue", titleId: 20 + i }], plays }))).status).toBe(202);
    }
    for (let i = 0; i < 3; i++) expect((await post(batch({ device: "tv", shown: [{ row: "picked-for-you", titleId: 1, first: true }] }))).status).toBe(202);
    await flushAll();

    const viewer = new TestBrowser();
    await viewer.signUp();
    expect((await viewer.json("/api/ops/home-rows")).status).toBe(403);
    expect((await call("/api/ops/home-rows")).status).toBe(403);

    const ops = new TestBrowser();
    const { email } = await ops.signUp();
    expect(await grantOperator(db(), email, Date.now())).toBe(true);
    const r = await ops.json("/api/ops/home-rows?days=1&device=tv");
    expect(r.status).toBe(200);
    const rows = r.body.rows as { row: string; rowViews: number; tileViews: number; plays: number; ctrPct: number; tileCtrPct: number }[];
    expect(rows.find((x) => x.row === "continue")).toEqual({ row: "continue", rowViews: 7, tileViews: 14, plays: 2, ctrPct: (100 * 2) / 7, tileCtrPct: (100 * 2) / 14 });
    expect(rows.find((x) => x.row === "picked-for-you")).toBeUndefined();
    for (const bad of ["days=0", "days=91", "days=x", "device=fridge"]) expect((await ops.json(`/api/ops/home-rows?${bad}`)).status, bad).toBe(400);
  });
});
