/** D1 side of live channels: the channel row, and each broadcast as an ordinary asset (so entitlement and the master work as for VOD). */
import { and, eq, like, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { assets, liveChannels, renditions } from "./schema.ts";

/** A channel by slug, or undefined. */
export function channelBySlug(db: Db, slug: string) {
  return db.select().from(liveChannels).where(eq(liveChannels.slug, slug)).get();
}

/** One rendition as the encoder declares it at the start of a broadcast. */
export interface LiveRenditionPlan {
  name: string;
  width: number;
  height: number;
  frameRate: number;
  bandwidthBps: number;
  codecs: string;
}

/** Registers a broadcast as a ready asset of the channel's title, its renditions' playlists being the channel's live ones. */
export async function createBroadcastAsset(
  db: Db,
  input: { folder: string; titleId: number; segmentSeconds: number; renditions: LiveRenditionPlan[]; nowMs: number },
): Promise<void> {
  const keyPrefix = `assets/${input.folder}/`;
  await db.batch([
    db.insert(assets).values({
      id: input.folder,
      titleId: input.titleId,
      status: "ready",
      keyPrefix,
      masterKey: `${keyPrefix}master.m3u8`,
      durationSeconds: 0,
      segmentSeconds: input.segmentSeconds,
      createdAt: input.nowMs,
    }),
    db.insert(renditions).values(
      input.renditions.map((r) => ({
        assetId: input.folder,
        kind: "video" as const,
        width: r.width,
        height: r.height,
        frameRate: r.frameRate,
        bandwidthBps: r.bandwidthBps,
        averageBandwidthBps: r.bandwidthBps,
        codecs: r.codecs,
        playlistKey: `${keyPrefix}video/${r.name}/index.m3u8`,
      })),
    ),
  ]);
}

/** A finished broadcast becomes VOD: its duration, and the recording playlists (written by the channel) instead of the live ones. */
export async function finishBroadcastAsset(db: Db, folder: string, durationSeconds: number): Promise<void> {
  const rows = await db.select({ id: renditions.id, playlistKey: renditions.playlistKey }).from(renditions).where(eq(renditions.assetId, folder)).all();
  await db.batch([
    db.update(assets).set({ durationSeconds }).where(eq(assets.id, folder)),
    ...rows.map((r) => db.update(renditions).set({ playlistKey: r.playlistKey.replace(/index\.m3u8$/, "vod.m3u8") }).where(eq(renditions.id, r.id))),
  ]);
}

/** The statement that registers a channel (the operator's tool runs it against local or remote D1). */
export function channelInsert(db: Db, row: typeof liveChannels.$inferInsert) {
  return db.insert(liveChannels).values(row);
}

/** Titles with a channel broadcast in progress (a live folder's asset, ready, whose end has not written its duration), with its start. */
export function titlesBroadcasting(db: Db): Promise<{ titleId: number; startedAt: number }[]> {
  return db
    .select({ titleId: sql<number>`${assets.titleId}`, startedAt: assets.createdAt })
    .from(assets)
    .innerJoin(liveChannels, eq(liveChannels.titleId, assets.titleId))
    .where(and(eq(assets.status, "ready"), eq(assets.durationSeconds, 0), like(assets.id, "live-%")))
    .all();
}
