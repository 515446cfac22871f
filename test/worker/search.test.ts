import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { demoCatalog } from "../../tools/seed/generate.ts";
import { DEMO_TITLES } from "../../tools/seed/demo-catalog.ts";
import { loadCatalog } from "../../tools/seed/load.ts";
import { typoPieces } from "../../worker/db/search.ts";
import { compact, editDistance, foldText, substringEditDistance } from "../../worker/lib/text.ts";
import { db, getJson } from "./helpers.ts";

beforeAll(async () => {
  await loadCatalog(db(), demoCatalog(Date.now()));
});

async function top(q: string, n = 3, country = "US"): Promise<string[]> {
  const { status, body } = await getJson(`/api/search?q=${encodeURIComponent(q)}`, country);
  expect(status, q).toBe(200);
  return body.items.slice(0, n).map((t: any) => t.title);
}

describe("text folding", () => {
  it("folds accents, case and special letters", () => {
    expect(foldText("Amélie Æon Straße ØRESUND")).toBe("amelie aeon strasse oresund");
    expect(compact("Spider-Man: Far From Home")).toBe("spidermanfarfromhome");
  });

  it("measures substring edit distance with swaps as one edit", () => {
    expect(substringEditDistance("godfater", "thegodfatherpartii")).toBe(1);
    expect(substringEditDistance("pulpfcition", "pulpfiction")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("edit distance is symmetric and bounded by the longer length (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(substringEditDistance(a, b)).toBeLessThanOrEqual(d);
      }),
    );
  });

  it("cuts long queries into overlapping pieces that cover every character", () => {
    const pieces = typoPieces("godfather");
    expect(pieces[0]).toBe("godf");
    expect(pieces.at(-1)).toBe("ther");
    expect(typoPieces("jaws")).toEqual(["jaws"]);
  });
});

describe("search on the demo catalog", () => {
  it("finds titles despite punctuation, spacing, accents and typos", async () => {
    expect(await top("spiderlily")).toContain("Spider-Lily");
    expect(await top("spider lily")).toContain("Spider-Lily");
    expect(await top("amelie")).toContain("Amélie of the Canals");
    expect(await top("AMÉLIE des canaux")).toContain("Amélie of the Canals");
    expect(await top("clockmakers aprentice")).toContain("The Clockmaker's Apprentice");
    expect(await top("orbitfal")).toContain("Orbitfall");
    expect(await top("dust and iron")).toContain("Dust & Iron");
    expect(await top("sal y azafran")).toContain("Salt and Saffron");
  });

  it("finds titles by cast name, genre and description words", async () => {
    const { body: title } = await getJson(`/api/catalog/titles/${DEMO_TITLES.findIndex((t) => t.title === "Orbitfall") + 1}`);
    const { body } = await getJson(`/api/search?q=${encodeURIComponent(title.cast[0].name)}&limit=50`);
    expect(body.items.map((t: any) => t.id)).toContain(title.id);
    expect((await top("antarctica", 5))).toContain("Frostbound");
    const { body: docs } = await getJson("/api/search?q=documentary");
    expect(docs.items.map((t: any) => t.title)).toEqual(expect.arrayContaining(["Wild Atlas", "Monsters of the Deep Blue"]));
  });

  it("applies the region and window rules to search and suggest", async () => {
    expect(await top("borderlands express", 3, "US")).toContain("Borderlands Express");
    expect(await top("borderlands express", 3, "FR")).not.toContain("Borderlands Express");
    expect(await top("starfall saga", 10)).not.toContain("Coming Soon: Starfall Saga");
    expect(await top("old mill", 10)).not.toContain("Expired: The Old Mill");
    const { body } = await getJson("/api/search/suggest?q=schwarz", "GB");
    expect(body.items).toEqual([]);
    const { body: de } = await getJson("/api/search/suggest?q=schwarz", "DE");
    expect(de.items[0].title).toBe("Schwarzwald");
  });

  it("suggests titles as you type, by prefix", async () => {
    const { status, body } = await getJson("/api/search/suggest?q=harb");
    expect(status).toBe(200);
    expect(body.items[0].title).toBe("Harbour Lights");
    const { body: one } = await getJson("/api/search/suggest?q=m");
    expect(one.items.length).toBeGreaterThan(0);
    expect(one.items.every((t: any) => /(^|\s)m/i.test(t.title) || t.title.toLowerCase().includes("m"))).toBe(true);
  });

  it("refuses an empty query with 400 and answers punctuation-only queries with no items", async () => {
    for (const path of ["/api/search", "/api/search?q=", "/api/search?q=%20%20", "/api/search/suggest?q="]) {
      const { status, body } = await getJson(path);
      expect(status, path).toBe(400);
      expect(body.error.code).toBe("invalid_query");
    }
    const { status, body } = await getJson(`/api/search?q=${encodeURIComponent('"*:^()-')}`);
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
  });

  it("survives FTS5 syntax in queries (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[\w"*:^(){}+\-\s.'é]{1,40}$/), async (q) => {
        const { status } = await getJson(`/api/search?q=${encodeURIComponent(q)}`);
        const { status: s2 } = await getJson(`/api/search/suggest?q=${encodeURIComponent(q)}`);
        expect([200, 400]).toContain(status);
        expect([200, 400]).toContain(s2);
      }),
      { numRuns: 150 },
    );
  });
});
