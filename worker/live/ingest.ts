/**
 * The encoder's side of a live channel: who may push (the channel's secret),
 * starting and ending broadcasts (D1 asset + channel object), and the rules for
 * a pushed body (content type, size) before the channel checks its order and
 * media. Every refusal is a 4xx with its own code; nothing refused is published.
 */
import { channelBySlug, createBroadcastAsset, finishBroadcastAsset, type LiveRenditionPlan } from "../db/live.ts";
import type { Db } from "../db/client.ts";
import { indexTitles } from "../db/search-index.ts";
import { AppError } from "../lib/errors.ts";
import type { Outcome } from "./channel.ts";
import { channelStub } from "./edge.ts";
import { ingestSecretMatches } from "./secret.ts";

/** The largest part or init accepted (a 1 s part of a 2160p rung is well under 4 MiB). */
export const MAX_INGEST_BYTES = 8 * 1024 * 1024;
/** Content types of pushed media: CMAF segments and init segments. */
export const INGEST_CONTENT_TYPES = new Set(["video/iso.segment", "video/mp4"]);

export type Channel = NonNullable<Awaited<ReturnType<typeof channelBySlug>>>;

/** The channel named by the path, if the request carries its secret (`Authorization: Bearer <secret>`): 404 unknown channel, 401 otherwise. */
export async function authorizeIngest(db: Db, slug: string, authorization: string | undefined): Promise<Channel> {
  const channel = await channelBySlug(db, slug);
  if (!channel) throw new AppError(404, "unknown_channel", `No live channel "${slug}".`);
  const secret = /^Bearer ([^\s]+)$/.exec(authorization ?? "")?.[1];
  if (!secret || !(await ingestSecretMatches(secret, channel))) {
    throw new AppError(401, "invalid_ingest_secret", "This request does not carry the channel's ingest secret.");
  }
  return channel;
}

/** A pushed body: one of the media content types, at most MAX_INGEST_BYTES (read with a cap, whatever Content-Length says). */
export async function ingestBody(request: Request): Promise<ArrayBuffer> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!INGEST_CONTENT_TYPES.has(type)) throw new AppError(415, "unsupported_media_type", "Push media as video/iso.segment (parts) or video/mp4 (init).");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_INGEST_BYTES) throw new AppError(413, "payload_too_large", `A part is at most ${MAX_INGEST_BYTES} bytes.`);
  if (!request.body) throw new AppError(400, "invalid_media", "The body is empty.");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_INGEST_BYTES) {
      await reader.cancel();
      throw new AppError(413, "payload_too_large", `A part is at most ${MAX_INGEST_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  if (size === 0) throw new AppError(400, "invalid_media", "The body is empty.");
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}

/** Throws a channel refusal as the AppError the route answers with. */
export function unwrap<T extends Outcome<object>>(outcome: T): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new AppError(outcome.status, outcome.code, outcome.message);
  return outcome as Extract<T, { ok: true }>;
}

export interface StartRequest {
  renditions: LiveRenditionPlan[];
  partTargetSeconds: number;
  partsPerSegment: number;
  /** Continue the broadcast in progress (an encoder restart) rather than start a new one. */
  resume?: boolean;
  /** false: standard HLS playlists (segments only), the latency baseline; LL-HLS by default. */
  lowLatency?: boolean;
}

/**
 * Starts a broadcast — a new asset of the channel's title, its playlists the
 * channel's — or, with `resume`, continues the one in progress at the next
 * segment. A broadcast still live when a new one starts is ended and kept as VOD.
 */
export async function startBroadcast(env: Env, db: Db, channel: Channel, request: StartRequest, nowMs = Date.now()) {
  const stub = channelStub(env, channel.slug);
  const status = await stub.status();
  const names = request.renditions.map((r) => r.name);
  const current = status.broadcast;
  const sameShape = current !== null && current.renditions.join() === names.join() && current.partTargetSeconds === request.partTargetSeconds &&
    current.partsPerSegment === request.partsPerSegment && (current.lowLatency !== false) === (request.lowLatency !== false);
  if (request.resume && current && current.endedAtMs === null && sameShape) {
    return { folder: current.folder, nextMsn: status.nextMsn, resumed: true };
  }
  // The time orders broadcasts; a random tail keeps two started in one millisecond apart.
  const folder = `live-${channel.slug}-${nowMs.toString(36)}${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36).slice(0, 4)}`;
  await createBroadcastAsset(db, {
    folder,
    titleId: channel.titleId,
    segmentSeconds: request.partTargetSeconds * request.partsPerSegment,
    renditions: request.renditions,
    nowMs,
  });
  const { ended } = await stub.begin({
    folder,
    renditions: names,
    partTargetSeconds: request.partTargetSeconds,
    partsPerSegment: request.partsPerSegment,
    dvrWindowSeconds: channel.dvrWindowSeconds,
    lowLatency: request.lowLatency !== false,
  }, nowMs);
  if (ended) await finishBroadcastAsset(db, ended.folder, ended.seconds);
  // The channel's title is findable in search from its first broadcast (a channel's own title is made outside the catalog's tools).
  await indexTitles(db, [channel.titleId]);
  return { folder, nextMsn: 0, resumed: false };
}

/** Ends the broadcast in progress; its recording becomes the title's VOD. */
export async function endBroadcast(env: Env, db: Db, channel: Channel) {
  const ended = unwrap(await channelStub(env, channel.slug).end());
  await finishBroadcastAsset(db, ended.folder, ended.seconds);
  return { folder: ended.folder, durationSeconds: ended.seconds };
}
