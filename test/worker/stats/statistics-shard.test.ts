/**
 * Statistics shards (worker/stats/) against real D1 and real objects: the
 * routing is stable and balanced, a batch sent again counts once, and what the
 * shards write equals what the direct path (recordSignals) writes.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { bulkInsert } from "../../../worker/db/bulk.ts";
import { accounts, profiles } from "../../../worker/db/schema.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { recordSignals, type SignalEvent } from "../../../worker/recs/signals.ts";
import { statisticsShardByIndex, statisticsShardCount, statisticsShardFor, statisticsShardOf } from "../../../worker/stats/stub.ts";
import { db, flushStatistics } from "../helpers.ts";
import { seedTitles } from "../media-fixtures.ts";

// Ids unique to this file: titles DIRECT[i] and SHARDED[i] are twins, and so are the profiles.
const DIRECT = Array.from({ length: 12 }, (_, i) => 9400 + i);
const SHARDED = DIRECT.map((t) => t + 100);
const ACCOUNTS = Array.from({ length: 6 }, (_, i) => `stats-account-${i}`);
const profileOf = (path: "d" | "s", account: number, n: number) => `stats-${path}-${account}-${n}`;
const NOW = Date.UTC(2032, 2, 10, 12);

beforeAll(async () => {
  await seedTitles(db(), [...DIRECT, ...SHARDED].map((id) => ({ id, title: `Sharded statistics ${id}` })));
  await bulkInsert(db(), accounts, ACCOUNTS.map((id, i) => ({ id, email: `stats-${i}@example.com`, passwordHash: "x", passwordSalt: "x", passwordIterations: 1, createdAt: NOW })));
  await bulkInsert(db(), profiles, ACCOUNTS.flatMap((accountId, a) => (["d", "s"] as const).flatMap((path) => [0, 1].map((n) => ({ id: profileOf(path, a, n), accountId, name: `${path}${n}`, createdAt: NOW })))));
});

/** The key the ViewerState of an account uses (its object id). */
const accountKey = (accountId: string) => env.VIEWER_STATE.idFromName(`account:${accountId}`).toString();

describe("shard routing", () => {
  it("sends an account to the same shard every time, and the one its object uses", async () => {
    await fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 1, max: 4096 }), (accountId, shards) => {
        const n = statisticsShardOf(accountKey(accountId), shards);
        expect(n).toBe(statisticsShardOf(accountKey(accountId), shards));
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThan(shards);
      }),
    );
    const id = ACCOUNTS[0]!;
    expect(statisticsShardFor(env, accountKey(id)).id.toString()).toBe(statisticsShardByIndex(env, statisticsShardOf(accountKey(id), statisticsShardCount(env))).id.toString());
  });

  it("spreads any set of accounts evenly over the shards", async () => {
    // 4 shards (the tests' count) and production's 256: no shard gets more than 1.3× / 1.5× its fair share.
    for (const [shards, accountsPerRun, bound] of [[4, 2000, 1.3], [256, 25_600, 1.5]] as const) {
      await fc.assert(
        fc.property(fc.uniqueArray(fc.uuid(), { minLength: accountsPerRun, maxLength: accountsPerRun }), (ids) => {
          const counts = new Array<number>(shards).fill(0);
          for (const id of ids) counts[statisticsShardOf(accountKey(id), shards)]!++;
          expect(Math.max(...counts) / (ids.length / shards)).toBeLessThanOrEqual(bound);
          expect(Math.min(...counts)).toBeGreaterThan(0);
        }),
        { numRuns: shards === 4 ? 20 : 3 },
      );
    }
  });
});

/** A day's views/completions, co-watch pairs and recent windows of `titles` and `profilePrefix`, with twins mapped to DIRECT's ids. */
async function statistics(titles: number[], path: "d" | "s") {
  const map = (t: number) => DIRECT[titles.indexOf(t)] ?? -1;
  const daily = await db().all<{ title_id: number; country: string; day: number; views: number; completions: number }>(sql`
    SELECT title_id, country, day, views, completions FROM title_stats_daily WHERE title_id IN (SELECT value FROM json_each(${JSON.stringify(titles)}))`);
  const pairs = await db().all<{ title_a: number; title_b: number; count: number }>(sql`
    SELECT title_a, title_b, count FROM co_watch WHERE title_a IN (SELECT value FROM json_each(${JSON.stringify(titles)}))`);
  const recent = await db().all<{ profile_id: string; title_id: number; last_at: number }>(sql`
    SELECT profile_id, title_id, last_at FROM profile_recent_titles WHERE profile_id LIKE ${`stats-${path}-%`}`);
  return {
    daily: daily.map((r) => ({ ...r, title_id: map(r.title_id) })).sort((a, b) => a.title_id - b.title_id || a.country.localeCompare(b.country) || a.day - b.day),
    pairs: pairs.map((r) => [map(r.title_a), map(r.title_b)].sort((x, y) => x - y).concat(r.count)).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    recent: recent.map((r) => ({ ...r, profile_id: r.profile_id.replace("stats-s-", "stats-d-"), title_id: map(r.title_id) })).sort((a, b) => a.profile_id.localeCompare(b.profile_id) || a.title_id - b.title_id),
  };
}

describe("statistics through the shards", () => {
  it("equal the direct path's after a flush, whatever the batching", async () => {
    // A seeded random mix: per account, a few hundred views and completions over two days and two countries.
    const random = fc.sample(
      fc.array(fc.record({ account: fc.nat(ACCOUNTS.length - 1), profile: fc.nat(1), title: fc.nat(DIRECT.length - 1), complete: fc.boolean(), minute: fc.nat(2 * 1440), country: fc.constantFrom("FR", "DE", "??") }), { minLength: 300, maxLength: 300 }),
      { numRuns: 1, seed: 21 },
    )[0]!;
    const events = (path: "d" | "s") =>
      random.map((r): SignalEvent & { account: number } => ({
        account: r.account,
        profileId: profileOf(path, r.account, r.profile),
        titleId: (path === "d" ? DIRECT : SHARDED)[r.title]!,
        kind: r.complete ? "complete" : "view",
        country: r.country,
        atMs: NOW + r.minute * 60_000,
      }));
    // Direct: each account's signals in time order, in batches of 7, straight into D1 (today's path).
    const direct = events("d").sort((a, b) => a.atMs - b.atMs);
    for (let i = 0; i < direct.length; i += 7) await recordSignals(db(), direct.slice(i, i + 7));
    // Sharded: each account's signals in batches of 5 to its shard, flushed once.
    const sharded = events("s").sort((a, b) => a.atMs - b.atMs);
    for (let a = 0; a < ACCOUNTS.length; a++) {
      const mine = sharded.filter((e) => e.account === a);
      for (let i = 0; i < mine.length; i += 5) {
        expect(await statisticsShardFor(env, accountKey(ACCOUNTS[a]!)).ingest(crypto.randomUUID(), mine.slice(i, i + 5))).toBe(true);
      }
    }
    expect((await statistics(SHARDED, "s")).daily).toEqual([]);
    await flushStatistics();
    const expected = await statistics(DIRECT, "d");
    expect(expected.daily.length).toBeGreaterThan(10);
    expect(expected.pairs.length).toBeGreaterThan(10);
    expect(await statistics(SHARDED, "s")).toEqual(expected);
  });

  it("count a batch sent again once", async () => {
    const title = SHARDED[0]!;
    const before = await db().all<{ v: number }>(sql`SELECT coalesce(sum(views), 0) AS v FROM title_stats_daily WHERE title_id = ${title} AND country = 'NO'`);
    const shard = statisticsShardFor(env, accountKey(ACCOUNTS[1]!));
    const batch: SignalEvent[] = [{ profileId: profileOf("s", 1, 0), titleId: title, kind: "view", country: "NO", atMs: NOW }];
    expect(await shard.ingest("batch-once", batch)).toBe(true);
    expect(await shard.ingest("batch-once", batch)).toBe(false);
    await flushStatistics();
    // Sent again after D1 has it: still once.
    expect(await shard.ingest("batch-once", batch)).toBe(false);
    await flushStatistics();
    const after = await db().all<{ v: number }>(sql`SELECT coalesce(sum(views), 0) AS v FROM title_stats_daily WHERE title_id = ${title} AND country = 'NO'`);
    expect(after[0]!.v - before[0]!.v).toBe(1);
  });

  it("count once what an account's object sends again after a lost answer", async () => {
    // A real ViewerState with one waiting view; its batch reached the shard but the answer was lost.
    const accountId = ACCOUNTS[2]!;
    const stub = viewerState(env, accountId);
    const title = SHARDED[1]!;
    const profileId = profileOf("s", 2, 0);
    await stub.write({ opId: crypto.randomUUID(), profileId, titleId: title, episodeId: null, positionSeconds: 30, durationSeconds: 600, clientTime: Date.now(), deviceId: "stats-device", deviceName: "TV", creditsStartSeconds: null, country: "SE" });
    const pending = await stub.pendingSignals(10);
    expect(pending.map((s) => [s.titleId, s.kind])).toEqual([[title, "view"]]);
    const batchId = crypto.randomUUID();
    await runInDurableObject(stub as unknown as DurableObjectStub, (_o, state) => {
      state.storage.sql.exec("INSERT INTO outbox_batch (id, batch_id, last_id) VALUES (1, ?, ?)", batchId, pending[0]!.id);
    });
    expect(await statisticsShardFor(env, accountKey(accountId)).ingest(batchId, pending.map(({ id: _id, ...e }) => e))).toBe(true);
    // The object's alarm sends the same batch again: the shard recognises it, and the object lets it go.
    expect(await runDurableObjectAlarm(stub as unknown as DurableObjectStub)).toBe(true);
    expect(await stub.pendingSignals(10)).toEqual([]);
    await flushStatistics();
    const rows = await db().all<{ v: number }>(sql`SELECT coalesce(sum(views), 0) AS v FROM title_stats_daily WHERE title_id = ${title} AND country = 'SE'`);
    expect(rows[0]!.v).toBe(1);
  });

  it("keep the minute in storage until D1 took it, and write at most once a minute", async () => {
    const shard = statisticsShardByIndex(env, 0);
    await shard.sweep(Date.now());
    expect(await shard.ingest(crypto.randomUUID(), [{ profileId: profileOf("s", 3, 0), titleId: SHARDED[2]!, kind: "view", country: "IT", atMs: NOW }])).toBe(true);
    const alarmAt = await runInDurableObject(shard as unknown as DurableObjectStub, (_o, state) => state.storage.getAlarm());
    expect(alarmAt! - Date.now()).toBeGreaterThan(50_000);
    // A second batch does not bring the write forward.
    expect(await shard.ingest(crypto.randomUUID(), [{ profileId: profileOf("s", 3, 0), titleId: SHARDED[2]!, kind: "complete", country: "IT", atMs: NOW }])).toBe(true);
    expect(await runInDurableObject(shard as unknown as DurableObjectStub, (_o, state) => state.storage.getAlarm())).toBe(alarmAt);
    const stored = await runInDurableObject(shard as unknown as DurableObjectStub, (_o, state) => state.storage.sql.exec("SELECT views, completions FROM stat_daily").toArray());
    expect(stored).toEqual([{ views: 1, completions: 1 }]);
    expect(await runDurableObjectAlarm(shard as unknown as DurableObjectStub)).toBe(true);
    const rows = await db().all<{ v: number; c: number }>(sql`SELECT views AS v, completions AS c FROM title_stats_daily WHERE title_id = ${SHARDED[2]!} AND country = 'IT'`);
    expect(rows).toEqual([{ v: 1, c: 1 }]);
    expect(await runInDurableObject(shard as unknown as DurableObjectStub, (_o, state) => state.storage.sql.exec("SELECT count(*) AS n FROM stat_daily").one().n)).toBe(0);
  });
});
