/**
 * Playback queries: what a viewer may play (the region and window rule is
 * catalog.ts's `visibleTo`, so browse and playback can never disagree), the
 * ready asset of a movie or episode, its tracks, and the next episode.
 */
import { and, asc, desc, eq, exists, gt, or, sql } from "drizzle-orm";
import type { Viewer } from "../lib/viewer.ts";
import { visibleTo } from "./catalog.ts";
import type { Db } from "./client.ts";
import { folderKeysQuery } from "./content-keys.ts";
import { assets, availability, contentKeys, episodes, renditions, seasons, subtitleTracks, titles, trickplay } from "./schema.ts";

/**
 * A title with the facts entitlement needs to say *why* it may not be played:
 * whether any window covers the viewer's region at all, and whether one is open
 * now (maturity is left to the caller, which reports it separately).
 */
export async function playbackTitle(db: Db, viewer: Viewer, titleId: number) {
  return (await playbackTitleQuery(db, viewer, titleId))[0];
}

/** What playbackTitle answers for a title that exists. */
export type PlaybackTitle = NonNullable<Awaited<ReturnType<typeof playbackTitle>>>;

/** playbackTitle's query, unexecuted (a statement of the licence's batch too). */
function playbackTitleQuery(db: Db, viewer: Viewer, titleId: number) {
  // Qualified by hand: in a select list drizzle writes a column unqualified, which a subquery would bind to its own table.
  const id = sql`${titles}."id"`;
  return db
    .select({
      id: titles.id,
      type: titles.type,
      title: titles.title,
      maturityAge: titles.maturityAge,
      runtimeMinutes: titles.runtimeMinutes,
      inRegion: sql<boolean>`EXISTS (SELECT 1 FROM ${availability} a WHERE a.title_id = ${id} AND a.region IN (${viewer.country}, 'WW'))`.mapWith(Boolean),
      // visibleTo with a maturity of 0: region and window only.
      availableNow: visibleTo(viewer, id, sql`0`).mapWith(Boolean),
    })
    .from(titles)
    .where(eq(titles.id, titleId))
    .limit(1);
}

const episodeColumns = {
  id: episodes.id,
  name: episodes.name,
  number: episodes.number,
  seasonNumber: seasons.number,
  runtimeMinutes: episodes.runtimeMinutes,
  stillUrl: episodes.stillUrl,
};

const episodeHasMedia = (db: Db) =>
  exists(db.select({ one: sql`1` }).from(assets).where(and(eq(assets.episodeId, episodes.id), eq(assets.status, "ready"))));

/** One episode of a series, or (without an id) its first episode that has media; undefined when there is none. */
export async function playbackEpisode(db: Db, titleId: number, episodeId?: number) {
  return (await playbackEpisodeQuery(db, titleId, episodeId))[0];
}

/** A series' first episode that has media: the condition and the order that find it. */
function firstWithMedia(db: Db, titleId: number) {
  return { where: and(eq(episodes.titleId, titleId), episodeHasMedia(db)), order: [asc(seasons.number), asc(episodes.number)] };
}

/** playbackEpisode's query, unexecuted (a statement of the licence's batch too). */
function playbackEpisodeQuery(db: Db, titleId: number, episodeId?: number) {
  const query = db.select(episodeColumns).from(episodes).innerJoin(seasons, eq(seasons.id, episodes.seasonId));
  if (episodeId !== undefined) {
    return query.where(and(eq(episodes.id, episodeId), eq(episodes.titleId, titleId))).limit(1);
  }
  const first = firstWithMedia(db, titleId);
  return query.where(first.where).orderBy(...first.order).limit(1);
}

/** The episode after (season, number) in the same series, if any. */
export async function nextEpisode(db: Db, titleId: number, seasonNumber: number, number: number) {
  return db
    .select(episodeColumns)
    .from(episodes)
    .innerJoin(seasons, eq(seasons.id, episodes.seasonId))
    .where(
      and(
        eq(episodes.titleId, titleId),
        or(gt(seasons.number, seasonNumber), and(eq(seasons.number, seasonNumber), gt(episodes.number, number))),
      ),
    )
    .orderBy(asc(seasons.number), asc(episodes.number))
    .limit(1)
    .get();
}

/** Newest first; the id breaks a tie, so every reader picks the same asset. */
const newestFirst = [desc(assets.createdAt), asc(assets.id)];

/** The newest ready asset of a movie (`titleId`) or an episode (`episodeId`). */
export async function readyAsset(db: Db, owner: { titleId: number } | { episodeId: number }) {
  const ownedBy = "titleId" in owner ? eq(assets.titleId, owner.titleId) : eq(assets.episodeId, owner.episodeId);
  return db
    .select()
    .from(assets)
    .where(and(ownedBy, eq(assets.status, "ready")))
    .orderBy(...newestFirst)
    .limit(1)
    .get();
}

/**
 * Everything a licence re-checks, in ONE D1 round trip (a batch): the title's
 * facts (as playbackTitle), the episode the token names (a series' first with
 * media without one, as playbackEpisode), the ready assets of the film and of
 * that episode, newest first, with their renditions' kinds and heights, and the
 * wrapped keys of the token's asset folder. The caller applies entitlement's
 * rules to the rows (worker/playback/entitlement.ts `entitleStream`).
 */
export async function licenceSource(db: Db, viewer: Viewer, play: { titleId: number; episodeId?: number; keyPrefix: string }) {
  const { titleId, episodeId } = play;
  // The episode's id as SQL: the named one, or the subquery picking the one playbackEpisode picks.
  const first = firstWithMedia(db, titleId);
  const episodeRef =
    episodeId !== undefined
      ? sql`${episodeId}`
      : sql`(${db.select({ id: episodes.id }).from(episodes).innerJoin(seasons, eq(seasons.id, episodes.seasonId)).where(first.where).orderBy(...first.order).limit(1)})`;
  const owned = and(eq(assets.status, "ready"), or(eq(assets.titleId, titleId), eq(assets.episodeId, episodeRef)));
  const [titleRows, episodeRows, assetRows, renditionRows, keyRows] = await db.batch([
    playbackTitleQuery(db, viewer, titleId),
    playbackEpisodeQuery(db, titleId, episodeId),
    db.select().from(assets).where(owned).orderBy(...newestFirst),
    db.select({ assetId: renditions.assetId, kind: renditions.kind, height: renditions.height }).from(renditions).innerJoin(assets, eq(assets.id, renditions.assetId)).where(owned),
    folderKeysQuery(db, play.keyPrefix),
  ]);
  return { title: titleRows[0], episode: episodeRows[0], assets: assetRows, renditions: renditionRows, keys: keyRows };
}

const renditionColumns = {
  id: renditions.id,
  kind: renditions.kind,
  width: renditions.width,
  height: renditions.height,
  frameRate: renditions.frameRate,
  bandwidthBps: renditions.bandwidthBps,
  averageBandwidthBps: renditions.averageBandwidthBps,
  codecs: renditions.codecs,
  language: renditions.language,
  label: renditions.label,
  channels: renditions.channels,
  isDefault: renditions.isDefault,
  playlistKey: renditions.playlistKey,
};

const subtitleColumns = {
  id: subtitleTracks.id,
  language: subtitleTracks.language,
  label: subtitleTracks.label,
  isDefault: subtitleTracks.isDefault,
  isForced: subtitleTracks.isForced,
  playlistKey: subtitleTracks.playlistKey,
};

/** An asset's renditions, subtitle tracks and trickplay track, in one round trip. */
export async function assetTracks(db: Db, assetId: string) {
  const [renditionRows, subtitleRows, trickplayRows] = await db.batch([
    db.select(renditionColumns).from(renditions).where(eq(renditions.assetId, assetId)).orderBy(asc(renditions.id)),
    db.select(subtitleColumns).from(subtitleTracks).where(eq(subtitleTracks.assetId, assetId)).orderBy(asc(subtitleTracks.id)),
    db.select().from(trickplay).where(eq(trickplay.assetId, assetId)),
  ]);
  return { renditions: renditionRows, subtitles: subtitleRows, trickplay: trickplayRows[0] };
}

/**
 * What the master playlist is rendered from: the renditions and subtitle tracks
 * of the newest ready asset stored under `keyPrefix` (assets sharing a folder
 * share its media, so any of them describes it) and the folder's key ids, in one
 * batch; undefined if no ready asset uses the folder.
 */
export async function masterSource(db: Db, keyPrefix: string) {
  const newest = sql`(SELECT id FROM assets WHERE key_prefix = ${keyPrefix} AND status = 'ready' ORDER BY created_at DESC, id LIMIT 1)`;
  const [assetRows, renditionRows, subtitleRows, keyRows] = await db.batch([
    db.select({ id: assets.id }).from(assets).where(eq(assets.id, newest)),
    db.select(renditionColumns).from(renditions).where(eq(renditions.assetId, newest)).orderBy(asc(renditions.id)),
    db.select(subtitleColumns).from(subtitleTracks).where(eq(subtitleTracks.assetId, newest)).orderBy(asc(subtitleTracks.id)),
    // The folder's key ids (never the keys): the master names them as session keys.
    db.select({ tier: contentKeys.tier, keyId: contentKeys.keyId }).from(contentKeys).where(eq(contentKeys.keyPrefix, keyPrefix)).orderBy(asc(contentKeys.tier)),
  ]);
  return assetRows[0] ? { keyPrefix, renditions: renditionRows, subtitles: subtitleRows, contentKeys: keyRows } : undefined;
}
