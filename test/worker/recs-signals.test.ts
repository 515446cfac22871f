/** recordSignals and the statistics readers against real D1 (worker/recs/signals.ts). */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { bulkInsert } from "../../worker/db/bulk.ts";
import { accounts, profiles } from "../../worker/db/schema.ts";
import { countHistory, emptyCoWatch, RECENT_TITLES } from "../../worker/recs/cowatch.ts";
import { readCoWatch, readTopTitles, readTrending, recordSignals, type SignalEvent } from "../../worker/recs/signals.ts";
import { db } from "./helpers.ts";
import { seedTitles } from "./media-fixtures.ts";

// Ids unique to this file.
const T = Array.from({ length: 40 }, (_, i) => 8600 + i);
const ACCOUNT = "recs-signals-account";
const P = ["recs-p1", "recs-p2", "recs-p3", "recs-p4"];
const DAY_MS = 86_400_000;
const NOW = Date.UTC(2031, 0, 15, 12);

beforeAll(async () => {
  await seedTitles(db(), T.map((id) => ({ id, title: `Signal title ${id}` })));
  await bulkInsert(db(), accounts, [
    { id: ACCOUNT, email: "recs-signals@example.com", passwordHash: "x", passwordSalt: "x", passwordIterations: 1, createdAt: NOW },
  ]);
  await bulkInsert(db(), profiles, P.map((id, i) => ({ id, accountId: ACCOUNT, name: `Viewer ${i}`, createdAt: NOW })));
});

/** Counts D1 statements by wrapping the binding's prepare (the real D1 still runs them). */
async function countingStatements<T>(run: (d: ReturnType<typeof db>) => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const d1 = env.DB;
  const wrapped = new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (q: string) => (statements++, target.prepare(q));
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const { database } = await import("../../worker/db/client.ts");
  const result = await run(database(wrapped));
  return { result, statements };
}

const view = (profileId: string, titleId: number, atMs: number, country = "FR"): SignalEvent => ({ profileId, titleId, country, kind: "view", atMs });

describe("recordSignals", () => {
  it("aggregates views and completions per title, country and UTC day, adding to what is stored", async () => {
    const [a, b] = [T[0]!, T[1]!];
    await recordSignals(db(), [
      view(P[0]!, a, NOW), view(P[1]!, a, NOW + 1000), { profileId: P[0]!, titleId: a, country: "FR", kind: "complete", atMs: NOW + 2000 },
      view(P[2]!, a, NOW, "DE"), view(P[0]!, b, NOW - DAY_MS),
    ]);
    await recordSignals(db(), [view(P[3]!, a, NOW + 3000)]);
    const rows = await db().all<{ title_id: number; country: string; day: number; views: number; completions: number }>(sql`
      SELECT title_id, country, day, views, completions FROM title_stats_daily WHERE title_id IN (${a}, ${b}) ORDER BY title_id, country, day`);
    const day = Math.floor(NOW / DAY_MS);
    expect(rows).toEqual([
      { title_id: a, country: "DE", day, views: 1, completions: 0 },
      { title_id: a, country: "FR", day, views: 3, completions: 1 },
      { title_id: b, country: "FR", day: day - 1, views: 1, completions: 0 },
    ]);
  });

  it("counts co-watching once per profile and pair, exactly as the pure counting rule does", async () => {
    const histories: Record<string, number[]> = {
      [P[0]!]: [T[10]!, T[11]!, T[12]!, T[10]!, T[13]!],
      [P[1]!]: [T[11]!, T[10]!, T[14]!],
      [P[2]!]: [T[12]!, T[13]!, T[11]!, T[11]!],
    };
    // Split across two calls, events shuffled within each: the result must not depend on batching.
    const events = Object.entries(histories).flatMap(([p, h]) => h.map((t, i) => view(p, t, NOW + i * 60_000)));
    const first = events.filter((_, i) => i % 2 === 0).reverse();
    const second = events.filter((_, i) => i % 2 === 1);
    await recordSignals(db(), first.filter((e) => e.atMs < NOW + 2 * 60_000));
    await recordSignals(db(), [...first.filter((e) => e.atMs >= NOW + 2 * 60_000), ...second].sort((x, y) => x.titleId - y.titleId));

    const expected = emptyCoWatch();
    for (const h of Object.values(histories)) countHistory(expected, h);
    const ids = [T[10]!, T[11]!, T[12]!, T[13]!, T[14]!];
    const read = await readCoWatch(db(), ids);
    for (const a of ids) {
      expect(read.viewers.get(a)).toBe(expected.viewers.get(a));
      for (const b of ids) if (a !== b) expect(read.pairs.get(a)?.get(b) ?? 0).toBe(expected.pairs.get(a)?.get(b) ?? 0);
    }
    expect(read.pairs.get(T[10]!)?.get(T[11]!)).toBe(2);
    expect(read.viewers.get(T[11]!)).toBe(3);
  });

  it("keeps only the most recent titles per profile and pairs a new title with at most that many", async () => {
    const many = T.slice(15, 15 + RECENT_TITLES + 3);
    await recordSignals(db(), many.map((t, i) => view(P[3]!, t, NOW + i * 1000)));
    const kept = await db().all<{ title_id: number }>(sql`SELECT title_id FROM profile_recent_titles WHERE profile_id = ${P[3]} ORDER BY last_at`);
    expect(kept.map((r) => r.title_id)).toEqual(many.slice(-RECENT_TITLES));
    const last = many.at(-1)!;
    const co = await readCoWatch(db(), [last]);
    expect(co.pairs.get(last)?.size).toBe(RECENT_TITLES);
    expect(co.pairs.get(last)?.has(many[0]!)).toBe(false);
  });

  it("writes a batch in a bounded number of statements, not one per event", async () => {
    const events = Array.from({ length: 300 }, (_, i) => view(P[i % 4]!, T[i % 40]!, NOW + 5 * DAY_MS + i * 1000, i % 3 ? "FR" : "US"));
    const { statements } = await countingStatements((d) => recordSignals(d, events));
    // one read; ≤ 2 daily, ≤ ⌈pairs/250⌉ co-watch, 1 recent upsert; one prune
    expect(statements).toBeLessThanOrEqual(12);
    expect(statements).toBeGreaterThanOrEqual(4);
  });

  it("skips events for titles and profiles that do not exist instead of failing the batch", async () => {
    const t = T[39]!;
    await recordSignals(db(), [
      view("no-such-profile", t, NOW + 9 * DAY_MS), view(P[0]!, 999_999_999, NOW + 9 * DAY_MS),
      view(P[0]!, t, NOW + 9 * DAY_MS), { profileId: "", titleId: -1, country: "FR", kind: "view", atMs: Number.NaN },
    ]);
    const rows = await db().all<{ views: number }>(sql`SELECT views FROM title_stats_daily WHERE title_id = ${t} AND day = ${Math.floor((NOW + 9 * DAY_MS) / DAY_MS)}`);
    expect(rows).toEqual([{ views: 2 }]);
    const recent = await db().all(sql`SELECT 1 FROM profile_recent_titles WHERE profile_id = 'no-such-profile'`);
    expect(recent).toEqual([]);
  });
});

describe("statistics readers", () => {
  const base = NOW + 30 * DAY_MS;
  beforeAll(async () => {
    const [hot, steady, old] = [T[20]!, T[21]!, T[22]!];
    const events: SignalEvent[] = [];
    // hot: 8 views today in FR; steady: 2 a day for the last 7 days in FR; old: 30 views 10 days ago in FR.
    for (let i = 0; i < 8; i++) events.push(view(P[i % 4]!, hot, base + i));
    for (let d = 0; d < 7; d++) for (let i = 0; i < 2; i++) events.push(view(P[i]!, steady, base - d * DAY_MS + i));
    for (let i = 0; i < 30; i++) events.push(view(P[i % 4]!, old, base - 10 * DAY_MS + i));
    // A JP-only title.
    for (let i = 0; i < 4; i++) events.push(view(P[i]!, T[23]!, base + i, "JP"));
    await recordSignals(db(), events);
  });

  it("trending decays old views: today's burst beats a steady week, which beats a big but old day", async () => {
    const trending = await readTrending(db(), { country: "FR", nowMs: base });
    const order = trending.map((t) => t.titleId).filter((id) => [T[20], T[21], T[22]].includes(id));
    expect(order).toEqual([T[20], T[21], T[22]]);
    const hot = trending.find((t) => t.titleId === T[20])!;
    expect(hot.score).toBeCloseTo(8, 6);
  });

  it("trending and top titles are per country, or for everyone with country null", async () => {
    const jp = await readTrending(db(), { country: "JP", nowMs: base });
    expect(jp.map((t) => t.titleId)).toEqual([T[23]]);
    const all = await readTopTitles(db(), { country: null, nowMs: base });
    expect(all.map((t) => t.titleId)).toContain(T[23]);
    expect(all.map((t) => t.titleId)).toContain(T[20]);
  });

  it("top titles count plain views of the last 7 days, most first", async () => {
    const top = await readTopTitles(db(), { country: "FR", nowMs: base });
    expect(top.slice(0, 2)).toEqual([{ titleId: T[21], score: 14 }, { titleId: T[20], score: 8 }]);
    expect(top.some((t) => t.titleId === T[22])).toBe(false);
  });

  it("readCoWatch limits each title to its most co-viewed neighbours", async () => {
    const co = await readCoWatch(db(), [T[20]!], 2);
    expect(co.pairs.get(T[20]!)?.size).toBe(2);
    expect(co.viewers.get(T[20]!)).toBeGreaterThan(0);
    expect(await readCoWatch(db(), [])).toEqual(emptyCoWatch());
  });
});
