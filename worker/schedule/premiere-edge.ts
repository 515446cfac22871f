/**
 * A premiere on the media route: a token issued during a premiere carries its
 * clock (`ps`, `pl`, `pw`: start, plays, window), so the route needs no D1 read
 * per request. Media playlists become the live playlist of the moment
 * (premiere-playlist.ts); a segment not yet published is refused (403
 * `beyond_live_point`), so no one gets ahead of the room, whatever URL they
 * build; trickplay (thumbnails of the whole film) waits for the end.
 *
 * Caching: the VOD playlists are immutable, read from R2 once and kept per
 * isolate and in the data centre's cache; the rendered playlist only changes
 * when a segment is published, so it is cached under a key carrying the media
 * sequence and the published count, with a max-age up to the next change and an
 * ETag of the same, so a CDN or a browser may hold it exactly that long.
 */
import { AppError } from "../lib/errors.ts";
import { edgeCache } from "../lib/data-centre-cache.ts";
import type { PlaybackClaims } from "../media/tokens.ts";
import { parseVodPlaylist, premierePlaylistAt, segmentPublished, type PremiereClock, type VodPlaylist } from "./premiere-playlist.ts";

const CACHE_ORIGIN = "https://premiere.marquee.internal";
const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
/** Parsed VOD playlists per isolate (R2 key → playlist), oldest out first; re-read after a minute in case of a re-ingest. */
const parsed = new Map<string, { vod: VodPlaylist | null; atMs: number }>();
const PARSED_MAX = 256;
const PARSED_TTL_MS = 60_000;

/** The premiere clock a token carries, or undefined for ordinary playback. */
export function premiereClockOf(claims: PlaybackClaims): PremiereClock | undefined {
  if (claims.ps === undefined) return undefined;
  return { startMs: claims.ps, loops: claims.pl ?? 1, windowSeconds: claims.pw ?? 1800 };
}

/** A VOD media playlist of the asset, parsed (null when missing or not a media playlist). */
async function vodPlaylist(bucket: R2Bucket, key: string, nowMs: number): Promise<VodPlaylist | null> {
  const memo = parsed.get(key);
  if (memo && nowMs - memo.atMs < PARSED_TTL_MS) return memo.vod;
  const cacheKey = `${CACHE_ORIGIN}/vod/${key}`;
  let text = await edgeCache().match(cacheKey).then((r) => r?.text()).catch(() => undefined);
  if (text === undefined) {
    const object = await bucket.get(key);
    text = object ? await object.text() : "";
    const entry = new Response(text, { headers: { "Content-Type": PLAYLIST_TYPE, "Cache-Control": "public, max-age=300" } });
    await edgeCache().put(cacheKey, entry).catch(() => {});
  }
  const vod = parseVodPlaylist(text);
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, { vod, atMs: nowMs });
  return vod;
}

/** The live playlist of one rendition at `nowMs`, from the edge cache when this media sequence was rendered already. */
export async function premierePlaylist(bucket: R2Bucket, clock: PremiereClock, playlistKey: string, request: Request, nowMs: number): Promise<Response> {
  const vod = await vodPlaylist(bucket, playlistKey, nowMs);
  if (!vod) throw new AppError(404, "not_found", "No such media object.");
  const snapshot = premierePlaylistAt(vod, clock, nowMs);
  if (!snapshot) throw new AppError(403, "premiere_not_started", "This premiere has not started yet.");
  const maxAgeSeconds = snapshot.nextChangeMs === null ? 3600 : Math.max(1, Math.floor((snapshot.nextChangeMs - nowMs) / 1000));
  const etag = `"p${clock.startMs.toString(36)}-${clock.loops}-${clock.windowSeconds}-${snapshot.mediaSequence}-${snapshot.published}"`;
  const headers = { "Content-Type": PLAYLIST_TYPE, "Cache-Control": `public, max-age=${maxAgeSeconds}`, ETag: etag };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  // Token-free: every viewer of this premiere shares the entry for this media sequence.
  const cacheKey = `${CACHE_ORIGIN}/live/${playlistKey}?s=${clock.startMs}&l=${clock.loops}&w=${clock.windowSeconds}&m=${snapshot.mediaSequence}&n=${snapshot.published}`;
  const cached = await edgeCache().match(cacheKey).catch(() => undefined);
  if (cached) return new Response(cached.body, { status: 200, headers });
  await edgeCache().put(cacheKey, new Response(snapshot.text, { headers })).catch(() => {});
  return new Response(snapshot.text, { status: 200, headers });
}

/**
 * Refuses a media segment the premiere has not reached (403 `beyond_live_point`);
 * anything its rendition playlist does not list (init segments) passes. `rest` is
 * the path below the asset, e.g. ["video", "720p", "seg_00004.m4s"].
 */
export async function checkPremiereSegment(bucket: R2Bucket, clock: PremiereClock, keyPrefix: string, rest: string[], nowMs: number): Promise<void> {
  if (rest[0] === "trickplay") throw new AppError(403, "beyond_live_point", "Thumbnails of a premiere open when it ends.");
  if (rest.length < 2) return;
  const vod = await vodPlaylist(bucket, `${keyPrefix}${rest.slice(0, -1).join("/")}/index.m3u8`, nowMs);
  if (!vod || nowMs >= clock.startMs + vod.totalMs * clock.loops) return;
  if (segmentPublished(vod, clock, rest.at(-1)!, nowMs) === false) {
    throw new AppError(403, "beyond_live_point", "This part of the premiere has not been shown yet.");
  }
}
