/**
 * zod schemas of the shared vocabulary (common/subtitles.ts and ids). They
 * import zod, so the SPA takes only types from here (dependency-cruiser says so).
 */
import { z } from "zod";
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
