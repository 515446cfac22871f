/**
 * My List and ratings with the account's object as their record
 * (worker/profiles/taste.ts, docs/SCALING.md §6.1): a change writes no D1 row
 * and is read back at once; a profile's old D1 rows are read in once, then
 * deleted from D1, and a fill that read them before a change cannot undo it;
 * Home's miss takes them from its one object call; deleting a profile forgets
 * them and the export lists them. D1 queries are counted by the load meter's
 * wrapper around the real binding (worker/lib/load-meter.ts).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { legacyTaste } from "../../../worker/db/my-list.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { d1Counts, resetD1Counts } from "../d1-counts.ts";
import { db } from "../helpers.ts";
import { seedTitles } from "../media-fixtures.ts";
import { TestBrowser } from "../session-client.ts";

const FIRST = 8891;
const [A, B, C, D, E] = [FIRST, FIRST + 1, FIRST + 2, FIRST + 3, FIRST + 4] as const;
const T0 = Date.UTC(2025, 5, 1);

beforeAll(async () => {
  await seedTitles(db(), [A, B, C, D, E].map((id) => ({ id, title: `Taste ${id}` })));
});

const listIds = async (b: TestBrowser) => {
  const r = await b.json<{ items: { id: number }[] }>("/api/my-list");
  expect(r.status).toBe(200);
  return r.body.items.map((t) => t.id);
};
const ratingPairs = async (b: TestBrowser) => {
  const r = await b.json<{ items: { titleId: number; value: number }[] }>("/api/ratings");
  expect(r.status).toBe(200);
  return r.body.items.map((t) => [t.titleId, t.value]);
};
const d1RowCount = async (table: "my_list" | "ratings", profileId: string) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE profile_id = ?`).bind(profileId).first<{ n: number }>())!.n;

/** Rows as D1 held them before the object became the record: B before A on the list (positions with a gap), A and C rated. */
async function seedLegacy(profileId: string) {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO my_list (profile_id, title_id, position, added_at) VALUES (?, ?, 7, ?), (?, ?, 3, ?)").bind(profileId, A, T0 + 1, profileId, B, T0),
    env.DB.prepare("INSERT INTO ratings (profile_id, title_id, value, rated_at) VALUES (?, ?, 1, ?), (?, ?, -1, ?)").bind(profileId, A, T0 + 2, profileId, C, T0 + 3),
  ]);
}

describe("My List and ratings in the account's object", () => {
  it("no change writes a D1 row, and each is read back at once on the next request", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await resetD1Counts();
    for (const id of [A, B, C]) expect((await b.json(`/api/my-list/${id}`, { method: "PUT" })).body).toEqual({ titleId: id, inList: true });
    expect(await listIds(b)).toEqual([A, B, C]);
    expect((await b.json("/api/my-list/reorder", { method: "POST", body: { titleIds: [C, A, B] } })).body.items.map((t: { id: number }) => t.id)).toEqual([C, A, B]);
    expect(await listIds(b)).toEqual([C, A, B]);
    expect((await b.fetch(`/api/my-list/${A}`, { method: "DELETE" })).status).toBe(204);
    expect(await listIds(b)).toEqual([C, B]);
    expect((await b.json(`/api/ratings/${B}`, { method: "PUT", body: { value: 2 } })).status).toBe(200);
    expect(await ratingPairs(b)).toEqual([[B, 2]]);
    expect((await b.json(`/api/ratings/${B}`, { method: "PUT", body: { value: -1 } })).status).toBe(200);
    expect(await ratingPairs(b)).toEqual([[B, -1]]);
    expect((await b.fetch(`/api/ratings/${B}`, { method: "DELETE" })).status).toBe(204);
    expect(await ratingPairs(b)).toEqual([]);

    const counted = await d1Counts();
    expect(counted.writes, `D1 writes: ${JSON.stringify(counted.writesByTable)}`).toBe(0);
    // D1's old rows were looked for once (the profile was new to its object); the rest is the catalog (visibility, cards).
    expect([counted.readsByTable.my_list, counted.readsByTable.ratings]).toEqual([1, 1]);
    const kept = (await viewerState(env, up.account.id).exportAll()).taste;
    expect(kept.myList.map((e) => e.titleId)).toEqual([C, B]);
    expect(kept.profiles.map((p) => p.profileId)).toEqual([up.profileId]);
  });

  it("a profile's D1 rows are read in once, at its first request, then deleted from D1; later requests read neither table", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await seedLegacy(up.profileId);
    await resetD1Counts();
    // The first request is a change: D1's list comes first, in D1's order, and the new title goes to its end.
    expect((await b.json(`/api/my-list/${D}`, { method: "PUT" })).status).toBe(200);
    const first = await d1Counts();
    expect([first.readsByTable.my_list, first.readsByTable.ratings]).toEqual([1, 1]);
    expect(first.writesByTable, "only the old rows' deletion").toEqual({ my_list: 1, ratings: 1 });
    expect([await d1RowCount("my_list", up.profileId), await d1RowCount("ratings", up.profileId)]).toEqual([0, 0]);

    await resetD1Counts();
    expect(await listIds(b)).toEqual([B, A, D]);
    expect(await ratingPairs(b)).toEqual([[C, -1], [A, 1]]);
    const later = await d1Counts();
    expect([later.readsByTable.my_list, later.readsByTable.ratings, later.writes]).toEqual([undefined, undefined, 0]);
  });

  it("a fill that read D1 before another request's change cannot undo that change", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await seedLegacy(up.profileId);
    const state = viewerState(env, up.account.id);
    // A slow request read D1's rows, and its object call arrives only after another request migrated and changed them.
    const slow = await legacyTaste(db(), up.profileId);
    expect(await state.taste(up.profileId), "the object has not seen the profile").toEqual({ unfilled: true });
    expect((await b.fetch(`/api/my-list/${B}`, { method: "DELETE" })).status).toBe(204);
    expect((await b.json(`/api/ratings/${A}`, { method: "PUT", body: { value: 2 } })).status).toBe(200);
    expect((await b.fetch(`/api/ratings/${C}`, { method: "DELETE" })).status).toBe(204);

    const late = await state.taste(up.profileId, slow);
    expect("myList" in late && late.myList.map((e) => e.titleId)).toEqual([A]);
    expect("ratings" in late && late.ratings.map((r) => [r.titleId, r.value])).toEqual([[A, 2]]);
    expect(await listIds(b)).toEqual([A]);
    expect(await ratingPairs(b)).toEqual([[A, 2]]);
  });

  it("Home's miss takes My List and ratings from the account's object, and reads a new-to-the-object profile's D1 rows once", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await seedLegacy(up.profileId);
    await resetD1Counts();
    const first = await b.json<{ rows: { kind: string; items: { id: number }[] }[] }>("/api/home?device=tv&hour=20");
    expect(first.res.headers.get("x-home-cache")).toBe("miss");
    expect(first.body.rows.find((r) => r.kind === "my-list")?.items.map((t) => t.id)).toEqual([B, A]);
    expect((await d1Counts()).readsByTable.my_list, "read in once").toBe(1);
    expect(await d1RowCount("my_list", up.profileId)).toBe(0);

    expect((await b.json(`/api/my-list/${E}`, { method: "PUT" })).status).toBe(200);
    await resetD1Counts();
    const second = await b.json<{ rows: { kind: string; items: { id: number }[] }[] }>("/api/home?device=tv&hour=20");
    expect(second.res.headers.get("x-home-cache"), "the change moved the home version").toBe("miss");
    expect(second.body.rows.find((r) => r.kind === "my-list")?.items.map((t) => t.id)).toEqual([B, A, E]);
    const counted = await d1Counts();
    expect([counted.readsByTable.my_list, counted.readsByTable.ratings], JSON.stringify(counted.readsByTable)).toEqual([undefined, undefined]);
  });

  it("a thumbs-down kept in the object reaches Home's next build: the title leaves every row", async () => {
    const b = new TestBrowser();
    await b.signUp();
    type HomeBody = { hero: { id: number } | null; rows: { items: { id: number }[] }[] };
    const shown = (h: HomeBody) => [...(h.hero ? [h.hero.id] : []), ...h.rows.flatMap((r) => r.items.map((t) => t.id))];
    expect(shown((await b.json<HomeBody>("/api/home?device=tv&hour=20")).body)).toContain(D);
    expect((await b.json(`/api/ratings/${D}`, { method: "PUT", body: { value: -1 } })).status).toBe(200);
    await resetD1Counts();
    const after = await b.json<HomeBody>("/api/home?device=tv&hour=20");
    expect(after.res.headers.get("x-home-cache")).toBe("miss");
    expect(shown(after.body)).not.toContain(D);
    expect((await d1Counts()).readsByTable.ratings).toBeUndefined();
  });

  it("deleting a profile forgets its list and ratings in the object; the export lists every profile's", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const state = viewerState(env, up.account.id);
    expect((await b.json(`/api/my-list/${A}`, { method: "PUT" })).status).toBe(200);
    const other = await b.json("/api/profiles", { method: "POST", body: { name: "Brief taste" } });
    expect(other.status).toBe(201);
    expect((await b.json(`/api/profiles/${other.body.id}/select`, { method: "POST" })).status).toBe(200);
    expect((await b.json(`/api/my-list/${B}`, { method: "PUT" })).status).toBe(200);
    expect((await b.json(`/api/ratings/${C}`, { method: "PUT", body: { value: 1 } })).status).toBe(200);

    const doc = (await b.json("/api/account/export")).body;
    expect(doc.viewerState.taste.myList.map((e: { profileId: string; titleId: number }) => [e.profileId, e.titleId]).sort()).toEqual(
      [[up.profileId, A], [other.body.id, B]].sort(),
    );
    expect(doc.viewerState.taste.ratings).toEqual([expect.objectContaining({ profileId: other.body.id, titleId: C, value: 1 })]);

    expect((await b.json(`/api/profiles/${up.profileId}/select`, { method: "POST" })).status).toBe(200);
    expect((await b.fetch(`/api/profiles/${other.body.id}`, { method: "DELETE" })).status).toBe(204);
    const kept = (await state.exportAll()).taste;
    expect(kept.profiles.map((p) => p.profileId)).toEqual([up.profileId]);
    expect(kept.myList.map((e) => e.titleId)).toEqual([A]);
    expect(kept.ratings).toEqual([]);
  });
});
