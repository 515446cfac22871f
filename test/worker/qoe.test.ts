/**
 * QoE collection through HTTP (`POST /api/qoe`, `/api/qoe/consent`) into real
 * QoeShard objects and D1: beacons reach the view's shard and, at its sweep,
 * the minute rollups in D1; retries count once; bad beacons are 4xx; GPC and
 * the account's opt-out store nothing; no stored row holds an IP, user agent,
 * e-mail, account or profile id; raw rows go after 24 h, rollups after 13 months.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QOE_DEVICE_CLASSES, QOE_EVENT_TYPES, type QoeBeacon, type QoeEvent } from "../../common/qoe.ts";
import { addRollups, countersBy } from "../../worker/db/qoe.ts";
import { qoeMinutes, qoeStartupHistogram } from "../../worker/db/schema.ts";
import { consoleSeries } from "../../worker/qoe/console.ts";
import { rollupRetentionStart } from "../../worker/qoe/qoe-shard.ts";
import { qoeShard } from "../../worker/qoe/stub.ts";
import { zeroCounters } from "../../worker/qoe/view-model.ts";
import { call, db } from "./helpers.ts";
import { TestBrowser } from "./session-client.ts";

let n = 0;
/** A view id no other test uses. */
const viewId = () => `view-${Date.now().toString(36)}-${(n++).toString(36).padStart(6, "0")}`;
/** A title id no other test in this file uses (rollups are summed per title). */
let title = 880_000;
/** The title of beacons whose rollups no test reads. */
const OTHER = 879_999;

function beacon(id: string, titleId: number, seq: number, events: QoeEvent[]): QoeBeacon {
  return { v: 1, viewId: id, seq, titleId, device: "desktop", player: "web-test", events };
}

function post(body: unknown, headers: Record<string, string> = {}, country = "DE") {
  return call("/api/qoe", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body), country });
}

async function titleTotals(titleId: number) {
  const rows = await db().select().from(qoeMinutes).where(sql`${qoeMinutes.titleId} = ${titleId}`).all();
  const sum = (k: keyof (typeof rows)[number]) => rows.reduce((s, r) => s + Number(r[k]), 0);
  return { rows, views: sum("views"), started: sum("started"), startupMs: sum("startupMs"), stalls: sum("stalls"), rebufferMs: sum("rebufferMs") };
}

const START: QoeEvent[] = [
  { type: "intent", t: 0 },
  { type: "pathway", t: 10, pathway: "b" },
  { type: "rendition", t: 10, kbps: 2000, height: 540 },
  { type: "firstframe", t: 900 },
];

describe("POST /api/qoe", () => {
  it("stores a beacon in its view's shard, and the shard's sweep adds it to D1's minute rollups by title, rendition, pathway, country, device and player", async () => {
    const id = viewId();
    const titleId = title++;
    const res = await post(beacon(id, titleId, 0, [...START, { type: "stall", t: 3000 }, { type: "unstall", t: 4500 }]), {}, "FR");
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ stored: true });
    await qoeShard(env, id).sweep(Date.now());
    const t = await titleTotals(titleId);
    expect(t).toMatchObject({ views: 1, started: 1, startupMs: 900, stalls: 1, rebufferMs: 1500 });
    const stallRow = t.rows.find((r) => r.rebufferMs > 0)!;
    expect(stallRow).toMatchObject({ rendition: 540, pathway: "b", country: "FR", device: "desktop", player: "web-test" });
    const hist = await db().select().from(qoeStartupHistogram).where(sql`${qoeStartupHistogram.titleId} = ${titleId}`).all();
    expect(hist.map((h) => h.count)).toEqual([1]);
  });

  it("applies a retried beacon (same view and seq) once, and takes text/plain JSON as sendBeacon sends it", async () => {
    const id = viewId();
    const titleId = title++;
    const body = JSON.stringify(beacon(id, titleId, 0, START));
    expect(await (await post(body, { "content-type": "text/plain;charset=UTF-8" })).json()).toEqual({ stored: true });
    expect(await (await post(body, { "content-type": "text/plain;charset=UTF-8" })).json()).toMatchObject({ stored: false, reason: "duplicate" });
    await qoeShard(env, id).sweep(Date.now());
    expect((await titleTotals(titleId)).views).toBe(1);
  });

  it("closes a silent view at the sweep: a start that never showed a frame is an exit before video start", async () => {
    const id = viewId();
    const titleId = title++;
    await post(beacon(id, titleId, 0, [{ type: "intent", t: 0 }]));
    await qoeShard(env, id).sweep(Date.now() + 6 * 60_000);
    const rows = await db().select().from(qoeMinutes).where(sql`${qoeMinutes.titleId} = ${titleId}`).all();
    expect(rows.reduce((s, r) => s + r.exitsBeforeStart, 0)).toBe(1);
  });

  it("refuses bad beacons with 4xx and the error envelope, never storing them", async () => {
    const good = beacon(viewId(), OTHER, 0, START);
    const cases: [unknown, number, string][] = [
      ["{", 400, "invalid_json"],
      [{ ...good, v: 2 }, 400, "invalid_beacon"],
      [{ ...good, viewId: "short" }, 400, "invalid_beacon"],
      [{ ...good, events: [] }, 400, "invalid_beacon"],
      [{ ...good, events: [{ type: "rendition", t: 5 }] }, 400, "invalid_beacon"],
      [{ ...good, events: [{ type: "intent", t: -1 }] }, 400, "invalid_beacon"],
      [{ ...good, events: [{ type: "teleport", t: 1 }] }, 400, "invalid_beacon"],
      [{ ...good, device: "toaster" }, 400, "invalid_beacon"],
      [{ ...good, ip: "10.0.0.1" }, 400, "invalid_beacon"],
      [{ ...good, events: Array.from({ length: 101 }, () => ({ type: "heartbeat", t: 1 })) }, 400, "invalid_beacon"],
      ["x".repeat(20_000), 413, "payload_too_large"],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const form = await post(JSON.stringify(good), { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
  });

  it("fuzzed beacons (near-valid shapes, every field sometimes wrong) answer 202 or 4xx with the error envelope, never 5xx", async () => {
    const num = fc.oneof(fc.nat({ max: 100_000 }), fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2));
    const str = fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z0-9_]{1,12}$/));
    const event = fc.record(
      { type: fc.oneof(fc.constantFrom(...QOE_EVENT_TYPES), str), t: num, kbps: num, height: num, pathway: fc.oneof(fc.constantFrom("a", "b"), str), code: str, fatal: fc.oneof(fc.boolean(), str), extra: str },
      { requiredKeys: ["type", "t"] },
    );
    const arb = fc.record(
      {
        v: fc.oneof(fc.constant(1), num, str),
        viewId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/), str),
        seq: num,
        titleId: fc.oneof(fc.constant(OTHER), num),
        device: fc.oneof(fc.constantFrom(...QOE_DEVICE_CLASSES), str),
        player: fc.oneof(fc.constant("web-fuzz"), str),
        events: fc.oneof(fc.array(event, { maxLength: 8 }), fc.array(event, { minLength: 99, maxLength: 102 }), str),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(arb, async (b) => {
        const res = await post(b);
        const body = (await res.json()) as { stored?: boolean; error?: { code: string; message: string } };
        expect([202, 400, 413]).toContain(res.status);
        if (res.status !== 202) expect(typeof body.error?.code === "string" && typeof body.error.message === "string").toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("stores nothing when the browser sends Global Privacy Control (Sec-GPC: 1)", async () => {
    const id = viewId();
    const res = await post(beacon(id, OTHER, 0, START), { "sec-gpc": "1" });
    expect(await res.json()).toEqual({ stored: false, reason: "gpc" });
    const dump = await qoeShard(env, id).dump();
    expect(JSON.stringify(dump)).not.toContain(id);
  });
});

describe("QoE opt-out on the account", () => {
  it("an account that opts out sends beacons that are not stored; opting back in stores them again", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/qoe/consent")).body).toEqual({ optedOut: false, gpc: false });
    expect((await b.json("/api/qoe/consent", { method: "PUT", body: { optOut: true } })).body).toMatchObject({ optedOut: true });
    const id = viewId();
    const r1 = await b.json("/api/qoe", { method: "POST", body: beacon(id, OTHER, 0, START) });
    expect(r1.body).toEqual({ stored: false, reason: "opted_out" });
    expect(JSON.stringify(await qoeShard(env, id).dump())).not.toContain(id);
    await b.json("/api/qoe/consent", { method: "PUT", body: { optOut: false } });
    const r2 = await b.json("/api/qoe", { method: "POST", body: beacon(id, OTHER, 0, START) });
    expect(r2.body).toEqual({ stored: true });
  });

  it("the choice reaches the account's other devices: sign-in and GET /api/auth/me say qoeOptOut", async () => {
    const phone = new TestBrowser();
    const { email, password } = await phone.signUp();
    const tv = new TestBrowser();
    expect((await tv.json("/api/auth/signin", { method: "POST", body: { email, password } })).body.qoeOptOut).toBe(false);
    expect((await phone.json("/api/auth/me")).body.qoeOptOut).toBe(false);
    // The opt-out is one of the token's facts: the other device may be sent to refresh first (as its client does on 401 session_expired).
    const me = async (b: TestBrowser) => {
      const r = await b.json("/api/auth/me");
      if (r.body.error?.code !== "session_expired") return r.body.qoeOptOut;
      expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
      return (await b.json("/api/auth/me")).body.qoeOptOut;
    };
    await phone.json("/api/qoe/consent", { method: "PUT", body: { optOut: true } });
    expect(await me(tv)).toBe(true);
    await tv.json("/api/qoe/consent", { method: "PUT", body: { optOut: false } });
    expect(await me(phone)).toBe(false);
  });

  it("the consent routes need a session: 401 signed out", async () => {
    expect((await call("/api/qoe/consent")).status).toBe(401);
  });
});

describe("QoE privacy", () => {
  it("no stored QoE row — raw rows in the shard, rollups in D1 — holds the IP, user agent, e-mail, account or profile id of the viewer", async () => {
    const b = new TestBrowser();
    const account = await b.signUp();
    const me = (await b.json("/api/auth/me")).body;
    const profiles = (await b.json("/api/profiles")).body;
    const ua = "Mozilla/5.0 (X11; Linux x86_64) QoePrivacyScan/1.0";
    const id = viewId();
    const titleId = title++;
    const r = await b.json("/api/qoe", { method: "POST", body: beacon(id, titleId, 0, [...START, { type: "exit", t: 2000 }]), headers: { "user-agent": ua } });
    expect(r.body).toEqual({ stored: true });
    const shard = qoeShard(env, id);
    const raw = JSON.stringify(await shard.dump());
    expect(raw).toContain(id); // the scan reads the rows it means to
    await shard.sweep(Date.now());
    const tables = ["qoe_minutes", "qoe_startup_histogram"];
    const d1 = JSON.stringify(await Promise.all(tables.map((t) => env.DB.prepare(`SELECT * FROM ${t}`).all())));
    expect(d1).toContain(String(titleId));
    const secrets = [b.ip, ua, "QoePrivacyScan", account.email, JSON.stringify(me).match(/"id":"([^"]+)"/)![1]!, ...[...JSON.stringify(profiles).matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!)];
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const s of secrets) {
      expect(raw, s).not.toContain(s);
      expect(d1, s).not.toContain(s);
    }
  });
});

describe("QoE retention", () => {
  it("raw per-view rows are deleted 24 h after the view's last beacon, leaving the shard empty", async () => {
    const id = viewId();
    await post(beacon(id, OTHER, 0, [...START, { type: "exit", t: 1000 }]));
    const shard = qoeShard(env, id);
    const now = Date.now();
    await shard.sweep(now + 23 * 3_600_000);
    expect(JSON.stringify(await shard.dump())).toContain(id);
    await shard.sweep(now + 24 * 3_600_000 + 1000);
    expect(JSON.stringify(await shard.dump())).not.toContain(id);
  });

  it("minute rollups are deleted once they are 13 months old, and kept before", async () => {
    const titleId = title++;
    const now = Date.now();
    const cutoff = rollupRetentionStart(now);
    const cell = (minute: number) => ({ minute, titleId, rendition: 0, pathway: "a", country: "FR", device: "desktop" as const, player: "p", counters: { ...zeroCounters(), views: 5 } });
    await addRollups(db(), [cell(cutoff - 1), cell(cutoff + 1)], []);
    const id = viewId();
    await post(beacon(id, OTHER, 0, START));
    await qoeShard(env, id).sweep(now);
    const kept = await db().select({ minute: qoeMinutes.minute }).from(qoeMinutes).where(sql`${qoeMinutes.titleId} = ${titleId}`).all();
    expect(kept.map((r) => r.minute)).toEqual([cutoff + 1]);
    expect(cutoff).toBeLessThanOrEqual(Math.floor((now - 395 * 86_400_000) / 60_000));
  });

  it("a breakdown hides groups with fewer than 5 views", async () => {
    const titleId = title++;
    const cell = (country: string, views: number) => ({ minute: 1000, titleId, rendition: 0, pathway: "a", country, device: "desktop" as const, player: "p", counters: { ...zeroCounters(), views } });
    await addRollups(db(), [cell("FR", 5), cell("DE", 4)], []);
    const rows = await countersBy(db(), "country", 1000, 1001, { titleId }, 10);
    expect(rows.map((r) => r.value)).toEqual(["FR"]);
  });

  it("the 30-day range reads hour rollups that add up to exactly the minutes the 24-hour range reads", async () => {
    const titleId = title++;
    const now = Date.now();
    const hourStart = Math.floor(now / 3_600_000) * 60 - 120;
    const cell = (minute: number, views: number, stalls: number) => ({
      minute, titleId, rendition: 720, pathway: "a", country: "FR", device: "desktop" as const, player: "p",
      counters: { ...zeroCounters(), views, started: views, stalls, startupMs: views * 800 },
    });
    // Three minutes of one hour (in two flushes, as two shards would), one of the next hour.
    await addRollups(db(), [cell(hourStart + 1, 5, 1), cell(hourStart + 30, 7, 0)], [{ minute: hourStart + 1, titleId, rendition: 720, pathway: "a", country: "FR", device: "desktop", player: "p", bucket: 12, count: 5 }]);
    await addRollups(db(), [cell(hourStart + 59, 3, 2), cell(hourStart + 61, 6, 0)], []);
    const day = await consoleSeries(db(), "24h", { titleId }, now);
    const month = await consoleSeries(db(), "30d", { titleId }, now);
    expect(month.totals).toEqual(day.totals);
    expect(month.totals?.views).toBe(21);
    const hour = month.points.find((p) => p.atMs === hourStart * 60_000);
    expect(hour?.views).toBe(15);
    expect(month.points.find((p) => p.atMs === (hourStart + 60) * 60_000)?.views).toBe(6);
  });
});
