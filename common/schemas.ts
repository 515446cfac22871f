/**
 * zod schemas of the shared vocabulary (common/subtitles.ts, ids, passwords). They
 * import zod, so the SPA takes only types from here (dependency-cruiser says so).
 */
import { z } from "zod";
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from "./passwords.ts";
import { DEFAULT_SUBTITLES, LANGUAGE_TAG, SUBTITLE_BACKGROUNDS, SUBTITLE_SIZES, type SubtitlePrefs } from "./subtitles.ts";

/** A BCP 47 language tag. */
export const languageTag = z.string().regex(LANGUAGE_TAG, "must be a BCP 47 language tag");

/** Subtitle preferences in a request body; missing fields take their defaults. */
export const subtitlePrefs = z.object({
  language: languageTag.nullable().default(DEFAULT_SUBTITLES.language),
  size: z.enum(SUBTITLE_SIZES).default(DEFAULT_SUBTITLES.size),
  background: z.enum(SUBTITLE_BACKGROUNDS).default(DEFAULT_SUBTITLES.background),
}) satisfies z.ZodType<SubtitlePrefs>;

/** A positive integer id as it appears in a path (`/titles/:id`), as a number; at most 16 digits. */
export const pathId = z.string().regex(/^[1-9]\d{0,15}$/, "must be a positive integer id").transform(Number);

/** `{ titleId }` of a `/:titleId` route. */
export const titleIdParam = z.object({ titleId: pathId });

/** A password being chosen (sign-up, password change): the rules of common/passwords.ts. */
export const newPassword = z.string().min(PASSWORD_MIN_CHARS, `must be at least ${PASSWORD_MIN_CHARS} characters`).max(PASSWORD_MAX_CHARS);

/** A password being presented (sign-in, confirmations): any length, so a policy change never locks out an older account. */
export const presentedPassword = z.string().min(1).max(PASSWORD_MAX_CHARS);
