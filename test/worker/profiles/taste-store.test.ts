/**
 * My List and ratings in the account's object (worker/profiles/taste-store.ts):
 * the list's cap, append-at-end, a title added again keeping its place,
 * reorder and remove; a rating replaced and removed; and the fill that takes
 * in D1's old rows once, never over what the object holds already.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TasteStore } from "../../../worker/profiles/taste-store.ts";

const T0 = Date.UTC(2026, 0, 1);
const NONE = { myList: [], ratings: [] };

/** A store in a fresh account object of its own. */
function withStore<T>(run: (store: TasteStore) => T): Promise<T> {
  const stub = env.VIEWER_STATE.get(env.VIEWER_STATE.idFromName(`taste-store-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => run(new TasteStore(state.storage)));
}

const ids = (store: TasteStore, profileId: string) => store.list(profileId).map((e) => e.titleId);

describe("My List in the account's object", () => {
  it("appends at the end; a title added again keeps its place and its time; the cap refuses a new title but not one already there", () =>
    withStore((store) => {
      store.fill("p", NONE, T0);
      expect(store.add("p", 30, T0, 3)).toBe("added");
      expect(store.add("p", 10, T0 + 1, 3)).toBe("added");
      expect(store.add("p", 30, T0 + 2, 3)).toBe("present");
      expect(store.add("p", 20, T0 + 3, 3)).toBe("added");
      expect(store.list("p")).toEqual([
        { titleId: 30, addedAt: T0 },
        { titleId: 10, addedAt: T0 + 1 },
        { titleId: 20, addedAt: T0 + 3 },
      ]);
      expect(store.add("p", 40, T0 + 4, 3)).toBe("full");
      expect(store.add("p", 10, T0 + 4, 3)).toBe("present");
      expect(ids(store, "p")).toEqual([30, 10, 20]);
      // Removing one frees a place; the new title goes to the end.
      expect(store.remove("p", 30)).toBe(true);
      expect(store.remove("p", 30)).toBe(false);
      expect(store.add("p", 40, T0 + 5, 3)).toBe("added");
      expect(ids(store, "p")).toEqual([10, 20, 40]);
    }));

  it("reorders only to exactly the titles on the list, and a title added after a reorder goes to the end", () =>
    withStore((store) => {
      store.fill("p", NONE, T0);
      for (const id of [1, 2, 3]) store.add("p", id, T0 + id, 10);
      expect(store.reorder("p", [3, 1, 2])).toBe(true);
      expect(ids(store, "p")).toEqual([3, 1, 2]);
      for (const stale of [[3, 1], [3, 1, 2, 4], [3, 1, 4], [3, 3, 1], []]) {
        expect(store.reorder("p", stale), JSON.stringify(stale)).toBe(false);
        expect(ids(store, "p")).toEqual([3, 1, 2]);
      }
      store.add("p", 4, T0 + 9, 10);
      expect(ids(store, "p")).toEqual([3, 1, 2, 4]);
    }));

  it("keeps each profile's list apart, and forgetting a profile drops its list, ratings and the mark that the object holds them", () =>
    withStore((store) => {
      store.fill("a", NONE, T0);
      store.fill("b", NONE, T0);
      store.add("a", 1, T0, 10);
      store.add("b", 2, T0, 10);
      store.rate("a", 1, 2, T0);
      store.rate("b", 2, -1, T0);
      store.forgetProfile("a");
      expect([store.known("a"), store.list("a"), store.ratings("a")]).toEqual([false, [], []]);
      expect([store.known("b"), ids(store, "b"), store.ratings("b").map((r) => r.value)]).toEqual([true, [2], [-1]]);
      expect(store.exportAll()).toEqual({
        profiles: [{ profileId: "b", keptHereSince: T0 }],
        myList: [{ profileId: "b", titleId: 2, position: 1, addedAt: T0 }],
        ratings: [{ profileId: "b", titleId: 2, value: -1, ratedAt: T0 }],
      });
    }));
});

describe("ratings in the account's object", () => {
  it("a rating replaces the title's earlier one, lists newest first, and is removed once", () =>
    withStore((store) => {
      store.fill("p", NONE, T0);
      store.rate("p", 7, 1, T0);
      store.rate("p", 8, -1, T0 + 1);
      store.rate("p", 7, 2, T0 + 2);
      expect(store.ratings("p")).toEqual([
        { titleId: 7, value: 2, ratedAt: T0 + 2 },
        { titleId: 8, value: -1, ratedAt: T0 + 1 },
      ]);
      expect(store.unrate("p", 7)).toBe(true);
      expect(store.unrate("p", 7)).toBe(false);
      expect(store.ratings("p")).toEqual([{ titleId: 8, value: -1, ratedAt: T0 + 1 }]);
    }));
});

describe("the fill from D1's old rows", () => {
  it("takes in D1's list in D1's order (gaps closed) and its ratings, once: a later fill changes nothing the object holds", () =>
    withStore((store) => {
      expect(store.known("p")).toBe(false);
      const legacy = {
        myList: [
          { titleId: 5, position: 9, addedAt: T0 + 2 },
          { titleId: 4, position: 2, addedAt: T0 + 1 },
          { titleId: 6, position: 9, addedAt: T0 + 3 },
        ],
        ratings: [{ titleId: 4, value: 1 as const, ratedAt: T0 }],
      };
      expect(store.fill("p", legacy, T0 + 10)).toBe(true);
      expect(store.known("p")).toBe(true);
      expect(store.list("p")).toEqual([
        { titleId: 4, addedAt: T0 + 1 },
        { titleId: 5, addedAt: T0 + 2 },
        { titleId: 6, addedAt: T0 + 3 },
      ]);
      expect(store.exportAll().myList.map((e) => e.position)).toEqual([1, 2, 3]);
      // Changes made since: a later fill that read D1 before them cannot undo them.
      store.remove("p", 4);
      store.unrate("p", 4);
      store.add("p", 9, T0 + 20, 10);
      expect(store.fill("p", legacy, T0 + 30)).toBe(false);
      expect(ids(store, "p")).toEqual([5, 6, 9]);
      expect(store.ratings("p")).toEqual([]);
      expect(store.exportAll().profiles).toEqual([{ profileId: "p", keptHereSince: T0 + 10 }]);
    }));

  it("a profile with nothing in D1 is known after an empty fill", () =>
    withStore((store) => {
      expect(store.fill("p", NONE, T0)).toBe(true);
      expect([store.known("p"), store.taste("p")]).toEqual([true, NONE]);
      expect(store.fill("p", { myList: [{ titleId: 1, position: 1, addedAt: T0 }], ratings: [] }, T0)).toBe(false);
      expect(store.list("p")).toEqual([]);
    }));
});
