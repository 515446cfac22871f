/**
 * Home's one call to the account's object (worker/progress/viewer-state.ts
 * `homeState`, docs/SCALING.md §6.4): the profile's home version, its
 * onboarding picks (worker/home/onboarding-store.ts) and its latest entries
 * for Continue Watching, so a KV hit reads no D1 row. D1 queries are counted by
 * the load meter's wrapper around the real binding (worker/lib/load-meter.ts).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { setOnboarding } from "../../../worker/db/home.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { d1Counts, resetD1Counts } from "../d1-counts.ts";
import { db } from "../helpers.ts";
import { seedTitles } from "../media-fixtures.ts";
import { PASSWORD, TestBrowser } from "../session-client.ts";

const FIRST = 8861;
const IDS = Array.from({ length: 12 }, (_, i) => FIRST + i);

beforeAll(async () => {
  await seedTitles(db(), IDS.map((id) => ({ id, title: `Home state ${id}` })));
});


type HomeBody = { onboarding: { choices: { id: number }[] } | null; error?: { code: string } };
async function home(b: TestBrowser) {
  const r = await b.json<HomeBody>("/api/home?device=tv&hour=20");
  return { status: r.status, body: r.body, cache: r.res.headers.get("x-home-cache") };
}

/** The home once its entry is in KV (written after the answer, with waitUntil). */
async function cachedHome(b: TestBrowser) {
  let h = await home(b);
  for (let i = 0; i < 50 && h.cache !== "hit"; i++) {
    await new Promise((r) => setTimeout(r, 20));
    h = await home(b);
  }
  return h;
}

describe("Home's hit path", () => {
  it("a KV hit makes no D1 query (a profile with nothing to continue)", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await cachedHome(b)).cache).toBe("hit");
    await resetD1Counts();
    const h = await home(b);
    expect([h.status, h.cache]).toEqual([200, "hit"]);
    const counted = await d1Counts();
    expect(counted.reads, `D1 reads of a Home hit: ${JSON.stringify(counted.readsByTable)}`).toBe(0);
    expect(counted.writes).toBe(0);
  });

  it("onboarding picks made on one device shape Home on another, read from the account's object, not D1", async () => {
    const phone = new TestBrowser();
    const up = await phone.signUp();
    const tv = new TestBrowser();
    expect((await tv.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } })).status).toBe(200);
    const before = await cachedHome(tv);
    expect(before.cache).toBe("hit");
    const choices = before.body.onboarding!.choices.map((c) => c.id);
    expect(choices.length, "a new profile is offered onboarding").toBeGreaterThanOrEqual(3);

    expect((await phone.json("/api/home/onboarding", { method: "POST", body: { titleIds: choices.slice(0, 3) } })).status).toBe(200);
    const known = (await viewerState(env, up.account.id).homeState(up.profileId, 0)).onboarding;
    expect(known).toMatchObject({ known: true, picks: { titleIds: choices.slice(0, 3) } });

    await resetD1Counts();
    const after = await home(tv);
    expect([after.status, after.cache]).toEqual([200, "miss"]);
    expect(after.body.onboarding, "the picks count as the profile's taste on the other device").toBeNull();
    expect((await d1Counts()).readsByTable.profiles, "the picks came from the object").toBeUndefined();
  });

  it("picks the object has not seen (made before they moved there) are read from D1 once, then kept", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    // Picks D1 holds but the object never saw, and a new home version so the next visit misses.
    await setOnboarding(db(), up.profileId, { titleIds: IDS.slice(0, 3), atMs: Date.now() });
    await state.bumpHomeVersion(up.profileId);
    expect((await state.homeState(up.profileId, 0)).onboarding).toEqual({ known: false });

    await resetD1Counts();
    const first = await home(b);
    expect([first.cache, first.body.onboarding]).toEqual(["miss", null]);
    expect((await d1Counts()).readsByTable.profiles, "the profile's picks, read once").toBe(1);
    expect((await state.homeState(up.profileId, 0)).onboarding).toMatchObject({ known: true, picks: { titleIds: IDS.slice(0, 3) } });

    await state.bumpHomeVersion(up.profileId);
    await resetD1Counts();
    const second = await home(b);
    expect([second.cache, second.body.onboarding]).toEqual(["miss", null]);
    expect((await d1Counts()).readsByTable.profiles, "kept in the object since").toBeUndefined();
  });

  it("a profile never asked is known as such after one D1 read: later misses offer onboarding without reading the profile row", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    expect((await home(b)).body.onboarding).not.toBeNull();
    expect((await state.homeState(up.profileId, 0)).onboarding).toEqual({ known: true, picks: null });
    await state.bumpHomeVersion(up.profileId);
    await resetD1Counts();
    const h = await home(b);
    expect(h.cache).toBe("miss");
    expect(h.body.onboarding).not.toBeNull();
    expect((await d1Counts()).readsByTable.profiles).toBeUndefined();
  });
});
