/**
 * bench:scale's counters (worker/lib/load-meter.ts) inside workerd: each
 * object instance counts the calls it answers, the D1 wrapper counts reads and
 * writes (by table), and a production Worker neither counts nor shows them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../../worker/app.ts";
import { meteredEnv } from "../../../worker/lib/load-meter.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { TestBrowser } from "../session-client.ts";

interface Counts {
  objects: { className: string; instance: string; requests: number }[];
  databases: { binding: string; reads: number; writes: number; writesByTable: Record<string, number> }[];
}

/** Read signed out, so reading the counters calls no account's object. */
const load = async (_b: TestBrowser, path = "", method = "GET") => (await new TestBrowser().json<Counts>(`/api/dev/load${path}`, { method })).body;

describe("load counters (development)", () => {
  it("count each call an object instance answers, and not its calls on itself", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    const stub = viewerState(env, up.account.id);
    const key = env.VIEWER_STATE.idFromName(`account:${up.account.id}`).toString();
    const mine = (c: Counts) => c.objects.find((o) => o.className === "ViewerState" && (o.instance === `account:${up.account.id}` || o.instance === key))?.requests ?? 0;
    await load(b, "/reset", "POST");
    expect(mine(await load(b))).toBe(0);
    // Three calls from outside; history() runs its store's queries without coming back through the object.
    for (let i = 0; i < 3; i++) await stub.history(up.profileId, 10);
    expect(mine(await load(b))).toBe(3);
    // Through the API: the route's calls on the account's object (history, and the session check unless cached) are counted too.
    expect((await b.json("/api/history")).status).toBe(200);
    expect(mine(await load(b))).toBeGreaterThanOrEqual(4);
  });

  it("count D1 reads and writes, writes by table", async () => {
    const b = new TestBrowser();
    await load(b, "/reset", "POST");
    await b.signUp();
    const db = (await load(b)).databases.find((d) => d.binding === "DB")!;
    expect(db.reads).toBeGreaterThan(0);
    expect(db.writes).toBeGreaterThan(0);
    expect(db.writesByTable.accounts).toBeGreaterThanOrEqual(1);
    expect(db.writesByTable.profiles).toBeGreaterThanOrEqual(1);
    const reads = db.reads;
    await b.json("/api/catalog/genres");
    expect((await load(b)).databases.find((d) => d.binding === "DB")!.reads).toBeGreaterThan(reads);
  });
});

describe("load counters (production)", () => {
  it("are 404, and a production env is not wrapped", async () => {
    const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
    for (const [method, path] of [["GET", "/api/dev/load"], ["POST", "/api/dev/load/reset"]] as const) {
      const res = await app.fetch(new Request(`http://x${path}`, { method, headers: { origin: "http://x" } }), production);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
    expect(meteredEnv(production)).toBe(production);
    expect(meteredEnv(env).DB).not.toBe(env.DB);
  });
});
