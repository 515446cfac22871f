import { Hono } from "hono";
import { database } from "../db/client.ts";
import { masterSource } from "../db/playback.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { isDevelopment } from "../lib/environment.ts";
import { blockingRequestOf, channelOfFolder, liveMedia, livePlaylist } from "../live/edge.ts";
import { actOutFault, faultFor } from "../media/faults.ts";
import { renderMaster } from "../media/master.ts";
import { findPathway, pathways } from "../media/pathways.ts";
import { configuredSiteOrigin, siteOrigin } from "../lib/environment.ts";
import { CONTENT_TYPES, parseCdnPath, PLAYLIST_CACHE_CONTROL, serveObject } from "../media/serve.ts";
import { noteServed } from "../media/steering.ts";
import { afterResponse } from "../lib/after-response.ts";
import { verifyPlaybackToken } from "../media/tokens.ts";
import { countCmcd } from "../qoe/cmcd-intake.ts";
import { checkPremiereSegment, premiereClockOf, premierePlaylist } from "../schedule/premiere-edge.ts";

const RENDITION_DIR = /^(\d{2,4})p$/;
/** A media segment or init segment of a video or audio rendition: what a player fetches only to play. */
const SEGMENT_FILE = /\.(m4s|mp4)$/;
/** A media segment (not an init segment): what a playing player keeps asking for. */
const MEDIA_SEGMENT = /\.m4s$/;

/** The origin allowed to read media cross-origin: the site's own (configured, or this request's origin locally). */
function allowedOrigin(env: Env, url: string): string {
  return siteOrigin(env, url);
}

/**
 * Media under `/cdn/<pathway>/<token>/<folder>/<path>` (the folder of an asset's key prefix): the path is checked
 * before anything else, then (in development) the pathway's fault switch, then
 * the token — signature, expiry, the asset it is for, the rendition height —
 * and the object is streamed from R2. `master.m3u8` is rendered from D1 for the
 * token's height limit and the configured pathways.
 */
export const media = new Hono<AppEnv>()
  .use(async function mediaCors(c, next) {
    await next();
    c.res.headers.set("Access-Control-Allow-Origin", allowedOrigin(c.env, c.req.url));
    c.res.headers.set("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag");
  })
  .options("/*", (c) =>
    c.body(null, 204, {
      "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
      "Access-Control-Allow-Headers": "Range, If-None-Match, If-Modified-Since",
      "Access-Control-Max-Age": "86400",
    }),
  )
  .get("/*", async (c) => {
    const parsed = parseCdnPath(new URL(c.req.url).pathname);
    if (!parsed) throw new AppError(400, "invalid_path", "Not a valid media path.");
    const { pathway, token, folder, rest } = parsed;
    if (!findPathway(c.env, pathway)) throw new AppError(404, "unknown_pathway", `No pathway "${pathway}".`);
    if (isDevelopment(c.env)) {
      const fault = await faultFor(c.env.ROWS, pathway);
      if (fault) {
        const res = await actOutFault(fault, pathway);
        if (res) return res;
      }
    }
    const claims = await verifyPlaybackToken(c.env, token);
    if (claims.pfx !== `assets/${folder}/`) throw new AppError(403, "token_scope", "This token is for another asset.");
    let videoHeightPx: number | null = null;
    if (rest[0] === "video" && rest.length > 1) {
      const height = RENDITION_DIR.exec(rest[1]!);
      if (!height) throw new AppError(404, "not_found", "No such media object.");
      videoHeightPx = Number(height[1]);
      if (videoHeightPx > claims.mh) throw new AppError(403, "rendition_above_plan", `This token allows up to ${claims.mh}p.`);
    }
    // What the player says in CMCD counts toward QoE, after the response (qoe/cmcd-intake.ts).
    const object = { pathway, videoHeightPx, segment: MEDIA_SEGMENT.test(rest.at(-1)!) };
    const countPlayer = () => afterResponse(c, countCmcd(c.env, c.req.raw, claims, object, Date.now()));
    // A live broadcast's rendition folder: playlists from the channel, media from R2, both through the edge cache.
    // Its CMCD counts too (as a live view: qoe/cmcd-intake.ts tells one by the token's folder).
    if (channelOfFolder(folder) && rest[0] === "video" && rest.length === 3) {
      const res = rest[2] === "index.m3u8"
        ? await livePlaylist(c.env, folder, rest[1]!, blockingRequestOf(new URL(c.req.url).searchParams))
        : await liveMedia(c.env, folder, rest[1]!, rest[2]!, c.req.raw);
      if (res.status < 400) await countPlayer();
      return res;
    }
    if (rest.length === 1 && rest[0] === "master.m3u8") {
      const source = await masterSource(database(c.env.DB), claims.pfx);
      if (!source) throw new AppError(404, "not_found", "No such media object.");
      const text = renderMaster({
        folder,
        keyPrefix: source.keyPrefix,
        token,
        maxHeightPx: claims.mh,
        renditions: source.renditions,
        subtitles: source.subtitles,
        contentKeys: source.contentKeys,
        pathways: pathways(c.env),
        currentPathway: pathway,
        // The token rides along so the steering server counts this viewer's samples (routes/steering.ts).
        steeringUri: `${configuredSiteOrigin(c.env)}/api/steering/${claims.cc}?token=${token}`,
      });
      await countPlayer();
      // (Hono answers HEAD through this GET handler and drops the body.)
      return c.body(text, 200, {
        "Content-Type": CONTENT_TYPES.m3u8!,
        "Cache-Control": PLAYLIST_CACHE_CONTROL,
      });
    }
    // A premiere: media playlists are the live playlist of the moment, and nothing past the live point is served.
    const premiere = premiereClockOf(claims);
    if (premiere) {
      const nowMs = Date.now();
      if (rest.at(-1)!.endsWith(".m3u8")) {
        const res = await premierePlaylist(c.env.MEDIA, premiere, `${claims.pfx}${rest.join("/")}`, c.req.raw, nowMs);
        await countPlayer();
        return res;
      }
      await checkPremiereSegment(c.env.MEDIA, premiere, claims.pfx, rest, nowMs);
    }
    const res = await serveObject(c.env.MEDIA, `${claims.pfx}${rest.join("/")}`, c.req.raw);
    if (res.status < 400) await countPlayer();
    // This session is really playing: from now on its steering reports count (media/steering-state.ts).
    // Told after the response, never before it: the first segment does not wait for the region's object.
    if ((res.status === 200 || res.status === 206) && (rest[0] === "video" || rest[0] === "audio") && SEGMENT_FILE.test(rest.at(-1)!)) {
      await afterResponse(c, noteServed(c.env, claims));
    }
    return res;
  });
