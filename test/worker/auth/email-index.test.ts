/**
 * The sharded e-mail index (worker/auth/email-index.ts, docs/SCALING.md §6.1):
 * shard routing is stable and balanced; sign-in reads the e-mail's index shard
 * and writes no row of the primary DB (counted by the load meter,
 * worker/lib/load-meter.ts); accounts from before the index sign in and get
 * their row; uniqueness holds across shards; the writers of the e-mail and
 * password (sign-up, password change, deletion) keep the rows right; and the
 * account's object, not a D1 row, is the record of sessions signed in since.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { emailIndexBindings, emailShard, emailShardOf, normaliseEmail, PENDING_CLAIM_MS } from "../../../worker/auth/email-index.ts";
import { hashPassword } from "../../../worker/auth/passwords.ts";
import { createAccount, createSession } from "../../../worker/db/accounts.ts";
import { DEFAULT_SUBTITLES } from "../../../common/subtitles.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { db } from "../helpers.ts";
import { databaseCounts, resetCounters } from "../load-counters.ts";
import { PASSWORD, TestBrowser, uniqueEmail } from "../session-client.ts";

/** The e-mail's index row, from the shard it routes to. */
const indexRow = (email: string) => emailShard(env, email).prepare("SELECT * FROM email_index WHERE email = ?").bind(normaliseEmail(email)).first<Record<string, unknown>>();

/** An account written straight to DB, as sign-up did before the index: no index row. */
async function legacyAccount(email: string) {
  const id = crypto.randomUUID();
  const profile = { id: crypto.randomUUID(), name: "Old", avatar: "default", isKids: false, maxMaturityAge: 18, language: "en", autoplay: true, subtitles: { ...DEFAULT_SUBTITLES }, pinHash: null };
  expect(await createAccount(db(), { id, email, password: await hashPassword(PASSWORD), plan: "standard", createdAt: Date.now() }, profile)).toBe(true);
  return id;
}

/** Writes an index row straight into the e-mail's shard (a state the Worker leaves only when a write failed or raced). */
async function putRow(email: string, row: { state: "pending" | "active"; updatedAt: number; password?: string; accountId?: string }) {
  const hash = await hashPassword(row.password ?? PASSWORD);
  await emailShard(env, email)
    .prepare("INSERT INTO email_index (email, account_id, password_hash, password_salt, password_iterations, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(email, row.accountId ?? crypto.randomUUID(), hash.hash, hash.salt, hash.iterations, row.state, row.updatedAt)
    .run();
}

const signIn = (b: TestBrowser, email: string, password = PASSWORD) => b.json("/api/auth/signin", { method: "POST", body: { email, password } });

/** Pearson's chi-square of counts against a uniform spread. */
function chiSquare(counts: number[]): number {
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  return counts.reduce((sum, n) => sum + (n - mean) ** 2 / mean, 0);
}

describe("shard routing", () => {
  it("is stable: the same e-mail, in any case and with surrounding space, always names the same shard", () => {
    for (const shards of [2, 32]) {
      const home = emailShardOf("ann@example.com", shards);
      for (const spelling of ["ann@example.com", "Ann@Example.COM", "  ann@example.com\t", "ANN@EXAMPLE.COM "]) expect(emailShardOf(spelling, shards), spelling).toBe(home);
    }
    // Pinned: a change of hash would move every stored row to the wrong shard.
    expect([emailShardOf("ann@example.com", 32), emailShardOf("ann@example.com", 2), emailShardOf("demo@marquee.local", 32)]).toEqual([5, 1, 15]);
  });

  it("is balanced: 10,000 e-mails over production's 32 shards pass a chi-square test, and split evenly over the 2 bindings", () => {
    // 31 degrees of freedom: 61.1 is the 0.1 % critical value.
    const sequential = Array.from({ length: 10_000 }, (_, i) => `user${i}@example.com`);
    const varied = Array.from({ length: 10_000 }, (_, i) => `viewer.${(i * 2654435761) % 1_000_003}@mail${i % 7}.test`);
    for (const emails of [sequential, varied]) {
      const counts = new Array<number>(32).fill(0);
      for (const e of emails) counts[emailShardOf(e, 32)]!++;
      expect(chiSquare(counts)).toBeLessThan(61.1);
      for (const n of counts) expect(Math.abs(n - 10_000 / 32) / (10_000 / 32)).toBeLessThan(0.2);
      const halves = [0, 0];
      for (const e of emails) halves[emailShardOf(e, 2)]!++;
      for (const n of halves) expect(Math.abs(n - 5_000)).toBeLessThan(250);
    }
  });

  it("routes over the bindings present: the tests have EMAIL_INDEX_0 and EMAIL_INDEX_1, and sign-ups land in both", async () => {
    const shards = emailIndexBindings(env);
    expect(shards).toHaveLength(2);
    const landed = new Set<number>();
    for (let i = 0; landed.size < 2 && i < 8; i++) {
      const email = uniqueEmail(`route${i}`);
      await new TestBrowser().signUp(email);
      const n = emailShardOf(email, 2);
      expect(await shards[n]!.prepare("SELECT state FROM email_index WHERE email = ?").bind(email).first("state"), email).toBe("active");
      expect(await shards[1 - n]!.prepare("SELECT count(*) AS c FROM email_index WHERE email = ?").bind(email).first("c")).toBe(0);
      landed.add(n);
    }
    expect(landed.size).toBe(2);
  });
});

describe("sign-in", () => {
  it("reads its e-mail's index shard's primary and writes no row of DB; its DB reads start on a replica", async () => {
    const email = uniqueEmail("signin");
    await new TestBrowser().signUp(email);
    await resetCounters();
    const b = new TestBrowser();
    const res = await signIn(b, email);
    expect(res.status).toBe(200);
    expect(res.body.profiles).toHaveLength(1);
    const counts = await databaseCounts();
    const main = counts.find((d) => d.binding === "DB")!;
    expect(main.writes, JSON.stringify(main.writesByTable)).toBe(0);
    // (The counters' own GET opens one unconstrained session too.) No session starts on the primary.
    expect(Object.keys(main.sessionsByStart), "every DB read through a session a replica may answer").toEqual(["first-unconstrained"]);
    // The account, its profiles and its opt-out by account id (one batch); the lookup by e-mail is the index's.
    expect(main.reads).toBe(3);
    const home = `EMAIL_INDEX_${emailShardOf(email, 2)}`;
    const shard = counts.find((d) => d.binding === home)!;
    // Outside any D1 session: the primary answers, so a password changed a moment ago never verifies on a lagging replica.
    expect([shard.reads, shard.writes, shard.readsByTable, shard.sessionsByStart]).toEqual([1, 0, { email_index: 1 }, {}]);
    expect(counts.filter((d) => d.binding.startsWith("EMAIL_INDEX_") && d.binding !== home && d.reads + d.writes > 0)).toEqual([]);
    // The session it made is live on personal routes.
    expect((await b.json("/api/auth/me")).status).toBe(200);
  });

  it("an account from before the index signs in, gets its row once, and signs in from the index after", async () => {
    const email = uniqueEmail("legacy");
    const accountId = await legacyAccount(email);
    expect(await indexRow(email)).toBeNull();
    await resetCounters();
    const first = await signIn(new TestBrowser(), email);
    expect([first.status, first.body.account?.id]).toEqual([200, accountId]);
    // By e-mail on the request's session (a replica may answer), then again on the primary before the row is
    // written: a replica that has not yet seen the account's deletion cannot put it back in the index. Then by id.
    expect((await databaseCounts()).find((d) => d.binding === "DB")!.readsByTable.accounts).toBe(3);
    expect(await indexRow(email)).toMatchObject({ account_id: accountId, state: "active" });
    await resetCounters();
    expect((await signIn(new TestBrowser(), email)).status).toBe(200);
    const main = (await databaseCounts()).find((d) => d.binding === "DB")!;
    expect(main.readsByTable, "by account id only").toEqual({ accounts: 1, profiles: 1, qoe_opt_outs: 1 });
    // Wrong passwords and unknown e-mails are still refused alike.
    expect((await signIn(new TestBrowser(), email, "wrong password")).status).toBe(401);
    expect((await signIn(new TestBrowser(), uniqueEmail("nobody"))).status).toBe(401);
  });

  it("a sign-up's claim left pending is made active when its account exists, and abandoned when it never appeared", async () => {
    const email = uniqueEmail("pending");
    const up = await new TestBrowser().signUp(email);
    await emailShard(env, email).prepare("UPDATE email_index SET state = 'pending' WHERE email = ?").bind(email).run();
    expect((await signIn(new TestBrowser(), email)).status).toBe(200);
    expect(await indexRow(email)).toMatchObject({ account_id: up.account.id, state: "active" });

    // A claim whose account was never written, older than the grace: sign-in removes it; sign-up may take the e-mail.
    const ghost = uniqueEmail("ghost");
    await putRow(ghost, { state: "pending", updatedAt: Date.now() - PENDING_CLAIM_MS - 1000 });
    expect((await signIn(new TestBrowser(), ghost)).status).toBe(401);
    expect(await indexRow(ghost)).toBeNull();
    // A fresh claim is left alone (its sign-up may still be writing): the e-mail is taken meanwhile.
    const young = uniqueEmail("young");
    await putRow(young, { state: "pending", updatedAt: Date.now() });
    expect((await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: young, password: PASSWORD } })).status).toBe(409);
    await emailShard(env, young).prepare("UPDATE email_index SET updated_at = ? WHERE email = ?").bind(Date.now() - PENDING_CLAIM_MS - 1000, young).run();
    const taken = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: young, password: PASSWORD } });
    expect(taken.status).toBe(201);
    expect(await indexRow(young)).toMatchObject({ account_id: taken.body.account.id, state: "active" });
  });
});

describe("sign-up", () => {
  it("refuses a taken e-mail with 409 email_taken, in any case or spacing, and leaves the first account's row alone", async () => {
    const email = uniqueEmail("dup");
    const first = await new TestBrowser().signUp(email);
    for (const spelling of [email, email.toUpperCase(), ` ${email} `]) {
      const again = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: spelling, password: PASSWORD } });
      expect([again.status, again.body.error?.code], spelling).toEqual([409, "email_taken"]);
    }
    expect(await indexRow(email)).toMatchObject({ account_id: first.account.id, state: "active" });
  });

  it("refuses the e-mail of an account from before the index with 409, and withdraws its claim", async () => {
    const email = uniqueEmail("olddup");
    const accountId = await legacyAccount(email);
    const again = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email, password: PASSWORD } });
    expect([again.status, again.body.error?.code]).toEqual([409, "email_taken"]);
    expect(await indexRow(email)).toBeNull();
    expect((await signIn(new TestBrowser(), email)).body.account.id).toBe(accountId);
  });

  it("replaces an active row whose account is gone from DB", async () => {
    const email = uniqueEmail("orphan");
    await putRow(email, { state: "active", updatedAt: Date.now(), password: "an old password" });
    // Its password matches, but there is no account to sign in to.
    expect((await signIn(new TestBrowser(), email, "an old password")).status).toBe(401);
    const up = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email, password: PASSWORD } });
    expect(up.status).toBe(201);
    expect(await indexRow(email)).toMatchObject({ account_id: up.body.account.id, state: "active" });
  });

  it("bad input stays 400", async () => {
    for (const body of [{ email: "not an e-mail", password: PASSWORD }, { email: 42, password: PASSWORD }, { email: uniqueEmail(), password: "short" }]) {
      expect((await new TestBrowser().json("/api/auth/signup", { method: "POST", body })).status).toBe(400);
    }
    expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email: ["x"], password: PASSWORD } })).status).toBe(400);
  });
});

describe("password change, sign-out and deletion", () => {
  it("a password change writes the index row and ends sessions signed in before the object kept them and since", async () => {
    const email = uniqueEmail("pw");
    const b = new TestBrowser();
    const up = await b.signUp(email);
    const other = new TestBrowser();
    expect((await signIn(other, email)).status).toBe(200);
    // A session signed in before sign-in stopped writing D1 rows: its row, admitted by one D1 check.
    const legacyId = crypto.randomUUID();
    await createSession(db(), { id: legacyId, accountId: up.account.id, refreshHash: "legacy", profileId: null, nowMs: Date.now(), expiresAtMs: Date.now() + 86_400_000 });
    const changed = await b.json("/api/account/password", { method: "POST", body: { currentPassword: PASSWORD, newPassword: "a brand new password" } });
    expect([changed.status, changed.body.signedOutSessions]).toEqual([200, 2]);
    expect(await env.DB.prepare("SELECT revoked_at FROM sessions WHERE id = ?").bind(legacyId).first("revoked_at")).not.toBeNull();
    expect((await other.json("/api/auth/me")).status).toBe(401);
    expect((await other.json("/api/auth/refresh", { method: "POST" })).status).toBe(401);
    expect((await b.json("/api/auth/me")).status).toBe(200);
    // Sign-in checks the index row: the new password only.
    expect((await signIn(new TestBrowser(), email)).status).toBe(401);
    expect((await signIn(new TestBrowser(), email, "a brand new password")).status).toBe(200);
  });

  it("sign-out ends a session in its object with no D1 write, and a session from before is revoked in D1 too", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await resetCounters();
    expect((await b.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    expect((await databaseCounts()).find((d) => d.binding === "DB")?.writes ?? 0).toBe(0);

    // A session from before: its D1 row, and no family in the object (it never refreshed since). Its sign-out revokes the row.
    const old = new TestBrowser();
    await signIn(old, up.account.email);
    const sid = decodeJwt(old.value("mq_at")!).sid as string;
    await runInDurableObject(viewerState(env, up.account.id), (_i, state) => void state.storage.sql.exec("DELETE FROM refresh_families WHERE session_id = ?", sid));
    await createSession(db(), { id: sid, accountId: up.account.id, refreshHash: "legacy", profileId: null, nowMs: Date.now(), expiresAtMs: Date.now() + 86_400_000 });
    expect((await old.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    expect(await env.DB.prepare("SELECT revoked_at FROM sessions WHERE id = ?").bind(sid).first("revoked_at")).not.toBeNull();
  });

  it("account deletion removes the e-mail's index row, and the e-mail can sign up again", async () => {
    const email = uniqueEmail("gone");
    const b = new TestBrowser();
    await b.signUp(email);
    expect(await indexRow(email)).not.toBeNull();
    expect((await b.fetch("/api/account", { method: "DELETE", body: { password: PASSWORD } })).status).toBe(204);
    expect(await indexRow(email)).toBeNull();
    expect((await signIn(new TestBrowser(), email)).status).toBe(401);
    expect((await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(201);
  });
});
