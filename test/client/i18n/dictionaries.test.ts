import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import ar from "../../../client/src/i18n/dicts/ar.ts";
import de from "../../../client/src/i18n/dicts/de.ts";
import en from "../../../client/src/i18n/dicts/en.ts";
import es from "../../../client/src/i18n/dicts/es.ts";
import fr from "../../../client/src/i18n/dicts/fr.ts";
import ja from "../../../client/src/i18n/dicts/ja.ts";
import { pseudoDictionary, pseudoString } from "../../../client/src/i18n/pseudo.ts";
import type { Dictionary, Plural } from "../../../client/src/i18n/types.ts";
import type { Source } from "../../../client/src/i18n/namespace.ts";

const TRANSLATIONS: Record<string, Dictionary> = { es, fr, de, ja, ar };
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const forms = (value: string | Plural) => (typeof value === "string" ? [value] : Object.values(value));

/** Every key of English, and nothing else, in `dict`: non-empty, with English's placeholders (plural forms may leave out the count). */
function expectParity(english: Source, dict: Source, label: string) {
  expect(Object.keys(dict).sort(), label).toEqual(Object.keys(english).sort());
  for (const [key, source] of Object.entries(english)) {
    const value = dict[key]!;
    expect(typeof value, `${label} ${key}`).toBe(typeof source);
    const wanted = new Set(forms(source).flatMap(placeholders));
    for (const text of forms(value)) {
      expect(text.trim(), `${label} ${key}`).not.toBe("");
      // Every placeholder used is one English fills in (a plural form may leave out the count: "موسمان").
      for (const p of placeholders(text)) expect(wanted, `${label} ${key}`).toContain(p);
    }
    if (typeof value === "string") expect(placeholders(value), `${label} ${key}`).toEqual(placeholders(source as string));
    else expect(value.other, `${label} ${key}`).toBeTruthy();
  }
}

/** Keys whose translation is English's text word for word (short labels and names aside). */
function untranslated(english: Source, dict: Source): string[] {
  return Object.entries(english)
    .filter(([key, source]) => typeof source === "string" && source.replace(/\{\{\s*\w+\s*\}\}/g, "").length > 12 && dict[key] === source)
    .map(([key]) => key);
}

const NAMESPACES_DIR = "client/src/i18n/pages";
const NAMESPACE_FILES = import.meta.glob<{ default: Source }>(["../../../client/src/i18n/pages/*/*.ts", "!**/index.ts"]);

/** Every page namespace (i18n/pages/<name>/): its English and each translation, read from the files. */
async function namespaces(): Promise<{ name: string; en: Source; translations: Record<string, Source> }[]> {
  return Promise.all(
    readdirSync(NAMESPACES_DIR).map(async (name) => {
      const load = async (l: string) => (await NAMESPACE_FILES[`../../../${NAMESPACES_DIR}/${name}/${l}.ts`]!()).default;
      const entries = await Promise.all(Object.keys(TRANSLATIONS).map(async (l) => [l, await load(l)] as const));
      return { name, en: await load("en"), translations: Object.fromEntries(entries) };
    }),
  );
}

describe("the dictionaries (client/src/i18n/dicts/)", () => {
  for (const [locale, dict] of Object.entries(TRANSLATIONS)) {
    it(`${locale} has exactly English's keys, each non-empty, with English's placeholders`, () => {
      expectParity(en, dict, locale);
    });
  }

  it("translates: no translation is English's text word for word, short labels and names aside", () => {
    for (const [locale, dict] of Object.entries(TRANSLATIONS)) expect(untranslated(en, dict), locale).toEqual([]);
  });

  it("has the page namespaces in every locale: English's keys, placeholders and plurals, translated (i18n/pages/)", async () => {
    const all = await namespaces();
    expect(all.map((n) => n.name).length).toBeGreaterThan(0);
    for (const ns of all) {
      // One file per locale beside the namespace's index, so a locale cannot be forgotten.
      expect(readdirSync(`${NAMESPACES_DIR}/${ns.name}`).sort(), ns.name).toEqual(["ar.ts", "de.ts", "en.ts", "es.ts", "fr.ts", "index.ts", "ja.ts"]);
      for (const [locale, dict] of Object.entries(ns.translations)) {
        expectParity(ns.en, dict, `${ns.name}/${locale}`);
        expect(untranslated(ns.en, dict), `${ns.name}/${locale}`).toEqual([]);
      }
      const pseudo = pseudoDictionary(ns.en as Record<string, string>);
      for (const text of Object.values(pseudo).flatMap(forms)) expect(text.replace(/\{\{\s*\w+\s*\}\}/g, "")).not.toMatch(/[a-zA-Z]/);
    }
  });

  it("makes the pseudo-locale from English: accented, ~40 % longer, placeholders kept", () => {
    const pseudo = pseudoDictionary(en);
    expect(Object.keys(pseudo)).toEqual(Object.keys(en));
    for (const [key, source] of Object.entries(en)) {
      for (const [i, text] of forms(pseudo[key as keyof typeof en]).entries()) {
        const from = forms(source)[i]!;
        expect(placeholders(text)).toEqual(placeholders(from));
        expect(text.replace(/\{\{\s*\w+\s*\}\}/g, "")).not.toMatch(/[a-zA-Z]/);
        expect(text.length).toBeGreaterThanOrEqual(from.length * 1.4);
        expect(text.length).toBeLessThanOrEqual(from.length * 1.4 + 3);
      }
    }
    expect(pseudoString("Play {{ title }}")).toBe("⟦Þļáý {{ title }}·····⟧");
  });
});
