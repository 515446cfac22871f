/**
 * The session check without a D1 read (docs/SCALING.md §6.1): the access token
 * carries the session's facts, so a signed-in request reads no session row;
 * personal routes ask the account's object whether the session was revoked or
 * its facts changed; catalog reads trust the token alone for its 15 minutes.
 */
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../../worker/app.ts";
import { changePlan } from "../../../worker/auth/plan-change.ts";
import { createSession } from "../../../worker/db/accounts.ts";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from "../../../worker/auth/session-tokens.ts";
import { guardsItsOwnSession, isPersonalRoute } from "../../../worker/middleware/session-guard.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { db } from "../helpers.ts";
import { afterSecondOf, PASSWORD, SITE, TestBrowser } from "../session-client.ts";

/** The D1 binding with every prepared statement's SQL noted (the real database answers). */
function countingD1(real: D1Database, seen: string[]): D1Database {
  const wrapSession = (session: D1DatabaseSession) =>
    new Proxy(session, {
      get(target, prop) {
        if (prop === "prepare") return (sql: string) => (seen.push(sql), target.prepare(sql));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => (seen.push(sql), target.prepare(sql));
      if (prop === "withSession") return (constraint?: string) => wrapSession(target.withSession(constraint));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Sends `browser`'s cookies through the Worker's app with a counting D1; answers the status and the SQL it ran. */
async function counted(browser: TestBrowser, path: string): Promise<{ status: number; sql: string[] }> {
  const sql: string[] = [];
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${SITE}${path}`, { headers: { cookie: browser.cookieHeader(path), "cf-connecting-ip": browser.ip } }),
    { ...env, DB: countingD1(env.DB, sql) },
    ctx,
  );
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return { status: res.status, sql };
}

/** This run's session key set (vitest.config.ts): the current kid and its key bytes. */
const sessionKeys = JSON.parse((env as unknown as { SESSION_KEYS: string }).SESSION_KEYS) as { current: string; keys: Record<string, string> };
const currentKey = () => Uint8Array.from(atob(sessionKeys.keys[sessionKeys.current]!.replaceAll("-", "+").replaceAll("_", "/")), (ch) => ch.charCodeAt(0));

const SESSION_TABLES = /\b(sessions|accounts|profiles)\b/;

/** One request of each personal route family: what a revoked session must be refused on at once. */
const PERSONAL: { what: string; method: string; path: string; body?: unknown; headers?: Record<string, string>; refusal?: [number, string] }[] = [
  { what: "me", method: "GET", path: "/api/auth/me" },
  { what: "profiles", method: "GET", path: "/api/profiles" },
  { what: "My List", method: "GET", path: "/api/my-list" },
  { what: "My List write", method: "PUT", path: "/api/my-list/1" },
  { what: "ratings", method: "GET", path: "/api/ratings" },
  { what: "home", method: "GET", path: "/api/home" },
  { what: "progress", method: "GET", path: "/api/progress/continue" },
  { what: "progress write", method: "POST", path: "/api/progress", body: {} },
  { what: "history", method: "GET", path: "/api/history" },
  { what: "account export", method: "GET", path: "/api/account/export" },
  { what: "playback", method: "POST", path: "/api/playback/1", body: {} },
  { what: "licence streams", method: "GET", path: "/api/licence/streams" },
  { what: "licence renewal", method: "POST", path: "/api/licence/renew", headers: { "x-playback-token": "t" }, refusal: [403, "playback_revoked"] },
  { what: "downloads", method: "GET", path: "/api/downloads" },
  { what: "QoE consent", method: "GET", path: "/api/qoe/consent" },
  { what: "reminders", method: "GET", path: "/api/schedule/reminders" },
  { what: "operations", method: "GET", path: "/api/ops/alerts" },
];

/** Catalog reads: the token alone decides, for up to its 15 minutes. */
const CATALOG = ["/api/catalog/titles", "/api/catalog/genres", "/api/search?q=night"];

async function expectRefusedEverywhere(holder: TestBrowser, why: string) {
  for (const r of PERSONAL) {
    const res = await holder.json(r.path, { method: r.method, body: r.body, headers: r.headers });
    const [status, code] = r.refusal ?? [401, "invalid_session"];
    expect([res.status, res.body?.error?.code], `${why}: ${r.what}`).toEqual([status, code]);
  }
}

/** A browser holding a copy of `b`'s access token only (what is left on a device, or stolen, after the session ends). */
function holderOf(b: TestBrowser): TestBrowser {
  const holder = new TestBrowser();
  holder.cookies.set("mq_at", { ...b.cookies.get("mq_at")! });
  return holder;
}

describe("the session check reads no storage", () => {
  it("a signed-in request makes no D1 query for its session, on personal and catalog routes alike", async () => {
    const b = new TestBrowser();
    await b.signUp();
    // The floor route (session and viewer middleware, a constant answer): no D1 query at all.
    const floor = await counted(b, "/api/dev/bench/constant");
    expect(floor).toEqual({ status: 200, sql: [] });
    for (const path of ["/api/progress/continue", "/api/history", "/api/catalog/titles", "/api/licence/streams"]) {
      const { status, sql } = await counted(b, path);
      expect(status, path).toBe(200);
      expect(sql.filter((q) => SESSION_TABLES.test(q)), path).toEqual([]);
    }
    // The counter sees queries where there are some: /me reads the account and its profiles.
    const { sql: me } = await counted(b, "/api/auth/me");
    expect(me.some((q) => SESSION_TABLES.test(q))).toBe(true);
  });

  it("the token carries the profile, its ceiling and the plan, and stays small", async () => {
    const b = new TestBrowser();
    const up = await b.signUp(undefined, PASSWORD, { plan: "standard", profileName: "A".repeat(40) });
    const claims = decodeJwt(b.value("mq_at")!);
    expect(claims).toMatchObject({ sub: up.account.id, pln: "standard", prf: [up.profiles[0].id, "A".repeat(40), 0, 18] });
    expect(b.value("mq_at")!.length).toBeLessThan(700);
  });

  it("a session the object has not seen is checked once in D1, then admitted", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    // As if signed in before the object kept sessions: its rows are gone, and D1 has the session's live row.
    await runInDurableObject(viewerState(env, up.account.id), (_i, state) => void state.storage.sql.exec("DELETE FROM session_states"));
    const nowMs = Date.now();
    const sid = decodeJwt(b.value("mq_at")!).sid as string;
    await createSession(db(), { id: sid, accountId: up.account.id, refreshHash: "legacy", profileId: null, nowMs, expiresAtMs: nowMs + 86_400_000 });
    const first = await counted(b, "/api/progress/continue");
    expect(first.status).toBe(200);
    expect(first.sql.filter((q) => /\bsessions\b/.test(q))).toHaveLength(1);
    const second = await counted(b, "/api/progress/continue");
    expect(second.sql.filter((q) => /\bsessions\b/.test(q))).toEqual([]);
  });
});

describe("the account's object is the record of a session signed in since", () => {
  it("sign-in writes no D1 sessions row, and a session the object does not know is refused, not found in D1", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const sid = decodeJwt(b.value("mq_at")!).sid as string;
    expect(await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE account_id = ?").bind(up.account.id).first("n")).toBe(0);
    expect((await b.json("/api/progress/continue")).status).toBe(200);
    // Its object forgot it (as an erased object would): D1 has no row to admit it again.
    await runInDurableObject(viewerState(env, up.account.id), (_i, state) => void state.storage.sql.exec("DELETE FROM session_states WHERE session_id = ?", sid));
    const res = await b.json("/api/progress/continue");
    expect([res.status, res.body.error.code]).toEqual([401, "invalid_session"]);
  });
});

describe("revocation is immediate on personal routes", () => {
  it("after sign-out, the old access token is refused on every personal route family and still reads the catalog", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const holder = holderOf(b);
    expect((await holder.json("/api/progress/continue")).status).toBe(200);
    expect((await b.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    await expectRefusedEverywhere(holder, "signed out");
    // The documented trade-off (SCALING §6.1): catalog reads trust the token until it expires.
    for (const path of CATALOG) expect((await holder.json(path)).status, path).toBe(200);
  });

  it("a password change refuses every other device's token on personal routes; the changing device carries on", async () => {
    const changer = new TestBrowser();
    const up = await changer.signUp();
    const other = new TestBrowser();
    expect((await other.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } })).status).toBe(200);
    const res = await changer.json("/api/account/password", { method: "POST", body: { currentPassword: PASSWORD, newPassword: "another long passphrase" } });
    expect(res.body).toEqual({ signedOutSessions: 1 });
    await expectRefusedEverywhere(other, "password changed elsewhere");
    expect((await changer.json("/api/progress/continue")).status).toBe(200);
  });

  it("a family revoked for refresh-token reuse is refused on personal routes at once", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const copied = b.value("mq_rt")!;
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    const thief = new TestBrowser();
    thief.cookies.set("mq_rt", { value: copied, path: "/api/auth", attributes: [] });
    expect((await thief.json("/api/auth/refresh", { method: "POST" })).body.error.code).toBe("refresh_reused");
    await expectRefusedEverywhere(b, "refresh reused");
  });

  it("after account deletion, the deleting device's token is refused on personal routes", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const holder = holderOf(b);
    expect((await b.fetch("/api/account", { method: "DELETE", body: { password: up.password } })).status).toBe(204);
    await expectRefusedEverywhere(holder, "account deleted");
  });

  it("a forged, edited or expired token is refused on personal routes", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const real = decodeJwt(b.value("mq_at")!);
    const [h, , sig] = b.value("mq_at")!.split(".");
    // The same signature over raised facts (a kids ceiling lifted), and a token under a key of our own.
    const edited = `${h}.${btoa(JSON.stringify({ ...real, pln: "premium", prf: [(real.prf as unknown[])[0], "x", 0, 18] })).replace(/=+$/, "")}.${sig}`;
    const foreign = await new SignJWT({ ...real })
      .setProtectedHeader({ alg: "HS256", kid: sessionKeys.current, typ: "at+jwt" })
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .sign(crypto.getRandomValues(new Uint8Array(32)));
    for (const token of [edited, foreign]) {
      const holder = new TestBrowser();
      holder.cookies.set("mq_at", { value: token, path: "/api", attributes: [] });
      expect((await holder.json("/api/progress/continue")).body.error.code).toBe("invalid_session");
    }
    const expired = await new SignJWT({ sid: real.sid, pln: real.pln, prf: real.prf })
      .setProtectedHeader({ alg: "HS256", kid: sessionKeys.current, typ: "at+jwt" })
      .setSubject(String(real.sub))
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 2700)
      .sign(currentKey());
    const late = new TestBrowser();
    late.cookies.set("mq_at", { value: expired, path: "/api", attributes: [] });
    expect((await late.json("/api/progress/continue")).body.error.code).toBe("session_expired");
  });
});

describe("changed facts reach the token", () => {
  it("choosing a profile answers a new token with the new profile's facts, used at once", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    expect(kids.status).toBe(201);
    const before = b.value("mq_at");
    const chosen = await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST", body: {} });
    expect(chosen.status).toBe(200);
    expect(chosen.body.accessExpiresAt).toBeGreaterThan(Date.now());
    expect(b.value("mq_at")).not.toBe(before);
    expect(decodeJwt(b.value("mq_at")!).prf).toEqual([kids.body.id, "Kiddo", 1, kids.body.maxMaturityAge]);
    expect((await b.json("/api/auth/me")).body.profileId).toBe(kids.body.id);
    // A kids profile may not open account settings: the new facts are what the routes see.
    expect((await b.json("/api/account/export")).body.error.code).toBe("kids_profile");
  });

  it("a profile edited on another device sends this device to refresh, which states the new ceiling", async () => {
    const parent = new TestBrowser();
    const up = await parent.signUp();
    const kids = await parent.json("/api/profiles", { method: "POST", body: { name: "Little", isKids: true, maxMaturityAge: 7 } });
    const tablet = new TestBrowser();
    await tablet.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } });
    expect((await tablet.json(`/api/profiles/${kids.body.id}/select`, { method: "POST", body: {} })).status).toBe(200);
    await afterSecondOf(decodeJwt(tablet.value("mq_at")!).iat!);
    expect((await parent.json(`/api/profiles/${kids.body.id}`, { method: "PATCH", body: { maxMaturityAge: 0 } })).status).toBe(200);
    // The device that made the change got a fresh token with the answer, and carries on.
    expect((await parent.json("/api/progress/continue")).status).toBe(200);
    expect((await tablet.json("/api/progress/continue")).body.error.code).toBe("session_expired");
    expect((await tablet.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((decodeJwt(tablet.value("mq_at")!).prf as unknown[])[3]).toBe(0);
    expect((await tablet.json("/api/progress/continue")).status).toBe(200);
  });

  it("a plan change sends older tokens to refresh, which states the new plan", async () => {
    const b = new TestBrowser();
    const up = await b.signUp(undefined, PASSWORD, { plan: "premium" });
    await afterSecondOf(decodeJwt(b.value("mq_at")!).iat!);
    expect(await changePlan(env, db(), up.account.id, "basic")).toBe(true);
    expect((await b.json("/api/downloads")).body.error.code).toBe("session_expired");
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(decodeJwt(b.value("mq_at")!).pln).toBe("basic");
    expect((await b.json("/api/downloads")).status).toBe(200);
  });

  it("names exactly the personal routes", () => {
    expect(isPersonalRoute("GET", "/api/progress/continue")).toBe(true);
    expect(isPersonalRoute("GET", "/api/profiles")).toBe(true);
    expect(isPersonalRoute("GET", "/api/schedule/reminders")).toBe(true);
    expect(isPersonalRoute("POST", "/api/schedule")).toBe(true);
    expect(isPersonalRoute("GET", "/api/schedule")).toBe(false);
    expect(isPersonalRoute("GET", "/api/catalog/titles")).toBe(false);
    expect(isPersonalRoute("GET", "/api/homework")).toBe(false);
    expect(isPersonalRoute("GET", "/api/auth/refresh")).toBe(false);
  });

  it("leaves only a licence, its renewal and Home to check the session themselves, by exact method and path", () => {
    expect(guardsItsOwnSession("POST", "/api/licence")).toBe(true);
    expect(guardsItsOwnSession("POST", "/api/licence/renew")).toBe(true);
    expect(guardsItsOwnSession("GET", "/api/home")).toBe(true);
    for (const [method, path] of [["POST", "/api/home/onboarding"], ["GET", "/api/home/"], ["HEAD", "/api/home"], ["POST", "/api/home"], ["POST", "/api/licence/release"], ["GET", "/api/licence/streams"], ["DELETE", "/api/licence/streams/abcdefgh"], ["GET", "/api/licence"], ["POST", "/api/licence/"], ["POST", "/api/licence/renew/x"], ["POST", "/api/playback/1"]]) {
      expect(guardsItsOwnSession(method!, path!), `${method} ${path}`).toBe(false);
    }
  });
});
