import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_TITLES, DEMO_TRANSLATIONS } from "../../../tools/seed/demo-catalog.ts";
import { demoCatalog } from "../../../tools/seed/generate.ts";
import { loadCatalog } from "../../../tools/seed/load.ts";
import { localeChain } from "../../../worker/catalog/localise.ts";
import { listTitlesQuery, type ListTitlesQuery } from "../../../worker/db/catalog.ts";
import { localeSortKey } from "../../../worker/lib/text.ts";
import { call, db } from "../helpers.ts";

/** Demo titles a US viewer may see now (region and window), as the browse listing shows them. */
const visibleInUs = DEMO_TITLES.filter(
  (t) => (t.regions ?? ["WW"]).some((r) => r === "WW" || r === "US") && (t.window?.startDays ?? -1) <= 0 && (t.window?.endDays ?? 1) > 0,
);

beforeAll(async () => {
  await loadCatalog(db(), demoCatalog(Date.now()));
});

async function page(query: string, locale: string) {
  const res = await call(`/api/catalog/titles?${query}`, { country: "US", headers: { "accept-language": locale } });
  return { status: res.status, body: (await res.json()) as any, cache: res.headers.get("x-catalog-cache") };
}

/** Every title of the A–Z listing in `locale`, page by page (`limit` a page). */
async function allTitlesAz(locale: string, limit = 4): Promise<{ id: number; title: string }[]> {
  const seen: { id: number; title: string }[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const { status, body } = await page(`sort=title&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, locale);
    expect(status).toBe(200);
    seen.push(...body.items.map((t: any) => ({ id: t.id, title: t.title })));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return seen;
}

/**
 * The documented order, from the demo data and lib/text.ts alone: each title by the
 * name the viewer sees (the locale's, else the original title in its language, else
 * English), keyed in that name's language, compared by code point, ties by id.
 */
function expectedAz(locale: string): { id: number; title: string; key: string }[] {
  return visibleInUs
    .map((t) => {
      const id = DEMO_TITLES.indexOf(t) + 1;
      const texts: Record<string, { title?: string; reading?: string }> = DEMO_TRANSLATIONS[t.title] ?? {};
      const original = t.language ?? "en";
      let title = t.title;
      let textLanguage = "en";
      let reading: string | undefined;
      for (const loc of localeChain(locale, original)) {
        const own = texts[loc]?.title;
        const found = own ? own : loc === original && t.originalTitle ? t.originalTitle : loc === "en" ? t.title : null;
        if (found) {
          [title, textLanguage, reading] = [found, loc, own ? texts[loc]?.reading : undefined];
          break;
        }
      }
      // A title written in kanji files under its reading where the catalog has one.
      return { id, title, key: localeSortKey(reading ?? title, textLanguage) };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id));
}

describe("sort keys per language (worker/lib/text.ts localeSortKey)", () => {
  it("files a title without its language's leading article, folded", () => {
    expect(localeSortKey("The Godfather", "en")).toBe("godfather");
    expect(localeSortKey("Les Misérables", "fr")).toBe("miserables");
    expect(localeSortKey("L’Atalante", "fr-CA")).toBe("atalante");
    expect(localeSortKey("La Casa de Papel", "es")).toBe("casa de papel");
    expect(localeSortKey("Das Boot", "de")).toBe("boot");
    expect(localeSortKey("السقوط المداري", "ar")).toBe("سقوط المداري");
    // Not an article in another language, and never the whole title.
    expect(localeSortKey("Die Hard", "en")).toBe("die hard");
    expect(localeSortKey("The", "en")).toBe("the");
    expect(localeSortKey("ال", "ar")).toBe("ال");
  });

  it("keys Japanese kana in gojūon order whatever the kana: katakana as hiragana, voicing aside", () => {
    expect(localeSortKey("オービットフォール", "ja")).toBe(localeSortKey("おーびっとふぉーる", "ja"));
    expect(localeSortKey("ガラス", "ja")).toBe("からす");
    expect(localeSortKey("千と千尋の神隠し", "ja")).toBe("千と千尋の神隠し");
  });
});

describe("A–Z browse follows the titles the viewer sees (title_sort_keys, migrations/0017_title_sort_keys.sql)", () => {
  // Stored locales (fr, ja, ar, en), a region of one (fr-CA: French's keys), and a locale the catalog has no text in (pt-BR: "*").
  for (const locale of ["fr", "ja", "ar", "en", "fr-CA", "pt-BR"]) {
    it(`pages through every title in ${locale} once, in the localised titles' order, at any page size`, async () => {
      const expected = expectedAz(locale);
      for (const limit of [1, 4, 7, 100]) {
        const got = await allTitlesAz(locale, limit);
        const ids = got.map((t) => t.id);
        expect(new Set(ids).size, `no duplicates at ${limit} a page`).toBe(ids.length);
        expect(got, `every title once, in order, at ${limit} a page`).toEqual(expected.map(({ id, title }) => ({ id, title })));
      }
    });
  }

  it("orders French as Intl.Collator does (accents and leading articles aside)", async () => {
    const keys = expectedAz("fr").map((t) => t.key);
    const collator = new Intl.Collator("fr", { sensitivity: "base" });
    for (let i = 1; i < keys.length; i++) expect(collator.compare(keys[i - 1]!, keys[i]!), `${keys[i - 1]} ≤ ${keys[i]}`).toBeLessThanOrEqual(0);
    // The titles the French listing shows are French where the catalog has them, filed without their article.
    const shown = (await allTitlesAz("fr")).map((t) => t.title);
    expect(shown).toContain("Les Feux du port");
    expect(shown.indexOf("Les Feux du port")).toBeLessThan(shown.indexOf("La Fille du gardien de phare"));
  });

  it("files Japanese titles by their reading: kanji titles among the kana, in gojūon order as Intl.Collator orders the readings", async () => {
    const readings = new Map(Object.values(DEMO_TRANSLATIONS).flatMap((texts) => (texts.ja?.title ? [[texts.ja.title, texts.ja.reading ?? texts.ja.title] as const] : [])));
    const shown = (await allTitlesAz("ja")).map((t) => t.title).filter((title) => readings.has(title));
    expect(shown).toContain("彼岸花");
    const collator = new Intl.Collator("ja", { sensitivity: "base" });
    for (let i = 1; i < shown.length; i++) {
      const [a, b] = [readings.get(shown[i - 1]!)!, readings.get(shown[i]!)!];
      expect(collator.compare(a, b), `${shown[i - 1]} (${a}) ≤ ${shown[i]} (${b})`).toBeLessThanOrEqual(0);
    }
    // 彼岸花 (ひがんばな) after ハーバー・ライツ (はーばー), 時計職人の弟子 (とけい…) before both: by reading, not by code point.
    expect(shown.indexOf("時計職人の弟子")).toBeLessThan(shown.indexOf("ハーバー・ライツ"));
    expect(shown.indexOf("ハーバー・ライツ")).toBeLessThan(shown.indexOf("彼岸花"));
  });

  it("orders Japanese kana as Intl.Collator does: Latin names first, katakana and hiragana together in gojūon order", async () => {
    const keys = expectedAz("ja").map((t) => t.key);
    const kana = keys.filter((k) => !/\p{Script=Han}/u.test(k));
    const collator = new Intl.Collator("ja", { sensitivity: "base" });
    for (let i = 1; i < kana.length; i++) expect(collator.compare(kana[i - 1]!, kana[i]!), `${kana[i - 1]} ≤ ${kana[i]}`).toBeLessThanOrEqual(0);
    const shown = (await allTitlesAz("ja")).map((t) => t.title);
    expect(shown.some((t) => /[\u30A0-\u30FF]/.test(t))).toBe(true);
  });

  it("keeps the cursor to its locale: a French cursor in a Japanese listing is refused with 400", async () => {
    const fr = await page("sort=title&limit=3", "fr");
    expect(fr.body.nextCursor).toBeTruthy();
    const ja = await page(`sort=title&limit=3&cursor=${fr.body.nextCursor}`, "ja");
    expect(ja.status).toBe(400);
    expect(ja.body.error.code).toBe("invalid_cursor");
    // The SPA names its language with ?locale= (it wins over Accept-Language): the same refusal, and the French cursor still works in French.
    expect((await page(`sort=title&limit=3&locale=ja&cursor=${fr.body.nextCursor}`, "fr")).status).toBe(400);
    const next = await page(`sort=title&limit=3&locale=fr&cursor=${fr.body.nextCursor}`, "ja");
    expect(next.status).toBe(200);
    expect(next.body.items.map((t: any) => t.id)).toEqual(expectedAz("fr").slice(3, 6).map((t) => t.id));
  });

  it("caches the A–Z listing per locale: French and Japanese first pages differ, each served again from the cache", async () => {
    const fr1 = await page("sort=title&limit=5&genre=science-fiction", "fr");
    const ja1 = await page("sort=title&limit=5&genre=science-fiction", "ja");
    const fr2 = await page("sort=title&limit=5&genre=science-fiction", "fr");
    expect(fr2.cache).toBe("hit");
    expect(fr2.body).toEqual(fr1.body);
    expect(ja1.body.items.map((t: any) => t.title)).not.toEqual(fr1.body.items.map((t: any) => t.title));
  });

  it("sorts a localised title written without a key by its lower-cased name", async () => {
    const id = 9_000_001;
    await db().run(
      // A bare row (another writer than the seed): no sort keys at all.
      sql`INSERT INTO titles (id, type, title, sort_title, description, release_year, maturity_age, added_at, original_language) VALUES (${id}, 'movie', 'Zzz Last In English', 'zzz last in english', '', 2020, 0, 0, 'en')`,
    );
    await db().run(sql`INSERT INTO availability (title_id, region, starts_at) VALUES (${id}, 'WW', 0)`);
    await db().run(sql`INSERT INTO title_localisations (title_id, locale, title) VALUES (${id}, 'fr', 'Aaa premier en français')`);
    const fr = await allTitlesAz("fr", 100);
    expect(fr[0]).toEqual({ id, title: "Aaa premier en français" });
    const en = await allTitlesAz("en", 100);
    expect(en.at(-1)).toEqual({ id, title: "Zzz Last In English" });
  });

  it("reads one range of the stored keys' index in every locale: no scan of the titles, no sort of its own", async () => {
    const plan = async (locale: string, q: Partial<ListTitlesQuery>) => {
      const viewer = { viewerId: "plan", country: "US", nowMs: Date.now(), maxMaturityAge: 18, plan: "premium" as const, locale };
      const { sql: text, params } = listTitlesQuery(db(), viewer, { sort: "title", limit: 20, ...q }).toSQL();
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
      return results.map((r) => r.detail);
    };
    for (const locale of ["en", "fr", "ja", "ar", "fr-CA", "pt-BR"]) {
      for (const q of [{}, { cursor: { sort: "title" as const, key: "m", id: 5, locale } }, { type: "movie" as const }, { genre: "science-fiction" }, { year: 2019 }]) {
        const steps = await plan(locale, q);
        const label = `${locale} ${JSON.stringify(q)}:\n${steps.join("\n")}`;
        // The outer loop walks the locale's keys in order through the index, the cursor bounding the range.
        expect(steps.find((d) => /title_sort_keys/.test(d)), label).toMatch(q.cursor ? /SEARCH \S+ USING (COVERING )?INDEX title_sort_keys_order \(locale=\? AND \(sort_key,title_id\)>\(\?,\?\)\)/ : /SEARCH \S+ USING (COVERING )?INDEX title_sort_keys_order \(locale=\?\)/);
        // Each title by its id; nothing scanned, nothing sorted afterwards.
        expect(steps.some((d) => /SEARCH titles USING INTEGER PRIMARY KEY \(rowid=\?\)/.test(d)), label).toBe(true);
        expect(steps.filter((d) => /^SCAN (titles|title_sort_keys)\b/.test(d) || /TEMP B-TREE/.test(d)), label).toEqual([]);
      }
    }
  });

  it("keeps every title's keys in step with its names: a new locale, a renamed title, a removed name", async () => {
    const id = 9_000_002;
    const keys = async () => Object.fromEntries((await db().all<{ locale: string; key: string }>(sql`SELECT locale, sort_key AS key FROM title_sort_keys WHERE title_id = ${id}`)).map((r) => [r.locale, r.key]));
    const count = async (locale: string) => (await db().get<{ n: number }>(sql`SELECT count(*) AS n FROM title_sort_keys WHERE locale = ${locale}`))!.n;
    const titleCount = (await db().get<{ n: number }>(sql`SELECT count(*) AS n FROM titles`))!.n + 1;
    await db().run(sql`INSERT INTO titles (id, type, title, sort_title, original_title, description, release_year, maturity_age, added_at, original_language) VALUES (${id}, 'movie', 'The Keeper', 'keeper', 'Il Custode', '', 2020, 0, 0, 'it')`);
    // Italian without a region is not stored: Italian reads "*"'s keys, which start at the original title.
    expect([await keys(), await count("it")]).toEqual([expect.objectContaining({ en: "keeper", "*": "il custode", fr: "il custode" }), 0]);
    // Swiss Italian is new to the catalog: every title gets a key in it.
    await db().run(sql`INSERT INTO title_localisations (title_id, locale, title, sort_title) VALUES (${id}, 'it-CH', 'Il Guardiano', 'guardiano')`);
    expect([(await keys())["it-CH"], await count("it-CH")]).toEqual(["guardiano", titleCount]);
    await db().run(sql`INSERT INTO title_localisations (title_id, locale, title, sort_title) VALUES (${id}, 'fr', 'Le Gardien', 'gardien')`);
    expect(await keys()).toMatchObject({ fr: "gardien", en: "keeper", "*": "il custode" });
    await db().run(sql`UPDATE titles SET title = 'A Keeper', sort_title = 'keeper a' WHERE id = ${id}`);
    expect((await keys()).en).toBe("keeper a");
    await db().run(sql`DELETE FROM title_localisations WHERE title_id = ${id} AND locale = 'fr'`);
    expect((await keys()).fr).toBe("il custode");
    await db().run(sql`DELETE FROM titles WHERE id = ${id}`);
    expect(await keys()).toEqual({});
  });

  it("fills every title's keys from the migration, for a catalog that was there before it, as the triggers keep them", async () => {
    const all = () => db().all<{ locale: string; titleId: number; key: string }>(sql`SELECT locale, title_id AS titleId, sort_key AS key FROM title_sort_keys ORDER BY locale, title_id`);
    const kept = await all();
    // English, "*" and the demo's translations.
    expect([...new Set(kept.map((k) => k.locale))]).toEqual(expect.arrayContaining(["en", "*", "fr", "es", "de", "ja", "ar"]));
    // Back to before migration 0017 (its objects dropped, the catalog kept), then 0017 again.
    const migration = (env as unknown as { TEST_MIGRATIONS: { name: string; queries: string[] }[] }).TEST_MIGRATIONS.find((m) => m.name.startsWith("0017_"))!;
    const triggers = migration.queries.flatMap((q) => /CREATE TRIGGER `(\w+)`/.exec(q)?.[1] ?? []);
    await env.DB.batch([
      ...triggers.map((t) => env.DB.prepare(`DROP TRIGGER ${t}`)),
      ...["DROP VIEW title_sort_key_source", "DROP TABLE title_sort_keys", "DROP TABLE sort_locales"].map((q) => env.DB.prepare(q)),
    ]);
    for (const q of migration.queries) await env.DB.prepare(q).run();
    const filled = await all();
    const stored = new Set(filled.map((k) => k.locale));
    expect(filled).toEqual(kept.filter((k) => stored.has(k.locale)));
    // A locale kept from text since removed (Swiss Italian, above) is not stored again: its keys were "*"'s, which it reads now.
    const star = (locale: string) => kept.filter((k) => k.locale === locale).map(({ titleId, key }) => ({ titleId, key }));
    for (const locale of new Set(kept.map((k) => k.locale).filter((l) => !stored.has(l)))) expect(star(locale), locale).toEqual(star("*"));
  });
});
