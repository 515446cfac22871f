import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LocalisedCard } from "../../../worker/db/catalog.ts";
import type { Viewer } from "../../../worker/lib/viewer.ts";
import { forgetCachedHomes, homeCacheKey, nextWindowEdge, readCachedHome, stillAvailable, writeCachedHome } from "../../../worker/home/rows-cache.ts";
import type { CachedHome } from "../../../worker/home/rows.ts";

// The KV home-rows cache called directly (home.test.ts covers hits, misses and invalidation through HTTP).
const viewer = (over: Partial<Viewer> = {}): Viewer => ({ viewerId: "acct-rc", country: "FR", nowMs: Date.now(), maxMaturityAge: 18, plan: "premium", ...over });
const card = (id: number) => ({ id, title: `Title ${id}` }) as unknown as LocalisedCard;
const DAY_MS = 86_400_000;

function home(nowMs: number): CachedHome {
  return {
    builtAt: nowMs,
    hero: card(1),
    rows: [
      { id: "trending", kind: "trending", heading: "Trending now", items: [card(1), card(2)] },
      { id: "closing", kind: "genre", heading: "Leaving", items: [card(3)] },
    ],
    aboveFold: 2,
    // 1 and 2 open with no end; 3 closes in a day.
    windows: { 1: [[nowMs - DAY_MS, null]], 2: [[nowMs - DAY_MS, null]], 3: [[nowMs - DAY_MS, nowMs + DAY_MS]] },
    onboarding: null,
  };
}

describe("the home-rows cache (worker/home/rows-cache.ts)", () => {
  it("keys a profile's rows by its version, country, device and part of day; signed-out viewers by ceiling instead", () => {
    const p = { id: "prof-1", homeVersion: 3 };
    const key = homeCacheKey(p, viewer(), "tv", 21);
    expect(key).toMatch(/^home:v3:prof-1:3:FR:en:tv:/);
    expect(homeCacheKey({ ...p, homeVersion: 4 }, viewer(), "tv", 21)).not.toBe(key);
    expect(homeCacheKey(p, viewer({ country: "US" }), "tv", 21)).not.toBe(key);
    expect(homeCacheKey(p, viewer(), "phone", 21)).not.toBe(key);
    expect(homeCacheKey(p, viewer(), "tv", 21)).toBe(key);
    expect(homeCacheKey(p, viewer({ locale: "ar" }), "tv", 21)).not.toBe(key);
    expect(homeCacheKey(null, viewer({ maxMaturityAge: 7 }), "tv", 21)).toMatch(/^home:v3:anon:7:FR:en:tv:/);
    expect(homeCacheKey(null, viewer({ maxMaturityAge: 7, locale: "fr-CA" }), "tv", 21)).toMatch(/^home:v3:anon:7:FR:fr-CA:tv:/);
    expect(homeCacheKey(null, viewer({ maxMaturityAge: 7 }), "tv", 21)).not.toBe(homeCacheKey(null, viewer({ maxMaturityAge: 18 }), "tv", 21));
  });

  it("keys each device apart, and one version bump moves every device's key of the profile", () => {
    const devices = ["desktop", "phone", "tv"] as const;
    const keys = (homeVersion: number) => devices.map((d) => homeCacheKey({ id: "prof-2", homeVersion }, viewer(), d, 9));
    expect(new Set(keys(5)).size).toBe(devices.length);
    const before = new Set(keys(5));
    for (const key of keys(6)) expect(before.has(key)).toBe(false);
  });

  it("reads back what it wrote, and misses on an unknown key or a broken entry", async () => {
    const nowMs = Date.now();
    const key = `home:test:${crypto.randomUUID()}`;
    expect(await readCachedHome(env.ROWS, key, nowMs)).toBeNull();
    await writeCachedHome(env.ROWS, key, home(nowMs));
    expect(await readCachedHome(env.ROWS, key, nowMs)).toEqual(home(nowMs));
    expect(await env.ROWS.get(key, "json")).toEqual(home(nowMs));
    for (const broken of [JSON.stringify({ rows: "not rows" }), "{not json"]) {
      const other = `home:test:${crypto.randomUUID()}`;
      await env.ROWS.put(other, broken);
      expect(await readCachedHome(env.ROWS, other, nowMs), broken).toBeNull();
    }
  });

  it("keeps an entry it read in the isolate for a minute, and forgets a deleted account's at once", async () => {
    const nowMs = Date.now();
    const key = homeCacheKey({ id: `prof-${crypto.randomUUID()}`, homeVersion: 0 }, viewer(), "tv", 20);
    await env.ROWS.put(key, JSON.stringify(home(nowMs)));
    expect(await readCachedHome(env.ROWS, key, nowMs)).toEqual(home(nowMs));
    // KV changes under the same key (it never does: the key is versioned) are not read again within the minute…
    await env.ROWS.delete(key);
    expect(await readCachedHome(env.ROWS, key, nowMs + 59_000)).toEqual(stillAvailable(home(nowMs), nowMs + 59_000));
    // …and are after it.
    expect(await readCachedHome(env.ROWS, key, nowMs + 61_000)).toBeNull();
    // Account deletion drops the isolate's copy as well as KV's.
    await writeCachedHome(env.ROWS, key, home(nowMs));
    await forgetCachedHomes(env.ROWS, [key.split(":")[2]!]);
    expect(await readCachedHome(env.ROWS, key, nowMs)).toBeNull();
  });

  it("shows a kept entry as the same object until a card's window edge, then as the cards available after it", async () => {
    const nowMs = Date.now();
    const key = homeCacheKey({ id: `prof-${crypto.randomUUID()}`, homeVersion: 0 }, viewer(), "desktop", 10);
    await env.ROWS.put(key, JSON.stringify(home(nowMs)));
    const first = await readCachedHome(env.ROWS, key, nowMs);
    // The same object while no window opens or closes (the route makes its JSON once per object)…
    expect(await readCachedHome(env.ROWS, key, nowMs + 30_000)).toBe(first);
    // …and a new one, without title 3, from the moment its window closes (a day on: the entry is kept by a fresh write).
    await writeCachedHome(env.ROWS, key, home(nowMs));
    const edge = nowMs + DAY_MS;
    expect(nextWindowEdge(home(nowMs), nowMs)).toBe(edge);
    const before = await readCachedHome(env.ROWS, key, edge - 1);
    expect(before?.rows.map((r) => r.id)).toEqual(["trending", "closing"]);
    expect(await readCachedHome(env.ROWS, key, edge - 1)).toBe(before);
    const after = await readCachedHome(env.ROWS, key, edge);
    expect(after).not.toBe(before);
    expect(after?.rows.map((r) => r.id)).toEqual(["trending"]);
    // A window opening later counts as an edge too; no edge ahead is Infinity.
    expect(nextWindowEdge({ ...home(nowMs), windows: { 1: [[nowMs + 5_000, null]] } }, nowMs)).toBe(nowMs + 5_000);
    expect(nextWindowEdge({ ...home(nowMs), windows: { 1: [[nowMs - 5_000, null]] } }, nowMs)).toBe(Infinity);
  });

  it("drops a card whose window has closed since, and a row left empty", () => {
    const nowMs = Date.now();
    const later = stillAvailable(home(nowMs), nowMs + 2 * DAY_MS);
    expect(later.rows.map((r) => r.id)).toEqual(["trending"]);
    expect(later.hero?.id).toBe(1);
    expect(stillAvailable(home(nowMs), nowMs)).toEqual(home(nowMs));
  });
});
