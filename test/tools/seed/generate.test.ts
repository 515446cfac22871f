import { describe, expect, it } from "vitest";
import { DEMO_TITLES, demoTracks } from "../../../tools/seed/demo-catalog.ts";
import { demoCatalog } from "../../../tools/seed/generate.ts";

// The demo catalog a new viewer walks through: nothing in it should look like a copy-paste slip.
const rows = demoCatalog(Date.UTC(2026, 0, 1));
const firstAndLast = (name: string) => `${name.split(" ")[0]} ${name.split(" ").at(-1)}`;

describe("the demo catalog (tools/seed/generate.ts)", () => {
  it("names no two people alike, not even by a middle initial", () => {
    const names = rows.people.map((p) => firstAndLast(p.name));
    expect(new Set(names).size).toBe(names.length);
  });

  it("casts each character once per title and names each episode of a season differently", () => {
    for (const t of rows.titles) {
      const characters = rows.credits.filter((c) => c.titleId === t.id && c.role === "cast").map((c) => c.character);
      expect(new Set(characters).size, t.title).toBe(characters.length);
    }
    for (const s of rows.seasons) {
      const names = rows.episodes.filter((e) => e.seasonId === s.id).map((e) => e.name);
      expect(new Set(names).size, `season ${s.id}`).toBe(names.length);
    }
  });

  it("promises the languages its demo media has (demoTracks), no more", () => {
    for (const [i, t] of DEMO_TITLES.entries()) {
      const row = rows.titles.find((r) => r.title === t.title)!;
      expect([row.audioLanguages, row.subtitleLanguages], t.title).toEqual([demoTracks(i).audio, demoTracks(i).subtitles]);
    }
  });
});
