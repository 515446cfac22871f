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
import type { Dictionary, MessageKey, PluralKey } from "./types.ts";

export { LOCALES, resolveLocale, textDirection, type Locale } from "./locales.ts";
export type { Dictionary, MessageKey, PluralKey } from "./types.ts";

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

/** A plural message for `count` (`{{ count }}` is the count, formatted), by the locale's plural rules. */
export function tn(key: PluralKey, count: number, args?: Record<string, string | number>): string {
  const tag = formatLocale();
  let rules = pluralRules.get(tag);
  if (!rules) pluralRules.set(tag, (rules = new Intl.PluralRules(tag)));
  const forms = current().dict[key] ?? en[key];
  const text = forms[rules.select(count)] ?? forms.other;
  return resolveTemplate(text, { ...args, count: new Intl.NumberFormat(tag).format(count) });
}

let asked = 0;

/** Switches the interface to `next`: at once when its dictionary is loaded, else as soon as it is. */
export async function setLocale(next: Locale): Promise<void> {
  const mine = ++asked;
  const dict = next === "en" ? en : await LOADERS[next]().catch(() => null);
  if (mine !== asked) return;
  const chosen: Current = dict ? { locale: next, dict } : { locale: "en", dict: en };
  setCurrent(chosen);
  if (typeof document !== "undefined") {
    document.documentElement.lang = chosen.locale;
    document.documentElement.dir = textDirection(chosen.locale);
  }
}
