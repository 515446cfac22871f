/**
 * A crew member's job in the viewer's language. The catalog stores jobs as TMDB
 * names them, in English ("Director", "Original Music Composer"); a known job is
 * looked up by its name (case, spacing and hyphens aside) and shown through its
 * stable key in the credits namespace, an unknown one is shown as it is rather
 * than hidden (it is catalog data, like a name).
 */
import { creditsWords } from "../i18n/pages/credits/index.ts";
import en from "../i18n/pages/credits/en.ts";

type JobKey = keyof typeof en & `job.${string}`;

/** "Original Music Composer", "original-music  composer" → "original music composer". */
const normalise = (job: string) => job.trim().toLowerCase().replace(/[\s\-‐–_]+/g, " ");

/** Each English job name (the credits namespace's English, plus names TMDB also uses for the same job) → its key. */
const JOB_KEYS: ReadonlyMap<string, JobKey> = new Map<string, JobKey>([
  ...(Object.entries(en) as [JobKey, string][]).map(([key, name]) => [normalise(name), key] as const),
  ["cinematography", "job.directorOfPhotography"],
  ["original music", "job.originalMusicComposer"],
]);

/** The key of a job the credits namespace words, or null for one it does not know. */
export function crewJobKey(job: string): JobKey | null {
  return JOB_KEYS.get(normalise(job)) ?? null;
}

/** A job's label in the current locale; an unknown job as the catalog has it; none for a credit without a job. */
export function crewJobLabel(job: string | null | undefined): string {
  if (!job) return "";
  const key = crewJobKey(job);
  return key ? creditsWords.t(key) : job;
}
