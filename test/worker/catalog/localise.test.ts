import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { genreNamesIn } from "../../../worker/catalog/genre-names.ts";
import { acceptedLocale, canonicalLocale, localeChain, resolveTexts, type BaseTexts, type LocalisedTexts } from "../../../worker/catalog/localise.ts";
import { DEMO_TITLES } from "../../../tools/seed/demo-catalog.ts";
import { demoCatalog } from "../../../tools/seed/generate.ts";
import { loadCatalog } from "../../../tools/seed/load.ts";
import { call, db } from "../helpers.ts";

const idOf = (name: string) => DEMO_TITLES.findIndex((t) => t.title === name) + 1;

/** GET as a browser in `locale` would ask (Accept-Language), from the US. */
async function getIn(path: string, acceptLanguage?: string) {
  const res = await call(path, { country: "US", headers: acceptLanguage ? { "accept-language": acceptLanguage } : {} });
  return { status: res.status, body: (await res.json()) as any, cache: res.headers.get("x-catalog-cache") };
}

describe("locale of a request (worker/catalog/localise.ts)", () => {
  it("reads ?locale= and Accept-Language into one canonical form, and ignores what is not a language tag", () => {
    expect(canonicalLocale("FR-ca")).toBe("fr-CA");
    expect(canonicalLocale("zh-Hant-TW")).toBe("zh-TW");
    expect(canonicalLocale("es-419")).toBe("es-419");
    for (const bad of ["", "f", "english", "fr_CA", "fr-CA;", "../../x", "12"]) expect(canonicalLocale(bad), bad).toBeNull();
    expect(acceptedLocale("de;q=0.5, fr-CA, fr;q=0.9")).toBe("fr-CA");
    expect(acceptedLocale("*, ja;q=0.1")).toBe("ja");
    expect(acceptedLocale("nonsense!!, ;q=x")).toBeNull();
  });

  it("chains a locale to its language, the original language, then English, without repeats", () => {
    expect(localeChain("fr-CA", "ja")).toEqual(["fr-CA", "fr", "ja", "en"]);
    expect(localeChain("fr", "fr")).toEqual(["fr", "en"]);
    expect(localeChain("en", "en")).toEqual(["en"]);
  });
});

const text = fc.option(fc.oneof(fc.constantFrom("", " ", "\n"), fc.string({ maxLength: 6 })), { nil: null });
const localeTag = fc.constantFrom("en", "fr", "fr-CA", "ja", "ar", "de-AT", "es");

describe("per-field fallback (worker/catalog/localise.ts)", () => {
  it("never resolves a title to empty text, whatever the chain and whatever each locale lacks (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ title: fc.string({ maxLength: 6 }), originalTitle: text, originalLanguage: fc.option(localeTag, { nil: null }), tagline: text, description: fc.string({ maxLength: 6 }) }),
        fc.array(fc.tuple(localeTag, fc.record({ title: text, tagline: text, description: text })), { maxLength: 6 }),
        fc.array(localeTag, { maxLength: 5 }),
        (base: BaseTexts, rows, chain) => {
          const resolved = resolveTexts(base, new Map<string, LocalisedTexts>(rows), chain, 7);
          expect(resolved.title.trim()).not.toBe("");
          // A field is the first locale's in the chain that has it (English's is the catalog's own text), else the catalog's own.
          const has = (t: string | null | undefined): t is string => !!t && t.trim() !== "";
          const byLocale = new Map(rows);
          const first = chain.map((l) => (has(byLocale.get(l)?.tagline) ? byLocale.get(l)!.tagline : l === "en" && has(base.tagline) ? base.tagline : undefined)).find(has);
          expect(resolved.tagline).toBe(first ?? (has(base.tagline) ? base.tagline : null));
        },
      ),
    );
  });

  it("resolves each field on its own: fr-CA's title, then French, then the original, then English", () => {
    const base: BaseTexts = { title: "Hate", originalTitle: "La Haine", originalLanguage: "fr", tagline: "English tagline", description: "English description" };
    const rows = new Map<string, LocalisedTexts>([
      ["fr-CA", { title: "La Haine (Québec)" }],
      ["de", { tagline: "Deutscher Slogan" }],
    ]);
    expect(resolveTexts(base, rows, localeChain("fr-CA", "fr"))).toEqual({ title: "La Haine (Québec)", tagline: "English tagline", description: "English description" });
    expect(resolveTexts(base, rows, localeChain("fr", "fr")).title).toBe("La Haine");
    expect(resolveTexts(base, rows, localeChain("de", "fr"))).toEqual({ title: "La Haine", tagline: "Deutscher Slogan", description: "English description" });
    expect(resolveTexts(base, rows, localeChain("ja", "en")).title).toBe("Hate");
  });
});

describe("localised catalog through the API", () => {
  beforeAll(async () => {
    await loadCatalog(db(), demoCatalog(Date.now()));
  });

  it("answers a title page in the asked locale, field by field, with the original title beside it", async () => {
    const orbitfall = idOf("Orbitfall");
    const fr = await getIn(`/api/catalog/titles/${orbitfall}`, "fr-CA,fr;q=0.9");
    // fr-CA has only a title; tagline and description come from French.
    expect([fr.status, fr.body.title, fr.body.tagline]).toEqual([200, "Tombée orbitale", "La gravité gagne toujours."]);
    expect(fr.body.description).toMatch(/^Une équipe de récupération/);
    const ar = await getIn(`/api/catalog/titles/${orbitfall}?locale=ar`, "fr");
    expect([ar.body.title, ar.body.tagline]).toEqual(["السقوط المداري", "الجاذبية تنتصر دائمًا."]);
    // A French title seen in German: German where it exists, else the original French name, never empty.
    const amelie = await getIn(`/api/catalog/titles/${idOf("Amélie of the Canals")}`, "fr");
    expect([amelie.body.title, amelie.body.originalTitle, amelie.body.originalLanguage]).toEqual(["Amélie des canaux", "Amélie des canaux", "fr"]);
    const spider = await getIn(`/api/catalog/titles/${idOf("Spider-Lily")}`, "ar");
    expect([spider.body.title, spider.body.tagline]).toEqual(["زنبق العنكبوت", "Some flowers bloom only for the dead."]);
  });

  it("takes a bad locale as English, never as an error", async () => {
    const id = idOf("Orbitfall");
    for (const bad of ["%00", "x", "english-please", "a".repeat(600)]) {
      const res = await getIn(`/api/catalog/titles/${id}?locale=${encodeURIComponent(bad)}`, bad.length > 100 ? bad : `${bad};q=zz`);
      expect([res.status, res.body.title], bad).toEqual([200, "Orbitfall"]);
    }
  });

  it("caches each locale apart: a French answer is never served to an Arabic viewer", async () => {
    const path = `/api/catalog/titles?sort=popular&limit=5`;
    const first = await getIn(path, "fr");
    const again = await getIn(path, "fr");
    const arabic = await getIn(path, "ar");
    expect([first.cache, again.cache, arabic.cache]).toEqual(["miss", "hit", "miss"]);
    expect(again.body.items.map((t: any) => t.title)).toContain("Chute d'orbite");
    expect(arabic.body.items.map((t: any) => t.title)).toContain("السقوط المداري");
  });

  it("finds a title by any localised name and its original title, in every interface language, Japanese and Arabic included", async () => {
    const cases: [string, string, string][] = [
      // [query, Accept-Language, the title expected first, as that locale names it]
      ["caida orbital", "es", "Caída orbital"],
      ["chute dorbite", "fr", "Chute d'orbite"],
      ["orbitsturz", "de", "Orbitsturz"],
      ["オービット", "ja", "オービットフォール"],
      ["السقوط المداري", "ar", "السقوط المداري"],
      ["السقوط", "ar", "السقوط المداري"],
      ["灯台", "ja", "灯台守の娘"],
      ["守の娘", "ja", "灯台守の娘"],
      // Another locale's name finds it too, shown in the viewer's own.
      ["Orbitsturz", "ja", "オービットフォール"],
      ["Leuchtturmwärter", "en", "The Lighthouse Keeper's Daughter"],
      // The original title, accents forgiven, and a typo.
      ["amelie des canaux", "en", "Amélie of the Canals"],
      ["sal y azafran", "de", "Salz und Safran"],
      ["chute dorbitte", "fr", "Chute d'orbite"],
    ];
    for (const [q, lang, expected] of cases) {
      const res = await getIn(`/api/search?q=${encodeURIComponent(q)}`, lang);
      expect(res.status, q).toBe(200);
      expect(res.body.items[0]?.title, `${q} (${lang})`).toBe(expected);
    }
    const suggest = await getIn(`/api/search/suggest?q=${encodeURIComponent("灯台")}`, "ja");
    expect(suggest.body.items[0]?.title).toBe("灯台守の娘");
  });

  it("names genres in the asked language along locale → language → English, in that language's alphabetical order", async () => {
    const names = async (lang?: string) => (await getIn("/api/catalog/genres", lang)).body.items.map((g: any) => g.name) as string[];
    const [en, es, frCA, ja, pt] = await Promise.all([names(), names("es"), names("fr-CA"), names("ja"), names("pt-BR")]);
    expect(en).toContain("Science Fiction");
    expect(es).toContain("Ciencia ficción");
    expect(es).not.toContain("Science Fiction");
    // fr-CA has no names of its own: French's.
    expect(frCA).toContain("Comédie");
    expect(ja).toContain("コメディ");
    // A language the catalog has no names in: English, never empty.
    expect(pt).toEqual(en);
    for (const list of [en, es, frCA, ja]) expect(list.every((n) => n.trim() !== "")).toBe(true);
    // Spanish order follows the language, accents included ("Acción" first, not after "Western").
    expect(es).toEqual([...es].sort(new Intl.Collator("es", { sensitivity: "base" }).compare));
    expect(es[0]).toBe("Acción");
    // The same genre keeps its slug in every language: links and filters do not change.
    const slugs = async (lang: string) => (await getIn("/api/catalog/genres", lang)).body.items.map((g: any) => g.slug).sort();
    expect(await slugs("ar")).toEqual(await slugs("en"));
  });

  it("shows a title's genres in the viewer's language on its page", async () => {
    const page = await getIn(`/api/catalog/titles/${idOf("Orbitfall")}`, "de");
    expect(page.body.genres.map((g: any) => [g.slug, g.name])).toEqual([["science-fiction", "Science-Fiction"], ["thriller", "Thriller"]]);
    const ar = await getIn(`/api/catalog/titles/${idOf("The Lighthouse Keeper's Daughter")}`, "ar");
    expect(ar.body.genres.map((g: any) => g.name).sort()).toEqual(["دراما", "رومانسي"].sort());
  });

  it("words Home's genre rows, which the engine builds from English names, in the viewer's language", async () => {
    const ja = await genreNamesIn(db(), "ja");
    expect([ja.get("Comedy"), ja.get("Science Fiction")]).toEqual(["コメディ", "SF"]);
    expect((await genreNamesIn(db(), "es-MX")).get("Horror")).toBe("Terror");
    // English needs no lookup; a language without names keeps the English names.
    expect((await genreNamesIn(db(), "en")).size).toBe(0);
    expect((await genreNamesIn(db(), "pt")).get("Drama")).toBe("Drama");
  });
});
