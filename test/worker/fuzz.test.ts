/**
 * Everything a client can send, fuzzed: random bodies (JSON values, broken
 * JSON, wrong content types) and random path and query parameters on every
 * API route, signed in with a profile. Nothing may answer 5xx, and every error
 * is the JSON `{ error: { code, message } }`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestBrowser } from "./session-client.ts";

type Route = { method: string; path: (param: string) => string };

const ROUTES: Route[] = [
  { method: "POST", path: () => "/api/auth/signup" },
  { method: "POST", path: () => "/api/auth/signin" },
  { method: "POST", path: () => "/api/profiles" },
  { method: "PATCH", path: (p) => `/api/profiles/${p}` },
  { method: "POST", path: (p) => `/api/profiles/${p}/select` },
  { method: "DELETE", path: (p) => `/api/profiles/${p}` },
  { method: "PUT", path: (p) => `/api/my-list/${p}` },
  { method: "DELETE", path: (p) => `/api/my-list/${p}` },
  { method: "POST", path: () => "/api/my-list/reorder" },
  { method: "PUT", path: (p) => `/api/ratings/${p}` },
  { method: "DELETE", path: (p) => `/api/ratings/${p}` },
  { method: "POST", path: () => "/api/progress" },
  { method: "GET", path: (p) => `/api/progress/title/${p}` },
  { method: "GET", path: (p) => `/api/history?limit=${p}&cursor=${p}` },
  { method: "DELETE", path: (p) => `/api/history/${p}` },
  { method: "GET", path: (p) => `/api/home?device=${p}&hour=${p}` },
  { method: "POST", path: () => "/api/home/onboarding" },
  { method: "POST", path: (p) => `/api/playback/${p}` },
  { method: "POST", path: (p) => `/api/playback/1?episode=${p}` },
  { method: "GET", path: (p) => `/api/search?q=${p}` },
  { method: "GET", path: (p) => `/api/catalog/titles?sort=${p}&limit=${p}&cursor=${p}&genre=${p}` },
  { method: "GET", path: (p) => `/api/catalog/titles/${p}` },
  { method: "GET", path: (p) => `/api/catalog/people/${p}` },
  { method: "DELETE", path: () => "/api/account" },
];

const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.array(fc.integer(), { maxLength: 3 }));
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom("email", "password", "name", "pin", "titleIds", "value", "isKids", "maxMaturityAge", "opId", "titleId", "episodeId", "positionSeconds", "durationSeconds", "clientTime", "deviceId", "maxHeight", "subtitles"), value).map((o) => JSON.stringify(o)),
  fc.string(),
  fc.constant(""),
);
const param = fc.oneof(fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.integer().map(String), fc.constantFrom("0", "-1", "1e309", "9007199254740993", "%00", "..%2f", "null"));

describe("fuzzed requests on every route", () => {
  it("never answer 5xx, and errors are JSON", async () => {
    const b = new TestBrowser();
    await b.signUp();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), param, body, fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"), async (route, p, payload, type) => {
        const res = await b.fetch(route.path(p), {
          method: route.method,
          body: route.method === "GET" ? undefined : payload,
          headers: route.method === "GET" ? {} : { "content-type": type },
        });
        expect(res.status, `${route.method} ${route.path(p)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const json = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof json.error?.code).toBe("string");
          expect(typeof json.error?.message).toBe("string");
        } else await res.arrayBuffer();
      }),
      { numRuns: 400 },
    );
  });
});
