/**
 * Live ingest, for encoders (`npm run live`, stock ffmpeg, OBS): authenticated
 * by the channel's secret, never a viewer's session or token. A broadcast is
 * started, fed init segments and parts in order, and ended; viewers watch it
 * through /cdn like any asset (worker/live/edge.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { database } from "../db/client.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { isDevelopment } from "../lib/environment.ts";
import { CHANNEL_SLUG, channelStub, PART_NAME } from "../live/edge.ts";
import { authorizeIngest, endBroadcast, ingestBody, startBroadcast, unwrap } from "../live/ingest.ts";

const RENDITION = /^\d{2,4}p$/;
const slugParam = z.object({ slug: z.string().regex(CHANNEL_SLUG) });
const mediaParam = z.object({ slug: z.string().regex(CHANNEL_SLUG), rendition: z.string().regex(RENDITION), name: z.string().max(32) });
const startBody = z.object({
  renditions: z
    .array(
      z.object({
        name: z.string().regex(RENDITION),
        width: z.number().int().min(16).max(7680),
        height: z.number().int().min(16).max(4320),
        frameRate: z.number().min(1).max(120),
        bandwidthBps: z.number().int().min(1000).max(200_000_000),
        codecs: z.string().regex(/^[A-Za-z0-9.]{1,40}(,[A-Za-z0-9.]{1,40}){0,2}$/),
      }),
    )
    .min(1)
    .max(6)
    .refine((rs) => new Set(rs.map((r) => r.name)).size === rs.length, "rendition names must differ"),
  partTargetSeconds: z.number().min(0.25).max(4),
  partsPerSegment: z.number().int().min(1).max(12),
  resume: z.boolean().optional(),
  lowLatency: z.boolean().optional(),
});

export const live = new Hono<AppEnv>()
  .post("/:slug/start", validate("param", slugParam), validate("json", startBody), async (c) => {
    const db = database(c.env.DB);
    const channel = await authorizeIngest(db, c.req.valid("param").slug, c.req.header("authorization"));
    return c.json(await startBroadcast(c.env, db, channel, c.req.valid("json")));
  })
  .post("/:slug/end", validate("param", slugParam), async (c) => {
    const db = database(c.env.DB);
    const channel = await authorizeIngest(db, c.req.valid("param").slug, c.req.header("authorization"));
    return c.json(await endBroadcast(c.env, db, channel));
  })
  // bench:live's counter: viewer calls that reached the channel object (the edge cache should keep them near one per part). Not in a deployed Worker.
  .get("/:slug/object-calls", validate("param", slugParam), async (c) => {
    if (!isDevelopment(c.env)) throw new AppError(404, "not_found", "Not found.");
    return c.json({ calls: await channelStub(c.env, c.req.valid("param").slug).viewerCallCount() });
  })
  .put("/:slug/:rendition/:name", validate("param", mediaParam), async (c) => {
    const { slug, rendition, name } = c.req.valid("param");
    const part = PART_NAME.exec(name);
    if (name !== "init.mp4" && !part) throw new AppError(404, "not_found", "Push init.mp4 or <msn>.<part>.m4s.");
    const channel = await authorizeIngest(database(c.env.DB), slug, c.req.header("authorization"));
    const body = await ingestBody(c.req.raw);
    const stub = channelStub(c.env, channel.slug);
    if (!part) return c.json(unwrap(await stub.putInit(rendition, body)), 201);
    return c.json(unwrap(await stub.putPart(rendition, Number(part[1]), Number(part[2]), body)), 201);
  });
