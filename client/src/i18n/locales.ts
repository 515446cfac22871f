/**
 * The interface's languages and how one is chosen: the profile's language when the
 * interface speaks it, else the browser's first one it speaks (`navigator.languages`),
 * else English. Pure (no DOM), shared by the SPA and its tests.
 */

/** Interface locales; `en-XA` is the pseudo-locale (accented, ~40 % longer) for finding unlocalised or clipped text. */
export const LOCALES = ["en", "es", "fr", "de", "ja", "ar", "en-XA"] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = "en";

/** Locales written right to left. */
const RTL: ReadonlySet<string> = new Set(["ar", "he", "fa", "ur"]);

/** The interface locale that serves a BCP 47 tag: an exact match (case-insensitive), else its primary language; null when none does. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const lower = tag.trim().toLowerCase();
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const primary = lower.split(/[-_]/)[0];
  return LOCALES.find((l) => l === primary) ?? null;
}

/** The profile's language if the interface speaks it, else the browser's first spoken one, else English. */
export function resolveLocale(profileLanguage: string | null | undefined, browserLanguages: readonly string[] = []): Locale {
  const fromProfile = matchLocale(profileLanguage);
  if (fromProfile) return fromProfile;
  for (const tag of browserLanguages) {
    const match = matchLocale(tag);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

/** `rtl` for right-to-left scripts, else `ltr` (the pseudo-locale reads left to right). */
export function textDirection(locale: string): "ltr" | "rtl" {
  return RTL.has(locale.toLowerCase().split("-")[0]!) ? "rtl" : "ltr";
}

/** The locale `Intl` formats with: the pseudo-locale formats as English. */
export function intlLocale(locale: Locale): string {
  return locale === "en-XA" ? "en" : locale;
}
