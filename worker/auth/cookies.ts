/**
 * The session cookies. All are HttpOnly (scripts never see them), Secure and
 * SameSite=Lax. `mq_at` (access token) goes to /api; it outlives the token inside
 * it on purpose, so an expired token still reaches the server and is answered
 * 401 `session_expired` (the client refreshes) instead of silently turning a
 * kids profile into the unrestricted demo viewer. `mq_rt` (refresh token) is
 * only ever sent to /api/auth. `mq_s` is the one cookie scripts may read: it
 * holds no secret (the time the access token was issued, base 36), only tells
 * the app a session may exist, so a signed-out visitor's first page does not
 * spend a request (and a 401) asking; and since it changes with every new access
 * token, a tab that waited for another tab's refresh sees at once that it
 * happened (cookies, unlike localStorage, are not copied to tabs late).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export const ACCESS_COOKIE = "mq_at";
export const REFRESH_COOKIE = "mq_rt";
export const ACCESS_COOKIE_PATH = "/api";
export const REFRESH_COOKIE_PATH = "/api/auth";
/** Readable by scripts, no secret: "a session may exist", and which access token is current. */
export const SESSION_HINT_COOKIE = "mq_s";

const base = { httpOnly: true, secure: true, sameSite: "Lax" } as const;

/** Sets both cookies; they live as long as the refresh family (`sessionExpiresAtMs`). */
export function setSessionCookies(c: Context, accessToken: string, refreshToken: string, sessionExpiresAtMs: number): void {
  const maxAge = Math.max(0, Math.floor((sessionExpiresAtMs - Date.now()) / 1000));
  setCookie(c, ACCESS_COOKIE, accessToken, { ...base, path: ACCESS_COOKIE_PATH, maxAge });
  setCookie(c, REFRESH_COOKIE, refreshToken, { ...base, path: REFRESH_COOKIE_PATH, maxAge });
  setCookie(c, SESSION_HINT_COOKIE, Date.now().toString(36), { ...base, httpOnly: false, path: "/", maxAge });
}

/** Replaces the access token alone (its session's facts changed); the refresh token stays as it is. */
export function setAccessCookie(c: Context, accessToken: string, maxAgeMs: number): void {
  const maxAge = Math.floor(maxAgeMs / 1000);
  setCookie(c, ACCESS_COOKIE, accessToken, { ...base, path: ACCESS_COOKIE_PATH, maxAge });
  setCookie(c, SESSION_HINT_COOKIE, Date.now().toString(36), { ...base, httpOnly: false, path: "/", maxAge });
}

/** Expires both cookies (sign-out, or a refresh that failed). */
export function clearSessionCookies(c: Context): void {
  deleteCookie(c, ACCESS_COOKIE, { ...base, path: ACCESS_COOKIE_PATH });
  deleteCookie(c, REFRESH_COOKIE, { ...base, path: REFRESH_COOKIE_PATH });
  deleteCookie(c, SESSION_HINT_COOKIE, { ...base, httpOnly: false, path: "/" });
}

/** The request's access token, if any. */
export function accessCookie(c: Context): string | undefined {
  return getCookie(c, ACCESS_COOKIE) || undefined;
}

/** The request's refresh token, if any. */
export function refreshCookie(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE) || undefined;
}
