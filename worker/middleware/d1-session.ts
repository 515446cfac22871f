/**
 * D1 read replication through the Sessions API. Every /api request runs its
 * queries in one D1 session (`withSession`), so reads may be answered by a
 * nearby replica instead of the primary:
 *   - reads start "first-unconstrained" (any replica);
 *   - writes (POST, PUT, PATCH, DELETE) start "first-primary", except sign-in:
 *     it writes no DB row (the e-mail index and the account's object are its
 *     records, docs/SCALING.md §6.1), so it starts "first-unconstrained" too;
 *   - after a write the session's bookmark goes back in the `mq_d1` cookie, and
 *     the viewer's next requests start from it, so a replica never answers
 *     them with data older than their own write (read-your-own-writes: a title
 *     added to My List is on the list at once).
 * The cookie holds no personal data — a position in the database's log — and
 * lives a few minutes, far longer than replicas lag. A malformed one is
 * ignored, never an error.
 *
 * The session replaces `c.env.DB` for the rest of the request, so every route
 * and helper uses it without knowing. The binding itself stays reachable as
 * `primaryDb`, for the rare read that must not be a replica's (sign-in's check
 * of an account before it writes the account's e-mail index row).
 */
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env.ts";

export const BOOKMARK_COOKIE = "mq_d1";
const BOOKMARK_MAX_AGE_SECONDS = 300;
/** D1 bookmarks are hex groups joined by dashes; anything else is not one (and must not reach D1). */
const BOOKMARK = /^[0-9a-f]{1,16}(-[0-9a-f]{1,64}){1,8}$/;
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Writing methods of paths that write no DB row. */
const READS_DB_ONLY = new Set(["/api/auth/signin"]);

export function d1Session(): MiddlewareHandler<AppEnv> {
  return async function d1Session(c, next) {
    const cookie = getCookie(c, BOOKMARK_COOKIE);
    const bookmark = cookie && BOOKMARK.test(cookie) ? cookie : undefined;
    const writes = WRITES.has(c.req.method) && !READS_DB_ONLY.has(c.req.path);
    const session = c.env.DB.withSession(bookmark ?? (writes ? "first-primary" : "first-unconstrained"));
    c.set("primaryDb", c.env.DB);
    // The session has the D1Database surface routes use (prepare, batch); exec and dump are never used per request.
    c.env = { ...c.env, DB: session as unknown as D1Database };
    await next();
    const after = session.getBookmark();
    if (writes && after && after !== bookmark && BOOKMARK.test(after)) {
      setCookie(c, BOOKMARK_COOKIE, after, { httpOnly: true, secure: true, sameSite: "Lax", path: "/api", maxAge: BOOKMARK_MAX_AGE_SECONDS });
    }
  };
}
