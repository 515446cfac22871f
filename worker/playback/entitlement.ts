/**
 * Entitlement: whether this viewer may play this movie or episode now, and at
 * what quality — region, availability window, maturity ceiling, plan — and, if
 * so, the asset with its tracks and a playback token bound to it. Also which
 * episode a series continues with.
 */
import { PLAN_MAX_HEIGHT_PX } from "../../common/plans.ts";
import type { ErrorCode } from "../../common/error-codes.ts";
import { database } from "../db/client.ts";
import { assetTracks, playbackEpisode, playbackTitle, readyAsset } from "../db/playback.ts";
import { nextEpisodesAfter } from "../db/progress.ts";
import { AppError } from "../lib/errors.ts";
import type { Viewer } from "../lib/viewer.ts";
import { allowedVideo } from "../media/master.ts";
import { findPathway, mediaBase, pathways } from "../media/pathways.ts";
import { folderOf } from "../media/serve.ts";
import { lastKnownPriority } from "../media/steering.ts";
import { signPlaybackToken, tokenTtlSeconds, type PlaybackBinding } from "../media/tokens.ts";
import type { viewerState } from "../progress/stub.ts";

const forbidden = (code: ErrorCode, message: string) => new AppError(403, code, message);

/**
 * Entitlement for one movie or episode, each refusal with its own 403 code:
 * region, availability window, maturity ceiling, plan quality. Returns the asset
 * with its tracks and a freshly signed playback token for it.
 */
export async function entitle(
  env: Env,
  viewer: Viewer,
  titleId: number,
  episodeId: number | undefined,
  requestedMaxHeight: number | undefined,
  /** Profile, session and stream the token is bound to (the licence service checks them on every licence). */
  binding: Pick<PlaybackBinding, "pid" | "sid" | "str"> = {},
) {
  const db = database(env.DB);
  const title = await playbackTitle(db, viewer, titleId);
  if (!title) throw new AppError(404, "title_not_found", "No such title here.");
  if (!title.inRegion) throw forbidden("region_restricted", "This title is not available in your region.");
  if (!title.availableNow) throw forbidden("outside_window", "This title is not available to watch at this time.");
  if (title.maturityAge > viewer.maxMaturityAge) {
    throw forbidden("maturity_restricted", `This title is rated ${title.maturityAge}+, above this profile's limit.`);
  }
  const planMaxHeight = PLAN_MAX_HEIGHT_PX[viewer.plan];
  if (requestedMaxHeight !== undefined && requestedMaxHeight > planMaxHeight) {
    throw forbidden("quality_not_in_plan", `The ${viewer.plan} plan streams up to ${planMaxHeight}p.`);
  }
  const maxHeight = Math.min(planMaxHeight, requestedMaxHeight ?? planMaxHeight);

  let episode: Awaited<ReturnType<typeof playbackEpisode>>;
  if (title.type === "series") {
    episode = await playbackEpisode(db, titleId, episodeId);
    if (!episode) {
      throw episodeId === undefined
        ? new AppError(404, "no_media", "No episode of this series can be played yet.")
        : new AppError(404, "episode_not_found", "No such episode of this series.");
    }
  } else if (episodeId !== undefined) {
    throw new AppError(404, "episode_not_found", "A movie has no episodes.");
  }
  const asset = await readyAsset(db, episode ? { episodeId: episode.id } : { titleId });
  if (!asset) throw new AppError(404, "no_media", "This title has no video to play yet.");
  // Media URLs name the asset's folder; several assets may share one (identical media).
  const folder = folderOf(asset.keyPrefix);
  if (!folder) {
    console.error("asset row has an unexpected key prefix", asset.id, asset.keyPrefix);
    throw new AppError(404, "no_media", "This title has no video to play yet.");
  }
  const tracks = await assetTracks(db, asset.id);
  const video = allowedVideo(tracks.renditions, maxHeight);
  if (video.length === 0) {
    throw forbidden("quality_not_in_plan", `This title has no version within ${maxHeight}p (the ${viewer.plan} plan's limit).`);
  }

  const { token, expiresAtMs } = await signPlaybackToken(
    env,
    { sub: viewer.viewerId, pfx: asset.keyPrefix, mh: maxHeight, cc: viewer.country, tid: title.id, eid: episode?.id, ...binding },
    tokenTtlSeconds(asset.durationSeconds),
    viewer.nowMs,
  );
  // The master is first fetched on the region's currently preferred pathway; steering may move the player later.
  const pathway = findPathway(env, lastKnownPriority(env, viewer.country)[0]!) ?? pathways(env)[0]!;
  const base = mediaBase(pathway, token, folder);
  return { title, episode, asset, tracks, video, maxHeight, token, expiresAtMs, base };
}

/** The episode a profile continues a series with: the one in progress, or the one after a finished one; undefined = the first episode with video. */
export async function continueEpisode(env: Env, state: ReturnType<typeof viewerState>, profileId: string, titleId: number): Promise<number | undefined> {
  const latest = (await state.titleEntries(profileId, titleId))[0];
  if (!latest || latest.episodeId === null) return undefined;
  if (!latest.finished) return latest.episodeId;
  return (await nextEpisodesAfter(database(env.DB), [latest.episodeId])).get(latest.episodeId);
}

/** What an entitled playback carries to the response. */
export type Entitlement = Awaited<ReturnType<typeof entitle>>;
