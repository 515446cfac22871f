/**
 * Download grants: whether this profile may download a film or episode now,
 * at which quality, and what the device gets — one video rendition with its
 * audio and subtitles (as URLs under a playback token) and the ClearKey
 * licence for exactly the tiers of that rendition. Entitlement is the
 * playback rule (region, window, the profile's ceiling, the plan) asked
 * afresh on every grant and renewal; the limits per plan are held in the
 * account's ViewerState object (exact under concurrency).
 */
import { tiersWithin, isContentTier } from "../../common/content-tiers.ts";
import { DOWNLOAD_EXPIRY_MS, downloadRungs, PLAN_DOWNLOAD_LIMITS, type DownloadQuality } from "../../common/downloads.ts";
import type { Session } from "../app-env.ts";
import { database } from "../db/client.ts";
import { folderKeys } from "../db/content-keys.ts";
import { base64url, contentKeks, unwrapContentKey } from "../lib/content-keys.ts";
import { isDevelopment } from "../lib/environment.ts";
import { AppError } from "../lib/errors.ts";
import type { Viewer } from "../lib/viewer.ts";
import { entitle, type Entitlement } from "../playback/entitlement.ts";
import { checkDownloadable } from "../schedule/events.ts";
import { viewerState } from "../progress/stub.ts";
import type { DownloadGrant } from "./download-store.ts";
import { signGrant, verifyGrant } from "./grant-token.ts";

type Rendition = Entitlement["tracks"]["renditions"][number];

/** The choices a title offers this viewer, each with its size in bytes (video, audio and subtitles). */
export async function downloadOptions(env: Env, viewer: Viewer, titleId: number, episodeId: number | undefined) {
  await checkDownloadable(database(env.DB), titleId, viewer.nowMs);
  const e = await entitle(env, viewer, titleId, episodeId, undefined);
  return {
    titleId: e.title.id,
    episodeId: e.episode?.id ?? null,
    durationSeconds: e.asset.durationSeconds,
    options: downloadRungs(e.video.map((v) => v.height!), e.maxHeight).map((r) => ({ ...r, sizeBytes: sizeOf(pick(e, r.heightPx), e.asset.durationSeconds) })),
  };
}

/** The rendition files a download of height `heightPx` consists of: H.264 first (every browser decodes it), the smallest at that height. */
function pick(e: Entitlement, heightPx: number) {
  const atHeight = e.video.filter((v) => v.height === heightPx);
  const video = atHeight.find((v) => v.codecs.startsWith("avc1")) ?? atHeight[0]!;
  const audios = e.tracks.renditions.filter((r) => r.kind === "audio");
  const audio = audios.find((a) => a.isDefault) ?? audios[0] ?? null;
  return { video, audio, subtitles: e.tracks.subtitles };
}

/** About how many bytes a download takes: the renditions' measured average bitrates over the title's duration. */
function sizeOf(files: ReturnType<typeof pick>, durationSeconds: number | null): number {
  const bps = files.video.averageBandwidthBps + (files.audio?.averageBandwidthBps ?? 0);
  return Math.round((bps * Math.max(0, durationSeconds ?? 0)) / 8);
}

/** The part of an R2 key under the asset's folder (what follows the media base URL). */
function relative(e: Entitlement, key: string): string {
  if (!key.startsWith(e.asset.keyPrefix)) throw new AppError(404, "no_media", "This title's video cannot be downloaded.");
  return key.slice(e.asset.keyPrefix.length);
}

function describeVideo(e: Entitlement, r: Rendition) {
  return { path: relative(e, r.playlistKey), codecs: r.codecs, width: r.width, height: r.height, frameRate: r.frameRate, bandwidthBps: r.bandwidthBps, averageBandwidthBps: r.averageBandwidthBps };
}

function describeAudio(e: Entitlement, r: Rendition) {
  return { path: relative(e, r.playlistKey), codecs: r.codecs, language: r.language, label: r.label, channels: r.channels, bandwidthBps: r.bandwidthBps };
}

/** The ClearKey licence (W3C JSON Web Key set) for every key of the folder in the tiers `heightPx` reaches (audio is SD). */
async function downloadLicence(env: Env, keyPrefix: string, heightPx: number) {
  const tiers = new Set<string>(tiersWithin(heightPx));
  const rows = (await folderKeys(database(env.DB), keyPrefix)).filter((r) => isContentTier(r.tier) && tiers.has(r.tier));
  const keks = await contentKeks(env.CONTENT_KEKS as string | undefined, isDevelopment(env));
  const keys: { kty: "oct"; kid: string; k: string }[] = [];
  for (const row of rows) {
    let key: Uint8Array;
    try {
      key = await unwrapContentKey(keks, { keyPrefix: row.keyPrefix, tier: row.tier, keyIdHex: row.keyId }, row);
    } catch (err) {
      console.error("content key does not unwrap", row.keyPrefix, row.tier, err instanceof Error ? err.message : err);
      throw new AppError(503, "licence_unavailable", "This title's keys cannot be opened right now.");
    }
    const kid = Uint8Array.from({ length: 16 }, (_, i) => parseInt(row.keyId.slice(i * 2, i * 2 + 2), 16));
    keys.push({ kty: "oct", kid: base64url(kid), k: base64url(key) });
  }
  return { keys, type: "temporary" as const };
}

export interface DownloadRequest {
  titleId: number;
  episodeId: number | undefined;
  quality: DownloadQuality;
  deviceId: string;
  deviceName: string;
}

function limitError(result: { code: "download_device_limit" | "download_limit"; limit: number; grants: DownloadGrant[] }, viewer: Viewer): AppError {
  const plan = viewer.plan;
  const message = result.code === "download_device_limit"
    ? `Your ${plan} plan keeps downloads on ${result.limit} device${result.limit === 1 ? "" : "s"}; delete the downloads of one to download here.`
    : `Your ${plan} plan keeps ${result.limit} downloads at a time; delete one to download another.`;
  return new AppError(403, result.code, message, { details: { limit: result.limit, downloads: result.grants.map(publicGrant) } });
}

/** What another device of the account sees of a download (its device id stays private to the device). */
export function publicGrant(g: DownloadGrant) {
  const { deviceId: _deviceId, ...rest } = g;
  return rest;
}

/**
 * Grants a download: entitlement at the chosen quality, then a place within
 * the plan's limits (403 `download_device_limit` / `download_limit` with the
 * downloads holding them), then the media URLs and the licence.
 */
export async function grantDownload(env: Env, viewer: Viewer, session: Session & { profile: NonNullable<Session["profile"]> }, req: DownloadRequest) {
  await checkDownloadable(database(env.DB), req.titleId, viewer.nowMs);
  const probe = await entitle(env, viewer, req.titleId, req.episodeId, undefined);
  const rung = downloadRungs(probe.video.map((v) => v.height!), probe.maxHeight).find((r) => r.quality === req.quality);
  if (!rung) throw new AppError(403, "quality_not_in_plan", `This title has no ${req.quality} download within the ${viewer.plan} plan.`);
  const e = await entitle(env, viewer, req.titleId, req.episodeId, rung.heightPx, { pid: session.profile.id, sid: session.sessionId });
  const result = await viewerState(env, session.account.id).grantDownload({
    deviceId: req.deviceId,
    deviceName: req.deviceName,
    profileId: session.profile.id,
    titleId: e.title.id,
    episodeId: e.episode?.id ?? null,
    titleName: e.episode ? `${e.title.title} · S${e.episode.seasonNumber}:E${e.episode.number}` : e.title.title,
    quality: rung.quality,
    heightPx: rung.heightPx,
    limits: PLAN_DOWNLOAD_LIMITS[viewer.plan],
    ttlMs: DOWNLOAD_EXPIRY_MS,
    nowMs: viewer.nowMs,
  });
  if (!result.ok) throw limitError(result, viewer);
  const files = pick(e, rung.heightPx);
  return {
    download: { ...publicGrant(result.grant), token: await signGrant(env, session.account.id, result.grant) },
    title: { id: e.title.id, name: e.title.title, type: e.title.type, episode: e.episode ? { id: e.episode.id, seasonNumber: e.episode.seasonNumber, number: e.episode.number, name: e.episode.name } : null },
    media: {
      base: e.base,
      tokenExpiresAt: e.expiresAtMs,
      assetId: e.asset.id,
      durationSeconds: e.asset.durationSeconds,
      sizeBytes: sizeOf(files, e.asset.durationSeconds),
      video: describeVideo(e, files.video),
      audio: files.audio ? describeAudio(e, files.audio) : null,
      subtitles: files.subtitles.map((s) => ({ path: relative(e, s.playlistKey), language: s.language, label: s.label, isDefault: s.isDefault, isForced: s.isForced })),
      markers: { introStart: e.asset.introStartSeconds, introEnd: e.asset.introEndSeconds, creditsStart: e.asset.creditsStartSeconds },
    },
    licence: await downloadLicence(env, e.asset.keyPrefix, rung.heightPx),
  };
}

/**
 * Renews a download online: the signed grant must be this device's, the grant
 * still held and playable, and entitlement hold afresh; answers a fresh expiry,
 * its signed grant and the licence.
 */
export async function renewDownload(env: Env, viewer: Viewer, session: Session & { profile: NonNullable<Session["profile"]> }, downloadId: string, device: { deviceId: string; grant: string }) {
  const deviceId = device.deviceId;
  await verifyGrant(env, device.grant, { accountId: session.account.id, downloadId, deviceId, nowMs: viewer.nowMs });
  const state = viewerState(env, session.account.id);
  const held = await state.download(downloadId);
  if (!held || held.deviceId !== deviceId) throw new AppError(404, "download_not_found", "No such download on this device (it expired or was deleted).");
  if (held.profileId !== session.profile.id) throw new AppError(403, "download_revoked", "This download belongs to another profile.");
  if (held.heightPx > (await entitle(env, viewer, held.titleId, held.episodeId ?? undefined, undefined)).maxHeight) {
    throw new AppError(403, "quality_not_in_plan", `This download's quality is above the ${viewer.plan} plan.`);
  }
  const e = await entitle(env, viewer, held.titleId, held.episodeId ?? undefined, held.heightPx);
  const renewed = await state.renewDownload(downloadId, DOWNLOAD_EXPIRY_MS);
  if (!renewed) throw new AppError(404, "download_not_found", "No such download on this device (it expired or was deleted).");
  return { download: { ...publicGrant(renewed), token: await signGrant(env, session.account.id, renewed) }, licence: await downloadLicence(env, e.asset.keyPrefix, held.heightPx) };
}
