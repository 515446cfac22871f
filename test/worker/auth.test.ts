import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from "../../worker/auth/session-tokens.ts";
import { ACCOUNT_POLICY, CLIENT_POLICY, limiterName, SIGNUP_POLICY } from "../../worker/auth/sign-in-limiter.ts";
import { PASSWORD, SITE, TestBrowser, uniqueEmail } from "./session-client.ts";

/** This run's session key set (vitest.config.ts). */
const sessionKeys = JSON.parse((env as unknown as { SESSION_KEYS: string }).SESSION_KEYS) as { current: string; keys: Record<string, string> };
const currentKey = () => Uint8Array.from(atob(sessionKeys.keys[sessionKeys.current]!.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
const nowSec = () => Math.floor(Date.now() / 1000);

/** An access token signed with the real current key, with any header and claims changed. */
async function forge(base: string, header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}, key: Uint8Array = currentKey()) {
  const real = decodeJwt(base);
  return new SignJWT({ sid: real.sid, pln: real.pln, prf: real.prf, nq: real.nq, ...claims })
    .setProtectedHeader({ alg: "HS256", kid: sessionKeys.current, typ: "at+jwt", ...header } as { alg: string })
    .setSubject(String(real.sub))
    .setIssuer(typeof claims.iss === "string" ? claims.iss : ACCESS_TOKEN_ISSUER)
    .setAudience(typeof claims.aud === "string" ? claims.aud : ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(typeof claims.iat === "number" ? claims.iat : nowSec())
    .setExpirationTime(typeof claims.exp === "number" ? claims.exp : nowSec() + 600)
    .sign(key);
}

function withAccess(browser: TestBrowser, token: string): TestBrowser {
  browser.cookies.set("mq_at", { value: token, path: "/api", attributes: [] });
  return browser;
}

describe("sign-up, sign-in, me and sign-out", () => {
  it("a sign-up creates the account with a chosen default profile and /me shows both", async () => {
    const b = new TestBrowser();
    const email = uniqueEmail("Mixed.Case");
    const up = await b.signUp(email.toUpperCase(), PASSWORD, { plan: "standard" });
    expect(up.account.email).toBe(email.toLowerCase());
    expect(up.account.plan).toBe("standard");
    expect(up.profiles).toHaveLength(1);
    expect(up.profileId).toBe(up.profiles[0].id);
    expect(up.profiles[0]).toMatchObject({ isKids: false, maxMaturityAge: 18, hasPin: false });
    const me = await b.json("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.body.account.id).toBe(up.account.id);
    expect(me.body.profileId).toBe(up.profileId);
    expect(JSON.stringify(me.body)).not.toMatch(/hash|salt/i);
  });

  it("session cookies are HttpOnly, Secure and SameSite=Lax, the refresh cookie only on /api/auth", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const lines = b.lastSetCookie;
    const at = lines.find((l) => l.startsWith("mq_at="))!;
    const rt = lines.find((l) => l.startsWith("mq_rt="))!;
    for (const line of [at, rt]) {
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; SameSite=Lax/);
    }
    expect(at).toMatch(/; Path=\/api(;|$)/);
    expect(rt).toMatch(/; Path=\/api\/auth(;|$)/);
    const claims = decodeJwt(b.value("mq_at")!);
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(b.value("mq_rt")).not.toContain(".ey");
    // The one readable cookie carries no secret, only "a session may exist" and when its access token was issued.
    const hint = lines.find((l) => l.startsWith("mq_s="))!;
    expect(hint).toMatch(/^mq_s=[0-9a-z]{1,12}; /);
    expect(hint).not.toMatch(/HttpOnly/);
    expect(hint).toMatch(/; Path=\/(;|$)/);
  });

  it("a second sign-up with the same e-mail is refused with 409 and a short password with 400", async () => {
    const b = new TestBrowser();
    const { email } = await b.signUp();
    const again = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email, password: PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("email_taken");
    const short = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail(), password: "123456789" } });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe("invalid_json");
  });

  it("signs in with the right password and refuses a wrong one or an unknown e-mail alike with 401", async () => {
    const { email } = await new TestBrowser().signUp();
    const wrong = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: "not the password" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    const unknown = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email: uniqueEmail("nobody"), password: PASSWORD } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual(wrong.body.error);
    const b = new TestBrowser();
    const ok = await b.json("/api/auth/signin", { method: "POST", body: { email: email.toUpperCase(), password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body.profileId).toBe(ok.body.profiles[0].id);
    expect(b.value("mq_at")).toBeDefined();
    expect((await b.json("/api/auth/me")).status).toBe(200);
  });

  it("without a session /me is 401 and the catalog still answers the demo viewer", async () => {
    const b = new TestBrowser();
    expect((await b.json("/api/auth/me")).body.error.code).toBe("unauthorized");
    expect((await b.json("/api/catalog/titles")).status).toBe(200);
  });

  it("sign-out clears the cookies and revokes the session, so the old tokens stop working", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const oldAt = b.value("mq_at")!;
    const oldRt = b.value("mq_rt")!;
    const out = await b.fetch("/api/auth/signout", { method: "POST" });
    expect(out.status).toBe(204);
    expect(b.lastSetCookie.some((l) => l.startsWith("mq_at=;") && /Max-Age=0/i.test(l))).toBe(true);
    // Only the device cookie stays (it grants nothing but its own sign-in budget), and the
    // D1 bookmark of the sign-out's write (a log position: no identity, grants nothing).
    expect([...b.cookies.keys()].filter((k) => k !== "mq_d1")).toEqual(["mq_dev"]);
    const replay = new TestBrowser();
    withAccess(replay, oldAt);
    const me = await replay.json("/api/auth/me");
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("invalid_session");
    const again = new TestBrowser();
    again.cookies.set("mq_rt", { value: oldRt, path: "/api/auth", attributes: [] });
    expect((await again.json("/api/auth/refresh", { method: "POST" })).status).toBe(401);
  });
});

describe("sign-out verifies the refresh token's secret", () => {
  it("a refresh cookie naming someone's family with a made-up secret does not sign them out", async () => {
    const victim = new TestBrowser();
    await victim.signUp();
    // The token is <account>.<family>.<secret>; the account and family ids are no secret (the access token's sub and sid).
    const [accountId, familyId, ownSecret] = victim.value("mq_rt")!.split(".") as [string, string, string];
    const attacker = new TestBrowser();
    // The ids plus 43 arbitrary characters, and the family id alone in the older shape (its family is not D1's).
    const forged = [`${accountId}.${familyId}.${"A".repeat(43)}`, `${accountId}.${familyId}.${ownSecret.replace(/^./, (ch) => (ch === "A" ? "B" : "A"))}`, `${familyId}.${ownSecret}`];
    for (const value of forged) {
      attacker.cookies.set("mq_rt", { value, path: "/api/auth", attributes: [] });
      expect((await attacker.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    }
    expect((await victim.json("/api/auth/me")).status).toBe(200);
    expect((await victim.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    // Its own refresh token (no access token) still signs the device out.
    victim.cookies.delete("mq_at");
    const own = victim.value("mq_rt")!;
    expect((await victim.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    const replay = new TestBrowser();
    replay.cookies.set("mq_rt", { value: own, path: "/api/auth", attributes: [] });
    expect((await replay.json("/api/auth/refresh", { method: "POST" })).status).toBe(401);
  });
});

describe("access tokens", () => {
  it("an expired access token is refused with 401 session_expired, also on the catalog (never the demo viewer)", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const expired = await forge(b.value("mq_at")!, {}, { iat: nowSec() - 3600, exp: nowSec() - 2700 });
    withAccess(b, expired);
    const me = await b.json("/api/auth/me");
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("session_expired");
    const browse = await b.json("/api/catalog/titles");
    expect(browse.status).toBe(401);
    expect(browse.body.error.code).toBe("session_expired");
  });

  it("a token with the wrong audience, typ, issuer, algorithm, key or lifetime is refused with 401", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const base = b.value("mq_at")!;
    const good = await forge(base);
    expect((await withAccess(new TestBrowser(), good).json("/api/auth/me")).status).toBe(200);
    const [h, p] = good.split(".");
    const unsigned = `${btoa(JSON.stringify({ alg: "none", typ: "at+jwt" })).replace(/=+$/, "")}.${p}.`;
    const bad = [
      await forge(base, {}, { aud: "marquee-media" }),
      await forge(base, { typ: "JWT" }),
      await forge(base, {}, { iss: "someone-else" }),
      await forge(base, { alg: "HS512" }),
      await forge(base, { kid: "nope" }),
      await forge(base, {}, {}, crypto.getRandomValues(new Uint8Array(32))),
      await forge(base, {}, { iat: nowSec(), exp: nowSec() + 24 * 3600 }),
      await forge(base, {}, { sid: crypto.randomUUID() }),
      unsigned,
      `${h}.${p}`,
      "garbage",
    ];
    for (const token of bad) {
      const me = await withAccess(new TestBrowser(), token).json("/api/auth/me");
      expect(me.status, token).toBe(401);
      expect(me.body.error.code, token).toBe("invalid_session");
    }
  });

  it("a valid token minted before the QoE opt-out was a fact (no nq) is sent to refresh, and the refresh states it", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const older = await forge(b.value("mq_at")!, {}, { nq: undefined });
    expect(decodeJwt(older).nq).toBeUndefined();
    withAccess(b, older);
    for (const path of ["/api/auth/me", "/api/catalog/titles"]) expect((await b.json(path)).body.error?.code, path).toBe("session_expired");
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(decodeJwt(b.value("mq_at")!).nq).toBe(0);
    expect((await b.json("/api/auth/me")).status).toBe(200);
  });
});

describe("refresh tokens", () => {
  it("a refresh rotates both tokens, and reusing an old refresh token revokes the whole family", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const rt1 = b.value("mq_rt")!;
    const r1 = await b.json("/api/auth/refresh", { method: "POST" });
    expect(r1.status).toBe(200);
    expect(r1.body.accessExpiresAt).toBeGreaterThan(Date.now());
    const rt2 = b.value("mq_rt")!;
    expect(rt2).not.toBe(rt1);
    expect(b.lastSetCookie.some((l) => l.startsWith("mq_at="))).toBe(true);
    // The readable hint changes with each access token: other tabs learn of a refresh from it.
    const hint2 = b.value("mq_s")!;
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect(b.value("mq_s")).not.toBe(hint2);
    const at3 = b.value("mq_at")!;

    const thief = new TestBrowser();
    thief.cookies.set("mq_rt", { value: rt1, path: "/api/auth", attributes: [] });
    const reuse = await thief.json("/api/auth/refresh", { method: "POST" });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe("refresh_reused");

    // The legitimate holder's current tokens die with the family.
    const after = await b.json("/api/auth/refresh", { method: "POST" });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe("invalid_refresh");
    expect([...b.cookies.keys()].filter((k) => k !== "mq_d1")).toEqual(["mq_dev"]);
    expect((await withAccess(new TestBrowser(), at3).json("/api/auth/me")).status).toBe(401);
  });

  it("an access token is refused once expired but a refresh brings the session back", async () => {
    const b = new TestBrowser();
    await b.signUp();
    withAccess(b, await forge(b.value("mq_at")!, {}, { iat: nowSec() - 3600, exp: nowSec() - 2700 }));
    expect((await b.json("/api/auth/me")).status).toBe(401);
    expect((await b.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await b.json("/api/auth/me")).status).toBe(200);
  });

  it("a missing or malformed refresh token is 401 invalid_refresh", async () => {
    expect((await new TestBrowser().json("/api/auth/refresh", { method: "POST" })).body.error.code).toBe("invalid_refresh");
    const b = new TestBrowser();
    for (const value of [`${crypto.randomUUID()}.${"A".repeat(43)}`, `${crypto.randomUUID()}.${crypto.randomUUID()}.${"A".repeat(43)}`, `x.${crypto.randomUUID()}.${"A".repeat(43)}`]) {
      b.cookies.set("mq_rt", { value, path: "/api/auth", attributes: [] });
      expect((await b.json("/api/auth/refresh", { method: "POST" })).body.error.code, value).toBe("invalid_refresh");
    }
  });
});

describe("cross-site requests", () => {
  it("a cookie-authenticated write from another origin, or with no origin at all, is refused with 403 cross_site", async () => {
    const b = new TestBrowser();
    await b.signUp();
    for (const origin of ["https://evil.example", "null", null]) {
      const r = await b.json("/api/profiles", { method: "POST", body: { name: "Intruder" }, origin });
      expect(r.status, String(origin)).toBe(403);
      expect(r.body.error.code).toBe("cross_site");
    }
    const signout = await b.json("/api/auth/signout", { method: "POST", origin: "https://evil.example" });
    expect(signout.status).toBe(403);
    expect((await b.json("/api/auth/me")).status).toBe(200);
  });

  it("the same write from the site's own origin (Origin or Referer) succeeds", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Same Origin" } })).status).toBe(201);
    const viaReferer = await b.json("/api/profiles", { method: "POST", body: { name: "Via Referer" }, origin: null, headers: { referer: `${SITE}/profiles` } });
    expect(viaReferer.status).toBe(201);
  });

  it("sign-in from another site is refused (login CSRF) while a cookie-less playback POST is untouched", async () => {
    const r = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email: uniqueEmail(), password: PASSWORD }, origin: "https://evil.example" });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("cross_site");
    const playback = await new TestBrowser().json("/api/playback/987654", { method: "POST", origin: null });
    expect(playback.status).toBe(404);
    expect(playback.body.error.code).toBe("title_not_found");
  });
});

describe("sign-in rate limiting", () => {
  it("limiter objects are named by a keyed hash, never by the raw e-mail or IP address", async () => {
    const { email } = await new TestBrowser().signUp();
    const guesser = new TestBrowser();
    expect((await guesser.json("/api/auth/signin", { method: "POST", body: { email, password: "wrong password" } })).status).toBe(401);
    // Objects named after the raw e-mail or address were never created.
    for (const raw of [`account:${email}`, `client:${guesser.ip}`]) {
      expect(await env.SIGN_IN_LIMITER.get(env.SIGN_IN_LIMITER.idFromName(raw)).isEmpty(), raw).toBe(true);
      // The failure sits in the object named by the keyed hash, which says nothing of the e-mail or address.
      const name = await limiterName(env, raw);
      expect(name).toMatch(/^[0-9a-f]{64}$/);
      expect(await env.SIGN_IN_LIMITER.get(env.SIGN_IN_LIMITER.idFromName(name)).isEmpty(), raw).toBe(false);
    }
    // Keyed: the name is not a plain hash anyone could compute from a guessed e-mail.
    const plain = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`account:${email}`)));
    expect(await limiterName(env, `account:${email}`)).not.toBe(Array.from(plain, (b) => b.toString(16).padStart(2, "0")).join(""));
  });

  it("a key whose failures expired frees its storage, and the same live object takes the next attempt", async () => {
    const limiter = env.SIGN_IN_LIMITER.get(env.SIGN_IN_LIMITER.idFromName(`account:${uniqueEmail()}`));
    const first = await limiter.attempt(ACCOUNT_POLICY);
    expect(first.allowed).toBe(true);
    await limiter.forgive(first.allowed ? first.attemptId : 0, true);
    // The alarm (due once the window passed) finds nothing left and deletes everything, its table included.
    expect(await runDurableObjectAlarm(limiter)).toBe(true);
    expect(await limiter.isEmpty()).toBe(true);
    // Before the fix this instance answered "no such table" (a 500 on sign-in after a quiet quarter of an hour).
    expect((await limiter.attempt(ACCOUNT_POLICY)).allowed).toBe(true);
  });

  it("five wrong passwords lock the account: 429 with Retry-After, and even the right password is refused", async () => {
    const { email } = await new TestBrowser().signUp();
    for (let i = 0; i < 5; i++) {
      // A fresh client each time: the account limit, not the client limit, is what trips.
      const r = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: `wrong password ${i}` } });
      expect(r.status).toBe(401);
    }
    const locked = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("too_many_attempts");
    const retryAfter = Number(locked.res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.body.error.retryAfterSeconds).toBe(retryAfter);
  });

  it("a browser that signed in before keeps its own budget while strangers lock the account (device cookie)", async () => {
    const owner = new TestBrowser();
    const { email, account } = await owner.signUp();
    const line = owner.lastSetCookie.find((l) => l.startsWith("mq_dev="))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\/api(;|$)/);
    await owner.fetch("/api/auth/signout", { method: "POST" });
    expect(owner.value("mq_dev")).toBeDefined();
    for (let i = 0; i < 5; i++) {
      expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: `stranger ${i}` } })).status).toBe(401);
    }
    // Locked for every other browser, even with the right password…
    expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(429);
    // …and for a device cookie of another account, or a forged one.
    const other = new TestBrowser();
    await other.signUp();
    const borrowed = new TestBrowser();
    borrowed.cookies.set("mq_dev", { ...other.cookies.get("mq_dev")! });
    expect((await borrowed.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(429);
    const forged = await forge(owner.value("mq_dev")!, { typ: "dev+jwt" }, { aud: "marquee-device", sub: account.id }, crypto.getRandomValues(new Uint8Array(32)));
    const forger = new TestBrowser();
    forger.cookies.set("mq_dev", { value: forged, path: "/api", attributes: [] });
    expect((await forger.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(429);
    // The owner's browser still signs in.
    expect((await owner.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(200);
    // Within its own budget: five wrong passwords from that browser lock it too.
    for (let i = 0; i < 5; i++) {
      expect((await owner.json("/api/auth/signin", { method: "POST", body: { email, password: `typo ${i}` } })).status).toBe(401);
    }
    expect((await owner.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(429);
  });

  it("parallel guesses cannot overshoot the limit", async () => {
    const { email } = await new TestBrowser().signUp();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: `guess number ${i}` } })),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it("a successful sign-in forgives the account's earlier failures", async () => {
    const { email } = await new TestBrowser().signUp();
    for (let i = 0; i < 4; i++) await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: `wrong password ${i}` } });
    expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: `wrong again ${i}` } })).status).toBe(401);
    }
  });

  it("twenty failures from one client lock that client out for every account", async () => {
    const client = new TestBrowser();
    for (let i = 0; i < 20; i++) {
      const r = await client.json("/api/auth/signin", { method: "POST", body: { email: uniqueEmail("spray"), password: "wrong password" } });
      expect(r.status).toBe(401);
    }
    const { email } = await new TestBrowser().signUp();
    const locked = await client.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.res.headers.get("retry-after")).toMatch(/^\d+$/);
    // Another client is unaffected.
    expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(200);
  });
});

describe("sign-up rate limiting", () => {
  /** A /64 of its own for each test (the hextets after the prefix vary per address). */
  let prefixes = 0;
  const net64 = () => `2001:db8:${(Date.now() & 0xffff).toString(16)}:${(prefixes++).toString(16)}`;

  it("one network gets its share of sign-ups, then 429 with Retry-After, whichever addresses of its /64 it uses; another network is unaffected", async () => {
    const net = net64();
    for (let i = 0; i < SIGNUP_POLICY.maxFailures; i++) {
      const r = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail("su"), password: PASSWORD }, headers: { "cf-connecting-ip": `${net}:${i}:${i}:${i}:${i + 1}` } });
      expect(r.status, `sign-up ${i + 1}`).toBe(201);
    }
    const refused = await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail("su"), password: PASSWORD }, headers: { "cf-connecting-ip": `${net}:ffff:1:2:3` } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("too_many_attempts");
    expect(refused.body.error.message).toMatch(/try again in \d+ seconds/);
    const retryAfter = Number(refused.res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(SIGNUP_POLICY.windowMs / 1000 - 60);
    expect(retryAfter).toBeLessThanOrEqual(SIGNUP_POLICY.windowMs / 1000 + 1);
    // The refused sign-up created nothing: that e-mail is still free (from another network).
    const other = new TestBrowser();
    expect((await other.json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail("su"), password: PASSWORD }, headers: { "cf-connecting-ip": `${net64()}::1` } })).status).toBe(201);
  });

  it("an IPv4 client is limited per address, and a malformed body is refused before it counts", async () => {
    const ip = `192.0.2.${(Date.now() % 250) + 1}`;
    for (let i = 0; i < SIGNUP_POLICY.maxFailures + 5; i++) {
      expect((await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: "not an e-mail", password: PASSWORD }, headers: { "cf-connecting-ip": ip } })).status).toBe(400);
    }
    for (let i = 0; i < SIGNUP_POLICY.maxFailures; i++) {
      expect((await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail("v4"), password: PASSWORD }, headers: { "cf-connecting-ip": ip } })).status).toBe(201);
    }
    expect((await new TestBrowser().json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail("v4"), password: PASSWORD }, headers: { "cf-connecting-ip": ip } })).status).toBe(429);
  });

  it("failed sign-ins count per /64 too, not per IPv6 address", async () => {
    const { email } = await new TestBrowser().signUp();
    const net = net64();
    for (let i = 0; i < CLIENT_POLICY.maxFailures; i++) {
      const r = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email: uniqueEmail("nobody"), password: "wrong password" }, headers: { "cf-connecting-ip": `${net}::${(i + 1).toString(16)}` } });
      expect(r.status, `guess ${i + 1}`).toBe(401);
    }
    const locked = await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD }, headers: { "cf-connecting-ip": `${net}:1:2:3:4` } });
    expect(locked.status).toBe(429);
  });
});

describe("fuzzed auth bodies", () => {
  const anyJson = fc.oneof(
    fc.jsonValue(),
    fc.record({ email: fc.oneof(fc.string(), fc.emailAddress(), fc.jsonValue()), password: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()), plan: fc.oneof(fc.string(), fc.constantFrom("basic", "premium")) }, { requiredKeys: [] }),
  );
  const raw = fc.oneof(anyJson.map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }));

  for (const path of ["/api/auth/signup", "/api/auth/signin", "/api/auth/refresh", "/api/auth/signout"]) {
    it(`POST ${path} never answers 5xx, whatever the body`, async () => {
      await fc.assert(
        fc.asyncProperty(raw, fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"), async (body, type) => {
          const r = await new TestBrowser().fetch(path, { method: "POST", body, headers: { "content-type": type } });
          expect(r.status, body).toBeLessThan(500);
        }),
        { numRuns: 25 },
      );
    });
  }

  it("GET /api/auth/me never answers 5xx, whatever the cookie", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (value) => {
        const b = new TestBrowser();
        const r = await b.fetch("/api/auth/me", { headers: { cookie: `mq_at=${encodeURIComponent(value)}; mq_rt=${encodeURIComponent(value)}` } });
        expect(r.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
