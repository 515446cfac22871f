/**
 * Page namespaces: the words of pages outside Home (account, profiles, the
 * player's overlays…) live beside the main dictionaries in `i18n/pages/<name>/`,
 * one file per locale, so Home's JavaScript does not grow with them. Every
 * locale's file is its own chunk, English included: a page loads exactly one
 * language's words, never English beside another's. The pseudo-locale is made
 * from English. Each locale file is typed `Words<typeof en>`, so a missing key
 * is a compile error, exactly like the main dictionaries.
 *
 * A namespace registers with `setLocale`, which then waits for it to hold the
 * new locale before switching; `ready` loads the current locale, and the
 * namespace's module awaits it (top-level await), so a page never renders
 * before its words are in. `t`/`tn` behave like the main ones: `{{ args }}`,
 * plurals by `Intl.PluralRules`. English is every key's fallback but is loaded
 * only when it is needed: a dictionary that lacks a key at runtime (a stale
 * chunk; the parity test says none does) or a locale whose words cannot load.
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

/** Every locale's loader but the pseudo-locale's (made from English): one dynamic import each, English included. */
export type Loaders<E extends Source> = { readonly [L in Exclude<Locale, "en-XA">]: () => Promise<{ default: Words<E> }> };

export interface Namespace<E extends Source> {
  readonly name: string;
  /** A message in the current locale, `{{ args }}` filled in. */
  t(key: MessageKeyOf<E>, args?: Record<string, string | number>): string;
  /** A plural message for `count` by the locale's plural rules. */
  tn(key: PluralKeyOf<E>, count: number, args?: Record<string, string | number>): string;
  /** Whether `key` is one of the namespace's (read from the words in use, which hold every key, or English's if in): for keys made from data. */
  knows<K extends string>(key: K): key is K & keyof E;
  /** Loads `next`'s words (cached; never rejects: a failed load brings English instead). */
  load(next: Locale): Promise<void>;
  /** Whether `next`'s words are loaded. */
  has(next: Locale): boolean;
  /** Settles once the current (and any requested) locale's words are loaded. */
  readonly ready: Promise<void>;
}

/** Defines a namespace from its locales' loaders (English's typed as the source) and registers it with `setLocale`. */
export function defineNamespace<E extends Source>(name: string, loaders: Loaders<E>): Namespace<E> {
  const loaded = new Map<Locale, Words<E>>();
  const inFlight = new Map<Locale, Promise<boolean>>();
  // Bumped when words land: a read made before (English asked for as a fallback, a load that raced a switch) reads again.
  const [version, bump] = createRoot(() => createSignal(0));

  /** `next`'s words into `loaded`; true once they are in, false when they could not be loaded. */
  function fetchWords(next: Locale): Promise<boolean> {
    if (loaded.has(next)) return Promise.resolve(true);
    const pending = inFlight.get(next);
    if (pending) return pending;
    const source: Promise<Words<E>> = next === "en-XA" ? pseudo() : loaders[next]().then((m) => m.default);
    const settled = source.then(
      (words) => {
        loaded.set(next, words);
        bump((v) => v + 1);
        return true;
      },
      () => {
        // A later switch tries again, and so does the connection's return (not on the device yet, offline).
        inFlight.delete(next);
        if (typeof addEventListener === "function") addEventListener("online", () => void (requestedLocale() === next && fetchWords(next)), { once: true });
        return false;
      },
    );
    inFlight.set(next, settled);
    return settled;
  }

  /** The pseudo-locale, made from English's words (loaded once for both). */
  async function pseudo(): Promise<Words<E>> {
    const [m, hasEnglish] = await Promise.all([import("./pseudo.ts"), fetchWords("en")]);
    if (!hasEnglish) throw new Error(`${name}: no English to make the pseudo-locale from`);
    return m.pseudoDictionary(loaded.get("en")!);
  }

  async function load(next: Locale): Promise<void> {
    // Words that cannot load leave the page in English rather than in nothing.
    if (!(await fetchWords(next)) && next !== "en") await fetchWords("en");
  }

  /** The words to show: the current locale's, else English's (asked for here if it is not in). */
  function words(): Words<E> | undefined {
    version();
    return loaded.get(locale()) ?? english();
  }

  function english(): Words<E> | undefined {
    const en = loaded.get("en");
    if (!en) void fetchWords("en");
    return en;
  }

  registerNamespace(load);
  const ready = Promise.all([load(locale()), load(requestedLocale())]).then(() => undefined);

  return {
    name,
    t: (key, args) => {
      const text = (words()?.[key] as string | undefined) ?? (english()?.[key] as string | undefined);
      return text === undefined ? "" : resolveTemplate(text, args);
    },
    tn: (key, count, args) => {
      const forms = (words()?.[key] as Plural | undefined) ?? (english()?.[key] as Plural | undefined);
      return forms ? pluralText(forms, count, args) : "";
    },
    knows: <K extends string>(key: K): key is K & keyof E => {
      const w = words();
      return [w, loaded.get("en")].some((dict) => dict !== undefined && Object.hasOwn(dict, key));
    },
    load,
    has: (next) => loaded.has(next),
    ready,
  };
}
