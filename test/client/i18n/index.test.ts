import { afterAll, describe, expect, it } from "vitest";
import { direction, locale, setLocale, t, tn } from "../../../client/src/i18n/index.ts";

describe("the interface's words (client/src/i18n/index.ts)", () => {
  afterAll(() => setLocale("en"));

  it("switches every message at once when a locale's dictionary has loaded", async () => {
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
    expect(tn("title.seasons", 1)).toBe("1 season");
    expect(tn("title.seasons", 3)).toBe("3 seasons");
    expect(t("row.top10", { country: "France" })).toBe("Top 10 in France");
    await setLocale("ar");
    // Arabic: one, two, few (3–10), many (11–99), other (100…), digits as Intl writes them in Arabic.
    const n = (x: number) => new Intl.NumberFormat("ar").format(x);
    expect([1, 2, 3, 11, 100].map((x) => tn("title.seasons", x))).toEqual(["موسم واحد", "موسمان", `${n(3)} مواسم`, `${n(11)} موسمًا`, `${n(100)} موسم`]);
    await setLocale("ja");
    expect(tn("title.seasons", 1)).toBe("1シーズン");
  });
});
