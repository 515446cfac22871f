/** POST /api/playback/:id and its renewal: validate, ask entitlement (worker/playback/entitlement.ts), answer what the player needs. */
import { Hono } from "hono";
import { z } from "zod";
import { pathId } from "../../common/schemas.ts";
import type { AppEnv } from "../app-env.ts";
import { database } from "../db/client.ts";
import { nextEpisode } from "../db/playback.ts";
import { demoViewerPlays } from "../lib/environment.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { isLiveBroadcast } from "../live/edge.ts";
import { ASSET_ID } from "../media/serve.ts";
import { renewalSeconds } from "../licence/policy.ts";
import type { Session } from "../app-env.ts";
import { continueEpisode, entitle } from "../playback/entitlement.ts";
import { isResumable } from "../progress/continue-watching.ts";
import { viewerState } from "../progress/stub.ts";
import { premiereFor } from "../schedule/events.ts";

const idParam = z.object({ id: pathId });
const playQuery = z.object({ episode: pathId.optional() });
const playBody = z.object({
  episodeId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  /** The client's own ceiling (data saver); above the plan it is refused. */
  maxHeight: z.number().int().min(144).max(4320).optional(),
  /** On renewal: the asset being played, so a re-ingest in between is noticed (409). */
  assetId: z.string().regex(ASSET_ID).optional(),
  /** The stream (this playback on this device) the token is bound to; kept across renewals so its lease stays one. */
  streamId: z.string().uuid().optional(),
});

/** `/api/playback/<id>/renew?episode=<id>` for the same title and episode. */
function renewUrl(titleId: number, episodeId: number | undefined): string {
  return `/api/playback/${titleId}/renew${episodeId !== undefined ? `?episode=${episodeId}` : ""}`;
}

/** What the token binds: the session's profile and family, and the stream (the client's across renewals, else a new one). */
function bindingOf(session: Session | undefined, streamId: string | undefined) {
  return { pid: session?.profile?.id, sid: session?.sessionId, str: streamId ?? crypto.randomUUID() };
}

/** Where and how often the player asks for licences. */
function licenceInfo(env: Env) {
  return { url: "/api/licence", renewUrl: "/api/licence/renew", keySystem: "org.w3.clearkey", renewAfterSeconds: renewalSeconds(env) };
}

/** Playback: entitlement checks, then a token-bearing master playlist URL and everything the player shows around it. */
export const playback = new Hono<AppEnv>()
  .use(async function signedInToPlay(c, next) {
    if (!c.get("session") && !demoViewerPlays(c.env)) throw new AppError(401, "sign_in_required", "Sign in to watch.");
    await next();
  })
  .post("/:id", validate("param", idParam), validate("query", playQuery), validate("json", playBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const session = c.get("session");
    const state = session?.profile ? viewerState(c.env, session.account.id) : undefined;
    const profileId = session?.profile?.id ?? "";
    let episodeId = c.req.valid("query").episode ?? body.episodeId;
    // A series opened without an episode continues where this profile left it: the episode in progress, or the one after a finished one.
    if (state && episodeId === undefined) episodeId = await continueEpisode(c.env, state, profileId, id);
    const binding = bindingOf(session, body.streamId);
    // A film premiering now plays live (its clock in the token); before its first premiere it does not play.
    const premiere = await premiereFor(database(c.env.DB), id, c.get("viewer").nowMs);
    const e = await entitle(c.env, c.get("viewer"), id, episodeId, body.maxHeight, binding, premiere);
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
      streamId: binding.str,
      licence: licenceInfo(c.env),
      plan: c.get("viewer").plan,
      maxHeight: e.maxHeight,
      qualities: [...new Set(e.video.map((v) => v.height!))].sort((a, b) => b - a),
      durationSeconds: asset.durationSeconds,
      // A live broadcast in progress (its folder is a channel's and the recording has no duration yet): the player goes low-latency.
      live: isLiveBroadcast(asset) || premiere !== undefined,
      // A premiere: everyone at the same wall-clock position; it becomes ordinary VOD at its end.
      premiere: premiere ? { startsAt: premiere.ps, endsAt: premiere.endsAtMs } : null,
      // A premiere's timeline is the wall clock (and may loop): the film's markers do not apply to it.
      markers: premiere
        ? { introStart: null, introEnd: null, creditsStart: null }
        : { introStart: asset.introStartSeconds, introEnd: asset.introEndSeconds, creditsStart: asset.creditsStartSeconds },
      audioTracks: tracks.renditions
        .filter((r) => r.kind === "audio")
        .map((r) => ({ language: r.language, label: r.label, channels: r.channels, isDefault: r.isDefault })),
      subtitleTracks: tracks.subtitles.map((s) => ({ language: s.language, label: s.label, isDefault: s.isDefault, isForced: s.isForced })),
      trickplay:
        tracks.trickplay && trickplayPath && !premiere
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
      // No resuming into a premiere: it is watched from the live point.
      resume: premiere ? null : resume,
      nextEpisode: next
        ? { id: next.id, seasonNumber: next.seasonNumber, number: next.number, name: next.name, runtimeMinutes: next.runtimeMinutes, stillUrl: next.stillUrl }
        : null,
    });
  })
  .post("/:id/renew", validate("param", idParam), validate("query", playQuery), validate("json", playBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const binding = bindingOf(c.get("session"), body.streamId);
    const premiere = await premiereFor(database(c.env.DB), id, c.get("viewer").nowMs);
    const e = await entitle(c.env, c.get("viewer"), id, c.req.valid("query").episode ?? body.episodeId, body.maxHeight, binding, premiere);
    if (body.assetId !== undefined && body.assetId !== e.asset.id) {
      throw new AppError(409, "asset_changed", "This title's video was replaced; start playback again.");
    }
    return c.json({ assetId: e.asset.id, token: e.token, masterUrl: `${e.base}master.m3u8`, expiresAt: e.expiresAtMs, maxHeight: e.maxHeight, streamId: binding.str });
  });
