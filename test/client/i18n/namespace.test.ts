import { afterAll, describe, expect, it, vi } from "vitest";
import { locale, setLocale } from "../../../client/src/i18n/index.ts";
import { defineNamespace, type Words } from "../../../client/src/i18n/namespace.ts";

const en = {
  greeting: "Hello {{ name }}",
  farewell: "Goodbye",
  items: { one: "{{ count }} item", other: "{{ count }} items" },
};
type W = Words<typeof en>;

/** A loader the test settles by hand, counting its calls (so "loads once" and "waits for it" are both observable). */
function deferred(words: W | Error) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const loader = Object.assign(
    async () => {
      loader.calls++;
      await gate;
      if (words instanceof Error) throw words;
      return { default: words };
    },
    { calls: 0, release: () => release() },
  );
  return loader;
}

const fr: W = { greeting: "Bonjour {{ name }}", farewell: "Au revoir", items: { one: "{{ count }} élément", other: "{{ count }} éléments" } };
const de: W = { greeting: "Hallo {{ name }}", farewell: "Tschüss", items: { one: "{{ count }} Eintrag", other: "{{ count }} Einträge" } };
const ja: W = { greeting: "こんにちは、{{ name }}さん", farewell: "さようなら", items: { other: "{{ count }}件" } };
const ar: W = {
  greeting: "مرحبًا {{ name }}",
  farewell: "مع السلامة",
  items: { one: "عنصر واحد", two: "عنصران", few: "{{ count }} عناصر", many: "{{ count }} عنصرًا", other: "{{ count }} عنصر" },
};
// A dictionary that lacks a key at runtime (a stale chunk, say): the key falls back to English.
const esMissing = { greeting: "Hola {{ name }}", items: { one: "{{ count }} elemento", other: "{{ count }} elementos" } } as unknown as W;

/** Fresh loaders for every locale, English included, each released unless the test holds it (a held one would hold every later switch). */
function loadersFor(overrides: { de?: ReturnType<typeof deferred> } = {}, hold: string[] = []) {
  const loaders = { en: deferred(en), es: deferred(esMissing), fr: deferred(fr), de: overrides.de ?? deferred(de), ja: deferred(ja), ar: deferred(ar) };
  for (const [l, loader] of Object.entries(loaders)) if (!hold.includes(l)) loader.release();
  return loaders;
}

describe("page namespaces (client/src/i18n/namespace.ts)", () => {
  afterAll(() => setLocale("en"));

  it("holds a switch until the namespace has the new locale's words, then shows them at once", async () => {
    // The main French dictionary is cached first, so only the namespace can hold the switch.
    await setLocale("fr");
    await setLocale("en");
    const loaders = loadersFor({}, ["fr"]);
    const ns = defineNamespace("test-wait", loaders);
    await ns.ready;
    expect(ns.t("greeting", { name: "Ana" })).toBe("Hello Ana");

    let switched = false;
    const switching = setLocale("fr").then(() => (switched = true));
    // The French dictionary of the main app may load, but the namespace's has not: nothing switches.
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect([switched, locale(), ns.t("farewell")]).toEqual([false, "en", "Goodbye"]);
    expect(loaders.fr.calls).toBe(1);

    loaders.fr.release();
    await switching;
    expect([locale(), ns.t("greeting", { name: "Ana" }), ns.tn("items", 2)]).toEqual(["fr", "Bonjour Ana", "2 éléments"]);

    // Cached: switching back and forth loads nothing again.
    await setLocale("en");
    await setLocale("fr");
    expect(loaders.fr.calls).toBe(1);
    expect(ns.has("fr")).toBe(true);
  });

  it("falls back to English per key, and to English altogether when a locale fails to load", async () => {
    await setLocale("en");
    const failing = deferred(new Error("chunk failed"));
    const ns = defineNamespace("test-fallback", loadersFor({ de: failing }));
    await setLocale("es");
    expect([ns.t("greeting", { name: "Ana" }), ns.t("farewell")]).toEqual(["Hola Ana", "Goodbye"]);

    await setLocale("de");
    // The interface is German (main dictionary); this namespace could not load German, so it reads English, not nothing.
    expect([locale(), ns.t("farewell"), ns.has("de")]).toEqual(["de", "Goodbye", false]);
    // A later switch to German tries again.
    await setLocale("en");
    await setLocale("de");
    expect(failing.calls).toBe(2);
  });

  it("loads the current locale before a page defined later renders (ready), with plurals by the locale's rules", async () => {
    await setLocale("ar");
    const loaders = loadersFor();
    const ns = defineNamespace("test-ready", loaders);
    expect(ns.has("ar")).toBe(false);
    await ns.ready;
    const n = (x: number) => new Intl.NumberFormat("ar").format(x);
    expect([1, 2, 3, 11, 100].map((x) => ns.tn("items", x))).toEqual(["عنصر واحد", "عنصران", `${n(3)} عناصر`, `${n(11)} عنصرًا`, `${n(100)} عنصر`]);
    expect(ns.t("greeting", { name: "سارة" })).toBe("مرحبًا سارة");
    await setLocale("ja");
    expect(ns.tn("items", 3)).toBe("3件");
    // Every key was there: English was never fetched.
    expect(loaders.en.calls).toBe(0);
  });

  it("fetches English only for a key the locale's words lack, and the read fills in once it is in", async () => {
    await setLocale("es");
    const loaders = loadersFor({}, ["en"]);
    const ns = defineNamespace("test-lazy-english", loaders);
    await ns.ready;
    expect([ns.t("greeting", { name: "Ana" }), loaders.en.calls]).toEqual(["Hola Ana", 0]);
    // Asked for at the first read of a key the Spanish words lack; the read is reactive, so it fills in when English lands.
    expect([ns.t("farewell"), loaders.en.calls]).toEqual(["", 1]);
    loaders.en.release();
    await vi.waitFor(() => expect(ns.t("farewell")).toBe("Goodbye"));
    expect(loaders.en.calls).toBe(1);
    expect([ns.knows("farewell"), ns.knows("nothing"), ns.has("en")]).toEqual([true, false, true]);
  });

  it("derives the pseudo-locale from English", async () => {
    await setLocale("en");
    const loaders = loadersFor();
    const ns = defineNamespace("test-pseudo", loaders);
    await setLocale("en-XA");
    expect(ns.t("farewell")).toBe("⟦Ĝóóðƀýé·⟧");
    expect(ns.t("greeting", { name: "Ana" })).toBe("⟦Ĥéļļó Ana·····⟧");
    expect(Object.values(loaders).map((l) => l.calls)).toEqual([1, 0, 0, 0, 0, 0]);
  });
});
