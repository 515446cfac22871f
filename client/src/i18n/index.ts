/**
 * The interface's words, one signal for the whole SPA. English is built in (it is
 * the fallback of every key); every other locale is its own chunk, loaded by a
 * dynamic import the first time it is chosen, so Home's JavaScript does not grow
 * with languages. Switching is instant once a dictionary is in: every `t()` read
 * is reactive. `<html lang dir>` follows the locale.
 */
import { resolveTemplate, translator } from "@solid-primitives/i18n";
import { createRoot, createSignal } from "solid-js";
import en from "./dicts/en.ts";
import { intlLocale, textDirection, type Locale } from "./locales.ts";
import type { Dictionary, MessageKey, Plural, PluralKey } from "./types.ts";

export { LOCALES, resolveLocale, textDirection, type Locale } from "./locales.ts";
export type { Dictionary, MessageKey, Plural, PluralKey } from "./types.ts";

/** Each locale's dictionary, loaded on first use (one chunk per locale; the pseudo-locale is made from English). */
const LOADERS: Record<Exclude<Locale, "en">, () => Promise<Dictionary>> = {
  es: () => import("./dicts/es.ts").then((m) => m.default),
  fr: () => import("./dicts/fr.ts").then((m) => m.default),
  de: () => import("./dicts/de.ts").then((m) => m.default),
  ja: () => import("./dicts/ja.ts").then((m) => m.default),
  ar: () => import("./dicts/ar.ts").then((m) => m.default),
  "en-XA": () => import("./pseudo.ts").then((m) => m.pseudoDictionary(en)),
};

interface Current {
  locale: Locale;
  dict: Dictionary;
}

const [current, setCurrent] = createRoot(() => createSignal<Current>({ locale: "en", dict: en }));

/** The interface locale in use. */
export const locale = (): Locale => current().locale;
/** The locale `Intl` formats with. */
export const formatLocale = (): string => intlLocale(current().locale);
/** `ltr` or `rtl`. */
export const direction = (): "ltr" | "rtl" => textDirection(current().locale);

const translate = translator(() => current().dict, resolveTemplate);

/** A message in the current locale, `{{ args }}` filled in (English when a dictionary lacks the key at runtime). */
export function t(key: MessageKey, args?: Record<string, string | number>): string {
  return (translate(key, args) as string | undefined) ?? resolveTemplate(en[key] as string, args);
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
  return pluralText(current().dict[key] ?? en[key], count, args);
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

/**
 * Switches the interface to `next` once its dictionary and the words of every
 * page namespace already defined are loaded (at once when they are cached), so
 * no page flashes English in between.
 */
export async function setLocale(next: Locale): Promise<void> {
  const mine = ++asked;
  requested = next;
  const [dict] = await Promise.all([next === "en" ? en : LOADERS[next]().catch(() => null), ...[...namespaceLoaders].map((load) => load(next))]);
  if (mine !== asked) return;
  // Not on the device yet and no network (offline/chunk-failure.ts): English until the connection returns, then the locale asked for.
  if (!dict && typeof addEventListener === "function") addEventListener("online", () => void (mine === asked && setLocale(next)), { once: true });
  const chosen: Current = dict ? { locale: next, dict } : { locale: "en", dict: en };
  setCurrent(chosen);
  if (typeof document !== "undefined") {
    document.documentElement.lang = chosen.locale;
    document.documentElement.dir = textDirection(chosen.locale);
  }
}
