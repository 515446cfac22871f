import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { demoCatalog } from "../../tools/seed/generate.ts";
import { DEMO_TITLES } from "../../tools/seed/demo-catalog.ts";
import { loadCatalog } from "../../tools/seed/load.ts";
import { call, db, getJson } from "./helpers.ts";
import { seedAsset, seedEpisodes, seedTitles } from "./media-fixtures.ts";

const idOf = (name: string) => DEMO_TITLES.findIndex((t) => t.title === name) + 1;
/** Demo titles a US viewer may see now: region includes the US (or worldwide) and the window is open. */
const visibleInUs = DEMO_TITLES.filter(
  (t) => (t.regions ?? ["WW"]).some((r) => r === "WW" || r === "US") && (t.window?.startDays ?? -1) <= 0 && (t.window?.endDays ?? 1) > 0,
);

beforeAll(async () => {
  await loadCatalog(db(), demoCatalog(Date.now()));
});

async function allPages(query: string, country = "US") {
  const seen: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body }: { status: number; body: any } = await getJson(`/api/catalog/titles?${query}&limit=5${cursor ? `&cursor=${cursor}` : ""}`, country);
    expect(status).toBe(200);
    seen.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

describe("genres", () => {
  it("lists every genre alphabetically with slugs", async () => {
    const { status, body } = await getJson("/api/catalog/genres");
    expect(status).toBe(200);
    const names = body.items.map((g: any) => g.name);
    expect(names).toContain("Science Fiction");
    expect([...names].sort((a: string, b: string) => a.localeCompare(b))).toEqual(names);
    expect(body.items.find((g: any) => g.name === "Science Fiction").slug).toBe("science-fiction");
  });
});

describe("browse", () => {
  for (const sort of ["popular", "newest", "year", "title"]) {
    it(`keyset pages sorted by ${sort} visit every visible title exactly once, in order`, async () => {
      const items = await allPages(`sort=${sort}`);
      const ids = items.map((t) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(visibleInUs.length);
      const keys = items.map((t) => (sort === "popular" ? -t.popularity : sort === "year" ? -t.releaseYear : sort === "title" ? t.title.replace(/^The /, "").toLowerCase() : 0));
      if (sort !== "newest") expect([...keys].sort((a: any, b: any) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(keys);
    });
  }

  it("filters by genre, type and year", async () => {
    const drama = await allPages("genre=drama");
    expect(drama.length).toBeGreaterThan(3);
    for (const t of drama) expect(DEMO_TITLES[t.id - 1]!.genres).toContain("Drama");
    const series = await allPages("type=series");
    expect(series.every((t) => t.type === "series")).toBe(true);
    const y2021 = await allPages("year=2021");
    expect(y2021.map((t) => t.title).sort()).toEqual(
      DEMO_TITLES.filter((t) => t.year === 2021 && !t.regions && !t.window).map((t) => t.title).sort(),
    );
  });

  it("answers an unknown genre with 404 JSON", async () => {
    const { status, body } = await getJson("/api/catalog/titles?genre=no-such-genre");
    expect(status).toBe(404);
    expect(body.error.code).toBe("genre_not_found");
  });

  it("refuses bad query values with 400 and a code naming the problem", async () => {
    for (const q of ["limit=0", "limit=101", "limit=ten", "sort=random", "type=documentary", "year=abc", "year=99999", "genre=Drama!", "cursor=%%%"]) {
      const { status, body } = await getJson(`/api/catalog/titles?${q}`);
      expect(status, q).toBe(400);
      expect(body.error.code, q).toMatch(/^invalid_/);
      expect(typeof body.error.message).toBe("string");
    }
  });

  it("refuses a cursor made for another sort order", async () => {
    const { body } = await getJson("/api/catalog/titles?sort=popular&limit=2");
    const { status, body: err } = await getJson(`/api/catalog/titles?sort=title&limit=2&cursor=${body.nextCursor}`);
    expect(status).toBe(400);
    expect(err.error.code).toBe("invalid_cursor");
  });
});

describe("region and availability window", () => {
  it("shows a US/Canada-only title in the US and hides it in France, in lists and detail", async () => {
    const id = idOf("Borderlands Express");
    expect((await getJson(`/api/catalog/titles/${id}`, "US")).status).toBe(200);
    expect((await getJson(`/api/catalog/titles/${id}`, "FR")).status).toBe(404);
    expect((await allPages("sort=title", "FR")).some((t) => t.id === id)).toBe(false);
    expect((await allPages("sort=title", "CA")).some((t) => t.id === id)).toBe(true);
  });

  it("hides titles whose window has ended or not yet started, everywhere", async () => {
    for (const name of ["Expired: The Old Mill", "Coming Soon: Starfall Saga"]) {
      const id = idOf(name);
      for (const country of ["US", "GB", "DE", "JP"]) {
        expect((await getJson(`/api/catalog/titles/${id}`, country)).status).toBe(404);
      }
    }
  });

  it("says when a title that is leaving soon will leave", async () => {
    const { body } = await getJson(`/api/catalog/titles/${idOf("Leaving Soon: The Ferryman")}`);
    expect(body.availability.availableUntil).toBeGreaterThan(Date.now());
    expect(body.availability.availableUntil).toBeLessThan(Date.now() + 11 * 86_400_000);
  });

  it("refuses the region override outside local development", async () => {
    const res = await app.fetch(
      new Request("http://x/api/catalog/genres", { headers: { "x-dev-country": "FR" } }),
      { ...env, ENVIRONMENT: "production" },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe("dev_only");
    const bad = await call("/api/catalog/genres", { headers: { "x-dev-country": "France" } });
    expect(bad.status).toBe(400);
  });
});

describe("title detail", () => {
  it("gives a series its seasons, each with its episodes in order, plus credits", async () => {
    const { status, body } = await getJson(`/api/catalog/titles/${idOf("Harbour Lights")}`);
    expect(status).toBe(200);
    expect(body.type).toBe("series");
    expect(body.seasons.map((s: any) => s.number)).toEqual([1, 2, 3]);
    expect(body.seasons.map((s: any) => s.episodes.length)).toEqual([8, 8, 6]);
    expect(body.seasons[0].episodes.map((e: any) => e.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(body.cast.length).toBeGreaterThan(0);
    expect(body.cast[0]).toHaveProperty("character");
    expect(body.crew[0]).toHaveProperty("job");
    expect(body.maturity).toEqual({ age: 16, label: "16+" });
    expect(body.genres.map((g: any) => g.slug)).toEqual(["crime", "drama"]);
  });

  it("gives a movie no seasons, its original language, and no playable languages before it has media", async () => {
    const { body } = await getJson(`/api/catalog/titles/${idOf("Amélie of the Canals")}`);
    expect(body.seasons).toBeUndefined();
    expect(body.originalTitle).toBe("Amélie des canaux");
    expect(body.originalLanguage).toBe("fr");
    expect([body.audioLanguages, body.subtitleLanguages]).toEqual([[], []]);
  });

  it("answers unknown ids with 404 and malformed ids with 400", async () => {
    expect((await getJson("/api/catalog/titles/999999")).status).toBe(404);
    for (const bad of ["0", "-1", "abc", "1.5", "99999999999999999999"]) {
      const { status, body } = await getJson(`/api/catalog/titles/${bad}`);
      expect(status, bad).toBe(400);
      expect(body.error.code).toBe("invalid_param");
    }
  });
});

describe("title detail languages", () => {
  const MOVIE = 9301;
  const SERIES = 9302;
  const BARE = 9303;
  beforeAll(async () => {
    await seedTitles(db(), [{ id: MOVIE }, { id: SERIES, type: "series" }, { id: BARE }]);
    // The catalog's own columns promise more than any media has.
    await env.DB.prepare(`UPDATE titles SET audio_languages = '["en","de"]', subtitle_languages = '["en","fr","es","de"]' WHERE id IN (?, ?, ?)`).bind(MOVIE, SERIES, BARE).run();
    await seedAsset(db(), { id: "lang-movie", titleId: MOVIE, heights: [360], audio: ["en", "fr"], subtitles: [], durationSeconds: 12 });
    const [[first, second]] = (await seedEpisodes(db(), SERIES, 9301, 93011, [2])) as [[number, number]];
    await seedAsset(db(), { id: "lang-ep2", episodeId: second, heights: [360], audio: ["ja"], subtitles: ["en"], durationSeconds: 1500 });
    await seedAsset(db(), { id: "lang-ep1", episodeId: first, heights: [360], audio: ["es"], subtitles: ["es", "pt"] });
  });

  it("lists the audio and subtitle languages of the asset that will play, not the catalog's columns", async () => {
    const movie = (await getJson(`/api/catalog/titles/${MOVIE}`)).body;
    expect([movie.audioLanguages, movie.subtitleLanguages]).toEqual([["en", "fr"], []]);
    // A series plays its first episode with media: that episode's tracks.
    const series = (await getJson(`/api/catalog/titles/${SERIES}`)).body;
    expect([series.audioLanguages, series.subtitleLanguages]).toEqual([["es"], ["es", "pt"]]);
    // No media, no promise.
    const bare = (await getJson(`/api/catalog/titles/${BARE}`)).body;
    expect([bare.audioLanguages, bare.subtitleLanguages]).toEqual([[], []]);
  });

  it("states the length of the media that plays (a 12-second clip is not \"1h 26m\"), per episode too", async () => {
    expect((await getJson(`/api/catalog/titles/${MOVIE}`)).body.mediaSeconds).toBe(12);
    expect((await getJson(`/api/catalog/titles/${BARE}`)).body.mediaSeconds).toBeNull();
    const series = (await getJson(`/api/catalog/titles/${SERIES}`)).body;
    expect(series.seasons[0].episodes.map((e: { mediaSeconds: number | null }) => e.mediaSeconds)).toEqual([expect.any(Number), 1500]);
  });
});

describe("people", () => {
  it("lists a person's visible titles with their roles", async () => {
    const { body: title } = await getJson(`/api/catalog/titles/${idOf("Orbitfall")}`);
    const personId = title.cast[0].personId;
    const { status, body } = await getJson(`/api/catalog/people/${personId}`);
    expect(status).toBe(200);
    expect(body.name).toBe(title.cast[0].name);
    const credit = body.titles.find((t: any) => t.id === title.id);
    expect(credit.roles.some((r: any) => r.role === "cast")).toBe(true);
  });

  it("answers an unknown person with 404", async () => {
    expect((await getJson("/api/catalog/people/987654")).status).toBe(404);
  });
});

describe("the API's manners", () => {
  it("marks API responses no-store and carries security headers", async () => {
    const res = await call("/api/catalog/titles");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("answers unknown API routes with 404 JSON", async () => {
    const { status, body } = await getJson("/api/nope");
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
  });

  it("never answers 5xx to arbitrary query strings and paths", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/api/catalog/titles?", "/api/search?", "/api/search/suggest?", "/api/catalog/titles/", "/api/catalog/people/"),
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 200 }),
        async (prefix, key, value) => {
          const tail = prefix.endsWith("?") ? `${encodeURIComponent(key)}=${encodeURIComponent(value)}&q=${encodeURIComponent(value)}&cursor=${encodeURIComponent(value)}` : encodeURIComponent(value || "x");
          const res = await call(prefix + tail);
          expect(res.status).toBeLessThan(500);
          expect(res.headers.get("content-type")).toContain("application/json");
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("development tools", () => {
  it("serve the LIKE baseline locally and refuse it in production", async () => {
    const { status, body } = await getJson("/api/dev/baseline/like-search?q=orbit");
    expect(status).toBe(200);
    expect(body.items[0].title).toBe("Orbitfall");
    const res = await app.fetch(new Request("http://x/api/dev/baseline/like-search?q=orbit"), { ...env, ENVIRONMENT: "production" });
    expect(res.status).toBe(403);
  });
});
