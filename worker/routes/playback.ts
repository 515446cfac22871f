import { Hono } from "hono";
import { z } from "zod";
import type { ErrorCode } from "../../common/error-codes.ts";
import { pathId } from "../../common/schemas.ts";
import { database } from "../db/client.ts";
import { assetTracks, nextEpisode, playbackEpisode, playbackTitle, readyAsset } from "../db/playback.ts";
import type { AppEnv, Viewer } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { PLAN_MAX_HEIGHT_PX } from "../../common/plans.ts";
import { validate } from "../lib/validate.ts";
import { allowedVideo } from "../media/master.ts";
import { findPathway, mediaBase, pathways } from "../media/pathways.ts";
import { ASSET_ID, folderOf } from "../media/serve.ts";
import { lastKnownPriority } from "../media/steering.ts";
import { signPlaybackToken, tokenTtlSeconds } from "../media/tokens.ts";
import { nextEpisodesAfter } from "../db/progress.ts";
import { viewerState } from "../progress/stub.ts";
import { isResumable } from "./progress.ts";

const idParam = z.object({ id: pathId });
const playQuery = z.object({ episode: pathId.optional() });
const playBody = z.object({
  episodeId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  /** The client's own ceiling (data saver); above the plan it is refused. */
  maxHeight: z.number().int().min(144).max(4320).optional(),
  /** On renewal: the asset being played, so a re-ingest in between is noticed (409). */
  assetId: z.string().regex(ASSET_ID).optional(),
});

const forbidden = (code: ErrorCode, message: string) => new AppError(403, code, message);

/**
 * Entitlement for one movie or episode, each refusal with its own 403 code:
 * region, availability window, maturity ceiling, plan quality. Returns the asset
 * with its tracks and a freshly signed playback token for it.
 */
async function entitle(env: Env, viewer: Viewer, titleId: number, episodeId: number | undefined, requestedMaxHeight: number | undefined) {
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
    { sub: viewer.viewerId, pfx: asset.keyPrefix, mh: maxHeight, cc: viewer.country },
    tokenTtlSeconds(asset.durationSeconds),
    viewer.nowMs,
  );
  // The master is first fetched on the region's currently preferred pathway; steering may move the player later.
  const pathway = findPathway(env, lastKnownPriority(env, viewer.country)[0]!) ?? pathways(env)[0]!;
  const base = mediaBase(pathway, token, folder);
  return { title, episode, asset, tracks, video, maxHeight, token, expiresAtMs, base };
}

/** The episode a profile continues a series with, or undefined (the first episode with video). */
async function continueEpisode(env: Env, state: ReturnType<typeof viewerState>, profileId: string, titleId: number): Promise<number | undefined> {
  const latest = (await state.titleEntries(profileId, titleId))[0];
  if (!latest || latest.episodeId === null) return undefined;
  if (!latest.finished) return latest.episodeId;
  return (await nextEpisodesAfter(database(env.DB), [latest.episodeId])).get(latest.episodeId);
}

/** `/api/playback/<id>/renew?episode=<id>` for the same title and episode. */
function renewUrl(titleId: number, episodeId: number | undefined): string {
  return `/api/playback/${titleId}/renew${episodeId !== undefined ? `?episode=${episodeId}` : ""}`;
}

/** Playback: entitlement checks, then a token-bearing master playlist URL and everything the player shows around it. */
export const playback = new Hono<AppEnv>()
  .post("/:id", validate("param", idParam), validate("query", playQuery), validate("json", playBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const session = c.get("session");
    const state = session?.profile ? viewerState(c.env, session.account.id) : undefined;
    const profileId = session?.profile?.id ?? "";
    let episodeId = c.req.valid("query").episode ?? body.episodeId;
    // A series opened without an episode continues where this profile left it: the episode in progress, or the one after a finished one.
    if (state && episodeId === undefined) episodeId = await continueEpisode(c.env, state, profileId, id);
    const e = await entitle(c.env, c.get("viewer"), id, episodeId, body.maxHeight);
    const entry = state ? await state.entry(profileId, id, e.episode?.id ?? null) : null;
    const resume = entry && isResumable(entry)
      ? { positionSeconds: entry.positionSeconds, updatedAt: entry.updatedAt, deviceName: entry.deviceName }
      : null;
    const next = e.episode ? await nextEpisode(database(c.env.DB), id, e.episode.seasonNumber, e.episode.number) : undefined;
    const { asset, tracks } = e;
    const relative = (key: string) => (key.startsWith(asset.keyPrefix) ? key.slice(asset.keyPrefix.length) : undefined);
    const trickplayPath = tracks.trickplay ? relative(tracks.trickplay.vttKey) : undefined;
    return c.json({
      titleId: e.title.id,
      type: e.title.type,
      title: e.title.title,
      episode: e.episode
        ? { id: e.episode.id, seasonNumber: e.episode.seasonNumber, number: e.episode.number, name: e.episode.name }
        : null,
      assetId: asset.id,
      masterUrl: `${e.base}master.m3u8`,
      token: e.token,
      expiresAt: e.expiresAtMs,
      renewUrl: renewUrl(id, e.episode?.id),
      plan: c.get("viewer").plan,
      maxHeight: e.maxHeight,
      qualities: [...new Set(e.video.map((v) => v.height!))].sort((a, b) => b - a),
      durationSeconds: asset.durationSeconds,
      markers: {
        introStart: asset.introStartSeconds,
        introEnd: asset.introEndSeconds,
        creditsStart: asset.creditsStartSeconds,
      },
      audioTracks: tracks.renditions
        .filter((r) => r.kind === "audio")
        .map((r) => ({ language: r.language, label: r.label, channels: r.channels, isDefault: r.isDefault })),
      subtitleTracks: tracks.subtitles.map((s) => ({ language: s.language, label: s.label, isDefault: s.isDefault, isForced: s.isForced })),
      trickplay:
        tracks.trickplay && trickplayPath
          ? {
              url: `${e.base}${trickplayPath}`,
              intervalSeconds: tracks.trickplay.intervalSeconds,
              tileWidth: tracks.trickplay.tileWidth,
              tileHeight: tracks.trickplay.tileHeight,
              columns: tracks.trickplay.columns,
              rows: tracks.trickplay.rows,
            }
          : null,
      // Where this profile stopped (any device), unless finished or barely started; null when signed out.
      resume,
      nextEpisode: next
        ? { id: next.id, seasonNumber: next.seasonNumber, number: next.number, name: next.name, runtimeMinutes: next.runtimeMinutes, stillUrl: next.stillUrl }
        : null,
    });
  })
  .post("/:id/renew", validate("param", idParam), validate("query", playQuery), validate("json", playBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const e = await entitle(c.env, c.get("viewer"), id, c.req.valid("query").episode ?? body.episodeId, body.maxHeight);
    if (body.assetId !== undefined && body.assetId !== e.asset.id) {
      throw new AppError(409, "asset_changed", "This title's video was replaced; start playback again.");
    }
    return c.json({ assetId: e.asset.id, token: e.token, masterUrl: `${e.base}master.m3u8`, expiresAt: e.expiresAtMs, maxHeight: e.maxHeight });
  });
