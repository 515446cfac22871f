/**
 * The chosen profile's player settings (autoplay, subtitle preferences), from
 * the app's session (data/session.ts). Signed out — the demo viewer — there is
 * none: autoplay stays on and subtitle choices live on this device only.
 */
import type { SubtitlePrefs } from "../../../common/subtitles.ts";
import { currentProfile, updateProfile } from "../data/session.ts";

export type { SubtitlePrefs };

export interface ViewerProfile {
  profileId: string;
  autoplay: boolean;
  subtitles: SubtitlePrefs | null;
}

/** The active profile's settings, or null (signed out, or no profile chosen). Reactive: reads the session signal. */
export function viewerProfile(): ViewerProfile | null {
  const p = currentProfile();
  if (!p) return null;
  return { profileId: p.id, autoplay: p.autoplay ?? true, subtitles: (p.subtitles as SubtitlePrefs | undefined) ?? null };
}

/** Saves subtitle preferences to the profile (PATCH /api/profiles/:id); a failure is ignored, the local copy stands. */
/** The audio language to start in: this device's last choice, else the profile's language (the master's default when it has neither). */
export function preferredAudioLanguage(stored: string | null): string | null {
  return stored ?? currentProfile()?.language.split("-")[0] ?? null;
}

export function saveProfileSubtitles(profileId: string, subtitles: SubtitlePrefs): void {
  void updateProfile(profileId, { subtitles }).catch(() => {});
}
