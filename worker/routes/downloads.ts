/**
 * Offline downloads (worker/downloads/): `GET /api/downloads/options/:titleId`
 * (the Standard/Higher choices with their sizes), `POST /api/downloads` (a
 * grant: media URLs, the licence and the signed grant for this device),
 * `GET /api/downloads` (the account's downloads), `POST /api/downloads/:id/renew`
 * (online, with the signed grant: a fresh expiry, grant and licence),
 * `POST /api/downloads/:id/played` (with the signed grant: the 48 h window
 * starts) and `DELETE /api/downloads/:id` (revoked; its place is free).
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { DOWNLOAD_QUALITIES } from "../../common/downloads.ts";
import { pathId } from "../../common/schemas.ts";
import type { AppEnv } from "../app-env.ts";
import { requireProfile } from "../auth/session.ts";
import { deviceLabel } from "../lib/device-label.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { downloadOptions, grantDownload, publicGrant, renewDownload } from "../downloads/grant.ts";
import { GRANT_TOKEN_MAX_CHARS, verifyGrant } from "../downloads/grant-token.ts";
import { viewerState } from "../progress/stub.ts";

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const deviceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "an opaque device id");
const deviceNameSchema = z.string().trim().min(1).max(40).regex(/^[^\u0000-\u001f\u007f]+$/);
const grantBody = z.object({ titleId: id, episodeId: id.optional(), quality: z.enum(DOWNLOAD_QUALITIES), deviceId: deviceIdSchema, deviceName: deviceNameSchema.optional() });
const downloadParam = z.object({ downloadId: z.string().uuid() });
/** The signed grant the device holds (downloads/grant-token.ts). */
const grantToken = z.string().min(1).max(GRANT_TOKEN_MAX_CHARS);
const deviceBody = z.object({ deviceId: deviceIdSchema, grant: grantToken });
const playedBody = z.object({ deviceId: deviceIdSchema, grant: grantToken, firstPlayedAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });
const titleParam = z.object({ titleId: pathId });
const episodeQuery = z.object({ episode: pathId.optional() });

/** A grant the request's device holds and shows signed, else 403/404 (another device's download is not this device's to report on). */
async function heldByDevice(c: Context<AppEnv>, downloadId: string, deviceId: string, grant: string) {
  const session = requireProfile(c);
  await verifyGrant(c.env, grant, { accountId: session.account.id, downloadId, deviceId, nowMs: c.get("viewer").nowMs });
  const held = await viewerState(c.env, session.account.id).download(downloadId);
  if (!held || held.deviceId !== deviceId) throw new AppError(404, "download_not_found", "No such download on this device (it expired or was deleted).");
  return { session, held };
}

export const downloads = new Hono<AppEnv>()
  .get("/options/:titleId", validate("param", titleParam), validate("query", episodeQuery), async (c) => {
    requireProfile(c);
    return c.json(await downloadOptions(c.env, c.get("viewer"), c.req.valid("param").titleId, c.req.valid("query").episode));
  })
  .get("/", async (c) => {
    const session = requireProfile(c);
    return c.json({ downloads: (await viewerState(c.env, session.account.id).downloadGrants()).map(publicGrant) });
  })
  .post("/", validate("json", grantBody), async (c) => {
    const body = c.req.valid("json");
    const session = requireProfile(c);
    const granted = await grantDownload(c.env, c.get("viewer"), session, {
      titleId: body.titleId,
      episodeId: body.episodeId,
      quality: body.quality,
      deviceId: body.deviceId,
      deviceName: body.deviceName ?? deviceLabel(c.req.header("user-agent")),
    });
    return c.json(granted, 201);
  })
  .post("/:downloadId/renew", validate("param", downloadParam), validate("json", deviceBody), async (c) => {
    const session = requireProfile(c);
    return c.json(await renewDownload(c.env, c.get("viewer"), session, c.req.valid("param").downloadId, c.req.valid("json")));
  })
  .post("/:downloadId/played", validate("param", downloadParam), validate("json", playedBody), async (c) => {
    const { downloadId } = c.req.valid("param");
    const body = c.req.valid("json");
    const { session } = await heldByDevice(c, downloadId, body.deviceId, body.grant);
    const g = await viewerState(c.env, session.account.id).downloadPlayed(downloadId, body.firstPlayedAt);
    if (!g) throw new AppError(404, "download_not_found", "No such download on this device (it expired or was deleted).");
    return c.json({ download: publicGrant(g) });
  })
  .delete("/:downloadId", validate("param", downloadParam), async (c) => {
    const session = requireProfile(c);
    const revoked = await viewerState(c.env, session.account.id).revokeDownload(c.req.valid("param").downloadId);
    if (!revoked) throw new AppError(404, "download_not_found", "No such download on this account.");
    return c.body(null, 204);
  });
