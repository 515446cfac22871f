/**
 * Page namespaces: the words of pages outside Home (account, profiles, the
 * player's overlays…) live beside the main dictionaries in `i18n/pages/<name>/`,
 * one file per locale, so Home's JavaScript does not grow with them. A page's
 * English is imported statically by its own module (so it lands in the page's
 * lazy chunk); the other locales are dynamic imports; the pseudo-locale is made
 * from English. Each locale file is typed `Words<typeof en>`, so a missing key
 * is a compile error, exactly like the main dictionaries.
 *
 * A namespace registers with `setLocale`, which then waits for it to hold the
 * new locale before switching; `ready` loads the current locale, and the
 * namespace's module awaits it (top-level await), so a page never renders in
 * English first. `t`/`tn` behave like the main ones: `{{ args }}`, plurals by
 * `Intl.PluralRules`, English for a key a dictionary lacks at runtime.
 */
import { resolveTemplate } from "@solid-primitives/i18n";
import { createRoot, createSignal } from "solid-js";
import { locale, pluralText, registerNamespace, requestedLocale, type Locale, type Plural } from "./index.ts";

/** A namespace's English: its keys are the namespace's vocabulary (an object is a plural, `other` always present). */
export type Source = { readonly [key: string]: string | Plural };

/** A complete translation of `E`: every key, a string where English has one, a plural where English has one. */
export type Words<E extends Source> = { readonly [K in keyof E]: E[K] extends string ? string : Plural };

type MessageKeyOf<E extends Source> = { [K in keyof E]: E[K] extends string ? K : never }[keyof E] & string;
type PluralKeyOf<E extends Source> = Exclude<keyof E, MessageKeyOf<E>> & string;

/** The translated locales' loaders, one dynamic import each (English is the source; the pseudo-locale is derived). */
export type Translations<E extends Source> = { readonly [L in Exclude<Locale, "en" | "en-XA">]: () => Promise<{ default: Words<E> }> };

export interface Namespace<E extends Source> {
  readonly name: string;
  /** A message in the current locale, `{{ args }}` filled in. */
  t(key: MessageKeyOf<E>, args?: Record<string, string | number>): string;
  /** A plural message for `count` by the locale's plural rules. */
  tn(key: PluralKeyOf<E>, count: number, args?: Record<string, string | number>): string;
  /** Loads `next`'s words (cached; never rejects: a failed load leaves English). */
  load(next: Locale): Promise<void>;
  /** Whether `next`'s words are loaded (English always is). */
  has(next: Locale): boolean;
  /** Settles once the current (and any requested) locale's words are loaded. */
  readonly ready: Promise<void>;
}

/** Defines a namespace from its English words and its translations' loaders, and registers it with `setLocale`. */
export function defineNamespace<E extends Source>(name: string, en: E, translations: Translations<E>): Namespace<E> {
  const loaded = new Map<Locale, Words<E>>([["en", en as Words<E>]]);
  const inFlight = new Map<Locale, Promise<void>>();
  // Bumped when a dictionary lands after its locale was already shown (a load that raced a switch).
  const [version, bump] = createRoot(() => createSignal(0));

  function load(next: Locale): Promise<void> {
    if (loaded.has(next)) return Promise.resolve();
    const pending = inFlight.get(next);
    if (pending) return pending;
    const source: Promise<Words<E>> =
      next === "en-XA" ? import("./pseudo.ts").then((m) => m.pseudoDictionary(en) as Words<E>) : translations[next as keyof Translations<E>]().then((m) => m.default);
    const settled = source.then(
      (words) => {
        loaded.set(next, words);
        bump((v) => v + 1);
      },
      () => {
        // English meanwhile; a later switch tries again, and so does the connection's return (not on the device yet, offline).
        inFlight.delete(next);
        if (typeof addEventListener === "function") addEventListener("online", () => void (requestedLocale() === next && load(next)), { once: true });
      },
    );
    inFlight.set(next, settled);
    return settled;
  }

  function words(): Words<E> {
    version();
    return loaded.get(locale()) ?? (en as Words<E>);
  }

  registerNamespace(load);
  const ready = Promise.all([load(locale()), load(requestedLocale())]).then(() => undefined);

  return {
    name,
    t: (key, args) => resolveTemplate((words()[key] as string | undefined) ?? (en[key] as string), args),
    tn: (key, count, args) => pluralText((words()[key] as Plural | undefined) ?? (en[key] as Plural), count, args),
    load,
    has: (next) => loaded.has(next),
    ready,
  };
}
