/**
 * The QoE opt-out as one of the access token's facts (docs/SCALING.md §6.1,
 * §6.8): a signed-in beacon reads no D1 row to learn it, a change on one
 * device sends the account's other devices to refresh into it, and a family
 * stored before the opt-out was a fact reads it from D1 once at its next
 * refresh. D1 queries are counted by the load meter's wrapper around the real
 * binding (worker/lib/load-meter.ts).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { QoeBeacon } from "../../../common/qoe.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { d1Counts, resetD1Counts } from "../d1-counts.ts";
import { afterSecondOf, PASSWORD, TestBrowser } from "../session-client.ts";


let n = 0;
const beacon = (): QoeBeacon => ({ v: 1, viewId: `facts-${Date.now().toString(36)}-${(n++).toString(36)}`, seq: 0, titleId: 879_998, device: "desktop", player: "web-test", events: [{ type: "intent", t: 0 }] });
const sendBeacon = async (b: TestBrowser) => (await b.json("/api/qoe", { method: "POST", body: beacon() })).body as { stored: boolean; reason?: string };
const optOut = (b: TestBrowser, value: boolean) => b.json("/api/qoe/consent", { method: "PUT", body: { optOut: value } });
const nq = (b: TestBrowser) => decodeJwt(b.value("mq_at")!).nq;

describe("the QoE opt-out in the access token", () => {
  it("a signed-in beacon reads no D1 row, opted in or out; the device that opts out gets a token stating it", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect(nq(b)).toBe(0);
    await resetD1Counts();
    expect(await sendBeacon(b)).toEqual({ stored: true });
    expect(await d1Counts(), "D1 queries of a signed-in beacon").toMatchObject({ reads: 0, writes: 0 });

    const put = await optOut(b, true);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ optedOut: true, gpc: false });
    expect(put.body.accessExpiresAt).toBe(decodeJwt(b.value("mq_at")!).exp! * 1000);
    expect(nq(b)).toBe(1);
    await resetD1Counts();
    expect(await sendBeacon(b)).toEqual({ stored: false, reason: "opted_out" });
    expect(await b.json("/api/qoe/rows", { method: "POST", body: { v: 1, batchId: `facts-rows-${Date.now().toString(36)}-${n++}`, device: "desktop", shown: [{ row: "trending", titleId: 1 }], plays: [] } })).toMatchObject({ status: 202, body: { stored: false, reason: "opted_out" } });
    expect(await d1Counts(), "D1 queries of an opted-out beacon and row batch").toMatchObject({ reads: 0, writes: 0 });
    // This device's own token is current: its personal routes go on without a refresh.
    expect((await b.json("/api/auth/me")).body.qoeOptOut).toBe(true);
  });

  it("an opt-out made on device A reaches device B: B's next personal request is sent to refresh, and after it B's beacons are refused", async () => {
    const a = new TestBrowser();
    const { email } = await a.signUp();
    const b = new TestBrowser();
    expect((await b.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(200);
    expect(await sendBeacon(b)).toEqual({ stored: true });
    await afterSecondOf(decodeJwt(b.value("mq_at")!).iat!);
    expect((await optOut(a, true)).status).toBe(200);
    // Facts read in the change's own second are read again next time: refresh a second later, as a device would minutes later.
    await afterSecondOf(Math.floor(Date.now() / 1000));

    expect((await b.json("/api/auth/me")).body.error?.code, "B's token predates the change").toBe("session_expired");
    await resetD1Counts();
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await d1Counts()).readsByTable.qoe_opt_outs, "the refresh reads the changed facts once").toBe(1);
    expect(nq(b)).toBe(1);
    await resetD1Counts();
    expect(await sendBeacon(b)).toEqual({ stored: false, reason: "opted_out" });
    expect((await d1Counts()).reads).toBe(0);

    // Back in from B: A's next refresh states it, and A's beacons are stored again.
    await afterSecondOf(decodeJwt(a.value("mq_at")!).iat!);
    expect((await optOut(b, false)).status).toBe(200);
    await afterSecondOf(Math.floor(Date.now() / 1000));
    expect((await a.json("/api/progress/continue")).body.error?.code).toBe("session_expired");
    expect((await a.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(nq(a)).toBe(0);
    expect(await sendBeacon(a)).toEqual({ stored: true });
    // With the facts read again, the next refresh reads nothing.
    await resetD1Counts();
    expect((await a.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(await d1Counts()).toMatchObject({ reads: 0, writes: 0 });
  });

  it("Global Privacy Control still stops a beacon of an account that did not opt out", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/qoe", { method: "POST", body: beacon(), headers: { "sec-gpc": "1" } })).body).toEqual({ stored: false, reason: "gpc" });
  });

  it("a family stored before the opt-out was a fact (no such column) gains it, and its next refresh reads the facts from D1 once", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await optOut(b, true);
    // Refreshed a second after the change, the family stores the facts again, so only a missing opt-out can make it read them next.
    await afterSecondOf(Math.floor(Date.now() / 1000));
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    const stub = viewerState(env, up.account.id);
    // Rebuild the family's table in the shape it had before (no qoe_opt_out column), keeping its row.
    await runInDurableObject(stub as unknown as DurableObjectStub, (instance, state) => {
      const sql = state.storage.sql;
      sql.exec("CREATE TABLE old_families AS SELECT session_id, refresh_hash, expires_at, rotated_at, plan, profile_id, profile, facts_at FROM refresh_families");
      sql.exec("DROP TABLE refresh_families");
      sql.exec("ALTER TABLE old_families RENAME TO refresh_families");
      // As in an instance started on such tables: the store has not looked at them yet.
      (instance as unknown as { families: { forgetSchema(): void } }).families.forgetSchema();
    });
    await resetD1Counts();
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await d1Counts()).readsByTable.qoe_opt_outs, "the family had no opt-out stored: read once").toBe(1);
    expect(nq(b)).toBe(1);
    const columns = await runInDurableObject(stub as unknown as DurableObjectStub, (_o, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('refresh_families')").toArray().map((r) => r.name),
    );
    expect(columns).toContain("qoe_opt_out");
    await resetD1Counts();
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(await d1Counts()).toMatchObject({ reads: 0, writes: 0 });
  });
});
