/**
 * Everything a client can send, fuzzed, on every route the app serves — the
 * list is read from the app itself (`app.routes`), so a new route without a
 * fuzz entry here fails the test by name. Signed in with a profile, against a
 * title with real media in R2:
 *   - random bodies (JSON values, broken JSON, wrong content types) and random
 *     path and query parameters;
 *   - random request headers: If-None-Match, If-Modified-Since, Range, Origin,
 *     Cookie and Content-Type, on valid paths too, so conditional and ranged
 *     reads reach real R2 objects (`/cdn/…` media, `/api/artwork/…`).
 * Nothing may answer 5xx, and every error is the JSON `{ error: { code, message } }`.
 * Bounded: a fixed number of runs per route, each run at most 10 s.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { signPlaybackToken } from "../../worker/media/tokens.ts";
import { call, db } from "./helpers.ts";
import { seedAsset, seedTitles } from "./media-fixtures.ts";
import { SITE, TestBrowser } from "./session-client.ts";

const TITLE = 7301;
const ASSET = "fz-movie";
/** A valid playback token for ASSET, and the signed-up account's profile (set in beforeAll). */
let token = "";
let profileId = "";

/**
 * How to fuzz each route: paths built from one fuzzed parameter `p`, and the
 * parameter that makes each path valid (so header fuzzing reaches the handler's
 * real work, e.g. an R2 read). Keys are `METHOD path` exactly as `app.routes` lists them.
 */
interface Fuzz {
  paths: ((p: string) => string)[];
  valid: string | (() => string);
}
const at = (path: string): Fuzz => ({ paths: [() => path], valid: "" });

const ROUTES: Record<string, Fuzz> = {
  "POST /api/auth/signup": at("/api/auth/signup"),
  "POST /api/auth/signin": at("/api/auth/signin"),
  "POST /api/auth/refresh": at("/api/auth/refresh"),
  "POST /api/auth/signout": at("/api/auth/signout"),
  "GET /api/auth/me": at("/api/auth/me"),
  "GET /api/profiles": at("/api/profiles"),
  "POST /api/profiles": at("/api/profiles"),
  "PATCH /api/profiles/:id": { paths: [(p) => `/api/profiles/${p}`], valid: () => profileId },
  "DELETE /api/profiles/:id": { paths: [(p) => `/api/profiles/${p}`], valid: () => profileId },
  "POST /api/profiles/:id/select": { paths: [(p) => `/api/profiles/${p}/select`], valid: () => profileId },
  "GET /api/my-list": at("/api/my-list"),
  "PUT /api/my-list/:titleId": { paths: [(p) => `/api/my-list/${p}`], valid: String(TITLE) },
  "DELETE /api/my-list/:titleId": { paths: [(p) => `/api/my-list/${p}`], valid: String(TITLE) },
  "POST /api/my-list/reorder": at("/api/my-list/reorder"),
  "GET /api/ratings": at("/api/ratings"),
  "PUT /api/ratings/:titleId": { paths: [(p) => `/api/ratings/${p}`], valid: String(TITLE) },
  "DELETE /api/ratings/:titleId": { paths: [(p) => `/api/ratings/${p}`], valid: String(TITLE) },
  "GET /api/home": { paths: [(p) => `/api/home?device=${p}&hour=${p}`, (p) => `/api/home?cache=${p}`], valid: "tv" },
  "POST /api/home/onboarding": at("/api/home/onboarding"),
  "POST /api/progress": at("/api/progress"),
  "GET /api/progress/continue": at("/api/progress/continue"),
  "GET /api/progress/title/:titleId": { paths: [(p) => `/api/progress/title/${p}`], valid: String(TITLE) },
  "GET /api/progress/live": at("/api/progress/live"),
  "GET /api/history": { paths: [(p) => `/api/history?limit=${p}&cursor=${p}`], valid: "10" },
  "DELETE /api/history/:titleId": { paths: [(p) => `/api/history/${p}`], valid: String(TITLE) },
  "DELETE /api/history": at("/api/history"),
  "GET /api/account/export": at("/api/account/export"),
  "DELETE /api/account": at("/api/account"),
  "POST /api/account/password": at("/api/account/password"),
  "GET /api/catalog/genres": at("/api/catalog/genres"),
  "GET /api/catalog/titles": { paths: [(p) => `/api/catalog/titles?sort=${p}&limit=${p}&cursor=${p}&genre=${p}`, (p) => `/api/catalog/titles?type=${p}&year=${p}`], valid: "popular" },
  "GET /api/catalog/titles/:id": { paths: [(p) => `/api/catalog/titles/${p}`], valid: String(TITLE) },
  "GET /api/catalog/people/:id": { paths: [(p) => `/api/catalog/people/${p}`], valid: "1" },
  "GET /api/artwork/:assetId/:file": { paths: [(p) => `/api/artwork/${ASSET}/${p}`, (p) => `/api/artwork/${p}/poster.jpg`], valid: "poster.jpg" },
  "GET /api/search": { paths: [(p) => `/api/search?q=${p}`], valid: "title" },
  "GET /api/search/suggest": { paths: [(p) => `/api/search/suggest?q=${p}`], valid: "tit" },
  "POST /api/playback/:id": { paths: [(p) => `/api/playback/${p}`, (p) => `/api/playback/${TITLE}?episode=${p}`], valid: String(TITLE) },
  "POST /api/playback/:id/renew": { paths: [(p) => `/api/playback/${p}/renew`], valid: String(TITLE) },
  "POST /api/licence": { paths: [(p) => `/api/licence?keySystem=${p}`], valid: "org.w3.clearkey" },
  "POST /api/licence/renew": at("/api/licence/renew"),
  "POST /api/licence/release": at("/api/licence/release"),
  "GET /api/licence/streams": at("/api/licence/streams"),
  "DELETE /api/licence/streams/:streamId": { paths: [(p) => `/api/licence/streams/${p}`], valid: "00000000-0000-4000-8000-000000000000" },
  "GET /api/downloads": at("/api/downloads"),
  "POST /api/downloads": at("/api/downloads"),
  "GET /api/downloads/options/:titleId": { paths: [(p) => `/api/downloads/options/${p}`, (p) => `/api/downloads/options/${TITLE}?episode=${p}`], valid: String(TITLE) },
  "POST /api/downloads/:downloadId/renew": { paths: [(p) => `/api/downloads/${p}/renew`], valid: "00000000-0000-4000-8000-000000000000" },
  "POST /api/downloads/:downloadId/played": { paths: [(p) => `/api/downloads/${p}/played`], valid: "00000000-0000-4000-8000-000000000000" },
  "DELETE /api/downloads/:downloadId": { paths: [(p) => `/api/downloads/${p}`], valid: "00000000-0000-4000-8000-000000000000" },
  "GET /api/steering/:region": { paths: [(p) => `/api/steering/${p}?_HLS_pathway=${p}&token=${token}`], valid: "US" },
  "POST /api/steering/report": at("/api/steering/report"),
  "POST /api/qoe": at("/api/qoe"),
  "POST /api/qoe/rows": at("/api/qoe/rows"),
  "GET /api/qoe/consent": at("/api/qoe/consent"),
  "PUT /api/qoe/consent": at("/api/qoe/consent"),
  "GET /api/ops/series": { paths: [(p) => `/api/ops/series?range=${p}&title=${p}&country=${p}`], valid: "1h" },
  "GET /api/ops/breakdown": { paths: [(p) => `/api/ops/breakdown?by=${p}&failing=${p}&limit=${p}`], valid: "title" },
  "GET /api/ops/home-rows": { paths: [(p) => `/api/ops/home-rows?days=${p}&device=${p}`], valid: "7" },
  "GET /api/ops/alerts": at("/api/ops/alerts"),
  "POST /api/ops/alerts": at("/api/ops/alerts"),
  "PUT /api/ops/alerts/:id": { paths: [(p) => `/api/ops/alerts/${p}`], valid: "1" },
  "DELETE /api/ops/alerts/:id": { paths: [(p) => `/api/ops/alerts/${p}`], valid: "1" },
  "GET /api/schedule": at("/api/schedule"),
  "POST /api/schedule": at("/api/schedule"),
  "DELETE /api/schedule/:id": { paths: [(p) => `/api/schedule/${p}`], valid: "1" },
  "GET /api/schedule/titles/:id": { paths: [(p) => `/api/schedule/titles/${p}`], valid: String(TITLE) },
  "GET /api/schedule/reminders": at("/api/schedule/reminders"),
  "PUT /api/schedule/:id/reminder": { paths: [(p) => `/api/schedule/${p}/reminder`], valid: "1" },
  "DELETE /api/schedule/:id/reminder": { paths: [(p) => `/api/schedule/${p}/reminder`], valid: "1" },
  "POST /api/dev/demo-premiere": at("/api/dev/demo-premiere"),
  "GET /api/dev/baseline/like-search": { paths: [(p) => `/api/dev/baseline/like-search?q=${p}`], valid: "title" },
  "GET /api/dev/baseline/media/*": { paths: [(p) => `/api/dev/baseline/media/${ASSET}/${p}`], valid: "video/360p/seg_00001.m4s" },
  "GET /api/dev/faults": at("/api/dev/faults"),
  "POST /api/dev/faults": at("/api/dev/faults"),
  "GET /api/dev/load": at("/api/dev/load"),
  "POST /api/dev/load/reset": at("/api/dev/load/reset"),
  "GET /api/dev/bench/constant": at("/api/dev/bench/constant"),
  "GET /api/dev/bench/object-call": at("/api/dev/bench/object-call"),
  "POST /api/dev/bench/viewer-state-counter": at("/api/dev/bench/viewer-state-counter"),
  "GET /api/dev/steering/:region": { paths: [(p) => `/api/dev/steering/${p}`], valid: "US" },
  "POST /api/live/:slug/start": { paths: [(p) => `/api/live/${p}/start`], valid: "fuzz-channel" },
  "POST /api/live/:slug/end": { paths: [(p) => `/api/live/${p}/end`], valid: "fuzz-channel" },
  "GET /api/live/:slug/object-calls": { paths: [(p) => `/api/live/${p}/object-calls`], valid: "fuzz-channel" },
  "PUT /api/live/:slug/:rendition/:name": {
    paths: [(p) => `/api/live/fuzz-channel/360p/${p}`, (p) => `/api/live/${p}/360p/0.0.m4s`, (p) => `/api/live/fuzz-channel/${p}/init.mp4`],
    valid: "0.0.m4s",
  },
  "GET /cdn/*": {
    paths: [(p) => `/cdn/a/${token}/${ASSET}/${p}`, (p) => `/cdn/${p}/${token}/${ASSET}/video/360p/seg_00001.m4s`, (p) => `/cdn/a/${p}/${ASSET}/video/360p/init.mp4`],
    valid: "video/360p/seg_00001.m4s",
  },
  "OPTIONS /cdn/*": { paths: [(p) => `/cdn/a/${token}/${ASSET}/${p}`], valid: "video/360p/index.m3u8" },
};

/** Every route the app serves (middleware, registered for ALL methods, left out), as `METHOD path`. */
function appRoutes(): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))].sort();
}

const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.array(fc.integer(), { maxLength: 3 }));
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom("email", "password", "name", "pin", "titleIds", "value", "isKids", "maxMaturityAge", "opId", "titleId", "episodeId", "positionSeconds", "durationSeconds", "clientTime", "deviceId", "maxHeight", "subtitles", "v", "viewId", "seq", "device", "player", "events", "optOut", "kids", "type", "streamId", "currentPassword", "newPassword", "quality", "deviceName", "firstPlayedAt", "kind", "startsAt", "endsAt", "loops", "windowSeconds", "channel", "startsInSeconds"), value).map((o) => JSON.stringify(o)),
  fc.string(),
  fc.constant(""),
);
const param = fc.oneof(fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.integer().map(String), fc.constantFrom("0", "-1", "1e309", "9007199254740993", "%00", "..%2f", "null"));

/** Header values: the malformed ones seen in the wild and in reviews, valid ones, and random text. */
const text = fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, ""));
const headerValues = {
  "if-none-match": fc.oneof(fc.constantFrom("x", '"x""y"', "0", ",,,", "*", '"abc"', 'W/"abc"', '"a", "b"', 'W/"', '"', "W/", ", ,", '""', '"x" y'), text),
  "if-modified-since": fc.oneof(
    fc.constantFrom("0", "yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Mon, 32 Jan 2024 25:61:61 GMT", "-1"),
    fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
    text,
  ),
  range: fc.oneof(
    fc.constantFrom("bytes=0-0", "bytes=0-", "bytes=-1", "bytes=-0", "bytes=5-1", "bytes=0-1,3-4", "bytes=99999999-", "bytes=-99999999999999999999", "bytes=", "items=0-1", "bytes=a-b", "bytes=1e3-2e3", "bytes=0--1"),
    fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `bytes=${a}-${b}`),
    text,
  ),
  origin: fc.oneof(fc.constantFrom(SITE, "null", "http://evil.example", "https://127.0.0.1", "http://127.0.0.1:1", ""), text),
  cookie: fc.oneof(fc.constantFrom("", "=", ";;;", "marquee_session=", "marquee_session=x.y.z", "__Host-marquee_session=%%", "a=b; a=c", "refresh=1"), text),
  "content-type": fc.oneof(fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=bogus", "*/*", ""), text),
};
type HeaderName = keyof typeof headerValues;
/** Some of the six headers, each with a fuzzed value. */
const headers = fc.record(headerValues, { requiredKeys: [] }) as fc.Arbitrary<Partial<Record<HeaderName, string>>>;

/**
 * The bounds: runs per route for each property (about 400 requests each, as many as the
 * fuzz made before it covered every route), the longest one run may take (a hang fails
 * instead of stalling the suite) and the longest a whole property may take.
 */
const RUNS = 8;
const RUN_TIMEOUT_MS = 10_000;
const PROPERTY_TIMEOUT_MS = 240_000;

/** A signed-in browser with a profile; signed in again when a fuzzed request signed it out. */
let browser: TestBrowser;
let account: { email: string; password: string };
async function signedIn(): Promise<TestBrowser> {
  if (!browser.cookies.has("mq_rt")) {
    browser = new TestBrowser();
    const r = await browser.json("/api/auth/signin", { method: "POST", body: { email: account.email, password: account.password } });
    if (r.status !== 200) throw new Error(`sign-in again answered ${r.status}: ${JSON.stringify(r.body)}`);
  }
  return browser;
}

async function expectNoServerError(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBeLessThan(500);
  if (res.status === 416) {
    // A byte range past the end of a media object: HTTP's own answer (no body, the object's size), which players understand.
    expect(res.headers.get("content-range"), what).toMatch(/^bytes \*\/\d+$/);
    await res.arrayBuffer();
  } else if (res.status >= 400) {
    const json = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof json.error?.code, what).toBe("string");
    expect(typeof json.error?.message, what).toBe("string");
  } else await res.arrayBuffer();
}

beforeAll(async () => {
  await seedTitles(db(), [{ id: TITLE, title: "Fuzzed Title" }]);
  await seedAsset(db(), { id: ASSET, titleId: TITLE, heights: [360, 720], audio: ["en"], subtitles: ["en"] });
  token = (await signPlaybackToken(env, { sub: "demo", pfx: `assets/${ASSET}/`, mh: 2160, cc: "US" }, 3600)).token;
  browser = new TestBrowser();
  account = await browser.signUp();
  profileId = (account as unknown as { profileId: string }).profileId;
  expect(profileId).toMatch(/\S/);
});

describe("fuzzed requests on every route", () => {
  it("the fuzz list is the app's route list: every route is fuzzed, and no entry names a route that is gone", () => {
    const served = appRoutes();
    expect(served.length, "the app lists its routes").toBeGreaterThan(30);
    expect(served.filter((r) => !(r in ROUTES)), "routes without a fuzz entry").toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !served.includes(r)), "fuzz entries for routes the app no longer serves").toEqual([]);
  });

  it("bodies and path/query parameters: never 5xx, and errors are JSON", async () => {
    const fuzzed = new Set<string>();
    for (const route of appRoutes()) {
      const fuzz = ROUTES[route];
      if (!fuzz) continue; // reported by the test above
      const method = route.split(" ")[0]!;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fuzz.paths), param, body, fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"), async (path, p, payload, type) => {
          const b = await signedIn();
          const res = await b.fetch(path(p), {
            method,
            body: method === "GET" || method === "OPTIONS" ? undefined : payload,
            headers: method === "GET" || method === "OPTIONS" ? {} : { "content-type": type },
          });
          await expectNoServerError(res, `${method} ${path(p)}`);
          fuzzed.add(route);
        }),
        { numRuns: RUNS, timeout: RUN_TIMEOUT_MS },
      );
    }
    expect([...fuzzed].sort(), "every route was fuzzed").toEqual(appRoutes());
  }, PROPERTY_TIMEOUT_MS);

  it("headers (If-None-Match, If-Modified-Since, Range, Origin, Cookie, Content-Type), on valid and fuzzed paths: never 5xx, and errors are JSON", async () => {
    const fuzzed = new Set<string>();
    // A malformed If-None-Match once answered 500 on every R2 object: they are always tried on the media and artwork paths.
    const r2Paths = [`/cdn/a/${token}/${ASSET}/video/360p/seg_00001.m4s`, `/api/artwork/${ASSET}/poster.jpg`];
    for (const path of r2Paths) {
      for (const inm of ["x", '"x""y"', "0", ",,,"]) await expectNoServerError(await call(path, { headers: { "if-none-match": inm } }), `${path} If-None-Match: ${inm}`);
    }
    for (const route of appRoutes()) {
      const fuzz = ROUTES[route];
      if (!fuzz) continue;
      const method = route.split(" ")[0]!;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fuzz.paths), fc.oneof(fc.constant(typeof fuzz.valid === "function" ? fuzz.valid() : fuzz.valid), param), headers, fc.boolean(), async (path, p, h, withSession) => {
          const b = await signedIn();
          const url = path(p);
          const sent: Record<string, string> = { "cf-connecting-ip": b.ip, ...h };
          // The fuzzed cookie alone, or in front of the real session's.
          const session = b.cookieHeader(url.split("?")[0]!);
          if (withSession && session) sent.cookie = h.cookie === undefined ? session : `${h.cookie}; ${session}`;
          const hasBody = method !== "GET" && method !== "OPTIONS";
          const res = await call(url, { method, headers: sent, body: hasBody ? "{}" : undefined });
          await expectNoServerError(res, `${method} ${url} ${JSON.stringify(h)}`);
          // This request may have ended the session the jar still holds: sign in again for the next run.
          if (withSession && /^(POST \/api\/auth\/(signout|refresh)|DELETE \/api\/account)$/.test(route)) b.cookies.clear();
          fuzzed.add(route);
        }),
        { numRuns: RUNS, timeout: RUN_TIMEOUT_MS },
      );
    }
    expect([...fuzzed].sort(), "every route was fuzzed").toEqual(appRoutes());
  }, PROPERTY_TIMEOUT_MS);
});
