/**
 * Profile rules: the kids ceiling (a kids profile sees titles up to 7+ and has
 * no PIN), the default ceiling of a new or newly-kids profile, and what a
 * profile name may be. The profiles route applies them; sign-up names its
 * first profile with the same rule.
 */
import { z } from "zod";
import { ADULT_DEFAULT_MATURITY_AGE, KIDS_MAX_MATURITY_AGE, MAX_PROFILES } from "../../common/profiles.ts";
import { AppError } from "../lib/errors.ts";

export { KIDS_MAX_MATURITY_AGE, MAX_PROFILES };

/** A profile's display name: 1-40 characters after trimming, no control or format characters. */
export const PROFILE_NAME = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(40)
  .refine((n) => !/[\p{Cc}\p{Cf}]/u.test(n), "must not contain control characters");

/** The ceiling of a new profile: as asked, else the kids ceiling for a kids profile, else everything. */
export function newProfileCeiling(isKids: boolean, asked: number | undefined): number {
  return asked ?? (isKids ? KIDS_MAX_MATURITY_AGE : ADULT_DEFAULT_MATURITY_AGE);
}

/** The ceiling after a change: as asked, else lowered to the kids ceiling when the profile becomes a kids profile, else unchanged. */
export function changedProfileCeiling(current: { isKids: boolean; maxMaturityAge: number }, isKids: boolean, asked: number | undefined): number {
  return asked ?? (isKids && !current.isKids ? KIDS_MAX_MATURITY_AGE : current.maxMaturityAge);
}

/** A kids profile's ceiling is at most 7 and it has no PIN; checked on the profile as it will be after the change (400 otherwise). */
export function checkKids(isKids: boolean, maxMaturityAge: number, hasPin: boolean): void {
  if (isKids && maxMaturityAge > KIDS_MAX_MATURITY_AGE) {
    throw new AppError(400, "invalid_json", `maxMaturityAge: a kids profile's ceiling is at most ${KIDS_MAX_MATURITY_AGE}.`);
  }
  if (isKids && hasPin) throw new AppError(400, "invalid_json", "pin: only adult profiles can have a PIN.");
}
