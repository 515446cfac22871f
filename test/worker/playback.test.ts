import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { verifyPlaybackToken } from "../../worker/media/tokens.ts";
import { call, db } from "./helpers.ts";
import { seedAsset, seedEpisodes, seedTitles } from "./media-fixtures.ts";
import { SITE, TestBrowser } from "./session-client.ts";

// Ids unique to this file.
const MOVIE = 7101;
const US_ONLY = 7102;
const NOT_YET = 7103;
const EXPIRED = 7104;
const ADULT = 7105;
const SERIES = 7106;
const UHD_ONLY = 7107;
const NO_MEDIA = 7108;
const REPLACED = 7109;
const SAME_MEDIA = 7110;
let episodeIds: number[][] = [];

beforeAll(async () => {
  const d = db();
  await seedTitles(d, [
    { id: MOVIE, title: "Playback Movie", maturityAge: 13 },
    { id: US_ONLY, regions: ["US", "CA"] },
    { id: NOT_YET, window: { startDays: 10 } },
    { id: EXPIRED, window: { startDays: -100, endDays: -1 } },
    { id: ADULT, maturityAge: 18 },
    { id: SERIES, type: "series" },
    { id: UHD_ONLY },
    { id: NO_MEDIA },
    { id: REPLACED },
    { id: SAME_MEDIA },
  ]);
  episodeIds = await seedEpisodes(d, SERIES, 7100, 71000, [3, 2]);
  await seedAsset(d, { id: "pb-movie", titleId: MOVIE, heights: [360, 720, 1080, 2160], audio: ["en", "fr"], subtitles: ["en", "de"], durationSeconds: 5400 });
  await seedAsset(d, { id: "pb-us", titleId: US_ONLY, heights: [360] });
  await seedAsset(d, { id: "pb-notyet", titleId: NOT_YET, heights: [360] });
  await seedAsset(d, { id: "pb-expired", titleId: EXPIRED, heights: [360] });
  await seedAsset(d, { id: "pb-adult", titleId: ADULT, heights: [360] });
  await seedAsset(d, { id: "pb-uhd", titleId: UHD_ONLY, heights: [2160] });
  await seedAsset(d, { id: "pb-old", titleId: REPLACED, heights: [360], createdAt: Date.now() - 10_000 });
  await seedAsset(d, { id: "pb-pending", titleId: NO_MEDIA, heights: [360], status: "pending" });
  // Another title's asset stored in pb-us's folder (identical media, as the demo's episodes share theirs).
  await seedAsset(d, { id: "pb-same", folder: "pb-us", titleId: SAME_MEDIA, heights: [360], createdAt: Date.now() - 60_000 });
  // Episode 1 of season 1 has no media: the series starts at S1E2.
  await seedAsset(d, { id: "pb-s1e2", episodeId: episodeIds[0]![1]!, heights: [360, 720] });
  await seedAsset(d, { id: "pb-s1e3", episodeId: episodeIds[0]![2]!, heights: [360, 720] });
  await seedAsset(d, { id: "pb-s2e2", episodeId: episodeIds[1]![1]!, heights: [360] });
});

function play(path: string, options: { country?: string; plan?: string; maturity?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.plan) headers["x-dev-plan"] = options.plan;
  if (options.maturity) headers["x-dev-max-maturity"] = options.maturity;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return call(path, { method: "POST", headers, country: options.country ?? "FR", body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}

async function playJson(path: string, options: Parameters<typeof play>[1] = {}) {
  const res = await play(path, options);
  return { status: res.status, body: (await res.json()) as any };
}

describe("entitlement", () => {
  it("answers a playable movie with a token-bearing master URL, tracks, markers and no resume yet", async () => {
    const before = Date.now();
    const { status, body } = await playJson(`/api/playback/${MOVIE}`);
    expect(status).toBe(200);
    expect(body.assetId).toBe("pb-movie");
    expect(body.masterUrl).toBe(`/cdn/a/${body.token}/pb-movie/master.m3u8`);
    expect(body.episode).toBeNull();
    expect(body.nextEpisode).toBeNull();
    expect(body.resume).toBeNull();
    expect(body.markers).toEqual({ introStart: 10, introEnd: 40, creditsStart: 5370 });
    expect(body.audioTracks.map((t: any) => [t.language, t.isDefault])).toEqual([["en", true], ["fr", false]]);
    expect(body.subtitleTracks.map((t: any) => t.language)).toEqual(["en", "de"]);
    expect(body.trickplay).toMatchObject({ url: `/cdn/a/${body.token}/pb-movie/trickplay/thumbs.vtt`, intervalSeconds: 10, columns: 10 });
    expect(body.plan).toBe("premium");
    expect(body.qualities).toEqual([2160, 1080, 720, 360]);
    // 90 minutes of runtime + 30 minutes: the token lasts two hours.
    expect(body.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7200_000 - 1000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 7200_000 + 1000);
    expect(body.renewUrl).toBe(`/api/playback/${MOVIE}/renew`);
  });

  it("binds the token to the viewer, the asset prefix, the plan's height and the region", async () => {
    const { body } = await playJson(`/api/playback/${MOVIE}`, { plan: "standard", country: "de" });
    const claims = await verifyPlaybackToken(env, body.token);
    expect(claims).toMatchObject({ sub: "demo", pfx: "assets/pb-movie/", mh: 1080, cc: "DE" });
    expect(claims.exp * 1000).toBe(body.expiresAt);
    const header = JSON.parse(atob(body.token.split(".")[0].replaceAll("-", "+").replaceAll("_", "/")));
    expect(header).toMatchObject({ alg: "HS256", kid: "t2" });
  });

  it("trims qualities to the plan: basic 720p, standard 1080p, premium 2160p", async () => {
    for (const [plan, qualities] of [["basic", [720, 360]], ["standard", [1080, 720, 360]], ["premium", [2160, 1080, 720, 360]]] as const) {
      const { status, body } = await playJson(`/api/playback/${MOVIE}`, { plan });
      expect(status, plan).toBe(200);
      expect(body.maxHeight, plan).toBe(Math.max(...qualities));
      expect(body.qualities, plan).toEqual(qualities);
    }
  });

  it("honours a lower client ceiling (data saver) within the plan", async () => {
    const { status, body } = await playJson(`/api/playback/${MOVIE}`, { body: { maxHeight: 480 } });
    expect(status).toBe(200);
    expect(body.maxHeight).toBe(480);
    expect(body.qualities).toEqual([360]);
  });

  it("refuses a title outside the viewer's region with 403 region_restricted", async () => {
    const { status, body } = await playJson(`/api/playback/${US_ONLY}`, { country: "FR" });
    expect(status).toBe(403);
    expect(body.error.code).toBe("region_restricted");
    expect((await play(`/api/playback/${US_ONLY}`, { country: "US" })).status).toBe(200);
  });

  it("refuses a title whose window has not opened or has closed with 403 outside_window", async () => {
    for (const id of [NOT_YET, EXPIRED]) {
      const { status, body } = await playJson(`/api/playback/${id}`);
      expect(status, String(id)).toBe(403);
      expect(body.error.code, String(id)).toBe("outside_window");
    }
  });

  it("refuses a title above the viewer's maturity ceiling with 403 maturity_restricted", async () => {
    const { status, body } = await playJson(`/api/playback/${ADULT}`, { maturity: "16" });
    expect(status).toBe(403);
    expect(body.error.code).toBe("maturity_restricted");
    expect((await play(`/api/playback/${ADULT}`, { maturity: "18" })).status).toBe(200);
    expect((await play(`/api/playback/${MOVIE}`, { maturity: "13" })).status).toBe(200);
  });

  it("refuses a quality above the plan with 403 quality_not_in_plan", async () => {
    const asked = await playJson(`/api/playback/${MOVIE}`, { plan: "basic", body: { maxHeight: 1080 } });
    expect(asked.status).toBe(403);
    expect(asked.body.error.code).toBe("quality_not_in_plan");
    const uhdOnBasic = await playJson(`/api/playback/${UHD_ONLY}`, { plan: "basic" });
    expect(uhdOnBasic.status).toBe(403);
    expect(uhdOnBasic.body.error.code).toBe("quality_not_in_plan");
    expect((await play(`/api/playback/${UHD_ONLY}`, { plan: "premium" })).status).toBe(200);
  });

  it("checks region before window before maturity before plan", async () => {
    const { body } = await playJson(`/api/playback/${US_ONLY}`, { country: "FR", maturity: "0", plan: "basic", body: { maxHeight: 2160 } });
    expect(body.error.code).toBe("region_restricted");
    const adult = await playJson(`/api/playback/${ADULT}`, { maturity: "0", plan: "basic", body: { maxHeight: 2160 } });
    expect(adult.body.error.code).toBe("maturity_restricted");
  });

  it("answers 404 for unknown titles, titles without ready media and wrong episodes — never 500", async () => {
    const cases: [string, string][] = [
      [`/api/playback/999999`, "title_not_found"],
      [`/api/playback/${NO_MEDIA}`, "no_media"],
      [`/api/playback/${MOVIE}?episode=1`, "episode_not_found"],
      [`/api/playback/${SERIES}?episode=999999`, "episode_not_found"],
      [`/api/playback/${SERIES}?episode=${episodeIds[0]![0]}`, "no_media"],
    ];
    for (const [path, code] of cases) {
      const { status, body } = await playJson(path);
      expect(status, path).toBe(404);
      expect(body.error.code, path).toBe(code);
    }
  });

  it("refuses malformed ids and bodies with 400", async () => {
    for (const [path, body] of [["/api/playback/abc", undefined], ["/api/playback/0", undefined], [`/api/playback/${MOVIE}?episode=x`, undefined], [`/api/playback/${MOVIE}`, { maxHeight: "big" }], [`/api/playback/${MOVIE}`, { episodeId: -1 }]] as const) {
      const { status, body: json } = await playJson(path, { body });
      expect(status, path).toBe(400);
      expect(json.error.code, path).toMatch(/^invalid_/);
    }
  });

  it("plays the newest ready asset when a title was re-ingested", async () => {
    await seedAsset(db(), { id: "pb-new", titleId: REPLACED, heights: [360] });
    const { body } = await playJson(`/api/playback/${REPLACED}`);
    expect(body.assetId).toBe("pb-new");
  });

  it("plays an asset stored in another asset's folder: URLs and token name the folder, and its media is served", async () => {
    const { status, body } = await playJson(`/api/playback/${SAME_MEDIA}`);
    expect(status).toBe(200);
    expect(body.assetId).toBe("pb-same");
    expect(body.masterUrl).toBe(`/cdn/a/${body.token}/pb-us/master.m3u8`);
    expect((await verifyPlaybackToken(env, body.token)).pfx).toBe("assets/pb-us/");
    const master = await call(body.masterUrl);
    expect(master.status).toBe(200);
    expect(await master.text()).toContain(`/cdn/a/${body.token}/pb-us/video/360p/index.m3u8`);
    expect((await call(`/cdn/b/${body.token}/pb-us/video/360p/seg_00001.m4s`)).status).toBe(200);
    // The token opens that folder only.
    const elsewhere = await call(`/cdn/a/${body.token}/pb-movie/master.m3u8`);
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as any).error.code).toBe("token_scope");
  });
});

describe("series", () => {
  it("starts a series at its first episode with media and names the next episode", async () => {
    const { status, body } = await playJson(`/api/playback/${SERIES}`);
    expect(status).toBe(200);
    expect(body.episode).toMatchObject({ id: episodeIds[0]![1], seasonNumber: 1, number: 2 });
    expect(body.assetId).toBe("pb-s1e2");
    expect(body.nextEpisode).toMatchObject({ id: episodeIds[0]![2], seasonNumber: 1, number: 3 });
    expect(body.renewUrl).toBe(`/api/playback/${SERIES}/renew?episode=${episodeIds[0]![1]}`);
  });

  it("plays a chosen episode (query or body) and crosses into the next season for the next episode", async () => {
    const byQuery = await playJson(`/api/playback/${SERIES}?episode=${episodeIds[0]![2]}`);
    expect(byQuery.body.assetId).toBe("pb-s1e3");
    expect(byQuery.body.nextEpisode).toMatchObject({ id: episodeIds[1]![0], seasonNumber: 2, number: 1 });
    const byBody = await playJson(`/api/playback/${SERIES}`, { body: { episodeId: episodeIds[1]![1] } });
    expect(byBody.body.assetId).toBe("pb-s2e2");
    expect(byBody.body.nextEpisode).toBeNull();
  });
});

describe("renewal", () => {
  it("renews a token for the same asset with a later expiry", async () => {
    const first = await playJson(`/api/playback/${MOVIE}`);
    await new Promise((r) => setTimeout(r, 1100));
    const { status, body } = await playJson(`/api/playback/${MOVIE}/renew`, { body: { assetId: "pb-movie" } });
    expect(status).toBe(200);
    expect(body.assetId).toBe("pb-movie");
    expect(body.token).not.toBe(first.body.token);
    expect(body.expiresAt).toBeGreaterThan(first.body.expiresAt);
    expect(body.masterUrl).toBe(`/cdn/a/${body.token}/pb-movie/master.m3u8`);
    expect((await call(body.masterUrl)).status).toBe(200);
  });

  it("answers 409 asset_changed when the asset being played was replaced", async () => {
    const { status, body } = await playJson(`/api/playback/${MOVIE}/renew`, { body: { assetId: "pb-gone" } });
    expect(status).toBe(409);
    expect(body.error.code).toBe("asset_changed");
  });

  it("re-checks entitlement on renewal", async () => {
    const { status, body } = await playJson(`/api/playback/${US_ONLY}/renew`, { country: "FR" });
    expect(status).toBe(403);
    expect(body.error.code).toBe("region_restricted");
  });
});

describe("deployment safety", () => {
  const production = (extra: Record<string, unknown> = {}) => ({ ...env, ENVIRONMENT: "production", ...extra }) as unknown as Env;

  it("refuses the plan and maturity overrides in production with 403 dev_only", async () => {
    for (const header of ["x-dev-plan", "x-dev-max-maturity"]) {
      const res = await app.fetch(new Request(`http://x/api/playback/${MOVIE}`, { method: "POST", headers: { [header]: header === "x-dev-plan" ? "basic" : "13" } }), production());
      expect(res.status, header).toBe(403);
      expect(((await res.json()) as any).error.code).toBe("dev_only");
    }
  });

  /** A request as a browser with `b`'s cookies would send it to the site. */
  const asBrowser = (b: TestBrowser, path: string) =>
    new Request(`${SITE}${path}`, { method: "POST", headers: { cookie: b.cookieHeader(path), origin: SITE, "cf-connecting-ip": b.ip } });

  it("signed out, production plays nothing (401 sign_in_required), whatever DEMO_PLAN says; an account plays", async () => {
    for (const prod of [production(), production({ DEMO_PLAN: "premium" })]) {
      for (const path of [`/api/playback/${ADULT}`, `/api/playback/${MOVIE}`, `/api/playback/${MOVIE}/renew`]) {
        const res = await app.fetch(new Request(`${SITE}${path}`, { method: "POST" }), prod);
        expect(res.status, path).toBe(401);
        expect(((await res.json()) as any).error.code, path).toBe("sign_in_required");
      }
      // Browsing stays open.
      expect((await app.fetch(new Request(`${SITE}/api/catalog/titles/${MOVIE}`), prod)).status).toBe(200);
    }
    const b = new TestBrowser();
    await b.signUp(undefined, undefined, { plan: "standard" });
    const res = await app.fetch(asBrowser(b, `/api/playback/${MOVIE}`), production());
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).maxHeight).toBe(1080);
  });

  it("a kids profile cannot be escaped in production by signing out or a private window", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" });
    const refused = await app.fetch(asBrowser(b, `/api/playback/${ADULT}`), production());
    expect(((await refused.json()) as any).error.code).toBe("maturity_restricted");
    await b.fetch("/api/auth/signout", { method: "POST" });
    // Signed out (or a private window: no cookies at all), the 18+ title is still refused.
    for (const req of [asBrowser(b, `/api/playback/${ADULT}`), new Request(`${SITE}/api/playback/${ADULT}`, { method: "POST" })]) {
      const res = await app.fetch(req, production());
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.code).toBe("sign_in_required");
    }
  });

  it("fails closed with 503 playback_unavailable when production has no playback keys", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const res = await app.fetch(asBrowser(b, `/api/playback/${MOVIE}`), production({ PLAYBACK_KEYS: undefined }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe("playback_unavailable");
    const malformed = await app.fetch(asBrowser(b, `/api/playback/${MOVIE}`), production({ PLAYBACK_KEYS: '{"current":"x","keys":{"x":"short"}}' }));
    expect(malformed.status).toBe(503);
  });

  it("signs with a development key when local development has no playback keys", async () => {
    const devEnv = { ...env, PLAYBACK_KEYS: undefined } as unknown as Env;
    const res = await app.fetch(new Request(`http://x/api/playback/${MOVIE}`, { method: "POST" }), devEnv);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect((await app.fetch(new Request(`http://x${body.masterUrl}`), devEnv)).status).toBe(200);
    // …and that development token means nothing to a server with real keys.
    expect((await call(body.masterUrl)).status).toBe(403);
  });
});
