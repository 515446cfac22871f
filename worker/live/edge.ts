/**
 * Viewers' side of a live channel, kept off the object: playlists and parts go
 * through the edge cache (Cache API) under token-free keys, and concurrent
 * misses for one key in an isolate share one object call — so a channel costs
 * about one object request per (rendition, part) however many watch it.
 */
import { AppError } from "../lib/errors.ts";
import { IMMUTABLE_CACHE_CONTROL, serveObject } from "../media/serve.ts";
import type { LiveChannel } from "./channel.ts";
import { edgeCache } from "../lib/data-centre-cache.ts";
import { HotCache } from "../lib/hot-cache.ts";

/** Broadcast folders: `live-<slug>-<broadcast id>`. */
export const LIVE_FOLDER = /^live-([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)-([a-z0-9]{1,16})$/;
/** Channel slugs. */
export const CHANNEL_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** A part object: `<msn>.<part>.m4s`. */
export const PART_NAME = /^(\d{1,9})\.(\d{1,3})\.m4s$/;

/** The channel of a broadcast folder, or undefined for a VOD folder. */
export function channelOfFolder(folder: string): string | undefined {
  return LIVE_FOLDER.exec(folder)?.[1];
}

/** Whether an asset is a channel's broadcast still in progress (ending one writes its duration). */
export function isLiveBroadcast(asset: { keyPrefix: string; durationSeconds: number }): boolean {
  const folder = /^assets\/([^/]+)\/$/.exec(asset.keyPrefix)?.[1];
  return folder !== undefined && channelOfFolder(folder) !== undefined && asset.durationSeconds === 0;
}

/** The channel object of a slug. */
export function channelStub(env: Env, slug: string): DurableObjectStub<LiveChannel> {
  return env.LIVE_CHANNEL.get(env.LIVE_CHANNEL.idFromName(slug));
}

export interface BlockingRequest {
  msn?: number;
  part?: number;
  skip?: boolean;
}

/** `_HLS_msn`, `_HLS_part`, `_HLS_skip` (§6.2.5): integers and YES/v2, `_HLS_part` only with `_HLS_msn`; anything else is a 400. */
export function blockingRequestOf(params: URLSearchParams): BlockingRequest {
  const int = (name: string, max: number) => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    if (!/^\d{1,10}$/.test(raw) || Number(raw) > max) throw new AppError(400, "invalid_query", `${name} must be an integer from 0 to ${max}.`);
    return Number(raw);
  };
  const msn = int("_HLS_msn", 999_999_999);
  const part = int("_HLS_part", 999);
  if (part !== undefined && msn === undefined) throw new AppError(400, "invalid_query", "_HLS_part needs _HLS_msn.");
  const skipRaw = params.get("_HLS_skip");
  if (skipRaw !== null && skipRaw !== "YES" && skipRaw !== "v2") throw new AppError(400, "invalid_query", "_HLS_skip must be YES or v2.");
  return { msn, part, skip: skipRaw !== null };
}


const CACHE_ORIGIN = "https://live-edge.marquee.internal";
const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
interface Buffered {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer | null;
}
const inflight = new Map<string, Promise<Buffered>>();
/** The answers just loaded, for the viewers right behind (lib/hot-cache.ts): 16 MB at most. */
const hot = new HotCache<Buffered>(16 * 1024 * 1024);
/** How long an answer stays in memory: as long as the edge cache keeps it (max-age), at most one 4 s segment. */
const HOT_MAX_MS = 4000;

const toResponse = (b: Buffered) => new Response(b.body, { status: b.status, headers: b.headers });

/** The answer kept in this isolate's memory for `key`, if any. */
function fromMemory(key: string): Response | undefined {
  const b = hot.get(key);
  return b && toResponse(b);
}

/** The longest a viewer waits on a load another viewer's request started (its longest blocking wait is two of 3 × 4 s, channel.ts). */
const JOIN_LIMIT_MS = 26_000;

/** `load`'s answer, buffered (no stream crosses to another request), kept in memory for its max-age. */
async function buffer(key: string, load: () => Promise<Response>): Promise<Buffered> {
  const r = await load();
  const b: Buffered = { status: r.status, headers: [...r.headers], body: r.body ? await r.arrayBuffer() : null };
  const maxAge = b.status === 200 ? /\bmax-age=(\d+)/.exec(r.headers.get("cache-control") ?? "")?.[1] : undefined;
  if (maxAge !== undefined) hot.set(key, b, b.body?.byteLength ?? 0, Math.min(Number(maxAge) * 1000, HOT_MAX_MS));
  return b;
}

/**
 * Runs `load` once per key for concurrent callers in this isolate (buffered),
 * each getting its own Response; a cacheable answer stays in memory for the
 * callers that come just after (its max-age, at most HOT_MAX_MS). A caller
 * that joined another request's load stops waiting after JOIN_LIMIT_MS and
 * loads for itself: a cancelled request's load may never settle.
 */
async function shared(key: string, load: () => Promise<Response>): Promise<Response> {
  const joined = inflight.get(key);
  if (joined) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), JOIN_LIMIT_MS)));
    const b = await Promise.race([joined, gaveUp]).finally(() => clearTimeout(timer));
    return toResponse(b ?? (await buffer(key, load)));
  }
  const pending = buffer(key, load).finally(() => {
    if (inflight.get(key) === pending) inflight.delete(key);
  });
  inflight.set(key, pending);
  return toResponse(await pending);
}

/**
 * A rendition's live playlist: from the edge cache, or from the channel (once
 * per key across concurrent viewers). A blocking answer that reached its
 * position is cached for six target durations' worth of viewers; a plain
 * reload for one second; an answer that timed out not at all.
 */
export async function livePlaylist(env: Env, folder: string, rendition: string, request: BlockingRequest): Promise<Response> {
  const slug = channelOfFolder(folder)!;
  const key = `${CACHE_ORIGIN}/${folder}/${rendition}/index.m3u8?msn=${request.msn ?? ""}&part=${request.part ?? ""}&skip=${request.skip ? 1 : 0}`;
  const cache = edgeCache();
  const hit = await cache.match(key);
  if (hit) return new Response(hit.body, hit);
  return shared(key, async () => {
    // A player's first playlist holds a whole segment (channel.ts, `wholeSegment`).
    const out = await channelStub(env, slug).playlist(rendition, { ...request, wholeSegment: true });
    if (!out.ok) {
      return Response.json({ error: { code: out.code, message: out.message } }, { status: out.status, headers: { "Cache-Control": "no-store" } });
    }
    const blocking = request.msn !== undefined;
    const cacheControl = out.ended ? "public, max-age=2" : !out.reached ? "no-store" : blocking ? "public, max-age=24" : "public, max-age=1";
    const response = new Response(out.text, { headers: { "Content-Type": PLAYLIST_TYPE, "Cache-Control": cacheControl } });
    if (cacheControl !== "no-store") await cache.put(key, response.clone());
    return response;
  });
}

/**
 * A part or segment object of a live broadcast: from the edge cache, else R2;
 * the part a playlist hints at (PRELOAD-HINT) but not yet published waits at the
 * channel (bounded) instead of a 404. Ranged and conditional requests go to R2.
 */
export async function liveMedia(env: Env, folder: string, rendition: string, name: string, request: Request): Promise<Response> {
  const key = `${CACHE_ORIGIN}/${folder}/${rendition}/${name}`;
  const key2 = `assets/${folder}/video/${rendition}/${name}`;
  const plain = request.method === "GET" && !request.headers.has("range") && !request.headers.has("if-none-match") && !request.headers.has("if-modified-since");
  if (!plain) return serveObject(env.MEDIA, key2, request);
  const remembered = fromMemory(key);
  if (remembered) return remembered;
  const cache = edgeCache();
  const hit = await cache.match(key);
  if (hit) return new Response(hit.body, hit);
  return shared(key, async () => {
    let response = await serveObject(env.MEDIA, key2, request);
    const part = PART_NAME.exec(name);
    if (response.status === 404 && part) {
      const slug = channelOfFolder(folder)!;
      if (await channelStub(env, slug).awaitPart(rendition, Number(part[1]), Number(part[2]))) response = await serveObject(env.MEDIA, key2, request);
    }
    if (response.status === 200) {
      const copy = new Response(response.body, response);
      copy.headers.set("Cache-Control", IMMUTABLE_CACHE_CONTROL);
      await cache.put(key, copy.clone());
      return copy;
    }
    return response;
  });
}
