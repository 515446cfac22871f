/**
 * Entitlement: whether this viewer may play this movie or episode now, and at
 * what quality — region, availability window, maturity ceiling, plan — and, if
 * so, the asset with its tracks and a playback token bound to it. Also which
 * episode a series continues with.
 */
import { PLAN_MAX_HEIGHT_PX } from "../../common/plans.ts";
import type { ErrorCode } from "../../common/error-codes.ts";
import { catalogEpoch, recheckMs } from "../catalog/edge-cache.ts";
import { database } from "../db/client.ts";
import { assetTracks, licenceSource, playbackEpisode, playbackTitle, readyAsset, type PlaybackTitle } from "../db/playback.ts";
import { nextEpisodesAfter } from "../db/progress.ts";
import { AppError } from "../lib/errors.ts";
import { HotCache } from "../lib/hot-cache.ts";
import type { Viewer } from "../lib/viewer.ts";
import { allowedVideo, isAllowedVideo } from "../media/master.ts";
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
  /** A premiere under way: its clock rides in the token (worker/schedule/premiere-edge.ts), which must last until its end. */
  premiere?: { ps: number; pl: number; pw: number; endsAtMs: number },
) {
  const db = database(env.DB);
  // The account's QoE opt-out comes from its access token (no D1 read) and rides on in the playback token, so media requests read nothing either.
  const optedOut = viewer.qoeOptOut === true;
  const found = await playbackTitle(db, viewer, titleId);
  const { title, maxHeight } = checkTitle(viewer, found, requestedMaxHeight);
  const episode = title.type === "series" ? checkEpisode(await playbackEpisode(db, titleId, episodeId), episodeId) : noEpisode(episodeId);
  const { asset, folder } = checkAsset(await readyAsset(db, episode ? { episodeId: episode.id } : { titleId }));
  const tracks = await assetTracks(db, asset.id);
  const video = allowedVideo(tracks.renditions, maxHeight);
  if (video.length === 0) throw noVersionWithin(viewer, maxHeight);

  const { token, expiresAtMs } = await signPlaybackToken(
    env,
    { sub: viewer.viewerId, pfx: asset.keyPrefix, mh: maxHeight, cc: viewer.country, tid: title.id, eid: episode?.id, ...binding, ...(optedOut ? { nq: 1 as const } : {}), ...(premiere ? { ps: premiere.ps, pl: premiere.pl, pw: premiere.pw } : {}) },
    tokenTtlSeconds(premiere ? Math.max(asset.durationSeconds, (premiere.endsAtMs - viewer.nowMs) / 1000) : asset.durationSeconds),
    viewer.nowMs,
  );
  // The master is first fetched on the region's currently preferred pathway; steering may move the player later.
  const pathway = findPathway(env, lastKnownPriority(env, viewer.country)[0]!) ?? pathways(env)[0]!;
  const base = mediaBase(pathway, token, folder);
  return { title, episode, asset, tracks, video, maxHeight, token, expiresAtMs, base };
}

/** The title-level rules, in order: it exists, the region, the window, the maturity ceiling, the plan's height; and the height limit that follows. */
function checkTitle<T extends PlaybackTitle>(viewer: Viewer, title: T | undefined, requestedMaxHeight: number | undefined): { title: T; maxHeight: number } {
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
  return { title, maxHeight: Math.min(planMaxHeight, requestedMaxHeight ?? planMaxHeight) };
}

/** A series' episode as found (named, or the first with media), or 404. */
function checkEpisode<E>(episode: E | undefined, episodeId: number | undefined): E {
  if (episode) return episode;
  throw episodeId === undefined
    ? new AppError(404, "no_media", "No episode of this series can be played yet.")
    : new AppError(404, "episode_not_found", "No such episode of this series.");
}

/** A movie has no episodes: naming one is 404. */
function noEpisode(episodeId: number | undefined): undefined {
  if (episodeId !== undefined) throw new AppError(404, "episode_not_found", "A movie has no episodes.");
  return undefined;
}

/** The ready asset, or 404; media URLs name its folder, so a malformed key prefix is no media either. */
function checkAsset<A extends { id: string; keyPrefix: string }>(asset: A | undefined): { asset: A; folder: string } {
  if (!asset) throw new AppError(404, "no_media", "This title has no video to play yet.");
  // Several assets may share one folder (identical media).
  const folder = folderOf(asset.keyPrefix);
  if (!folder) {
    console.error("asset row has an unexpected key prefix", asset.id, asset.keyPrefix);
    throw new AppError(404, "no_media", "This title has no video to play yet.");
  }
  return { asset, folder };
}

const noVersionWithin = (viewer: Viewer, maxHeight: number) =>
  forbidden("quality_not_in_plan", `This title has no version within ${maxHeight}p (the ${viewer.plan} plan's limit).`);

/**
 * Entitlement afresh for a stream already under way (a licence or its renewal):
 * the same rules, in the same order and with the same refusals as `entitle`, read
 * in one D1 round trip (`licenceSource`) that also brings the wrapped keys of the
 * token's folder; no token is signed. The asset is the one entitle would pick now.
 */
export async function entitleStream(env: Env, viewer: Viewer, play: { titleId: number; episodeId?: number; maxHeight: number; keyPrefix: string }) {
  const source = await cachedLicenceSource(env, viewer, play);
  const { title, maxHeight } = checkTitle(viewer, source.title, play.maxHeight);
  const episode = title.type === "series" ? checkEpisode(source.episode, play.episodeId) : noEpisode(play.episodeId);
  const { asset } = checkAsset(source.assets.find((a) => (episode ? a.episodeId === episode.id : a.titleId === title.id)));
  if (!source.renditions.some((r) => r.assetId === asset.id && isAllowedVideo(r, maxHeight))) throw noVersionWithin(viewer, maxHeight);
  return { title, episode, asset, maxHeight, keyRows: source.keys };
}

type LicenceSource = Awaited<ReturnType<typeof licenceSource>>;

/** How long an isolate keeps what a licence read of the catalog (the catalog's epoch and its next window edge end it sooner). */
const LICENCE_SOURCE_TTL_MS = 30_000;
const licenceSources = new HotCache<LicenceSource>(2 * 1024 * 1024);

/**
 * What a licence re-reads of the catalog — the title's facts for the viewer's
 * country, the episode, the ready assets, their renditions' heights and the
 * folder's wrapped keys — is the same for every viewer of a title in a country
 * until the catalog changes. An isolate keeps it under the catalog's epoch (an
 * edit to a title, its availability, assets or renditions starts a new one; a
 * window edge ends it), so a title's licences and renewals read D1 once per
 * epoch and isolate instead of once each. What is personal (the session, the
 * plan's screens, the profile's ceiling) is never in it: the lease call and
 * the rules below check those on every request. If the epoch cannot be read,
 * the licence reads D1 as before.
 */
async function cachedLicenceSource(env: Env, viewer: Viewer, play: { titleId: number; episodeId?: number; keyPrefix: string }): Promise<LicenceSource> {
  const epoch = await catalogEpoch(env.DB, viewer.country, viewer.nowMs, recheckMs(env)).catch(() => null);
  if (!epoch) return licenceSource(database(env.DB), viewer, play);
  const key = `v${epoch.version}/${viewer.country}/${play.titleId}/${play.episodeId ?? "-"}/${play.keyPrefix}`;
  const kept = licenceSources.get(key, viewer.nowMs);
  if (kept) return kept;
  const source = await licenceSource(database(env.DB), viewer, play);
  const ttlMs = Math.min(LICENCE_SOURCE_TTL_MS, (epoch.nextEdgeMs ?? Infinity) - viewer.nowMs);
  licenceSources.set(key, source, JSON.stringify(source).length, ttlMs, viewer.nowMs);
  return source;
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
