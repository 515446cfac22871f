/**
 * The download API (worker/routes/downloads.ts) in workerd with real D1 and
 * the account's ViewerState object: the Standard/Higher choices within the
 * plan, a grant with its media and exactly the keys of its tier, limits exact
 * under concurrent requests, revocation and renewal, entitlement asked afresh
 * (maturity, plan), and 4xx for every bad input.
 */
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { PLAN_DOWNLOAD_LIMITS } from "../../common/downloads.ts";
import { changePlan } from "../../worker/auth/plan-change.ts";
import { base64url, contentKeks, wrapContentKey } from "../../worker/lib/content-keys.ts";
import { db } from "./helpers.ts";
import { seedAsset, seedTitles } from "./media-fixtures.ts";
import { countsOf, resetCounters } from "./load-counters.ts";
import { TestBrowser } from "./session-client.ts";

// Ids unique to this file.
const FILM = 7601;
const ADULT = 7602;
const SMALL = 7603;
/** Films sharing the first one's media, to fill a plan's download limit. */
const MANY = [7611, 7612, 7613, 7614, 7615, 7616, 7617];

/** tier → [key id (base64url), key (base64url)] of the film's folder. */
const keysByTier = new Map<string, [string, string]>();

beforeAll(async () => {
  const d = db();
  await seedTitles(d, [
    { id: FILM, title: "Download Film", maturityAge: 13 },
    { id: ADULT, title: "Download Adult", maturityAge: 18 },
    { id: SMALL, title: "Small Film" },
    ...MANY.map((id) => ({ id, title: `Film ${id}` })),
  ]);
  await seedAsset(d, { id: "dl-film", titleId: FILM, heights: [360, 540, 720, 1080], durationSeconds: 600, subtitles: ["en", "fr"] });
  await seedAsset(d, { id: "dl-adult", folder: "dl-film", titleId: ADULT, heights: [360, 540, 720, 1080] });
  await seedAsset(d, { id: "dl-small", titleId: SMALL, heights: [360] });
  for (const [i, id] of MANY.entries()) await seedAsset(d, { id: `dl-many-${i}`, folder: "dl-film", titleId: id, heights: [360] });
  const keks = await contentKeks(env.CONTENT_KEKS, false);
  for (const tier of ["SD", "HD", "UHD"]) {
    const kid = crypto.getRandomValues(new Uint8Array(16));
    const key = crypto.getRandomValues(new Uint8Array(16));
    const keyIdHex = [...kid].map((b) => b.toString(16).padStart(2, "0")).join("");
    const wrapped = await wrapContentKey(keks, { keyPrefix: "assets/dl-film/", tier, keyIdHex }, key);
    await env.DB.prepare("INSERT INTO content_keys (key_prefix, tier, key_id, wrapped_key, kek_id, created_at) VALUES ('assets/dl-film/', ?, ?, ?, ?, 0)")
      .bind(tier, keyIdHex, wrapped.wrappedKey, wrapped.kekId).run();
    keysByTier.set(tier, [base64url(kid), base64url(key)]);
  }
});

async function viewer(plan: "basic" | "standard" | "premium") {
  const b = new TestBrowser();
  const account = await b.signUp(undefined, undefined, { plan });
  return { b, account };
}

const grant = (b: TestBrowser, body: Record<string, unknown>) => b.json("/api/downloads", { method: "POST", body: { quality: "standard", deviceId: "device-0001", ...body } });

describe("what a title offers for download", () => {
  it("Standard is 540p and Higher the tallest within the plan, each with its size", async () => {
    const { b } = await viewer("basic");
    const r = await b.json(`/api/downloads/options/${FILM}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.options.map((o: any) => [o.quality, o.heightPx])).toEqual([["standard", 540], ["higher", 720]]);
    const [standard, higher] = r.body.options;
    expect(standard.sizeBytes).toBeGreaterThan(0);
    expect(higher.sizeBytes).toBeGreaterThan(standard.sizeBytes);
    const premium = await (await viewer("premium")).b.json(`/api/downloads/options/${FILM}`);
    expect(premium.body.options.map((o: any) => o.heightPx)).toEqual([540, 1080]);
    const small = await b.json(`/api/downloads/options/${SMALL}`);
    expect(small.body.options.map((o: any) => o.quality)).toEqual(["standard"]);
  });
});

describe("a download grant", () => {
  it("gives one rendition with its audio and subtitles, and the licence for exactly its tiers", async () => {
    const { b } = await viewer("standard");
    const r = await grant(b, { titleId: FILM });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.download).toMatchObject({ titleId: FILM, quality: "standard", heightPx: 540, firstPlayedAt: null });
    expect(r.body.download.deviceId).toBeUndefined();
    expect(r.body.media.video).toMatchObject({ path: "video/540p/index.m3u8", height: 540 });
    expect(r.body.media.audio.path).toMatch(/^audio\//);
    expect(r.body.media.subtitles.map((s: any) => s.language)).toEqual(["en", "fr"]);
    // The media URLs work with the grant's token.
    const playlist = await b.fetch(`${r.body.media.base}${r.body.media.video.path}`);
    expect(playlist.status).toBe(200);
    const [sdKid, sdKey] = keysByTier.get("SD")!;
    expect(r.body.licence).toEqual({ type: "temporary", keys: [{ kty: "oct", kid: sdKid, k: sdKey }] });
    const higher = await grant(b, { titleId: FILM, quality: "higher" });
    expect(higher.status).toBe(201);
    expect(higher.body.download).toMatchObject({ heightPx: 1080, downloadId: r.body.download.downloadId });
    const [hdKid] = keysByTier.get("HD")!;
    expect(higher.body.licence.keys.map((k: any) => k.kid).sort()).toEqual([sdKid, hdKid].sort());
    const list = await b.json("/api/downloads");
    expect(list.body.downloads).toHaveLength(1);
  });

  it("a kids profile cannot download above its ceiling, and a title without a Higher choice refuses it", async () => {
    const { b } = await viewer("premium");
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    expect((await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" })).status).toBe(200);
    const adult = await grant(b, { titleId: ADULT });
    expect([adult.status, adult.body.error.code]).toEqual([403, "maturity_restricted"]);
    const options = await b.json(`/api/downloads/options/${ADULT}`);
    expect([options.status, options.body.error.code]).toEqual([403, "maturity_restricted"]);
    const higher = await grant(b, { titleId: SMALL, quality: "higher" });
    expect([higher.status, higher.body.error.code]).toEqual([403, "quality_not_in_plan"]);
    expect((await b.json("/api/downloads")).body.downloads).toEqual([]);
  });

  it("the basic plan's limits hold exactly under concurrent requests: one device, five titles", async () => {
    const { b } = await viewer("basic");
    expect(PLAN_DOWNLOAD_LIMITS.basic).toEqual({ devices: 1, downloads: 5 });
    const devices = await Promise.all(Array.from({ length: 5 }, (_, i) => grant(b, { titleId: MANY[0], deviceId: `device-${i}-abcd` })));
    expect(devices.filter((r) => r.status === 201)).toHaveLength(1);
    expect(devices.filter((r) => r.status === 403 && r.body.error.code === "download_device_limit")).toHaveLength(4);
    const winner = devices.find((r) => r.status === 201)!;
    const device = `device-${devices.indexOf(winner)}-abcd`;
    const titles = await Promise.all(MANY.slice(1).map((titleId) => grant(b, { titleId, deviceId: device })));
    expect(titles.filter((r) => r.status === 201)).toHaveLength(4);
    const refused = titles.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error.code])).toEqual([[403, "download_limit"], [403, "download_limit"]]);
    expect(refused[0]!.body.error.downloads).toHaveLength(5);
    expect((await b.json("/api/downloads")).body.downloads).toHaveLength(5);
  });

  it("revoking frees the place; a revoked or another device's download is neither renewed nor reported", async () => {
    const { b } = await viewer("basic");
    const first = await grant(b, { titleId: FILM });
    const id = first.body.download.downloadId;
    const token = first.body.download.token as string;
    const renewed = await b.json(`/api/downloads/${id}/renew`, { method: "POST", body: { deviceId: "device-0001", grant: token } });
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    expect(renewed.body.licence.keys).toHaveLength(1);
    expect(typeof renewed.body.download.token).toBe("string");
    // The signed grant names its device: another device showing it is refused.
    const elsewhere = await b.json(`/api/downloads/${id}/renew`, { method: "POST", body: { deviceId: "device-9999", grant: token } });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, "invalid_grant"]);
    const played = await b.json(`/api/downloads/${id}/played`, { method: "POST", body: { deviceId: "device-0001", grant: renewed.body.download.token, firstPlayedAt: Date.now() } });
    expect(played.status).toBe(200);
    expect(played.body.download.playableUntil).toBeLessThanOrEqual(played.body.download.firstPlayedAt + 48 * 3_600_000);
    const { b: stranger } = await viewer("basic");
    expect((await stranger.fetch(`/api/downloads/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await b.fetch(`/api/downloads/${id}`, { method: "DELETE" })).status).toBe(204);
    const after = await b.json(`/api/downloads/${id}/renew`, { method: "POST", body: { deviceId: "device-0001", grant: token } });
    expect([after.status, after.body.error.code]).toEqual([404, "download_not_found"]);
    expect((await grant(b, { titleId: SMALL, deviceId: "device-0002" })).status).toBe(201);
  });

  it("renews and reports only with the signed grant of that download, device and account, unedited", async () => {
    const { b } = await viewer("premium");
    const mine = await grant(b, { titleId: FILM });
    const other = await grant(b, { titleId: SMALL });
    const id = mine.body.download.downloadId;
    const token = mine.body.download.token as string;
    const [head, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    const edited = `${head}.${btoa(JSON.stringify({ ...claims, exp: claims.exp + 365 * 86_400 })).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}.${signature}`;
    const { b: stranger } = await viewer("premium");
    const strangers = await grant(stranger, { titleId: FILM });
    const attempts: [string, TestBrowser, string][] = [
      ["another download's grant", b, other.body.download.token],
      ["an edited grant", b, edited],
      ["no signature", b, `${head}.${payload}.`],
      ["not a grant", b, "x"],
      ["another account's grant", b, strangers.body.download.token],
    ];
    for (const [what, who, grantToken] of attempts) {
      for (const action of ["renew", "played"]) {
        const r = await who.json(`/api/downloads/${id}/${action}`, { method: "POST", body: { deviceId: "device-0001", grant: grantToken, firstPlayedAt: Date.now() } });
        expect([r.status, r.body.error.code], `${what}, ${action}`).toEqual([403, "invalid_grant"]);
      }
    }
    expect((await b.json(`/api/downloads/${id}/renew`, { method: "POST", body: { deviceId: "device-0001" } })).status).toBe(400);
    expect((await b.json(`/api/downloads/${id}/renew`, { method: "POST", body: { deviceId: "device-0001", grant: token } })).status).toBe(200);
  });

  it("a plan downgrade refuses the renewal of a download above the new plan", async () => {
    const { b, account } = await viewer("premium");
    const r = await grant(b, { titleId: FILM, quality: "higher" });
    expect(r.body.download.heightPx).toBe(1080);
    // As billing would: the plan changes and the account's tokens go stale; the client's refresh states the new plan.
    expect(await changePlan(env, db(), (account as any).account.id, "basic")).toBe(true);
    expect((await b.fetch("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    const renewed = await b.json(`/api/downloads/${r.body.download.downloadId}/renew`, { method: "POST", body: { deviceId: "device-0001", grant: r.body.download.token } });
    expect([renewed.status, renewed.body.error.code]).toEqual([403, "quality_not_in_plan"]);
  });

  it("answers bad input with a 4xx envelope, never a 5xx", async () => {
    const { b } = await viewer("standard");
    const device = "device-0001";
    const bodies: unknown[] = [
      {},
      { titleId: FILM, deviceId: device },
      { titleId: FILM, quality: "ultra", deviceId: device },
      { titleId: -1, quality: "standard", deviceId: device },
      { titleId: FILM, quality: "standard", deviceId: "x" },
      { titleId: FILM, quality: "standard", deviceId: device, deviceName: "\u0000" },
      { titleId: 999_999, quality: "standard", deviceId: device },
      { titleId: FILM, episodeId: 5, quality: "standard", deviceId: device },
      "not json",
    ];
    for (const body of bodies) {
      const r = await b.json("/api/downloads", { method: "POST", body });
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(body)).toBeLessThan(500);
      expect(typeof r.body.error.code).toBe("string");
    }
    for (const path of ["/api/downloads/not-a-uuid/renew", `/api/downloads/${crypto.randomUUID()}/played`]) {
      const r = await b.json(path, { method: "POST", body: { deviceId: "device-0001" } });
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
    }
    expect((await b.json("/api/downloads/options/abc")).status).toBe(400);
    const signedOut = await new TestBrowser().json("/api/downloads");
    expect(signedOut.status).toBe(401);
  });
});

describe("a download grant and the QoE opt-out", () => {
  it("reads no opt-out from D1 (the access token states it) and marks the grant's media token of an opted-out account", async () => {
    const { b } = await viewer("standard");
    expect((await b.json("/api/qoe/consent", { method: "PUT", body: { optOut: true } })).status).toBe(200);
    const reset = await resetCounters();
    expect(reset.status).toBe(200);
    const r = await grant(b, { titleId: SMALL, deviceId: "device-optout-1" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const counted = await countsOf("DB");
    expect(counted.reads, "the grant reads the catalog").toBeGreaterThan(0);
    expect(counted.readsByTable.qoe_opt_outs, `D1 reads of the grant by table: ${JSON.stringify(counted.readsByTable)}`).toBeUndefined();
    // The media token (in the base URL's path) says the account opted out, so CMCD on its requests counts nothing.
    const token = new URL(r.body.media.base, "http://x").pathname.split("/")[3]!;
    expect(decodeJwt(token).nq).toBe(1);
  });
});
