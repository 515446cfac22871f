import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { MATURITY_AGES } from "../../worker/db/schema.ts";
import { sharedHomeUrl } from "../../worker/home/rows-cache.ts";
import { viewerState } from "../../worker/progress/stub.ts";
import { readTrending } from "../../worker/recs/signals.ts";
import { d1Counts, resetD1Counts } from "./d1-counts.ts";
import { call, db, flushStatistics } from "./helpers.ts";
import { seedAsset, seedTitles } from "./media-fixtures.ts";
import { TestBrowser } from "./session-client.ts";

// Ids unique to this file: 40 titles over every maturity age, some regional, some outside their window.
const FIRST = 7701;
const COUNT = 40;
const ids = Array.from({ length: COUNT }, (_, i) => FIRST + i);
const maturityOf = (id: number) => MATURITY_AGES[(id - FIRST) % MATURITY_AGES.length]!;
const regionsOf = (id: number) => ((id - FIRST) % 7 === 3 ? ["FR"] : (id - FIRST) % 7 === 5 ? ["GB", "DE"] : ["WW"]);
const FUTURE = FIRST + COUNT; // a title whose window opens next month
const ENDED = FIRST + COUNT + 1; // a title whose window closed
const MOVIE = FIRST; // all ages, worldwide, with media

beforeAll(async () => {
  await seedTitles(db(), [
    ...ids.map((id) => ({ id, title: `Homeward ${id}`, maturityAge: maturityOf(id), regions: regionsOf(id) })),
    { id: FUTURE, title: "Homeward Soon", window: { startDays: 30 } },
    { id: ENDED, title: "Homeward Gone", window: { startDays: -60, endDays: -1 } },
  ]);
  // Popularity spreads candidates; the demo viewer and profiles see the most popular first.
  await env.DB.prepare("UPDATE titles SET popularity = (id % 13) / 13.0 WHERE id BETWEEN ? AND ?").bind(FIRST, ENDED).run();
  await seedAsset(db(), { id: "home-movie", titleId: MOVIE, heights: [360], durationSeconds: 600 });
});

type Card = { id: number; maturity: { age: number } };
type HomeBody = {
  hero: Card | null;
  aboveFold: number;
  continueWatching: { title: { id: number }; positionSeconds: number }[];
  rows: { id: string; kind: string; heading: string; items: Card[] }[];
  onboarding: { choices: { id: number }[] } | null;
};

async function home(b: TestBrowser, query = "device=desktop&hour=20"): Promise<{ status: number; body: HomeBody; cache: string | null }> {
  const r = await b.json<HomeBody>(`/api/home?${query}`);
  return { status: r.status, body: r.body, cache: r.res.headers.get("x-home-cache") };
}

/** The home once its entry is in KV (written after the answer, with waitUntil): a hit within a second, or the last miss. */
async function cachedHome(b: TestBrowser, query?: string) {
  let h = await home(b, query);
  for (let i = 0; i < 50 && h.cache !== "hit"; i++) {
    await new Promise((r) => setTimeout(r, 20));
    h = await home(b, query);
  }
  return h;
}

const allCards = (h: HomeBody) => [...(h.hero ? [h.hero] : []), ...h.rows.flatMap((r) => r.items)];

function write(over: Record<string, unknown> = {}) {
  return { opId: crypto.randomUUID(), titleId: MOVIE, positionSeconds: 120, durationSeconds: 600, clientTime: Date.now(), deviceId: "home-device-1", ...over };
}

describe("GET /api/home", () => {
  it("answers rows for a signed-out viewer, from KV on the second visit", async () => {
    const b = new TestBrowser();
    const first = await home(b);
    expect(first.status).toBe(200);
    expect(first.cache).toBe("miss");
    expect(first.body.rows.length).toBeGreaterThan(0);
    expect(first.body.continueWatching).toEqual([]);
    const second = await cachedHome(b);
    expect(second.cache).toBe("hit");
    expect(second.body.rows).toEqual(first.body.rows);
    // Another device class is another entry.
    expect((await home(b, "device=tv&hour=20")).cache).toBe("miss");
  });

  it("never shows a title outside the viewer's ceiling, region or window (property over countries and ceilings)", async () => {
    let regionalChecked = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("GB", "FR", "DE", "US", "JP"), fc.constantFrom(...MATURITY_AGES), fc.constantFrom("tv", "desktop", "phone"), async (country, age, device) => {
        const res = await call(`/api/home?device=${device}&hour=9`, { country, headers: { "x-dev-max-maturity": String(age) } });
        expect(res.status).toBe(200);
        const body = (await res.json()) as HomeBody;
        // Every viewer here may see the all-ages worldwide titles: an empty home would pass the checks below vacuously.
        expect(allCards(body).length, `home for ${country}, ceiling ${age}, ${device}`).toBeGreaterThan(0);
        for (const card of allCards(body)) {
          expect(card.maturity.age).toBeLessThanOrEqual(age);
          expect([FUTURE, ENDED]).not.toContain(card.id);
          if (card.id >= FIRST && card.id < FIRST + COUNT) {
            const regions = regionsOf(card.id);
            expect(regions.includes("WW") || regions.includes(country)).toBe(true);
            if (!regions.includes("WW")) regionalChecked++;
          }
        }
        // Within the fold-wide rule: the hero is not repeated in the rows above the fold.
        const above = body.rows.slice(0, body.aboveFold).flatMap((r) => r.items.map((i) => i.id));
        if (body.hero) expect(above).not.toContain(body.hero.id);
        expect(new Set(above).size).toBe(above.length);
      }),
      { numRuns: 25 },
    );
    expect(regionalChecked, "some regional titles were shown, and checked against the viewer's country").toBeGreaterThan(0);
  });

  it("keeps a kids profile to its ceiling and offers onboarding to a new profile", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" });
    const h = await home(b);
    expect(h.status).toBe(200);
    for (const card of [...allCards(h.body), ...(h.body.onboarding?.choices ?? [])]) expect(card.id === FIRST || maturityOf(card.id) <= 7).toBe(true);
    expect(h.body.onboarding?.choices.length).toBeGreaterThanOrEqual(3);
  });

  it("invalidates the rows on each taste event, and merges continue watching fresh on a hit", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await home(b)).cache).toBe("miss");
    expect((await cachedHome(b)).cache).toBe("hit");

    // Onboarding: three picks (fewer is refused), then the rows are rebuilt without the step.
    const choices = (await home(b)).body.onboarding!.choices.map((c) => c.id);
    expect((await b.json("/api/home/onboarding", { method: "POST", body: { titleIds: choices.slice(0, 2) } })).status).toBe(400);
    expect((await b.json("/api/home/onboarding", { method: "POST", body: { titleIds: choices.slice(0, 3) } })).status).toBe(200);
    let h = await home(b);
    expect(h.cache).toBe("miss");
    expect(h.body.onboarding).toBeNull();

    // A new view changes taste (a miss); more progress in the same view is still a hit, and Continue Watching shows it at once.
    await cachedHome(b);
    await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 60 }) });
    expect((await home(b)).cache).toBe("miss");
    await cachedHome(b);
    await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 120, clientTime: Date.now() + 1 }) });
    h = await home(b);
    expect(h.cache).toBe("hit");
    expect(h.body.continueWatching.map((c) => [c.title.id, c.positionSeconds])).toEqual([[MOVIE, 120]]);

    const events: [string, () => Promise<unknown>][] = [
      ["rating", async () => expect((await b.json(`/api/ratings/${FIRST + 1}`, { method: "PUT", body: { value: 2 } })).status).toBe(200)],
      ["My List", async () => expect((await b.fetch(`/api/my-list/${FIRST + 15}`, { method: "PUT" })).status).toBe(200)],
      ["My List removal", async () => expect((await b.fetch(`/api/my-list/${FIRST + 15}`, { method: "DELETE" })).status).toBe(204)],
      ["finishing a title", () => b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 590, clientTime: Date.now() + 1 }) })],
      ["the profile's ceiling", async () => b.json(`/api/profiles/${(await b.json("/api/auth/me")).body.profileId}`, { method: "PATCH", body: { maxMaturityAge: 13 } })],
    ];
    for (const [event, act] of events) {
      expect((await cachedHome(b)).cache, `before ${event}`).toBe("hit");
      await act();
      expect((await home(b)).cache, `after ${event}`).toBe("miss");
    }
    // The finished film left every row; the new ceiling holds.
    h = await home(b);
    expect(allCards(h.body).map((c) => c.id)).not.toContain(MOVIE);
    for (const card of allCards(h.body)) expect(card.maturity.age).toBeLessThanOrEqual(13);
  });

  it("a view on one device invalidates every device's cached rows of the profile (desktop, phone and TV alike)", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const devices = ["desktop", "phone", "tv"] as const;
    for (const device of devices) {
      const h = await cachedHome(b, `device=${device}&hour=20`);
      expect(h.cache, device).toBe("hit");
      expect(h.body.onboarding, `${device} offers onboarding to the new profile`).not.toBeNull();
    }
    // Watched on the phone: no device may keep serving the new-profile home from its entry.
    expect((await b.json("/api/progress", { method: "POST", body: write({ deviceId: "home-phone-1", positionSeconds: 30 }) })).status).toBe(200);
    for (const device of devices) {
      const h = await home(b, `device=${device}&hour=20`);
      expect(h.cache, device).toBe("miss");
      expect(h.body.onboarding, device).toBeNull();
    }
  });

  it("a hit's Continue Watching reads its catalog rows once per catalog epoch; a closed window removes the title at once", async () => {
    const CW = ENDED + 1;
    await seedTitles(db(), [{ id: CW, title: "Homeward Continue" }]);
    await seedAsset(db(), { id: "home-continue", titleId: CW, heights: [360], durationSeconds: 600 });
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/progress", { method: "POST", body: write({ titleId: CW, positionSeconds: 90 }) })).status).toBe(200);
    const first = await cachedHome(b);
    expect([first.cache, first.body.continueWatching.map((c) => c.title.id)]).toEqual(["hit", [CW]]);
    await resetD1Counts();
    const again = await home(b);
    expect([again.cache, again.body.continueWatching.map((c) => [c.title.id, c.positionSeconds])]).toEqual(["hit", [[CW, 90]]]);
    expect((await d1Counts()).readsByTable.titles, "the card came from the isolate's memory").toBeUndefined();
    // Its window closes: the catalog's epoch moves, and the next Home reads the row again and leaves the title out.
    await env.DB.prepare("UPDATE availability SET ends_at = ? WHERE title_id = ?").bind(Date.now() - 1000, CW).run();
    await resetD1Counts();
    const closed = await home(b);
    expect(closed.body.continueWatching).toEqual([]);
    expect((await d1Counts()).readsByTable.titles).toBe(1);
  });

  it("drops a cached title whose window has closed since, instead of serving a broken tile", async () => {
    const b = new TestBrowser();
    const first = await home(b, "device=phone&hour=3");
    const victim = first.body.rows[0]!.items[0]!.id;
    // The entry is written after the answer (waitUntil): wait for it. Signed-out homes are shared: the Cache API holds them, not KV.
    const key = "home:v3:anon:18:ZZ:en:phone:late-night";
    const url = sharedHomeUrl(key)!;
    const cache = (caches as unknown as { default: Cache }).default;
    const put = (text: string) => cache.put(url, new Response(text, { headers: { "Cache-Control": "public, max-age=3600" } }));
    let entry: { windows: Record<string, [number, number | null][]> } | null = null;
    for (let i = 0; i < 50 && !entry; i++) {
      entry = (await (await cache.match(url))?.json()) ?? null;
      if (!entry) await new Promise((r) => setTimeout(r, 20));
    }
    if (!entry) throw new Error(`no cached entry at ${key}`);
    expect(await env.ROWS.get(key)).toBeNull();
    entry.windows[victim] = [[Date.now() - 10_000, Date.now() - 1000]];
    await put(JSON.stringify(entry));
    const second = await home(b, "device=phone&hour=3");
    expect(second.cache).toBe("hit");
    expect(allCards(second.body).map((c) => c.id)).not.toContain(victim);
    // A corrupt entry is a miss, not an error.
    await put("{not json");
    const third = await home(b, "device=phone&hour=3");
    expect([third.status, third.cache]).toEqual([200, "miss"]);
  });

  it("refuses bad parameters with 400", async () => {
    const b = new TestBrowser();
    expect((await b.json("/api/home?device=fridge")).status).toBe(400);
    expect((await b.json("/api/home?hour=25")).status).toBe(400);
    expect((await b.json("/api/home/onboarding", { method: "POST", body: { titleIds: [1, 2, 3] } })).status).toBe(401);
  });
});

describe("signals", () => {
  it("reach D1 statistics through the account's statistics shard in one batch, not per write", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await b.json("/api/progress", { method: "POST", body: write({ titleId: MOVIE, positionSeconds: 30 }), headers: { "x-dev-country": "NL" } });
    await b.json("/api/progress", { method: "POST", body: write({ titleId: MOVIE, positionSeconds: 595, clientTime: Date.now() + 5 }), headers: { "x-dev-country": "NL" } });
    const count = () => env.DB.prepare("SELECT coalesce(sum(views), 0) AS v, coalesce(sum(completions), 0) AS c FROM title_stats_daily WHERE title_id = ? AND country = 'NL'").bind(MOVIE).first<{ v: number; c: number }>();
    // Nothing in D1 until the alarm runs.
    expect(await count()).toEqual({ v: 0, c: 0 });
    const stub = viewerState(env, up.account.id);
    expect(await runDurableObjectAlarm(stub as unknown as DurableObjectStub)).toBe(true);
    expect((await stub.pendingSignals(10)).length).toBe(0);
    // The object handed them to its statistics shard, which writes D1 once a minute.
    expect(await count()).toEqual({ v: 0, c: 0 });
    await flushStatistics();
    expect(await count()).toEqual({ v: 1, c: 1 });
    // And the region's Trending now knows it.
    expect((await readTrending(db(), { country: "NL", nowMs: Date.now() })).map((t) => t.titleId)).toEqual([MOVIE]);
  });
});
