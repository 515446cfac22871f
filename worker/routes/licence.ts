/**
 * The licence service (worker/licence/): `POST /api/licence` answers a CDM's
 * licence request with the keys the policy grants; `POST /api/licence/renew`
 * renews the stream (its lease and the re-checked entitlement) while it plays;
 * `POST /api/licence/release` frees its screen when the player closes;
 * `GET /api/licence/streams` lists the account's streams and
 * `DELETE /api/licence/streams/:streamId` stops one from another device.
 * The playback token rides in the `X-Playback-Token` header. A licence and a
 * renewal check the session in their one call to the account's object
 * (`authorizeStream`), so the session guard leaves those two alone.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { requireSession } from "../auth/session.ts";
import { AppError } from "../lib/errors.ts";
import { afterResponse } from "../lib/after-response.ts";
import { deviceLabel } from "../lib/device-label.ts";
import { validate } from "../lib/validate.ts";
import { KEY_SYSTEMS } from "../licence/key-systems.ts";
import { authorizeStream, grantKeys, publicLeases } from "../licence/policy.ts";
import { verifyPlaybackToken } from "../media/tokens.ts";
import { viewerState } from "../progress/stub.ts";

/** A licence request is a few hundred bytes; anything much larger is not one. */
const MAX_REQUEST_BYTES = 4096;
const licenceQuery = z.object({ keySystem: z.string().max(64).optional() });
const streamParam = z.object({ streamId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) });
const deviceHeader = z.string().trim().min(1).max(40).regex(/^[^\u0000-\u001f\u007f]+$/);

function playbackToken(c: Context<AppEnv>): string {
  const token = c.req.header("x-playback-token");
  if (!token) throw new AppError(403, "invalid_token", "A licence request needs the playback token (X-Playback-Token).");
  return token;
}

/** The device's own name (X-Device-Name, as the player sends it) or a label from its User-Agent. */
function deviceName(c: Context<AppEnv>): string {
  const named = deviceHeader.safeParse(c.req.header("x-device-name"));
  return named.success ? named.data : deviceLabel(c.req.header("user-agent"));
}

export const licence = new Hono<AppEnv>()
  .post("/", validate("query", licenceQuery), async (c) => {
    const asked = c.req.valid("query").keySystem ?? "org.w3.clearkey";
    // Own keys only: "constructor" or "__proto__" would find Object's, not a key system (the fuzzer found a 500).
    const keySystem = Object.hasOwn(KEY_SYSTEMS, asked) ? KEY_SYSTEMS[asked] : undefined;
    if (!keySystem) throw new AppError(400, "unsupported_key_system", `Key systems licensed here: ${Object.keys(KEY_SYSTEMS).join(", ")}.`);
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_REQUEST_BYTES) throw new AppError(413, "payload_too_large", "A licence request is at most 4 KB.");
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > MAX_REQUEST_BYTES) throw new AppError(413, "payload_too_large", "A licence request is at most 4 KB.");
    const kids = keySystem.requestedKeyIds(body);
    const stream = await authorizeStream(c.env, c.get("viewer"), c.get("session"), c.req.header("x-playback-token"), deviceName(c), (work) => void afterResponse(c, work));
    const { body: out, contentType } = keySystem.licence(await grantKeys(c.env, stream, kids));
    return c.body(typeof out === "string" ? out : out.slice().buffer, 200, { "content-type": contentType, "x-licence-renew-after": String(stream.renewAfterSeconds) });
  })
  .post("/renew", async (c) => {
    const stream = await authorizeStream(c.env, c.get("viewer"), c.get("session"), c.req.header("x-playback-token"), deviceName(c), (work) => void afterResponse(c, work));
    return c.json({ streamId: stream.claims.str ?? null, renewAfterSeconds: stream.renewAfterSeconds, leaseExpiresAt: stream.lease?.expiresAt ?? null });
  })
  .post("/release", async (c) => {
    // The player closed: its own screen is free at once. (Stopping from another device, below, also
    // remembers the stream so its next renewal hears why; a release is the stream's own end.)
    const claims = await verifyPlaybackToken(c.env, playbackToken(c), c.get("viewer").nowMs);
    const session = c.get("session");
    if (claims.sub !== c.get("viewer").viewerId || (session && claims.sid !== session.sessionId)) {
      throw new AppError(403, "playback_revoked", "This playback belongs to another account or was signed out.");
    }
    // The demo viewer of local development holds no lease.
    if (session && claims.str) await viewerState(c.env, session.account.id).releaseStream(claims.str);
    return c.body(null, 204);
  })
  .get("/streams", async (c) => {
    const session = requireSession(c);
    return c.json({ streams: await publicLeases(c.env, await viewerState(c.env, session.account.id).streams()) });
  })
  .delete("/streams/:streamId", validate("param", streamParam), async (c) => {
    const session = requireSession(c);
    const stopped = await viewerState(c.env, session.account.id).stopStream(c.req.valid("param").streamId);
    if (!stopped) throw new AppError(404, "stream_not_found", "No such stream is playing on this account.");
    return c.body(null, 204);
  });
