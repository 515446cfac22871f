/**
 * A crew member's job in the viewer's language. The catalog stores jobs as TMDB
 * names them, in English ("Director", "Original Music Composer"); a known job is
 * found by its name (case, spacing and hyphens aside) and shown through its
 * stable key in the credits namespace, an unknown one is shown as it is rather
 * than hidden (it is catalog data, like a name). A job's key is its English name
 * in camel case ("job.originalMusicComposer"), so no English words ride along
 * with another locale's to match a job.
 */
import { creditsWords } from "../i18n/pages/credits/index.ts";

/** "Original Music Composer", "original-music  composer" → "original music composer". */
const normalise = (job: string) => job.trim().toLowerCase().replace(/[\s\-‐–_]+/g, " ");

/** Names TMDB also uses for a job the namespace words under another name. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ["cinematography", "director of photography"],
  ["original music", "original music composer"],
]);

/** The key of a job the credits namespace words, or null for one it does not know. */
export function crewJobKey(job: string) {
  const name = normalise(job);
  const key = `job.${(ALIASES.get(name) ?? name).replace(/ (\p{L})/gu, (_, letter: string) => letter.toUpperCase())}`;
  return creditsWords.knows(key) ? key : null;
}

/** A job's label in the current locale; an unknown job as the catalog has it; none for a credit without a job. */
export function crewJobLabel(job: string | null | undefined): string {
  if (!job) return "";
  const key = crewJobKey(job);
  return key ? creditsWords.t(key) : job;
}
