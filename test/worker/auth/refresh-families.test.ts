/**
 * Refresh families in the account's object (worker/auth/refresh-families.ts,
 * docs/SCALING.md §6.1): a refresh rotates the token there and writes nothing
 * to D1, and reads D1 only after the account's facts changed. D1 queries are
 * counted by the load meter's wrapper around the real binding
 * (worker/lib/load-meter.ts). Reuse detection, sign-out and password changes
 * are covered where they were (auth.test.ts, account.test.ts,
 * middleware/session-guard.test.ts), now through the object.
 */
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { changePlan } from "../../../worker/auth/plan-change.ts";
import { createSession } from "../../../worker/db/accounts.ts";
import { db } from "../helpers.ts";
import { countsOf, resetCounters } from "../load-counters.ts";
import { PASSWORD, TestBrowser } from "../session-client.ts";

/** The primary database's counters since the last reset. */
const counters = () => countsOf("DB");

/** Waits for the clock's next second after `iat` (the account's facts change in whole seconds). */
async function afterSecondOf(iat: number) {
  while (Math.floor(Date.now() / 1000) <= iat) await new Promise((r) => setTimeout(r, 50));
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const refresh = (b: TestBrowser) => b.json("/api/auth/refresh", { method: "POST" });

describe("refresh families in the account's object", () => {
  it("the refresh token names the account and the family; a refresh rotates it with no D1 read or write", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const [accountId, familyId] = b.value("mq_rt")!.split(".");
    expect(accountId).toBe(up.account.id);
    expect(familyId).toBe(decodeJwt(b.value("mq_at")!).sid);

    await resetCounters();
    for (let i = 0; i < 3; i++) {
      const before = b.value("mq_rt");
      expect((await refresh(b)).status).toBe(200);
      expect(b.value("mq_rt")).not.toBe(before);
    }
    const counted = await counters();
    expect(counted.writes, `D1 writes of three refreshes: ${JSON.stringify(counted.writesByTable)}`).toBe(0);
    expect(counted.reads, "D1 reads of three refreshes with the account's facts unchanged").toBe(0);
    // The rotated family still works on personal routes and states the same facts.
    const me = await b.json("/api/auth/me");
    expect([me.status, me.body.profileId]).toEqual([200, up.profileId]);
  });

  it("after a plan change the next refresh reads the facts from D1 once and states the new plan; the one after reads nothing", async () => {
    const b = new TestBrowser();
    const up = await b.signUp(undefined, PASSWORD, { plan: "premium" });
    await afterSecondOf(decodeJwt(b.value("mq_at")!).iat!);
    expect(await changePlan(env, db(), up.account.id, "basic")).toBe(true);
    // Facts read in the change's own second are read again next time (they may predate it): refresh a second later.
    await afterSecondOf(Math.floor(Date.now() / 1000));

    await resetCounters();
    expect((await refresh(b)).status).toBe(200);
    expect(decodeJwt(b.value("mq_at")!).pln).toBe("basic");
    const first = await counters();
    expect(first.writes).toBe(0);
    expect(first.reads, "the account's plan and the profile, read again").toBeGreaterThan(0);

    await resetCounters();
    expect((await refresh(b)).status).toBe(200);
    expect(decodeJwt(b.value("mq_at")!).pln).toBe("basic");
    expect(await counters()).toMatchObject({ reads: 0, writes: 0 });
  });

  it("a profile chosen on this device is what later refreshes state, and its deletion elsewhere leaves none chosen", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const second = await b.json("/api/profiles", { method: "POST", body: { name: "Chosen" } });
    await resetCounters();
    expect((await b.json(`/api/profiles/${second.body.id}/select`, { method: "POST", body: {} })).status).toBe(200);
    expect((await counters()).writesByTable.sessions, "the choice is the object's, not a D1 sessions row").toBeUndefined();
    expect((await refresh(b)).status).toBe(200);
    expect((decodeJwt(b.value("mq_at")!).prf as unknown[])[0]).toBe(second.body.id);

    // Another device deletes the profile this one had chosen: this device's refresh reads the facts again and states no profile.
    const other = new TestBrowser();
    await other.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } });
    await other.json(`/api/profiles/${up.profileId}/select`, { method: "POST", body: {} });
    await afterSecondOf(decodeJwt(b.value("mq_at")!).iat!);
    expect((await other.fetch(`/api/profiles/${second.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await refresh(b)).status).toBe(200);
    expect(decodeJwt(b.value("mq_at")!).prf).toBeNull();
  });

  it("a token of the older shape (family in D1) is rotated in D1 once and handed to the object; presenting it again revokes the family", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    // A family signed in before families moved: D1 holds the hash of `<familyId>.<secret>`.
    const familyId = crypto.randomUUID();
    const legacy = `${familyId}.${"L".repeat(43)}`;
    const nowMs = Date.now();
    await createSession(db(), { id: familyId, accountId: up.account.id, refreshHash: await sha256Hex(legacy), profileId: up.profileId, nowMs, expiresAtMs: nowMs + 86_400_000 });
    const device = new TestBrowser();
    device.cookies.set("mq_rt", { value: legacy, path: "/api/auth", attributes: [] });

    await resetCounters();
    expect((await refresh(device)).status).toBe(200);
    expect((await counters()).writesByTable.sessions).toBe(1);
    expect(device.value("mq_rt")!.startsWith(`${up.account.id}.${familyId}.`)).toBe(true);
    expect((decodeJwt(device.value("mq_at")!).prf as unknown[])[0]).toBe(up.profileId);

    await resetCounters();
    expect((await refresh(device)).status).toBe(200);
    expect((await counters()).writes, "the next refresh is the object's").toBe(0);

    const thief = new TestBrowser();
    thief.cookies.set("mq_rt", { value: legacy, path: "/api/auth", attributes: [] });
    expect((await refresh(thief)).body.error.code).toBe("refresh_reused");
    expect((await refresh(device)).body.error.code).toBe("invalid_refresh");
    expect((await device.json("/api/auth/me")).status).toBe(401);
  });

  it("a token that was never the family's is refused and revokes nothing; an earlier one of the family revokes it", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const first = b.value("mq_rt")!;
    expect((await refresh(b)).status).toBe(200);
    const [accountId, familyId] = first.split(".");
    // Someone who knows the family id (not its secret) guesses.
    const guesser = new TestBrowser();
    guesser.cookies.set("mq_rt", { value: `${accountId}.${familyId}.${"A".repeat(43)}`, path: "/api/auth", attributes: [] });
    const guessed = await refresh(guesser);
    expect([guessed.status, guessed.body.error.code]).toEqual([401, "invalid_refresh"]);
    // The device is still signed in and refreshes as before.
    expect((await refresh(b)).status).toBe(200);
    expect((await b.json("/api/auth/me")).status).toBe(200);
    // The first token, replayed after the family moved on twice: copied, so the family ends.
    const thief = new TestBrowser();
    thief.cookies.set("mq_rt", { value: first, path: "/api/auth", attributes: [] });
    expect((await refresh(thief)).body.error.code).toBe("refresh_reused");
    expect((await refresh(b)).status).toBe(401);
  });

  it("a refresh after the account was deleted, or naming another account, is 401 invalid_refresh", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const victim = new TestBrowser();
    const theirs = await victim.signUp();
    // This device's family presented under the other account's name: that object holds no such family.
    const [, familyId, secret] = b.value("mq_rt")!.split(".");
    const swapped = new TestBrowser();
    swapped.cookies.set("mq_rt", { value: `${theirs.account.id}.${familyId}.${secret}`, path: "/api/auth", attributes: [] });
    expect((await refresh(swapped)).body.error.code).toBe("invalid_refresh");
    expect((await refresh(victim)).status).toBe(200);

    const token = b.value("mq_rt")!;
    expect((await b.fetch("/api/account", { method: "DELETE", body: { password: up.password } })).status).toBe(204);
    const after = new TestBrowser();
    after.cookies.set("mq_rt", { value: token, path: "/api/auth", attributes: [] });
    expect((await refresh(after)).body.error.code).toBe("invalid_refresh");
  });
});
