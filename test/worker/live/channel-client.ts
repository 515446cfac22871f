/** A test encoder: registers a channel in D1 and pushes to it through the Worker's own fetch, as `npm run live` does over HTTP. */
import { env } from "cloudflare:workers";
import { channelInsert } from "../../../worker/db/live.ts";
import { signPlaybackToken } from "../../../worker/media/tokens.ts";
import { newIngestSecret } from "../../../worker/live/secret.ts";
import { call, db } from "../helpers.ts";
import { seedTitles } from "../media-fixtures.ts";
import { INIT, PART_1S } from "./fixtures.ts";

export const RENDITION = { name: "360p", width: 640, height: 360, frameRate: 25, bandwidthBps: 800_000, codecs: "avc1.64001e,mp4a.40.2" };

/** A catalog title with a channel on it; returns the channel's secret. */
export async function createChannel(slug: string, titleId: number, options: { maturityAge?: number; regions?: string[]; dvrWindowSeconds?: number; title?: string } = {}) {
  await seedTitles(db(), [{ id: titleId, maturityAge: options.maturityAge, regions: options.regions, title: options.title }]);
  const { secret, salt, hash } = await newIngestSecret();
  await channelInsert(db(), { slug, titleId, secretSalt: salt, secretHash: hash, dvrWindowSeconds: options.dvrWindowSeconds ?? 7200, createdAt: Date.now() });
  return secret;
}

export function ingest(path: string, secret: string | undefined, init: RequestInit & { contentType?: string } = {}) {
  const headers = new Headers(init.headers);
  if (secret !== undefined) headers.set("authorization", `Bearer ${secret}`);
  if (init.contentType) headers.set("content-type", init.contentType);
  return call(`/api/live/${path}`, { ...init, headers });
}

/** Starts a broadcast (1 s parts, `partsPerSegment` of them a segment); returns its folder. */
export async function start(slug: string, secret: string, options: { partsPerSegment?: number; renditions?: (typeof RENDITION)[]; resume?: boolean; lowLatency?: boolean } = {}) {
  const res = await ingest(`${slug}/start`, secret, {
    method: "POST",
    contentType: "application/json",
    body: JSON.stringify({ renditions: options.renditions ?? [RENDITION], partTargetSeconds: 1, partsPerSegment: options.partsPerSegment ?? 4, resume: options.resume, lowLatency: options.lowLatency }),
  });
  if (res.status !== 200) throw new Error(`start: ${res.status} ${await res.text()}`);
  return (await res.json()) as { folder: string; nextMsn: number; resumed: boolean };
}

export const putInit = (slug: string, secret: string, rendition = "360p", body: Uint8Array<ArrayBuffer> = INIT) =>
  ingest(`${slug}/${rendition}/init.mp4`, secret, { method: "PUT", contentType: "video/mp4", body });

export const putPart = (slug: string, secret: string, msn: number, part: number, rendition = "360p", body: Uint8Array<ArrayBuffer> = PART_1S) =>
  ingest(`${slug}/${rendition}/${msn}.${part}.m4s`, secret, { method: "PUT", contentType: "video/iso.segment", body });

/** A viewer's token for a broadcast folder. */
export async function viewerToken(folder: string, maxHeightPx = 1080) {
  return (await signPlaybackToken(env, { sub: "demo", pfx: `assets/${folder}/`, mh: maxHeightPx, cc: "US" }, 3600)).token;
}

/** Every R2 key under a broadcast folder. */
export async function keysOf(folder: string): Promise<string[]> {
  return (await env.MEDIA.list({ prefix: `assets/${folder}/` })).objects.map((o) => o.key).sort();
}
