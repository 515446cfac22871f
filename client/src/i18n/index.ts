/**
 * The interface's words, one signal for the whole SPA. Every locale's shell
 * dictionary (the header, menus, Home and what any page may show: dicts/) is its
 * own chunk, English included, loaded by a dynamic import the first time it is
 * chosen: Home carries exactly one language's words, never English beside
 * another's. English stays every key's fallback, loaded only if a dictionary
 * lacks a key at runtime (a stale chunk) or fails to load. The words of pages
 * outside Home live in page namespaces (namespace.ts, pages/) loaded with them.
 * `main.tsx` waits for the first locale's words before the first render, so no
 * text is ever drawn from a missing dictionary; switching is instant once a
 * dictionary is in: every `t()` read is reactive. `<html lang dir>` follows the
 * locale.
 */
import { resolveTemplate } from "@solid-primitives/i18n";
import { createRoot, createSignal } from "solid-js";
import { DEFAULT_LOCALE, intlLocale, resolveLocale, textDirection, type Locale } from "./locales.ts";
import type { Dictionary, MessageKey, Plural, PluralKey } from "./types.ts";

export { LOCALES, resolveLocale, textDirection, type Locale } from "./locales.ts";
export type { Dictionary, MessageKey, Plural, PluralKey } from "./types.ts";

const english = (): Promise<Dictionary> => import("./dicts/en.ts").then((m) => m.default);

/** Each locale's dictionary, loaded on first use (one chunk per locale; the pseudo-locale is made from English). */
const LOADERS: Record<Locale, () => Promise<Dictionary>> = {
  en: english,
  es: () => import("./dicts/es.ts").then((m) => m.default),
  fr: () => import("./dicts/fr.ts").then((m) => m.default),
  de: () => import("./dicts/de.ts").then((m) => m.default),
  ja: () => import("./dicts/ja.ts").then((m) => m.default),
  ar: () => import("./dicts/ar.ts").then((m) => m.default),
  "en-XA": () => Promise.all([import("./pseudo.ts"), english()]).then(([m, en]) => m.pseudoDictionary(en)),
};

interface Current {
  locale: Locale;
  /** Null only before the first dictionary is in (main.tsx renders after it). */
  dict: Dictionary | null;
}

const [current, setCurrent] = createRoot(() => createSignal<Current>({ locale: DEFAULT_LOCALE, dict: null }));
// English as the fallback of a key the current dictionary lacks: loaded only when one is asked for.
const [fallback, setFallback] = createRoot(() => createSignal<Dictionary | null>(null));
let fallbackAsked = false;

/** English's text for `key`, or undefined until English has loaded (the caller's read is reactive, so it fills in then). */
function englishFor<K extends keyof Dictionary>(key: K): Dictionary[K] | undefined {
  if (!fallbackAsked) {
    fallbackAsked = true;
    void english().then(setFallback, () => void (fallbackAsked = false));
  }
  return fallback()?.[key];
}

/** The interface locale in use. */
export const locale = (): Locale => current().locale;
/** The locale `Intl` formats with. */
export const formatLocale = (): string => intlLocale(current().locale);
/** `ltr` or `rtl`. */
export const direction = (): "ltr" | "rtl" => textDirection(current().locale);

/** A message in the current locale, `{{ args }}` filled in (English when a dictionary lacks the key at runtime, once English is in). */
export function t(key: MessageKey, args?: Record<string, string | number>): string {
  const text = (current().dict?.[key] as string | undefined) ?? (englishFor(key) as string | undefined);
  return text === undefined ? "" : resolveTemplate(text, args);
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** One of `forms` for `count` by the locale's plural rules, `{{ count }}` filled in (formatted) with `args`. */
export function pluralText(forms: Plural, count: number, args?: Record<string, string | number>): string {
  const tag = formatLocale();
  let rules = pluralRules.get(tag);
  if (!rules) pluralRules.set(tag, (rules = new Intl.PluralRules(tag)));
  const text = forms[rules.select(count)] ?? forms.other;
  return resolveTemplate(text, { ...args, count: new Intl.NumberFormat(tag).format(count) });
}

/** A plural message for `count` (`{{ count }}` is the count, formatted), by the locale's plural rules. */
export function tn(key: PluralKey, count: number, args?: Record<string, string | number>): string {
  const forms = (current().dict?.[key] as Plural | undefined) ?? (englishFor(key) as Plural | undefined);
  return forms ? pluralText(forms, count, args) : "";
}

/** Loaders of the page namespaces defined so far (namespace.ts): a switch waits for each to hold the new locale. */
const namespaceLoaders = new Set<(next: Locale) => Promise<unknown>>();
let requested: Locale = "en";

/** Adds a page namespace's loader, so `setLocale` never shows a page in a locale its words have not reached. */
export function registerNamespace(load: (next: Locale) => Promise<unknown>): void {
  namespaceLoaders.add(load);
}

/** The locale last asked for (it may still be loading): a namespace defined meanwhile loads it too. */
export const requestedLocale = (): Locale => requested;

let asked = 0;

/** Dictionaries loaded so far (the pseudo-locale's is built once). */
const loadedDicts = new Map<Locale, Dictionary>();

/** `next`'s dictionary, cached; null when it cannot be loaded. */
async function dictionary(next: Locale): Promise<Dictionary | null> {
  const cached = loadedDicts.get(next);
  if (cached) return cached;
  const dict = await LOADERS[next]().catch(() => null);
  if (dict) loadedDicts.set(next, dict);
  return dict;
}

/** Where this device remembers the locale it showed last (localStorage). */
const REMEMBERED_KEY = "marquee.locale";

/**
 * The locale to draw the first page in, before the session is known: the one
 * this device showed last (a profile's language, which the browser may not
 * speak), else the browser's, else English. The session's answer then settles it.
 */
export function bootLocale(): Locale {
  let last: string | null = null;
  try {
    last = localStorage.getItem(REMEMBERED_KEY);
  } catch {
    // No storage (a test, a locked-down browser): the browser's languages decide.
  }
  return resolveLocale(last, typeof navigator === "undefined" ? [] : navigator.languages);
}

/**
 * Switches the interface to `next` once its dictionary and the words of every
 * page namespace already defined are loaded (at once when they are cached), so
 * no page flashes English in between. A dictionary that cannot load leaves
 * English (or, if even English cannot, what is shown). Never rejects.
 */
export async function setLocale(next: Locale): Promise<void> {
  const mine = ++asked;
  requested = next;
  let [dict] = await Promise.all([dictionary(next), ...[...namespaceLoaders].map((load) => load(next))]);
  if (mine !== asked) return;
  let shown = next;
  if (!dict) {
    // Not on the device yet and no network (offline/chunk-failure.ts): English if it is here, else what is shown, until the connection returns, then the locale asked for.
    if (typeof addEventListener === "function") addEventListener("online", () => void (mine === asked && setLocale(next)), { once: true });
    if (next !== "en") [dict, shown] = [await dictionary("en"), "en"];
    if (mine !== asked || !dict) return;
  }
  setCurrent({ locale: shown, dict });
  try {
    if (shown === next) localStorage.setItem(REMEMBERED_KEY, shown);
  } catch {
    // Not remembered: the next visit starts from the browser's languages.
  }
  if (typeof document !== "undefined") {
    document.documentElement.lang = shown;
    document.documentElement.dir = textDirection(shown);
  }
}
