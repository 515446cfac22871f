/**
 * Home's one call to the account's object (worker/progress/viewer-state.ts
 * `sessionHomeState`, docs/SCALING.md §6.4): the session's standing, the profile's home version, its
 * onboarding picks (worker/home/onboarding-store.ts) and its latest entries
 * for Continue Watching, so a KV hit reads no D1 row. D1 queries are counted by
 * the load meter's wrapper around the real binding (worker/lib/load-meter.ts).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../../worker/db/accounts.ts";
import { setOnboarding } from "../../../worker/db/home.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { d1Counts, objectCalls, resetD1Counts } from "../d1-counts.ts";
import { db } from "../helpers.ts";
import { seedTitles } from "../media-fixtures.ts";
import { afterSecondOf, PASSWORD, TestBrowser } from "../session-client.ts";

const FIRST = 8861;
const IDS = Array.from({ length: 12 }, (_, i) => FIRST + i);

beforeAll(async () => {
  await seedTitles(db(), IDS.map((id) => ({ id, title: `Home state ${id}` })));
});


type HomeBody = { onboarding: { choices: { id: number }[] } | null; error?: { code: string } };
async function home(b: TestBrowser) {
  const r = await b.json<HomeBody>("/api/home?device=tv&hour=20");
  return { status: r.status, body: r.body, cache: r.res.headers.get("x-home-cache") };
}

/** The home once its entry is in KV (written after the answer, with waitUntil). */
async function cachedHome(b: TestBrowser) {
  let h = await home(b);
  for (let i = 0; i < 50 && h.cache !== "hit"; i++) {
    await new Promise((r) => setTimeout(r, 20));
    h = await home(b);
  }
  return h;
}

describe("Home's hit path", () => {
  it("a KV hit makes no D1 query (a profile with nothing to continue)", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await cachedHome(b)).cache).toBe("hit");
    await resetD1Counts();
    const h = await home(b);
    expect([h.status, h.cache]).toEqual([200, "hit"]);
    const counted = await d1Counts();
    expect(counted.reads, `D1 reads of a Home hit: ${JSON.stringify(counted.readsByTable)}`).toBe(0);
    expect(counted.writes).toBe(0);
  });

  it("a KV hit asks the account's object once: the session's standing comes with the home state", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    expect((await cachedHome(b)).cache).toBe("hit");
    await resetD1Counts();
    expect(await home(b)).toMatchObject({ status: 200, cache: "hit" });
    expect(await objectCalls(up.account.id)).toBe(1);
    // Home's onboarding write is still asked by the session guard first (standing, then the picks).
    await resetD1Counts();
    expect((await b.json("/api/home/onboarding", { method: "POST", body: { titleIds: [] } })).status).toBe(200);
    expect(await objectCalls(up.account.id)).toBe(2);
  });

  it("a revoked session is refused in that one call, before any row is read; a stale one is sent to refresh", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    expect((await cachedHome(b)).cache).toBe("hit");
    const other = new TestBrowser();
    expect((await other.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } })).status).toBe(200);
    expect((await cachedHome(other)).cache).toBe("hit");
    // A profile edited on the first device: the other's token states old facts.
    await afterSecondOf(decodeJwt(other.value("mq_at")!).iat!);
    expect((await b.json(`/api/profiles/${up.profileId}`, { method: "PATCH", body: { name: "Renamed" } })).status).toBe(200);
    await resetD1Counts();
    const stale = await home(other);
    expect([stale.status, stale.body.error?.code]).toEqual([401, "session_expired"]);
    expect(await objectCalls(up.account.id)).toBe(1);
    expect((await other.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await home(other)).status).toBe(200);
    // Signed out: the old access token gets the guard's own refusal, with no KV entry served.
    const holder = new TestBrowser();
    holder.cookies.set("mq_at", { ...other.cookies.get("mq_at")! });
    expect((await other.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    await resetD1Counts();
    const revoked = await home(holder);
    expect([revoked.status, revoked.body.error?.code, revoked.cache]).toEqual([401, "invalid_session", null]);
    expect(await objectCalls(up.account.id)).toBe(1);
  });

  it("a session its object has not seen is checked once in D1 and admitted, in Home's own call", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    expect((await cachedHome(b)).cache).toBe("hit");
    await runInDurableObject(viewerState(env, up.account.id), (_i, state) => void state.storage.sql.exec("DELETE FROM session_states"));
    const sid = decodeJwt(b.value("mq_at")!).sid as string;
    const nowMs = Date.now();
    await createSession(db(), { id: sid, accountId: up.account.id, refreshHash: "legacy", profileId: null, nowMs, expiresAtMs: nowMs + 86_400_000 });
    await resetD1Counts();
    expect(await home(b)).toMatchObject({ status: 200, cache: "hit" });
    expect((await d1Counts()).readsByTable.sessions).toBe(1);
    expect(await objectCalls(up.account.id)).toBe(2);
    await resetD1Counts();
    expect(await home(b)).toMatchObject({ status: 200, cache: "hit" });
    expect((await d1Counts()).readsByTable.sessions).toBeUndefined();
    // Forgotten again, and D1 has no live row: refused, not admitted.
    await runInDurableObject(viewerState(env, up.account.id), (_i, state) => void state.storage.sql.exec("DELETE FROM session_states"));
    await env.DB.prepare("DELETE FROM sessions WHERE id = ?").bind(sid).run();
    const refused = await home(b);
    expect([refused.status, refused.body.error?.code]).toEqual([401, "invalid_session"]);
  });

  it("onboarding picks made on one device shape Home on another, read from the account's object, not D1", async () => {
    const phone = new TestBrowser();
    const up = await phone.signUp();
    const tv = new TestBrowser();
    expect((await tv.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } })).status).toBe(200);
    const before = await cachedHome(tv);
    expect(before.cache).toBe("hit");
    const choices = before.body.onboarding!.choices.map((c) => c.id);
    expect(choices.length, "a new profile is offered onboarding").toBeGreaterThanOrEqual(3);

    expect((await phone.json("/api/home/onboarding", { method: "POST", body: { titleIds: choices.slice(0, 3) } })).status).toBe(200);
    const known = (await viewerState(env, up.account.id).homeState(up.profileId, 0)).onboarding;
    expect(known).toMatchObject({ known: true, picks: { titleIds: choices.slice(0, 3) } });

    await resetD1Counts();
    const after = await home(tv);
    expect([after.status, after.cache]).toEqual([200, "miss"]);
    expect(after.body.onboarding, "the picks count as the profile's taste on the other device").toBeNull();
    expect((await d1Counts()).readsByTable.profiles, "the picks came from the object").toBeUndefined();
  });

  it("picks the object has not seen (made before they moved there) are read from D1 once, then kept", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    // Picks D1 holds but the object never saw, and a new home version so the next visit misses.
    await setOnboarding(db(), up.profileId, { titleIds: IDS.slice(0, 3), atMs: Date.now() });
    await state.bumpHomeVersion(up.profileId);
    expect((await state.homeState(up.profileId, 0)).onboarding).toEqual({ known: false });

    await resetD1Counts();
    const first = await home(b);
    expect([first.cache, first.body.onboarding]).toEqual(["miss", null]);
    expect((await d1Counts()).readsByTable.profiles, "the profile's picks, read once").toBe(1);
    expect((await state.homeState(up.profileId, 0)).onboarding).toMatchObject({ known: true, picks: { titleIds: IDS.slice(0, 3) } });

    await state.bumpHomeVersion(up.profileId);
    await resetD1Counts();
    const second = await home(b);
    expect([second.cache, second.body.onboarding]).toEqual(["miss", null]);
    expect((await d1Counts()).readsByTable.profiles, "kept in the object since").toBeUndefined();
  });

  it("a profile never asked is known as such after one D1 read: later misses offer onboarding without reading the profile row", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    expect((await home(b)).body.onboarding).not.toBeNull();
    expect((await state.homeState(up.profileId, 0)).onboarding).toEqual({ known: true, picks: null });
    await state.bumpHomeVersion(up.profileId);
    await resetD1Counts();
    const h = await home(b);
    expect(h.cache).toBe("miss");
    expect(h.body.onboarding).not.toBeNull();
    expect((await d1Counts()).readsByTable.profiles).toBeUndefined();
  });
});
