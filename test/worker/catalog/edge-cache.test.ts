import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { catalogCacheUrl, catalogEpoch, forgetCatalogEpochs, readCatalogEpoch, type CatalogEpoch } from "../../../worker/catalog/edge-cache.ts";
import { getTitleDetail, listTitles } from "../../../worker/db/catalog.ts";
import { MATURITY_AGES } from "../../../worker/db/schema.ts";
import { searchTitles } from "../../../worker/db/search.ts";
import type { Viewer } from "../../../worker/lib/viewer.ts";
import { demoCatalog } from "../../../tools/seed/generate.ts";
import { DEMO_TITLES } from "../../../tools/seed/demo-catalog.ts";
import { loadCatalog } from "../../../tools/seed/load.ts";
import { call, db } from "../helpers.ts";

const idOf = (name: string) => DEMO_TITLES.findIndex((t) => t.title === name) + 1;

beforeAll(async () => {
  await loadCatalog(db(), demoCatalog(Date.now()));
  forgetCatalogEpochs();
});

/** A demo viewer's read, with the variant set through the development overrides. */
async function read(path: string, country: string, maxMaturityAge: number) {
  const sep = path.includes("?") ? "&" : "?";
  const res = await call(`${path}${sep}devMaxMaturity=${maxMaturityAge}`, { country });
  return { status: res.status, cache: res.headers.get("x-catalog-cache"), body: (await res.json()) as any };
}

describe("the catalog's edge cache", () => {
  it("answers a repeated read from the cache, whatever unknown parameters ride along", async () => {
    const first = await read("/api/catalog/titles?sort=year&limit=7", "US", 18);
    const again = await read("/api/catalog/titles?limit=7&sort=year&utm_source=x", "US", 18);
    expect(first).toMatchObject({ status: 200, cache: "miss" });
    expect(again).toMatchObject({ status: 200, cache: "hit" });
    expect(again.body).toEqual(first.body);
  });

  it("never answers one variant with another's entry: country and maturity ceiling (property)", async () => {
    const routes = [
      { path: "/api/catalog/titles?sort=popular&limit=50", truth: (v: Viewer) => listTitles(db(), v, { sort: "popular", limit: 50 }).then((p) => p.items) },
      { path: `/api/catalog/titles/${idOf("Borderlands Express")}`, truth: (v: Viewer) => getTitleDetail(db(), v, idOf("Borderlands Express")) },
      { path: `/api/catalog/titles/${idOf("Orbitfall")}`, truth: (v: Viewer) => getTitleDetail(db(), v, idOf("Orbitfall")) },
      { path: "/api/search?q=the&limit=50", truth: (v: Viewer) => searchTitles(db(), v, "the", 50) },
    ];
    const truths = new Map<string, Promise<unknown>>();
    const truthOf = (route: number, country: string, maxMaturityAge: number) => {
      const key = `${route}/${country}/${maxMaturityAge}`;
      if (!truths.has(key)) truths.set(key, routes[route]!.truth({ viewerId: "demo", country, nowMs: Date.now(), maxMaturityAge, plan: "premium" }));
      return truths.get(key)!;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ route: fc.nat(routes.length - 1), country: fc.constantFrom("US", "CA", "FR", "DE", "ZZ"), age: fc.constantFrom(...MATURITY_AGES) }), { minLength: 1, maxLength: 6 }),
        async (reads) => {
          for (const { route, country, age } of reads) {
            const got = await read(routes[route]!.path, country, age);
            const truth = await truthOf(route, country, age);
            if (truth == null) expect(got.status).toBeGreaterThanOrEqual(400);
            else {
              expect(got.status).toBe(200);
              expect(route === 0 ? got.body.items : route === 3 ? got.body.items : got.body).toEqual(JSON.parse(JSON.stringify(truth)));
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("forgets a title's entries when its availability changes", async () => {
    const id = idOf("The Lighthouse Keeper's Daughter");
    expect((await read(`/api/catalog/titles/${id}`, "FR", 18)).status).toBe(200);
    expect((await read(`/api/catalog/titles/${id}`, "FR", 18)).cache).toBe("hit");
    const listed = await read("/api/catalog/titles?sort=title&limit=100", "FR", 18);
    expect(listed.body.items.map((t: any) => t.id)).toContain(id);

    const before = await readCatalogEpoch(env.DB, "FR", Date.now());
    await env.DB.prepare("UPDATE availability SET ends_at = ? WHERE title_id = ?").bind(Date.now() - 1000, id).run();
    const after = await readCatalogEpoch(env.DB, "FR", Date.now());
    expect(after.version).toBeGreaterThan(before.version);
    // Stands for EPOCH_RECHECK_MS passing: the isolate re-reads the version.
    forgetCatalogEpochs();

    expect((await read(`/api/catalog/titles/${id}`, "FR", 18)).status).toBe(404);
    const relisted = await read("/api/catalog/titles?sort=title&limit=100", "FR", 18);
    expect(relisted.cache).toBe("miss");
    expect(relisted.body.items.map((t: any) => t.id)).not.toContain(id);
  });

  it("shows a title whose window opens, with no write at all: the key carries the next window edge", async () => {
    const id = idOf("Orbitfall");
    const opensAt = Date.now() + 1500;
    await env.DB.prepare("UPDATE availability SET starts_at = ? WHERE title_id = ?").bind(opensAt, id).run();
    forgetCatalogEpochs();
    expect((await read(`/api/catalog/titles/${id}`, "JP", 18)).status).toBe(404);
    expect((await read(`/api/catalog/titles/${id}`, "JP", 18)).status).toBe(404);
    // Wait past the edge (not a timed assertion: only the order of events matters).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opensAt - Date.now()) + 50));
    const opened = await read(`/api/catalog/titles/${id}`, "JP", 18);
    expect(opened).toMatchObject({ status: 200, cache: "miss" });
  });

  it("an isolate re-reads the epoch only after its recheck interval or once the edge passes", async () => {
    forgetCatalogEpochs();
    const now = Date.now();
    const first = await catalogEpoch(env.DB, "BR", now, 60_000);
    await env.DB.prepare("UPDATE titles SET popularity = popularity WHERE id = 1").run();
    expect((await catalogEpoch(env.DB, "BR", now + 1000, 60_000)).version).toBe(first.version);
    expect((await catalogEpoch(env.DB, "BR", now + 61_000, 60_000)).version).toBeGreaterThan(first.version);
  });

  it("an isolate's first reads, side by side, each read the epoch: none answers an epoch never read", async () => {
    forgetCatalogEpochs();
    const now = Date.now();
    const [a, b] = await Promise.all([catalogEpoch(env.DB, "BR", now, 60_000), catalogEpoch(env.DB, "BR", now, 60_000)]);
    expect(a.version).toBeGreaterThanOrEqual(0);
    expect(b).toEqual(a);
  });

  it("while one request re-reads a stale epoch, the others answer the last one known, not its promise", async () => {
    forgetCatalogEpochs();
    const now = Date.now();
    const first = await catalogEpoch(env.DB, "BR", now, 60_000);
    await env.DB.prepare("UPDATE titles SET popularity = popularity WHERE id = 1").run();
    const rereading = catalogEpoch(env.DB, "BR", now + 61_000, 60_000);
    const meanwhile = await catalogEpoch(env.DB, "BR", now + 61_001, 60_000);
    expect(meanwhile.version).toBe(first.version);
    expect((await rereading).version).toBeGreaterThan(first.version);
    expect((await catalogEpoch(env.DB, "BR", now + 61_002, 60_000)).version).toBe((await rereading).version);
  });

  it("keys entries by route, validated parameters, variant and epoch only", () => {
    const epoch = { version: 3, nextEdgeMs: 1000 };
    const url = (params: Record<string, unknown>, country = "US", maxMaturityAge = 18, e: CatalogEpoch = epoch) => catalogCacheUrl("titles", params, { country, maxMaturityAge }, e);
    expect(url({ sort: "year", limit: 7 })).toBe(url({ limit: 7, sort: "year", genre: undefined }));
    expect(new Set([url({}), url({}, "FR"), url({}, "US", 7), url({}, "US", 18, { version: 4, nextEdgeMs: 1000 }), url({}, "US", 18, { version: 3, nextEdgeMs: null })]).size).toBe(5);
  });
});
