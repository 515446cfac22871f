import { describe, expect, it } from "vitest";
import ar from "../../../client/src/i18n/dicts/ar.ts";
import de from "../../../client/src/i18n/dicts/de.ts";
import en from "../../../client/src/i18n/dicts/en.ts";
import es from "../../../client/src/i18n/dicts/es.ts";
import fr from "../../../client/src/i18n/dicts/fr.ts";
import ja from "../../../client/src/i18n/dicts/ja.ts";
import { pseudoDictionary, pseudoString } from "../../../client/src/i18n/pseudo.ts";
import type { Dictionary, Plural } from "../../../client/src/i18n/types.ts";

const TRANSLATIONS: Record<string, Dictionary> = { es, fr, de, ja, ar };
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const forms = (value: string | Plural) => (typeof value === "string" ? [value] : Object.values(value));

describe("the dictionaries (client/src/i18n/dicts/)", () => {
  for (const [locale, dict] of Object.entries(TRANSLATIONS)) {
    it(`${locale} has exactly English's keys, each non-empty, with English's placeholders`, () => {
      expect(Object.keys(dict).sort()).toEqual(Object.keys(en).sort());
      for (const [key, source] of Object.entries(en)) {
        const value = dict[key as keyof Dictionary];
        expect(typeof value, key).toBe(typeof source);
        const wanted = new Set(forms(source).flatMap(placeholders));
        for (const text of forms(value)) {
          expect(text.trim(), `${locale} ${key}`).not.toBe("");
          // Every placeholder used is one English fills in (a plural form may leave out the count: "موسمان").
          for (const p of placeholders(text)) expect(wanted, `${locale} ${key}`).toContain(p);
        }
        if (typeof value === "string") expect(placeholders(value), `${locale} ${key}`).toEqual(placeholders(source as string));
        else expect(value.other, `${locale} ${key}`).toBeTruthy();
      }
    });
  }

  it("translates: no translation is English's text word for word, short labels and names aside", () => {
    for (const [locale, dict] of Object.entries(TRANSLATIONS)) {
      const same = Object.entries(en).filter(([key, source]) => typeof source === "string" && source.replace(/\{\{\s*\w+\s*\}\}/g, "").length > 12 && dict[key as keyof Dictionary] === source);
      expect(same.map(([key]) => key), locale).toEqual([]);
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
