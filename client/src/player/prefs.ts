/**
 * The viewer's player choices on this device (localStorage "marquee.player"):
 * volume, mute, speed, quality (a height, or Auto), audio language and subtitle
 * language and style. Unknown or broken stored values fall back to defaults.
 */
import { DEFAULT_SUBTITLES, languageOrNull, sanitizeSubtitlePrefs, type SubtitlePrefs } from "../../../common/subtitles.ts";

export interface PlayerPrefs {
  volume: number;
  muted: boolean;
  speed: number;
  /** A rendition height, or null for Auto. */
  qualityHeight: number | null;
  audioLanguage: string | null;
  subtitles: SubtitlePrefs;
}

const KEY = "marquee.player";
export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;
export const DEFAULT_PREFS: PlayerPrefs = {
  volume: 1,
  muted: false,
  speed: 1,
  qualityHeight: null,
  audioLanguage: null,
  subtitles: { ...DEFAULT_SUBTITLES },
};

/** Validates whatever was stored (another version, a hand edit) into PlayerPrefs. */
export function sanitizePrefs(raw: unknown): PlayerPrefs {
  const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const volume = typeof r.volume === "number" && r.volume >= 0 && r.volume <= 1 ? r.volume : DEFAULT_PREFS.volume;
  const speed = typeof r.speed === "number" && (SPEEDS as readonly number[]).includes(r.speed) ? r.speed : DEFAULT_PREFS.speed;
  const height = typeof r.qualityHeight === "number" && Number.isInteger(r.qualityHeight) && r.qualityHeight > 0 ? r.qualityHeight : null;
  return {
    volume,
    muted: r.muted === true,
    speed,
    qualityHeight: height,
    audioLanguage: languageOrNull(r.audioLanguage),
    subtitles: sanitizeSubtitlePrefs(r.subtitles),
  };
}

export function loadPrefs(): PlayerPrefs {
  try {
    const text = localStorage.getItem(KEY);
    return sanitizePrefs(text ? JSON.parse(text) : null);
  } catch {
    return { ...DEFAULT_PREFS, subtitles: { ...DEFAULT_PREFS.subtitles } };
  }
}

export function savePrefs(prefs: PlayerPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Private mode or a full quota: the choice lasts for this page only.
  }
}
