import { afterAll, describe, expect, it } from "vitest";
import { bootLocale, direction, locale, resolveLocale, setLocale, t, tn } from "../../../client/src/i18n/index.ts";

describe("the interface's words (client/src/i18n/index.ts)", () => {
  afterAll(() => setLocale("en"));

  it("has no words of its own until a locale is loaded (English too is a chunk), then switches every message at once", async () => {
    // Nothing is built in: main.tsx awaits the first locale before rendering anything.
    expect(t("nav.home")).toBe("");
    expect(bootLocale()).toBe(resolveLocale(null, navigator.languages));
    await setLocale("en");
    expect(t("nav.home")).toBe("Home");
    await setLocale("fr");
    expect([locale(), t("nav.home"), direction()]).toEqual(["fr", "Accueil", "ltr"]);
    await setLocale("ar");
    expect([locale(), t("nav.home"), direction()]).toEqual(["ar", "الرئيسية", "rtl"]);
    await setLocale("en-XA");
    expect(t("nav.home")).toBe("⟦Ĥóɱé·⟧");
  });

  it("keeps only the last of overlapping switches", async () => {
    const first = setLocale("ja");
    const second = setLocale("de");
    await Promise.all([first, second]);
    expect(locale()).toBe("de");
  });

  it("fills in arguments and picks plural forms by the locale's rules", async () => {
    await setLocale("en");
    expect(tn("home.pickMore", 1)).toBe("1 more to go.");
    expect(tn("home.pickMore", 3)).toBe("3 more to go.");
    expect(t("row.top10", { country: "France" })).toBe("Top 10 in France");
    await setLocale("ar");
    // Arabic: one, two, few (3–10), many (11–99), other (100…), digits as Intl writes them in Arabic.
    const n = (x: number) => new Intl.NumberFormat("ar").format(x);
    expect([0, 1, 2, 3, 11, 100].map((x) => tn("home.pickMore", x))).toEqual(["اكتمل الاختيار.", "بقي اختيار واحد.", "بقي اختياران.", `بقيت ${n(3)} اختيارات.`, `بقي ${n(11)} اختيارًا.`, `بقي ${n(100)} اختيار.`]);
    await setLocale("ja");
    expect(tn("home.pickMore", 1)).toBe("あと1つ。");
  });
});
