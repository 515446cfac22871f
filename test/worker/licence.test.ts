import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { changePlan } from "../../worker/auth/plan-change.ts";
import { createSession } from "../../worker/db/accounts.ts";
import { contentKeks, wrapContentKey } from "../../worker/lib/content-keys.ts";
import { d1Counts, objectCalls, resetD1Counts } from "./d1-counts.ts";
import { db } from "./helpers.ts";
import { seedAsset, seedEpisodes, seedTitles } from "./media-fixtures.ts";
import { viewerState } from "../../worker/progress/stub.ts";
import { afterSecondOf, TestBrowser } from "./session-client.ts";

// Ids unique to this file.
const MOVIE = 7501;
const ADULT = 7502;
const OTHER = 7503;
const FRENCH = 7504;
const SERIES = 7505;
let episodeIds: number[] = [];

type Keys = Record<"SD" | "HD" | "UHD", { kidHex: string; key: Uint8Array }>;
let movieKeys: Keys;
let otherKeys: Keys;
let frenchKeys: Keys;
let episodeKeys: Keys;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const b64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const hexBytes = (h: string) => Uint8Array.from({ length: h.length / 2 }, (_, i) => parseInt(h.slice(i * 2, i * 2 + 2), 16));

/** Content keys for a folder, wrapped under this run's CONTENT_KEKS as ingest wraps them. */
async function seedKeys(keyPrefix: string): Promise<Keys> {
  const keks = await contentKeks(env.CONTENT_KEKS, false);
  const out = {} as Keys;
  for (const tier of ["SD", "HD", "UHD"] as const) {
    const kidHex = hex(crypto.getRandomValues(new Uint8Array(16)));
    const key = crypto.getRandomValues(new Uint8Array(16));
    const w = await wrapContentKey(keks, { keyPrefix, tier, keyIdHex: kidHex }, key);
    await env.DB.prepare("INSERT INTO content_keys (key_prefix, tier, key_id, wrapped_key, kek_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(keyPrefix, tier, kidHex, w.wrappedKey, w.kekId, Date.now()).run();
    out[tier] = { kidHex, key };
  }
  return out;
}

beforeAll(async () => {
  const d = db();
  await seedTitles(d, [{ id: MOVIE, title: "Licensed Movie", maturityAge: 13 }, { id: ADULT, title: "Adult Movie", maturityAge: 18 }, { id: OTHER, title: "Other" }]);
  await seedAsset(d, { id: "lic-movie", titleId: MOVIE, heights: [360, 720, 2160] });
  await seedAsset(d, { id: "lic-adult", folder: "lic-movie", titleId: ADULT, heights: [360, 720, 2160] });
  await seedAsset(d, { id: "lic-other", titleId: OTHER, heights: [360] });
  movieKeys = await seedKeys("assets/lic-movie/");
  otherKeys = await seedKeys("assets/lic-other/");
  await seedTitles(d, [{ id: FRENCH, title: "French Only", regions: ["FR"] }, { id: SERIES, title: "Licensed Series", type: "series" }]);
  await seedAsset(d, { id: "lic-french", titleId: FRENCH, heights: [360] });
  frenchKeys = await seedKeys("assets/lic-french/");
  episodeIds = (await seedEpisodes(d, SERIES, 7500, 75000, [2]))[0]!;
  await seedAsset(d, { id: "lic-ep2", episodeId: episodeIds[1], heights: [360, 720] });
  episodeKeys = await seedKeys("assets/lic-ep2/");
});

const clearKeyRequest = (...kidsHex: string[]) => JSON.stringify({ kids: kidsHex.map((k) => b64url(hexBytes(k))), type: "temporary" });

async function signedIn(plan: "basic" | "standard" | "premium" = "premium") {
  const b = new TestBrowser();
  const account = await b.signUp(undefined, undefined, { plan });
  return { b, account };
}

async function start(b: TestBrowser, titleId = MOVIE) {
  const r = await b.json(`/api/playback/${titleId}`, { method: "POST", body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { token: string; streamId: string; licence: { url: string; renewAfterSeconds: number } };
}

function licence(b: TestBrowser, token: string | undefined, body: string, device = "Test device") {
  return b.json("/api/licence", { method: "POST", body, headers: { ...(token ? { "x-playback-token": token } : {}), "x-device-name": device } });
}

const renew = (b: TestBrowser, token: string) => b.json("/api/licence/renew", { method: "POST", headers: { "x-playback-token": token } });

describe("the ClearKey licence", () => {
  it("answers the W3C ClearKey JSON with exactly the keys asked for, within the plan's tiers", async () => {
    const { b } = await signedIn("premium");
    const p = await start(b);
    expect(p.licence).toMatchObject({ url: "/api/licence", renewAfterSeconds: 60 });
    const r = await licence(b, p.token, clearKeyRequest(movieKeys.SD.kidHex, movieKeys.UHD.kidHex));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.res.headers.get("content-type")).toContain("application/json");
    expect(r.body.type).toBe("temporary");
    expect(r.body.keys).toEqual([
      { kty: "oct", kid: b64url(hexBytes(movieKeys.SD.kidHex)), k: b64url(movieKeys.SD.key) },
      { kty: "oct", kid: b64url(hexBytes(movieKeys.UHD.kidHex)), k: b64url(movieKeys.UHD.key) },
    ]);
  });

  it("leaves out the tiers above the plan, and refuses a request for those alone", async () => {
    const { b } = await signedIn("standard");
    const p = await start(b);
    const r = await licence(b, p.token, clearKeyRequest(movieKeys.SD.kidHex, movieKeys.HD.kidHex, movieKeys.UHD.kidHex));
    expect(r.status).toBe(200);
    expect(r.body.keys.map((k: any) => k.kid)).toEqual([b64url(hexBytes(movieKeys.SD.kidHex)), b64url(hexBytes(movieKeys.HD.kidHex))]);
    const uhd = await licence(b, p.token, clearKeyRequest(movieKeys.UHD.kidHex));
    expect(uhd.status).toBe(403);
    expect(uhd.body.error.code).toBe("quality_not_in_plan");
  });

  it("never hands out another title's key, whatever the token", async () => {
    const { b } = await signedIn();
    const p = await start(b);
    const r = await licence(b, p.token, clearKeyRequest(otherKeys.SD.kidHex));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("unknown_key");
  });

  it("refuses malformed requests and missing or forged tokens with 4xx, never 5xx", async () => {
    const { b } = await signedIn();
    const p = await start(b);
    const cases: [string | undefined, string, number, string][] = [
      [p.token, "not json", 400, "invalid_json"],
      [p.token, JSON.stringify({ kids: [] }), 400, "invalid_json"],
      [p.token, JSON.stringify({ kids: ["short"] }), 400, "invalid_json"],
      [p.token, JSON.stringify({ kids: [b64url(hexBytes(movieKeys.SD.kidHex))], type: "persistent-license" }), 400, "unsupported_key_system"],
      [undefined, clearKeyRequest(movieKeys.SD.kidHex), 403, "invalid_token"],
      [`${p.token.slice(0, -2)}AA`, clearKeyRequest(movieKeys.SD.kidHex), 403, "invalid_token"],
    ];
    for (const [token, body, status, code] of cases) {
      const r = await licence(b, token, body);
      expect([r.status, r.body.error.code], body).toEqual([status, code]);
    }
    const unknownSystem = await b.json("/api/licence?keySystem=com.widevine.alpha", { method: "POST", body: clearKeyRequest(movieKeys.SD.kidHex), headers: { "x-playback-token": p.token } });
    expect([unknownSystem.status, unknownSystem.body.error.code]).toEqual([400, "unsupported_key_system"]);
    // Names every object has are not key systems either.
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const inherited = await b.json(`/api/licence?keySystem=${name}`, { method: "POST", body: clearKeyRequest(movieKeys.SD.kidHex), headers: { "x-playback-token": p.token } });
      expect([inherited.status, inherited.body.error.code], name).toEqual([400, "unsupported_key_system"]);
    }
    const big = await licence(b, p.token, JSON.stringify({ kids: [], pad: "x".repeat(5000) }));
    expect(big.status).toBe(413);
  });
});

describe("entitlement on every licence", () => {
  it("re-checks the region, the window and the video: each change is refused in its own words", async () => {
    const { b } = await signedIn();
    const inFrance = { "x-dev-country": "FR" };
    const r = await b.json(`/api/playback/${FRENCH}`, { method: "POST", body: {}, headers: inFrance });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ask = (headers: Record<string, string>) =>
      b.json("/api/licence", { method: "POST", body: clearKeyRequest(frenchKeys.SD.kidHex), headers: { "x-playback-token": r.body.token, ...headers } });
    expect((await ask(inFrance)).status).toBe(200);
    expect((await ask({ "x-dev-country": "DE" })).body.error.code).toBe("region_restricted");
    await env.DB.prepare("UPDATE availability SET ends_at = ? WHERE title_id = ?").bind(Date.now() - 1000, FRENCH).run();
    expect((await ask(inFrance)).body.error.code).toBe("outside_window");
    await env.DB.prepare("UPDATE availability SET ends_at = NULL WHERE title_id = ?").bind(FRENCH).run();
    expect((await ask(inFrance)).status).toBe(200);
    await seedAsset(db(), { id: "lic-french-v2", titleId: FRENCH, heights: [360], createdAt: Date.now() + 1000 });
    const replaced = await ask(inFrance);
    expect([replaced.status, replaced.body.error.code]).toEqual([409, "asset_changed"]);
  });

  it("reads a title's catalog rows once per catalog epoch: another viewer's licence reads none, a change is read at once", async () => {
    const first = await signedIn();
    const p1 = await start(first.b, OTHER);
    expect((await licence(first.b, p1.token, clearKeyRequest(otherKeys.SD.kidHex))).status).toBe(200);
    const second = await signedIn();
    const p2 = await start(second.b, OTHER);
    await resetD1Counts();
    expect((await licence(second.b, p2.token, clearKeyRequest(otherKeys.SD.kidHex))).status).toBe(200);
    const kept = await d1Counts();
    // Only the catalog's epoch was read (every request in development): no title, asset, rendition or key row.
    expect(Object.keys(kept.readsByTable).filter((t) => t !== "catalog_version" && t !== "availability")).toEqual([]);
    expect(kept.readsByTable.catalog_version).toBeGreaterThan(0);
    // A catalog edit starts a new epoch: the next licence reads the rows again and sees the change.
    await env.DB.prepare("UPDATE availability SET region = 'FR' WHERE title_id = ?").bind(OTHER).run();
    try {
      await resetD1Counts();
      const refused = await licence(second.b, p2.token, clearKeyRequest(otherKeys.SD.kidHex));
      expect([refused.status, refused.body.error.code]).toEqual([403, "region_restricted"]);
      expect((await d1Counts()).readsByTable.content_keys).toBeGreaterThan(0);
    } finally {
      await env.DB.prepare("UPDATE availability SET region = 'WW' WHERE title_id = ?").bind(OTHER).run();
    }
  });

  it("licenses the episode the token names, with that episode's keys only", async () => {
    const { b } = await signedIn();
    const p = await b.json(`/api/playback/${SERIES}?episode=${episodeIds[1]}`, { method: "POST", body: {} });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    const r = await licence(b, p.body.token, clearKeyRequest(episodeKeys.SD.kidHex, episodeKeys.HD.kidHex));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.keys.map((k: any) => k.k)).toEqual([b64url(episodeKeys.SD.key), b64url(episodeKeys.HD.key)]);
    expect((await licence(b, p.body.token, clearKeyRequest(movieKeys.SD.kidHex))).body.error.code).toBe("unknown_key");
  });
});

describe("renewal and revocation", () => {
  it("a token from another account's session is refused", async () => {
    const { b: owner } = await signedIn();
    const { b: thief } = await signedIn();
    const p = await start(owner);
    const r = await licence(thief, p.token, clearKeyRequest(movieKeys.SD.kidHex));
    expect([r.status, r.body.error.code]).toEqual([403, "playback_revoked"]);
  });

  it("sign-out stops the stream at its next renewal", async () => {
    const { b } = await signedIn();
    const p = await start(b);
    expect((await renew(b, p.token)).status).toBe(200);
    await b.fetch("/api/auth/signout", { method: "POST" });
    const r = await renew(b, p.token);
    expect([r.status, r.body.error.code]).toEqual([403, "playback_revoked"]);
  });

  it("switching this device to a Kids profile stops an 18+ stream at its next renewal", async () => {
    const { b } = await signedIn();
    const p = await start(b, ADULT);
    expect((await renew(b, p.token)).status).toBe(200);
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" });
    const r = await renew(b, p.token);
    expect([r.status, r.body.error.code]).toEqual([403, "playback_revoked"]);
    const l = await licence(b, p.token, clearKeyRequest(movieKeys.SD.kidHex));
    expect(l.status).toBe(403);
  });

  it("a lowered maturity ceiling stops the stream at its next renewal", async () => {
    const { b, account } = await signedIn();
    const p = await start(b, ADULT);
    expect((await renew(b, p.token)).status).toBe(200);
    const profileId = (account as any).profiles?.[0]?.id ?? (await b.json("/api/auth/me")).body.profile.id;
    const patched = await b.json(`/api/profiles/${profileId}`, { method: "PATCH", body: { maxMaturityAge: 13 } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const r = await renew(b, p.token);
    expect([r.status, r.body.error.code]).toEqual([403, "maturity_restricted"]);
  });

  it("a plan downgrade stops a UHD stream at its next renewal and grants no UHD key", async () => {
    const { b, account } = await signedIn("premium");
    const p = await start(b);
    expect((await renew(b, p.token)).status).toBe(200);
    // As billing would: the plan changes and the account's tokens go stale; the client's refresh states the new plan.
    expect(await changePlan(env, db(), (account as any).account.id, "basic")).toBe(true);
    expect((await b.fetch("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    const r = await renew(b, p.token);
    expect([r.status, r.body.error.code]).toEqual([403, "quality_not_in_plan"]);
  });

  it("account deletion stops the stream at its next renewal", async () => {
    const { b, account } = await signedIn();
    const p = await start(b);
    expect((await renew(b, p.token)).status).toBe(200);
    const del = await b.fetch("/api/account", { method: "DELETE", body: { password: account.password } });
    expect(del.status).toBeLessThan(300);
    const r = await renew(b, p.token);
    expect([r.status, r.body.error.code]).toEqual([403, "playback_revoked"]);
  });

  it("a password change on another device stops this stream at its next renewal and frees its screen", async () => {
    const { b: changer, account } = await signedIn("standard");
    const watcher = new TestBrowser();
    expect((await watcher.json("/api/auth/signin", { method: "POST", body: { email: account.email, password: account.password } })).status).toBe(200);
    const [watched, own] = [await start(watcher), await start(changer)];
    expect((await licence(watcher, watched.token, clearKeyRequest(movieKeys.SD.kidHex), "Phone")).status).toBe(200);
    expect((await licence(changer, own.token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop")).status).toBe(200);
    const changed = await changer.json("/api/account/password", { method: "POST", body: { currentPassword: account.password, newPassword: "another long passphrase" } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // The watcher's access token is still unexpired, but its session is revoked: the renewal and any licence say why.
    const r = await renew(watcher, watched.token);
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([403, "playback_revoked", "This device was signed out; sign in again to watch."]);
    expect((await licence(watcher, watched.token, clearKeyRequest(movieKeys.SD.kidHex), "Phone")).body.error.code).toBe("playback_revoked");
    // Its screen is free at once; the device that changed the password keeps playing.
    expect((await changer.json("/api/licence/streams")).body.streams.map((s: any) => s.deviceName)).toEqual(["Laptop"]);
    expect((await renew(changer, own.token)).status).toBe(200);
    // Outside licences, the revoked session keeps its plain 401.
    expect((await watcher.json("/api/licence/streams")).body.error.code).toBe("invalid_session");
  });
});

describe("concurrent streams", () => {
  it("a standard plan plays on exactly 2 screens under concurrent first licences, and a refusal lists them", async () => {
    const { b } = await signedIn("standard");
    const starts = await Promise.all(Array.from({ length: 6 }, () => start(b)));
    const results = await Promise.all(starts.map((p, i) => licence(b, p.token, clearKeyRequest(movieKeys.SD.kidHex), `Device ${i}`)));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(2);
    expect(refused.every((r) => r.status === 429 && r.body.error.code === "stream_limit")).toBe(true);
    const listed = refused[0]!.body.error.streams;
    expect(listed).toHaveLength(2);
    expect(listed.every((s: any) => /^Device \d$/.test(s.deviceName) && s.titleName === "Licensed Movie")).toBe(true);
    // Renewing a stream that holds a screen takes no second one.
    const holder = starts[results.indexOf(ok[0]!)]!;
    expect((await renew(b, holder.token)).status).toBe(200);
    expect((await b.json("/api/licence/streams")).body.streams).toHaveLength(2);
  });

  it("a licence refused by entitlement holds no screen, though it took the lease alongside its check", async () => {
    const { b } = await signedIn("standard");
    const watching = await start(b);
    expect((await licence(b, watching.token, clearKeyRequest(movieKeys.SD.kidHex), "Living room TV")).status).toBe(200);
    const inFrance = { "x-dev-country": "FR" };
    const french = await b.json(`/api/playback/${FRENCH}`, { method: "POST", body: {}, headers: inFrance });
    expect(french.status, JSON.stringify(french.body)).toBe(200);
    const abroad = await b.json("/api/licence", { method: "POST", body: clearKeyRequest(frenchKeys.SD.kidHex), headers: { "x-playback-token": french.body.token, "x-dev-country": "DE", "x-device-name": "Phone" } });
    expect([abroad.status, abroad.body.error.code]).toEqual([403, "region_restricted"]);
    // The refusal frees the screen after its response; the plan's second screen is then open to another device.
    await expect.poll(async () => (await b.json("/api/licence/streams")).body.streams.map((s: any) => s.deviceName)).toEqual(["Living room TV"]);
    expect((await licence(b, (await start(b)).token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop")).status).toBe(200);
  });

  it("other devices see what a stream plays, episode included, from its first licence", async () => {
    const { b } = await signedIn();
    const p = await b.json(`/api/playback/${SERIES}?episode=${episodeIds[1]}`, { method: "POST", body: {} });
    expect((await licence(b, p.body.token, clearKeyRequest(episodeKeys.SD.kidHex), "Phone")).status).toBe(200);
    // Named from the D1 title at once, and with the episode once the licence has named its lease.
    expect((await b.json("/api/licence/streams")).body.streams[0].titleName).toMatch(/^Licensed Series/);
    const named = /^Licensed Series · S\d+:E\d+$/;
    await expect.poll(async () => (await b.json("/api/licence/streams")).body.streams[0].titleName).toMatch(named);
    // A renewal, which takes the lease before it knows the title, keeps the name.
    expect((await renew(b, p.body.token)).status).toBe(200);
    expect((await b.json("/api/licence/streams")).body.streams[0].titleName).toMatch(named);
  });

  it("a player that closes frees its screen at once; only its own session can release it", async () => {
    const { b } = await signedIn("basic");
    const [first, second] = [await start(b), await start(b)];
    expect((await licence(b, first.token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop")).status).toBe(200);
    expect((await licence(b, second.token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop")).status).toBe(429);
    const release = (who: TestBrowser, token: string) => who.fetch("/api/licence/release", { method: "POST", headers: { "x-playback-token": token } });
    // Another account (or a signed-out page) holding the token releases nothing.
    const { b: stranger } = await signedIn("basic");
    expect((await release(stranger, first.token)).status).toBe(403);
    expect((await release(b, "not-a-token")).status).toBe(403);
    expect((await b.json("/api/licence/streams")).body.streams).toHaveLength(1);
    expect((await release(b, first.token)).status).toBe(204);
    expect((await b.json("/api/licence/streams")).body.streams).toHaveLength(0);
    expect((await licence(b, second.token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop")).status).toBe(200);
    // Released is not stopped: the first stream may take its screen again (once the second has ended).
    expect((await release(b, second.token)).status).toBe(204);
    expect((await renew(b, first.token)).status).toBe(200);
  });

  it("a third device is refused, stops another, then plays; the stopped one hears why at its next renewal", async () => {
    const { b } = await signedIn("standard");
    const [first, second, third] = [await start(b), await start(b), await start(b)];
    expect((await licence(b, first.token, clearKeyRequest(movieKeys.SD.kidHex), "Living room TV")).status).toBe(200);
    expect((await licence(b, second.token, clearKeyRequest(movieKeys.SD.kidHex), "Phone")).status).toBe(200);
    const refused = await licence(b, third.token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop");
    expect(refused.status).toBe(429);
    const tv = refused.body.error.streams.find((s: any) => s.deviceName === "Living room TV");
    expect(tv.streamId).toBe(first.streamId);
    expect((await b.fetch(`/api/licence/streams/${tv.streamId}`, { method: "DELETE" })).status).toBe(204);
    expect((await licence(b, third.token, clearKeyRequest(movieKeys.SD.kidHex), "Laptop")).status).toBe(200);
    const stopped = await renew(b, first.token);
    expect([stopped.status, stopped.body.error.code]).toEqual([403, "stream_stopped"]);
    expect((await b.fetch(`/api/licence/streams/${tv.streamId}`, { method: "DELETE" })).status).toBe(404);
    // Another account cannot stop this account's streams.
    const { b: stranger } = await signedIn();
    expect((await stranger.fetch(`/api/licence/streams/${second.streamId}`, { method: "DELETE" })).status).toBe(404);
    expect((await renew(b, second.token)).status).toBe(200);
  });
});

describe("one call to the account's object per licence", () => {
  const resetCounts = resetD1Counts;

  /** An episode's stream, licensed once and named (so no later licence defers a naming call). */
  async function namedStream(b: TestBrowser) {
    const p = await b.json(`/api/playback/${SERIES}?episode=${episodeIds[1]}`, { method: "POST", body: {} });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect((await licence(b, p.body.token, clearKeyRequest(episodeKeys.SD.kidHex), "Phone")).status).toBe(200);
    await expect.poll(async () => (await b.json("/api/licence/streams")).body.streams[0]?.titleName).toMatch(/ · S\d+:E\d+$/);
    return p.body as { token: string; streamId: string };
  }

  it("a licence and a renewal each ask the object once: the session's standing comes with the lease", async () => {
    const { b, account } = await signedIn();
    const p = await namedStream(b);
    await resetCounts();
    expect((await licence(b, p.token, clearKeyRequest(episodeKeys.SD.kidHex), "Phone")).status).toBe(200);
    expect(await objectCalls(account.account.id)).toBe(1);
    expect((await renew(b, p.token)).status).toBe(200);
    expect(await objectCalls(account.account.id)).toBe(2);
    // Any other personal route is still asked by the guard: the streams list is two calls (standing, list).
    await resetCounts();
    expect((await b.json("/api/licence/streams")).status).toBe(200);
    expect(await objectCalls(account.account.id)).toBe(2);
  });

  it("a revoked session is refused in that one call and takes no screen", async () => {
    const { b: changer, account } = await signedIn("standard");
    const watcher = new TestBrowser();
    expect((await watcher.json("/api/auth/signin", { method: "POST", body: { email: account.email, password: account.password } })).status).toBe(200);
    const fresh = await start(watcher);
    expect((await changer.json("/api/account/password", { method: "POST", body: { currentPassword: account.password, newPassword: "another long passphrase" } })).status).toBe(200);
    await resetCounts();
    const r = await licence(watcher, fresh.token, clearKeyRequest(movieKeys.SD.kidHex), "Phone");
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([403, "playback_revoked", "This device was signed out; sign in again to watch."]);
    expect(await objectCalls(account.account.id)).toBe(1);
    expect((await changer.json("/api/licence/streams")).body.streams).toEqual([]);
    // A token the revoked session cannot present properly still hears that the session ended, not the token's fault.
    for (const token of ["not-a-token", ""]) {
      const bad = await watcher.json("/api/licence/renew", { method: "POST", headers: { "x-playback-token": token } });
      expect([bad.status, bad.body.error.code], token).toEqual([403, "playback_revoked"]);
    }
    const none = await watcher.json("/api/licence/renew", { method: "POST" });
    expect([none.status, none.body.error.code]).toEqual([401, "invalid_session"]);
  });

  it("a token older than a change of the account's facts gets session_expired, takes no screen, and plays after a refresh", async () => {
    const { b: parent, account } = await signedIn("standard");
    const tablet = new TestBrowser();
    expect((await tablet.json("/api/auth/signin", { method: "POST", body: { email: account.email, password: account.password } })).status).toBe(200);
    const playing = await namedStream(tablet);
    const fresh = await start(tablet);
    await afterSecondOf(decodeJwt(tablet.value("mq_at")!).iat!);
    const profileId = decodeJwt(tablet.value("mq_at")!).prf as [string];
    expect((await parent.json(`/api/profiles/${profileId[0]}`, { method: "PATCH", body: { name: "Renamed" } })).status).toBe(200);
    await resetCounts();
    const renewal = await renew(tablet, playing.token);
    expect([renewal.status, renewal.body.error.code]).toEqual([401, "session_expired"]);
    const first = await licence(tablet, fresh.token, clearKeyRequest(movieKeys.SD.kidHex), "Tablet");
    expect([first.status, first.body.error.code]).toEqual([401, "session_expired"]);
    expect(await objectCalls(account.account.id)).toBe(2);
    expect((await parent.json("/api/licence/streams")).body.streams.map((s: any) => s.deviceName)).toEqual(["Phone"]);
    // The client refreshes (the new token states the new name) and the same stream renews.
    expect((await tablet.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await renew(tablet, playing.token)).status).toBe(200);
    expect((await parent.json("/api/licence/streams")).body.streams.map((s: any) => s.profileName)).toEqual(["Renamed"]);
  });

  it("a session the object has not seen is checked once in D1 and admitted by the lease's second call", async () => {
    const { b, account } = await signedIn();
    const p = await namedStream(b);
    // As if signed in before the object kept sessions: the object does not know it, and D1's row says it is live.
    await runInDurableObject(viewerState(env, account.account.id), (_i, state) => void state.storage.sql.exec("DELETE FROM session_states"));
    const sid = decodeJwt(b.value("mq_at")!).sid as string;
    await createSession(db(), { id: sid, accountId: account.account.id, refreshHash: "legacy", profileId: null, nowMs: Date.now(), expiresAtMs: Date.now() + 86_400_000 });
    await resetCounts();
    expect((await renew(b, p.token)).status).toBe(200);
    expect(await objectCalls(account.account.id)).toBe(2);
    await resetCounts();
    expect((await renew(b, p.token)).status).toBe(200);
    expect(await objectCalls(account.account.id)).toBe(1);
  });
});
