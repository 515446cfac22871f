/**
 * QoE collection. `POST /api/qoe` takes one beacon of a view (JSON, or
 * `text/plain` JSON so `navigator.sendBeacon` works) and hands it to the view's
 * QoeShard object; it answers `202 { stored }`. Nothing is stored when the
 * browser sends the Global Privacy Control (`Sec-GPC: 1`, checked per request)
 * or the signed-in account opted out — which its access token states, so a
 * beacon reads no storage (docs/SCALING.md §6.8). No IP, user agent, account or profile goes with it: the
 * shard gets the beacon and the edge's country only.
 *
 * `POST /api/qoe/rows` takes a batch of Home-row impressions and plays
 * (common/home-rows.ts) the same way, for the console's click-through table,
 * under the same privacy switches: `202 { stored }` (false for a retried batch).
 *
 * `GET /api/qoe/consent` and `PUT /api/qoe/consent { optOut }`: the account's
 * choice (the account page), account-level, so not from a kids profile. D1's
 * `qoe_opt_outs` is the record; a change is one of the account's token facts
 * (like a plan change): the account's object marks them changed, so other
 * devices' tokens are sent to refresh on their next personal request and come
 * back stating it, and this device gets a fresh token in the same response.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { reissueAccess, requireSession } from "../auth/session.ts";
import { database } from "../db/client.ts";
import { qoeOptedOut, setQoeOptOut } from "../db/qoe.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { QOE_MAX_BODY_BYTES, qoeBeacon } from "../qoe/beacon.ts";
import { homeRowBatch } from "../qoe/home-rows.ts";
import { gpcRequested } from "../qoe/privacy.ts";
import { qoeShard } from "../qoe/stub.ts";
import { viewerState } from "../progress/stub.ts";

const consentBody = z.object({ optOut: z.boolean() }).strict();

/** The body as JSON, whichever of the two accepted content types carried it. */
async function beaconJson(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && type !== "text/plain") {
    throw new AppError(415, "unsupported_media_type", "Send the beacon as application/json or text/plain JSON.");
  }
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new AppError(400, "invalid_json", "The body is not valid JSON.");
  }
}

/** The body parsed by `schema`, or 400 naming the first problem. */
async function beaconOf<T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await beaconJson(c));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new AppError(400, "invalid_beacon", `${where}${issue?.message ?? "invalid beacon"}`);
  }
  return parsed.data;
}

/** Why nothing may be stored for this request (GPC, or the signed-in account opted out, as its token says), or null; no storage read. */
function collectionRefused(c: Context<AppEnv>): "gpc" | "opted_out" | null {
  if (gpcRequested(c.req.raw.headers)) return "gpc";
  if (c.get("session")?.qoeOptOut) return "opted_out";
  return null;
}

const beaconLimit = () =>
  bodyLimit({
    maxSize: QOE_MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(413, "payload_too_large", `A beacon is at most ${QOE_MAX_BODY_BYTES} bytes.`);
    },
  });

export const qoeRoutes = new Hono<AppEnv>()
  .post("/", beaconLimit(), async (c) => {
    const beacon = await beaconOf(c, qoeBeacon);
    const refused = collectionRefused(c);
    if (refused) return c.json({ stored: false, reason: refused }, 202);
    const stored = await qoeShard(c.env, beacon.viewId).ingest(beacon, { country: c.get("viewer").country, nowMs: Date.now() });
    return c.json({ stored, reason: stored ? undefined : "duplicate" }, 202);
  })
  .post("/rows", beaconLimit(), async (c) => {
    const batch = await beaconOf(c, homeRowBatch);
    const refused = collectionRefused(c);
    if (refused) return c.json({ stored: false, reason: refused }, 202);
    // Sharded by the batch id like views by theirs: no hot object, and a retry reaches the object that saw it.
    const stored = await qoeShard(c.env, batch.batchId).ingestRows(batch, Date.now());
    return c.json({ stored, reason: stored ? undefined : "duplicate" }, 202);
  })
  .get("/consent", async (c) => {
    const { account } = requireSession(c);
    return c.json({ optedOut: await qoeOptedOut(database(c.env.DB), account.id), gpc: gpcRequested(c.req.raw.headers) });
  })
  .put("/consent", validate("json", consentBody), async (c) => {
    const session = requireSession(c);
    if (session.profile?.isKids) throw new AppError(403, "kids_profile", "Account settings are not available from a kids profile.");
    const { optOut } = c.req.valid("json");
    await setQoeOptOut(database(c.env.DB), session.account.id, optOut, Date.now());
    // A fact every access token states: older tokens go stale (the account's other devices refresh into it), this device gets a fresh one now.
    await viewerState(c.env, session.account.id).sessionFactsChanged();
    const accessExpiresAt = await reissueAccess(c, session, { qoeOptOut: optOut });
    return c.json({ optedOut: optOut, gpc: gpcRequested(c.req.raw.headers), accessExpiresAt });
  });
