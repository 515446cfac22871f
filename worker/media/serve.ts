/**
 * Media paths and R2 serving, shared by the token-checked CDN route and the
 * unchecked development baseline: path allow-listing, content types, caching,
 * byte ranges (206/416), ETag/304, and streaming the object body (never buffered).
 */
import { splitCdnPath } from "../../common/cdn-url.ts";
import { PATHWAY_ID } from "./pathways.ts";

/** Asset ids as ingest writes them: safe in a path and an R2 key. */
export const ASSET_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** One path segment under an asset: no empty, dot-leading, encoded or backslashed segments. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_SEGMENTS = 6;

/** Content-Type by extension: the only file types served from an asset's prefix. */
export const CONTENT_TYPES: Record<string, string> = {
  m3u8: "application/vnd.apple.mpegurl",
  m4s: "video/iso.segment",
  mp4: "video/mp4",
  vtt: "text/vtt; charset=utf-8",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

/** Playlists may change (and the master is rendered per request); everything else under an asset is immutable. */
export const PLAYLIST_CACHE_CONTROL = "public, max-age=5";
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/**
 * Splits the part of a media path below the asset ("video/720p/seg_00001.m4s")
 * into segments, or null when it is not a plain relative path: `..`, `.`, `//`,
 * backslashes, any percent-encoding (so no encoded dots or slashes), or
 * characters outside [A-Za-z0-9._-] are all refused rather than normalised.
 */
export function mediaSegments(rest: string): string[] | null {
  if (rest.length === 0 || rest.length > 512) return null;
  const parts = rest.split("/");
  if (parts.length > MAX_SEGMENTS) return null;
  for (const part of parts) if (!SEGMENT.test(part)) return null;
  return parts;
}

/**
 * The storage folder of an asset's key prefix (`assets/<folder>/`), or undefined
 * for any other shape. Media URLs name the folder, not the asset row: assets
 * with the same media (a series' demo episodes) can share one folder.
 */
export function folderOf(keyPrefix: string): string | undefined {
  const m = /^assets\/([^/]+)\/$/.exec(keyPrefix);
  return m && ASSET_ID.test(m[1]!) ? m[1] : undefined;
}

/** The parts of `/cdn/<pathway>/<token>/<folder>/<rest>` (raw, still percent-encoded path), or null if malformed. */
export function parseCdnPath(pathname: string): { pathway: string; token: string; folder: string; rest: string[] } | null {
  const parts = splitCdnPath(pathname);
  if (!parts) return null;
  const { pathway, token, folder, rest: restText } = parts;
  if (!PATHWAY_ID.test(pathway) || !ASSET_ID.test(folder) || !/^[A-Za-z0-9._-]{1,1024}$/.test(token)) return null;
  const rest = mediaSegments(restText);
  return rest ? { pathway, token, folder, rest } : null;
}

/** Content type for a file name by extension; undefined for anything not served. */
export function contentTypeOf(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? undefined : CONTENT_TYPES[name.slice(dot + 1).toLowerCase()];
}

/** Cache-Control for a file name: short for playlists, a year and immutable for the rest. */
export function cacheControlOf(name: string): string {
  return name.endsWith(".m3u8") ? PLAYLIST_CACHE_CONTROL : IMMUTABLE_CACHE_CONTROL;
}

type ByteRange = { offset: number; length?: number } | { suffix: number };

/**
 * One `bytes=` range from a Range header: a range to read, "unsatisfiable"
 * (answered 416), or undefined to serve the whole object (no header, another
 * unit, or several ranges, which the RFC lets a server ignore).
 */
export function parseRange(header: string | null): ByteRange | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") return Number(last) === 0 ? "unsatisfiable" : { suffix: Number(last) };
  const offset = Number(first);
  if (last === "") return { offset };
  const end = Number(last);
  return end < offset ? "unsatisfiable" : { offset, length: end - offset + 1 };
}

/** One entity-tag (RFC 9110 §8.8.3): optional `W/`, then a quoted string of etagc characters. */
const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7E\x80-\xFF]*"$/;

/**
 * `If-None-Match` as R2 may safely see it: `*`, or the list's entity-tags
 * re-joined (empty list elements and whitespace dropped, RFC 9110 §5.6.1).
 * Anything else (`x`, `"x""y"`, `0`) is not a valid field value and is ignored,
 * as if absent, rather than handed to R2 (which throws on it).
 */
export function parseIfNoneMatch(header: string | null): string | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === "*") return "*";
  const tags = value.split(",").map((t) => t.trim()).filter((t) => t !== "");
  if (tags.length === 0 || tags.length > 64 || !tags.every((t) => ENTITY_TAG.test(t))) return undefined;
  return tags.join(", ");
}

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d";
/** The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850 and asctime. */
const HTTP_DATE = new RegExp(
  `^(?:${DAY}, (?:0[1-9]|[12]\\d|3[01]) ${MONTH} \\d{4} ${TIME} GMT` +
    `|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (?:0[1-9]|[12]\\d|3[01])-${MONTH}-\\d{2} ${TIME} GMT` +
    `|${DAY} ${MONTH} (?: [1-9]|[12]\\d|3[01]) ${TIME} \\d{4})$`,
);

/** `If-Modified-Since` as a Date, or undefined when it is not a valid HTTP-date (then it is ignored, §13.1.3). */
export function parseHttpDate(header: string | null): Date | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (!HTTP_DATE.test(value)) return undefined;
  const ms = Date.parse(/GMT$/.test(value) ? value : `${value} GMT`);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/**
 * The request's conditions, validated, for R2's `onlyIf`; undefined when there
 * are none. If-None-Match, when present and valid, makes If-Modified-Since
 * irrelevant (§13.2.2), so only one of them is ever passed on.
 */
export function conditionsOf(headers: Headers): Headers | undefined {
  const conditions = new Headers();
  const inm = parseIfNoneMatch(headers.get("if-none-match"));
  if (inm !== undefined) conditions.set("if-none-match", inm);
  else {
    const since = parseHttpDate(headers.get("if-modified-since"));
    if (since !== undefined) conditions.set("if-modified-since", since.toUTCString());
  }
  return [...conditions.keys()].length > 0 ? conditions : undefined;
}

function isUnsatisfiableRange(err: unknown): boolean {
  return err instanceof Error && /not satisfiable|10039|InvalidRange/i.test(err.message);
}

function notFound(headers: Headers): Response {
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify({ error: { code: "not_found", message: "No such media object." } }), { status: 404, headers });
}

/**
 * Serves one R2 object for a GET or HEAD: Content-Type and Cache-Control from
 * the name, ETag/Last-Modified, If-None-Match → 304, one byte range → 206 (or
 * 416 with the size), the body streamed straight from R2. `headers` carries
 * anything the caller adds (CORS) and is reused for the response.
 */
export async function serveObject(bucket: R2Bucket, key: string, request: Request, headers = new Headers()): Promise<Response> {
  const name = key.slice(key.lastIndexOf("/") + 1);
  const contentType = contentTypeOf(name);
  if (!contentType) return notFound(headers);
  headers.set("Accept-Ranges", "bytes");
  const onlyIf = conditionsOf(request.headers);

  if (request.method === "HEAD") {
    const head = await bucket.head(key);
    if (!head) return notFound(headers);
    setObjectHeaders(headers, head, contentType, name);
    headers.set("Content-Length", String(head.size));
    return new Response(null, { status: 200, headers });
  }

  // Objects under an asset never change once written, so If-Range always holds and is not checked.
  const range = parseRange(request.headers.get("range"));
  let object: R2Object | R2ObjectBody | null;
  try {
    object = range === "unsatisfiable" ? null : await bucket.get(key, { range, onlyIf });
  } catch (err) {
    if (!isUnsatisfiableRange(err)) throw err;
    object = null;
  }
  if (range === "unsatisfiable" || (object === null && range !== undefined)) {
    // Either the range was bad or R2 refused it; tell the client the real size (or 404 if there is no object).
    const head = await bucket.head(key);
    if (!head) return notFound(headers);
    headers.set("Content-Range", `bytes */${head.size}`);
    headers.set("Cache-Control", "no-store");
    return new Response(null, { status: 416, headers });
  }
  if (!object) return notFound(headers);
  setObjectHeaders(headers, object, contentType, name);
  if (!("body" in object)) return new Response(null, { status: 304, headers });

  if (range !== undefined && object.range) {
    const size = object.size;
    const r = object.range as { offset?: number; length?: number; suffix?: number };
    const start = r.suffix !== undefined ? Math.max(0, size - r.suffix) : (r.offset ?? 0);
    const length = r.suffix !== undefined ? size - start : Math.min(r.length ?? size - start, size - start);
    headers.set("Content-Range", `bytes ${start}-${start + length - 1}/${size}`);
    headers.set("Content-Length", String(length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}

function setObjectHeaders(headers: Headers, object: R2Object, contentType: string, name: string) {
  headers.set("Content-Type", contentType);
  headers.set("Cache-Control", cacheControlOf(name));
  headers.set("ETag", object.httpEtag);
  headers.set("Last-Modified", object.uploaded.toUTCString());
}
