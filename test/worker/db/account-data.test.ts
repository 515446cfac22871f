/**
 * The privacy export is complete by construction: this walks every table D1
 * has and every table of every Durable Object class, seeds one account's data
 * everywhere it can go, and fails when a table holding the account's rows is
 * not in the export or not emptied by account deletion — so a new table (or a
 * new object) is either exported and erased, or put on a commented list below
 * saying why it holds no account data.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { decodeJwt } from "jose";
import { emailIndexBindings, emailShardOf } from "../../../worker/auth/email-index.ts";
import { limiterName } from "../../../worker/auth/sign-in-limiter.ts";
import { createSession } from "../../../worker/db/accounts.ts";
import { readCopyCount, reportShardCount, steeringCopy, steeringLeader, steeringReportShard } from "../../../worker/media/steering-shards.ts";
import { ACCOUNT_TABLES } from "../../../worker/db/account-data.ts";
import { insertEvent } from "../../../worker/db/schedule.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { statisticsShardByIndex, statisticsShardCount } from "../../../worker/stats/stub.ts";
import { call, db, flushStatistics } from "../helpers.ts";
import { seedAsset, seedTitles } from "../media-fixtures.ts";
import { PASSWORD, TestBrowser } from "../session-client.ts";

/** D1 tables without account data, each with the reason. Anything else must be in ACCOUNT_TABLES. */
const D1_WITHOUT_ACCOUNT_DATA: Record<string, string> = {
  titles: "catalog",
  catalog_version: "catalog (one counter)",
  genres: "catalog",
  title_genres: "catalog",
  availability: "catalog",
  seasons: "catalog",
  episodes: "catalog",
  people: "catalog",
  credits: "catalog",
  assets: "catalog media",
  renditions: "catalog media",
  subtitle_tracks: "catalog media",
  trickplay: "catalog media",
  asset_objects: "catalog media",
  content_keys: "catalog media: each asset folder's keys per tier, wrapped; no viewer",
  title_stats_daily: "views per title, country and day: counts, no viewer",
  co_watch: "pairs of titles and how many profiles watched both: counts, no viewer",
  qoe_minutes: "playback quality per minute, title, rendition, pathway, country, device, player: counts, no viewer",
  qoe_startup_histogram: "startup-time histograms per the same cells: counts, no viewer",
  qoe_hours: "the same per hour: counts, no viewer",
  qoe_alert_rules: "operators' alert rules: thresholds and filters, no viewer",
  qoe_alert_events: "when a rule fired or resolved, no viewer",
  qoe_startup_hours: "the histograms per hour: counts, no viewer",
  home_row_days: "Home rows shown and played from, per day, row kind and device class: counts, no viewer",
  live_channels: "catalog: live channels (slug, title, hashed ingest secret)",
  schedule_events: "catalog: the schedule of live events and premieres",
  title_localisations: "catalog: titles' text per locale",
  genre_localisations: "catalog: genre names per locale",
  title_sort_keys: "catalog: each title's A–Z key per locale",
  sort_locales: "catalog: the locales with stored A–Z keys",
  d1_migrations: "applied migration names",
};
/** D1's own and SQLite's bookkeeping, and the FTS5 search indexes over the catalog (with their shadow tables). */
const D1_INTERNAL = /^(sqlite_|_cf_|search_(names|words)(_|$))/;

/**
 * ViewerState tables → where the export shows them. The object is the account's own
 * (named by its id), and erasure wipes its whole storage, so every table is erased.
 */
const VIEWER_STATE_EXPORT: Record<string, (doc: any) => number> = {
  progress: (doc) => doc.viewerState.progress.length,
  history: (doc) => doc.viewerState.history.length,
  tombstones: (doc) => doc.viewerState.removedHistory.length,
  signals: (doc) => doc.viewerState.pendingSignals.length,
  // Operation ids are random ids the client made up for idempotency: exported as their count.
  ops: (doc) => doc.viewerState.operationIdsRemembered,
  // The devices watching now (licence leases) and the streams stopped from another device.
  stream_leases: (doc) => doc.viewerState.streams.leases.length,
  stopped_streams: (doc) => doc.viewerState.streams.stopped.length,
  download_grants: (doc) => doc.viewerState.downloads.length,
  // The account's sessions as its object knows them (live or revoked), and when its token facts last changed.
  session_states: (doc) => doc.viewerState.sessions.sessions.length,
  account_facts: (doc) => (doc.viewerState.sessions.factsChangedAt === null ? 0 : 1),
  // Each profile's home version (the key of its cached Home rows), moved by its taste events.
  home_versions: (doc) => doc.viewerState.homeVersions.length,
  // Each live refresh family: its profile, plan and expiry (the token's hash is a secret, not exported).
  refresh_families: (doc) => doc.viewerState.refreshFamilies.length,
  // Each profile's onboarding picks as Home reads them (D1's profile row keeps the record).
  onboarding_picks: (doc) => doc.viewerState.onboardingPicks.length,
  // Each profile's My List and ratings (the object is their record), and since when the object holds them.
  taste_profiles: (doc) => doc.viewerState.taste.profiles.length,
  list_entries: (doc) => doc.viewerState.taste.myList.length,
  title_ratings: (doc) => doc.viewerState.taste.ratings.length,
};
/** ViewerState tables without account data. */
const VIEWER_STATE_WITHOUT_ACCOUNT_DATA: Record<string, string> = {
  counter: "the benchmark's counter and the count of failed signal flushes",
  outbox_batch: "the id and last signal id of the batch being sent to the statistics shard",
};

/**
 * Durable Object classes shared by many accounts: their tables may hold only keyed hashes
 * and timestamps (checked below: no row contains the account's ids, e-mail or address). The
 * statistics shards pass profile ids on to D1's co-watch windows: they hold them only until
 * their minute is written, and are checked here after it was.
 */
const SHARED_OBJECTS: Record<string, string> = {
  SIGN_IN_LIMITER: "failure timestamps per key; objects named by a keyed hash (worker/auth/sign-in-limiter.ts)",
  STEERING: "pathway health per region, its read copies and report shards; reporters, networks and sessions as keyed hashes (worker/media/steering-ids.ts)",
  QOE_SHARD: "QoE beacons per view id, rolled up per minute without viewer (worker/qoe/); not inspected here",
  LIVE_CHANNEL: "one live channel's parts and segments, no viewer; not inspected here",
  STATISTICS_SHARD: "views waiting at most a minute for D1 (profile, title, time), deleted once written, a deleted profile's skipped (worker/stats/)",
};
/** KV keys that hold a profile's data but are not exported: derived caches, erased with the account. */
const KV_ERASED_NOT_EXPORTED = /^home:v\d+:/;

const MOVIE = 7901;
const OTHER = 7902;
const THIRD = 7903;
const ADDRESS = "2001:db8:e4e4:1::5";

beforeAll(async () => {
  await seedTitles(db(), [{ id: MOVIE }, { id: OTHER }, { id: THIRD }]);
  await seedAsset(db(), { id: "ad-movie", titleId: MOVIE, heights: [360], durationSeconds: 600 });
});

type Row = Record<string, unknown>;

async function d1Tables(): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
  return rows.results.map((r) => r.name);
}

async function d1Rows(table: string): Promise<Row[]> {
  return (await env.DB.prepare(`SELECT * FROM "${table}"`).all<Row>()).results;
}

/** Every row of every table of one object, by table. */
function objectRows(stub: DurableObjectStub): Promise<Record<string, Row[]>> {
  return runInDurableObject(stub, (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray();
    return Object.fromEntries(tables.map((t) => [t.name, state.storage.sql.exec<Record<string, SqlStorageValue>>(`SELECT * FROM "${t.name}"`).toArray()]));
  });
}

/** Whether a row holds one of the account's identifiers in any column (JSON columns included). */
function mentions(row: Row, ids: string[]): boolean {
  return Object.values(row).some((v) => typeof v === "string" && ids.some((id) => v.includes(id)));
}

describe("privacy export and erasure, complete by construction", () => {
  it("every table with the account's data is in the export and emptied by account deletion; the others hold none", async () => {
    // One account's data everywhere it can go: sign-up (its session), a second profile (renamed), My List, a rating, onboarding picks,
    // progress (finished: history), a removed title (tombstone), views batched into D1 statistics
    // (profile_recent_titles), a view still waiting in the object, a failed sign-in, a steering report,
    // a stream watching and one stopped (licence leases).
    const b = new TestBrowser();
    const signed = await b.json("/api/auth/signup", { method: "POST", body: { email: `erase-${Date.now()}@example.com`, password: PASSWORD }, headers: { "cf-connecting-ip": ADDRESS } });
    expect(signed.status).toBe(201);
    const me = (await b.json("/api/auth/me")).body;
    const accountId: string = me.account.id;
    const email: string = me.account.email;
    const second = await b.json("/api/profiles", { method: "POST", body: { name: "Second" } });
    expect(second.status).toBe(201);
    // Renaming a profile changes a fact access tokens carry: the object notes when (account_facts).
    expect((await b.json(`/api/profiles/${second.body.id}`, { method: "PATCH", body: { name: "Second one" } })).status).toBe(200);
    // The second profile's My List and rating as D1 held them before the account's object became their record
    // (worker/profiles/taste.ts): read into the object at the profile's first use, which this test never makes.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO my_list (profile_id, title_id, position, added_at) VALUES (?, ?, 1, ?)").bind(second.body.id, OTHER, Date.now()),
      env.DB.prepare("INSERT INTO ratings (profile_id, title_id, value, rated_at) VALUES (?, ?, 1, ?)").bind(second.body.id, OTHER, Date.now()),
    ]);
    expect((await b.fetch(`/api/my-list/${MOVIE}`, { method: "PUT" })).status).toBeLessThan(300);
    expect((await b.json(`/api/ratings/${MOVIE}`, { method: "PUT", body: { value: 2 } })).status).toBeLessThan(300);
    expect((await b.json("/api/home/onboarding", { method: "POST", body: { titleIds: [MOVIE, OTHER, THIRD] } })).status).toBeLessThan(300);
    expect((await b.fetch("/api/home")).status).toBe(200);
    // "Remind me" of a premiere an hour from now.
    const event = await insertEvent(db(), { kind: "premiere", titleId: OTHER, startsAt: Date.now() + 3_600_000, endsAt: Date.now() + 4_200_000, createdAt: Date.now() });
    expect((await b.json(`/api/schedule/${event.id}/reminder`, { method: "PUT" })).body).toEqual({ eventId: event.id, reminded: true });
    expect((await b.json("/api/qoe/consent", { method: "PUT", body: { optOut: true } })).status).toBe(200);
    // The operator role is granted from the command line (npm run admin), not through the API.
    await env.DB.prepare("INSERT INTO operators (account_id, granted_at) VALUES (?, ?)").bind(me.account.id, Date.now()).run();
    const write = (titleId: number, positionSeconds: number) => ({
      opId: crypto.randomUUID(), titleId, positionSeconds, durationSeconds: 600, clientTime: Date.now(), deviceId: "device-erase", deviceName: "Test TV",
    });
    for (const [titleId, position] of [[MOVIE, 590], [OTHER, 100]] as const) expect((await b.json("/api/progress", { method: "POST", body: write(titleId, position) })).status).toBe(200);
    expect((await b.fetch(`/api/history/${OTHER}`, { method: "DELETE" })).status).toBeLessThan(300);
    expect(await runDurableObjectAlarm(viewerState(env, accountId))).toBe(true);
    await flushStatistics();
    expect((await b.json("/api/progress", { method: "POST", body: write(THIRD, 60) })).status).toBe(200);
    const stranger = new TestBrowser();
    expect((await stranger.json("/api/auth/signin", { method: "POST", body: { email, password: "wrong password" }, headers: { "cf-connecting-ip": ADDRESS } })).status).toBe(401);
    const play = await b.json(`/api/playback/${MOVIE}`, { method: "POST", headers: { "cf-connecting-ip": ADDRESS, "x-dev-country": "NO" } });
    expect(play.status).toBe(200);
    const token: string = play.body.token;
    expect((await call(`/cdn/a/${token}/ad-movie/video/360p/seg_00001.m4s`, { headers: { "cf-connecting-ip": ADDRESS } })).status).toBe(200);
    // A stream stopped from another device, and one watching now: the account's object holds both.
    const renew = (t: string) => b.json("/api/licence/renew", { method: "POST", headers: { "cf-connecting-ip": ADDRESS, "x-dev-country": "NO", "x-playback-token": t, "x-device-name": "Test TV" } });
    expect((await renew(token)).status).toBe(200);
    expect((await b.fetch(`/api/licence/streams/${play.body.streamId}`, { method: "DELETE" })).status).toBe(204);
    const watching = await b.json(`/api/playback/${MOVIE}`, { method: "POST", headers: { "cf-connecting-ip": ADDRESS, "x-dev-country": "NO" } });
    expect((await renew(watching.body.token)).status).toBe(200);
    const download = await b.json("/api/downloads", { method: "POST", body: { titleId: MOVIE, quality: "standard", deviceId: "device-erase" }, headers: { "cf-connecting-ip": ADDRESS, "x-dev-country": "NO" } });
    expect(download.status, JSON.stringify(download.body)).toBe(201);
    expect((await call("/api/steering/report", { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": ADDRESS }, body: JSON.stringify({ pathway: "a", kind: "error", token }) })).status).toBe(202);

    const profileIds: string[] = (await b.json("/api/profiles")).body.items.map((p: any) => p.id);
    expect(profileIds).toHaveLength(2);
    // This device's session is its object's (sign-in writes no D1 row); D1's sessions table holds only sessions
    // signed in before the object kept them: one such row, so the check below has one to find.
    const sessionId = decodeJwt(b.value("mq_at")!).sid as string;
    expect((await d1Rows("sessions")).filter((r) => r.account_id === accountId)).toEqual([]);
    const legacySessionId = crypto.randomUUID();
    await createSession(db(), { id: legacySessionId, accountId, refreshHash: "legacy", profileId: null, nowMs: Date.now(), expiresAtMs: Date.now() + 86_400_000 });
    const ids = [accountId, email, ADDRESS, ...profileIds, sessionId, legacySessionId];
    const doc = (await b.json("/api/account/export")).body;

    // D1: every table is either an account table or on the list of tables without account data.
    const d1 = (await d1Tables()).filter((t) => !D1_INTERNAL.test(t));
    for (const table of d1) {
      expect(table in ACCOUNT_TABLES || table in D1_WITHOUT_ACCOUNT_DATA, `D1 table ${table}: export it (ACCOUNT_TABLES) or say why it holds no account data`).toBe(true);
    }
    const d1Before: Record<string, number> = {};
    for (const table of d1) {
      const rows = (await d1Rows(table)).filter((r) => mentions(r, ids));
      d1Before[table] = rows.length;
      if (table in D1_WITHOUT_ACCOUNT_DATA) {
        expect(rows, `${table} holds the account's data`).toEqual([]);
        continue;
      }
      // Seeded, so the check below has rows to find; and exported, row for row.
      expect(rows.length, `no ${table} row was seeded for the account`).toBeGreaterThan(0);
      const section = doc[ACCOUNT_TABLES[table as keyof typeof ACCOUNT_TABLES]];
      expect(section, `export section for ${table}`).toBeDefined();
      expect(Array.isArray(section) ? section.length : section === null ? 0 : 1, `${table} rows in the export`).toBe(rows.length);
    }
    // The picks themselves, not just the profile rows.
    expect(doc.profiles.find((p: any) => p.id === me.profileId).onboarding.titleIds).toEqual([MOVIE, OTHER, THIRD]);
    expect(doc.recentTitles.map((r: any) => r.titleId).sort()).toEqual([MOVIE, OTHER].sort());
    expect(JSON.stringify(doc)).not.toMatch(/password|pinHash|refreshHash/i);
    // What a lease holds about the device watching: its name, profile, title and session.
    expect(doc.viewerState.streams.leases).toEqual([
      expect.objectContaining({ streamId: watching.body.streamId, deviceName: "Test TV", profileId: me.profileId, titleId: MOVIE, sessionId }),
    ]);
    expect(doc.viewerState.streams.stopped).toEqual([{ streamId: play.body.streamId, forgetAt: expect.any(Number) }]);

    // Durable Objects: every namespace is the account's own (ViewerState) or shared and free of account data.
    // (The test pool's own binding, __VITEST_POOL_WORKERS_*, is not the app's.)
    const namespaces = Object.entries(env)
      .filter(([k, v]) => !k.startsWith("__VITEST") && (v as object | null)?.constructor?.name === "DurableObjectNamespace")
      .map(([k]) => k);
    expect(namespaces).toContain("VIEWER_STATE");
    for (const name of namespaces) expect(name === "VIEWER_STATE" || name in SHARED_OBJECTS, `Durable Object binding ${name}: export and erase its data, or list it as shared`).toBe(true);
    const own = await objectRows(viewerState(env, accountId));
    for (const [table, rows] of Object.entries(own)) {
      expect(table in VIEWER_STATE_EXPORT || table in VIEWER_STATE_WITHOUT_ACCOUNT_DATA, `ViewerState table ${table}: export it or say why it holds no account data`).toBe(true);
      if (table in VIEWER_STATE_WITHOUT_ACCOUNT_DATA) continue;
      expect(rows.length, `no ViewerState ${table} row was seeded`).toBeGreaterThan(0);
      expect(VIEWER_STATE_EXPORT[table]!(doc), `ViewerState ${table} rows in the export`).toBe(rows.length);
    }
    for (const table of Object.keys(VIEWER_STATE_EXPORT)) expect(own[table], `ViewerState has no ${table} table any more`).toBeDefined();
    // The steering report reaches the region's leader through this isolate's batch and a report shard (docs/SCALING.md §6.5).
    await vi.waitFor(async () => expect((await steeringLeader(env, "NO").snapshot()).pathways.a?.errors).toHaveLength(1), { timeout: 20_000, interval: 200 });
    const shared = {
      SIGN_IN_LIMITER: await Promise.all([`account:${email}`, `client:${"2001:db8:e4e4:1::/64"}`, `signup:${"2001:db8:e4e4:1::/64"}`].map(async (key) => env.SIGN_IN_LIMITER.get(env.SIGN_IN_LIMITER.idFromName(await limiterName(env, key))))),
      STEERING: [
        steeringLeader(env, "NO"),
        ...Array.from({ length: readCopyCount(env) }, (_, i) => steeringCopy(env, "NO", i)),
        ...Array.from({ length: reportShardCount(env) }, (_, i) => steeringReportShard(env, "NO", i)),
      ],
      STATISTICS_SHARD: Array.from({ length: statisticsShardCount(env) }, (_, i) => statisticsShardByIndex(env, i)),
    };
    for (const [binding, stubs] of Object.entries(shared)) {
      let seen = 0;
      for (const stub of stubs) {
        for (const [table, rows] of Object.entries(await objectRows(stub))) {
          seen += rows.length;
          expect(rows.filter((r) => mentions(r, ids)), `${binding} table ${table} holds the account's data`).toEqual([]);
        }
      }
      // The account's sign-in failure and sign-up, and its steering report, are in there (as keyed hashes).
      expect(seen, `${binding}: nothing seeded`).toBeGreaterThan(0);
    }

    // KV: the profiles' cached home rows exist before deletion.
    const kvKeys = async () => (await env.ROWS.list()).keys.map((k) => k.name).filter((k) => ids.some((id) => k.includes(id)));
    const cached = await kvKeys();
    expect(cached.length).toBeGreaterThan(0);
    for (const key of cached) expect(key, "a KV key with the account's data that is neither exported nor a derived cache").toMatch(KV_ERASED_NOT_EXPORTED);

    // The e-mail index (worker/auth/email-index.ts): the account's one row, in its e-mail's shard only. Not exported:
    // it holds the e-mail (the export's account has it) and the password hash (never exported).
    const indexRows = async () => (await Promise.all(emailIndexBindings(env).map(async (shard, n) => (await shard.prepare("SELECT * FROM email_index").all<Row>()).results.filter((r) => mentions(r, ids)).map((r): Row => ({ n, ...r }))))).flat();
    expect((await indexRows()).map((r) => [r.n, r.email, r.account_id])).toEqual([[emailShardOf(email, emailIndexBindings(env).length), email, accountId]]);
    expect(doc.account.email).toBe(email);

    // Deletion empties every account table, the e-mail index row, the account's object and its KV entries.
    expect((await b.fetch("/api/account", { method: "DELETE", body: { password: PASSWORD } })).status).toBe(204);
    expect(await indexRows(), "e-mail index rows after deletion").toEqual([]);
    for (const table of d1) expect((await d1Rows(table)).filter((r) => mentions(r, ids)), `${table} after deletion`).toEqual([]);
    expect(await viewerState(env, accountId).isEmpty()).toBe(true);
    expect(await kvKeys()).toEqual([]);
  });
});
