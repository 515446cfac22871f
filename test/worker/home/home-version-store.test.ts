/**
 * The home version in the account's object (worker/home/home-version-store.ts):
 * a view moves it without writing D1 (docs/SCALING.md §6.4, §7), and a bump
 * invalidates the cached rows of that profile only. The D1 writes are counted
 * by the load meter's wrapper around the real binding (worker/lib/load-meter.ts).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { viewerState } from "../../../worker/progress/stub.ts";
import { db } from "../helpers.ts";
import { seedAsset, seedTitles } from "../media-fixtures.ts";
import { TestBrowser } from "../session-client.ts";

const MOVIE = 8851;
const OTHERS = [8852, 8853, 8854, 8855, 8856];

beforeAll(async () => {
  await seedTitles(db(), [{ id: MOVIE, title: "Versioned" }, ...OTHERS.map((id) => ({ id, title: `Versioned ${id}` }))]);
  await seedAsset(db(), { id: "hv-movie", titleId: MOVIE, heights: [360], durationSeconds: 600 });
});

interface DatabaseCounts {
  binding: string;
  reads: number;
  writes: number;
  writesByTable: Record<string, number>;
}

/** The counters, read signed out (so reading them calls no account's object). */
const counters = async () => (await new TestBrowser().json<{ databases: DatabaseCounts[] }>("/api/dev/load")).body.databases.find((d) => d.binding === "DB");
const resetCounters = () => new TestBrowser().fetch("/api/dev/load/reset", { method: "POST" });

const home = async (b: TestBrowser) => (await b.fetch("/api/home?device=tv&hour=20")).headers.get("x-home-cache");

/** The home once its entry is in KV (written after the answer, with waitUntil). */
async function cachedHome(b: TestBrowser) {
  let cache = await home(b);
  for (let i = 0; i < 50 && cache !== "hit"; i++) {
    await new Promise((r) => setTimeout(r, 20));
    cache = await home(b);
  }
  return cache;
}

function progress(positionSeconds: number, clientTime = Date.now()) {
  return { opId: crypto.randomUUID(), titleId: MOVIE, positionSeconds, durationSeconds: 600, clientTime, deviceId: "hv-device" };
}

describe("the home version in the account's object", () => {
  it("a new view moves it in the object and writes no D1 row; more progress in the same view leaves it", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    expect(await state.homeVersion(up.profileId)).toBe(0);
    expect(await cachedHome(b)).toBe("hit");

    await resetCounters();
    expect((await b.json("/api/progress", { method: "POST", body: progress(60) })).status).toBe(200);
    const afterView = await counters();
    expect(afterView?.reads, "the progress route reads D1 (the title), so the wrapper saw the request").toBeGreaterThan(0);
    expect(afterView?.writes, `D1 writes of a view: ${JSON.stringify(afterView?.writesByTable)}`).toBe(0);
    expect(await state.homeVersion(up.profileId)).toBe(1);
    expect(await home(b)).toBe("miss");

    expect(await cachedHome(b)).toBe("hit");
    expect((await b.json("/api/progress", { method: "POST", body: progress(120, Date.now() + 1) })).status).toBe(200);
    expect(await state.homeVersion(up.profileId)).toBe(1);
    expect(await home(b)).toBe("hit");
  });

  it("a rating bumps only the rating profile's version: the account's other profile keeps its cached rows", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    const other = await b.json("/api/profiles", { method: "POST", body: { name: "Second" } });
    expect(other.status).toBe(201);
    const select = async (id: string) => expect((await b.json(`/api/profiles/${id}/select`, { method: "POST" })).status).toBe(200);

    await select(other.body.id);
    expect(await cachedHome(b)).toBe("hit");
    await select(up.profileId);
    expect(await cachedHome(b)).toBe("hit");

    await resetCounters();
    expect((await b.json(`/api/ratings/${OTHERS[0]}`, { method: "PUT", body: { value: 1 } })).status).toBe(200);
    const afterRating = await counters();
    // The rating and the version are both the object's (worker/profiles/taste-store.ts): no D1 row is written.
    expect(afterRating?.writes, JSON.stringify(afterRating?.writesByTable)).toBe(0);
    expect(await state.homeVersion(up.profileId)).toBe(1);
    expect(await state.homeVersion(other.body.id)).toBe(0);
    expect(await home(b)).toBe("miss");

    await select(other.body.id);
    expect(await home(b)).toBe("hit");
  });

  it("deleting a profile forgets its version, and the export lists the versions kept", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    const other = await b.json("/api/profiles", { method: "POST", body: { name: "Brief" } });
    await b.json(`/api/profiles/${other.body.id}/select`, { method: "POST" });
    expect((await b.fetch(`/api/my-list/${OTHERS[1]}`, { method: "PUT" })).status).toBe(200);
    expect(await state.homeVersion(other.body.id)).toBe(1);
    expect((await state.exportAll()).homeVersions).toEqual([{ profileId: other.body.id, version: 1 }]);

    await b.json(`/api/profiles/${up.profileId}/select`, { method: "POST" });
    expect((await b.fetch(`/api/profiles/${other.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await state.exportAll()).homeVersions).toEqual([]);
  });
});
