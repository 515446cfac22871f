import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOCALES, matchLocale, resolveLocale, textDirection } from "../../../client/src/i18n/locales.ts";

const anyTag = fc.oneof(
  fc.constantFrom(...LOCALES, "fr-CA", "es-419", "de-AT", "ar-EG", "ja-JP", "EN-us", "pt-BR", "zh-Hant-TW", "", "x", "en_GB"),
  fc.string({ maxLength: 12 }),
);

describe("the interface locale (client/src/i18n/locales.ts)", () => {
  it("takes the profile's language first, then the browser's first spoken one, then English", () => {
    expect(resolveLocale("ar", ["fr-FR"])).toBe("ar");
    expect(resolveLocale("fr-CA", [])).toBe("fr");
    expect(resolveLocale("pt", ["zh-CN", "de-AT", "ja"])).toBe("de");
    expect(resolveLocale(null, ["ko", "es-419"])).toBe("es");
    expect(resolveLocale(undefined, ["ko"])).toBe("en");
    expect(resolveLocale("en-xa", [])).toBe("en-XA");
  });

  it("always resolves to a supported locale, the profile's whenever the interface speaks it", () => {
    fc.assert(
      fc.property(fc.option(anyTag), fc.array(anyTag, { maxLength: 5 }), (profile, browser) => {
        const chosen = resolveLocale(profile, browser);
        expect(LOCALES).toContain(chosen);
        const fromProfile = matchLocale(profile);
        if (fromProfile) expect(chosen).toBe(fromProfile);
        else expect(chosen).toBe(browser.map(matchLocale).find((l) => l !== null) ?? "en");
      }),
    );
  });

  it("writes Arabic right to left and every other interface locale left to right", () => {
    expect(textDirection("ar")).toBe("rtl");
    expect(textDirection("ar-EG")).toBe("rtl");
    for (const l of LOCALES.filter((l) => l !== "ar")) expect(textDirection(l)).toBe("ltr");
  });
});
