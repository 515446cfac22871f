import { beforeAll, describe, expect, it } from "vitest";
import { BOOKMARK_COOKIE } from "../../../worker/middleware/d1-session.ts";
import { demoCatalog } from "../../../tools/seed/generate.ts";
import { loadCatalog } from "../../../tools/seed/load.ts";
import { db } from "../helpers.ts";
import { TestBrowser } from "../session-client.ts";

beforeAll(async () => {
  await loadCatalog(db(), demoCatalog(Date.now()));
});

describe("D1 sessions (read replication with a bookmark)", () => {
  it("a write hands the viewer a bookmark, and their next read sees their own write", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Bookmarked" } })).status).toBe(201);
    const bookmark = b.value(BOOKMARK_COOKIE);
    expect(bookmark).toMatch(/^[0-9a-f]+(-[0-9a-f]+)+$/);
    const attrs = b.cookies.get(BOOKMARK_COOKIE)!.attributes.join(";");
    expect(attrs).toMatch(/HttpOnly/i);
    expect(attrs).toMatch(/Path=\/api/);
    const profiles = await b.json<{ items: { name: string }[] }>("/api/profiles");
    expect(profiles.status).toBe(200);
    expect(profiles.body.items.map((p) => p.name)).toContain("Bookmarked");
    // A later write moves the bookmark on.
    await b.json("/api/profiles", { method: "POST", body: { name: "Bookmarked too" } });
    expect(b.value(BOOKMARK_COOKIE)).not.toBe(bookmark);
  });

  it("a My List write is read back at once with no bookmark at all: the account's object is its record, not D1", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/my-list/3", { method: "PUT" })).status).toBe(200);
    b.cookies.delete(BOOKMARK_COOKIE);
    const list = await b.json<{ items: { id: number }[] }>("/api/my-list");
    expect(list.status).toBe(200);
    expect(list.body.items.map((t) => t.id)).toEqual([3]);
  });

  it("reads do not set the cookie", async () => {
    const b = new TestBrowser();
    await b.signUp();
    b.cookies.delete(BOOKMARK_COOKIE);
    await b.json("/api/my-list");
    expect(b.lastSetCookie.some((line) => line.startsWith(`${BOOKMARK_COOKIE}=`))).toBe(false);
  });

  it("a forged, malformed or stale bookmark is ignored, never an error", async () => {
    const b = new TestBrowser();
    await b.signUp();
    for (const value of ["garbage", "00000000-00000000-00000000-" + "f".repeat(64), "%00", "a".repeat(4000), "first-primary"]) {
      b.cookies.set(BOOKMARK_COOKIE, { value, path: "/api", attributes: [] });
      const read = await b.json("/api/my-list");
      expect(read.status, value.slice(0, 40)).toBe(200);
      const write = await b.json("/api/my-list/5", { method: "PUT" });
      expect(write.status, value.slice(0, 40)).toBeLessThan(300);
    }
  });
});
