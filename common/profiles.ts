/** Limits of an account's profiles, enforced by the Worker (worker/profiles/rules.ts) and shown by the SPA. */

/** Profiles per account. */
export const MAX_PROFILES = 5;
/** The highest maturity ceiling a kids profile may have. */
export const KIDS_MAX_MATURITY_AGE = 7;
/** An adult profile's ceiling when none is given: everything. */
export const ADULT_DEFAULT_MATURITY_AGE = 18;
