/**
 * A profile's subtitle preferences: the one definition of their shape, used by
 * the Worker (profiles, D1 column type; its zod schema in common/schemas.ts) and
 * by the player (device-local prefs, saving to the profile). No zod here, so
 * the SPA can import it without bundling zod.
 */

export const SUBTITLE_SIZES = ["small", "medium", "large"] as const;
export const SUBTITLE_BACKGROUNDS = ["none", "semi", "solid"] as const;
/** A BCP 47 language tag as profiles store it ("en", "pt-BR"). */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

export interface SubtitlePrefs {
  /** The preferred subtitle language, or null for none. */
  language: string | null;
  size: (typeof SUBTITLE_SIZES)[number];
  background: (typeof SUBTITLE_BACKGROUNDS)[number];
}

/** What a new profile and a new device start with. */
export const DEFAULT_SUBTITLES: Readonly<SubtitlePrefs> = Object.freeze({ language: null, size: "medium", background: "semi" });

const oneOf = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(v as T) ? (v as T) : fallback);

/** A language tag, or null for anything else. */
export function languageOrNull(value: unknown): string | null {
  return typeof value === "string" && LANGUAGE_TAG.test(value) ? value : null;
}

/** Whatever was stored (another version, a hand edit), field by field: each broken field falls back to its default. */
export function sanitizeSubtitlePrefs(raw: unknown): SubtitlePrefs {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  return {
    language: languageOrNull(r.language),
    size: oneOf(r.size, SUBTITLE_SIZES, DEFAULT_SUBTITLES.size),
    background: oneOf(r.background, SUBTITLE_BACKGROUNDS, DEFAULT_SUBTITLES.background),
  };
}
