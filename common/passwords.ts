/**
 * The password rules of sign-up and password change, shared by the Worker
 * (common/schemas.ts validates with them) and the SPA's forms (their hints).
 */

/** A new password has at least this many characters. */
export const PASSWORD_MIN_CHARS = 10;
/** PBKDF2 hashes any length, but a bound keeps a request's work bounded too. */
export const PASSWORD_MAX_CHARS = 256;
