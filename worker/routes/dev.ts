import { Hono } from "hono";
import { z } from "zod";
import { database } from "../db/client.ts";
import { likeSearchTitles } from "../db/search.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { requireSession } from "../auth/session.ts";
import { viewerState } from "../progress/stub.ts";
import { isDevelopment } from "../lib/environment.ts";
import { faultFor, faultShape, setFault } from "../media/faults.ts";
import { findPathway, pathways } from "../media/pathways.ts";
import { ASSET_ID, mediaSegments, serveObject } from "../media/serve.ts";
import { demoPremiereTitle, titleSchedule } from "../db/schedule.ts";
import { forgetScheduleSnapshot, scheduleEvent } from "../schedule/events.ts";

const BASELINE_MEDIA = /^\/api\/dev\/baseline\/media\/([^/]*)\/(.*)$/s;

/**
 * Local-development tools: benchmark baselines, the pathway fault switch and
 * steering diagnostics. Every route answers 403 in a deployed Worker.
 */
export const dev = new Hono<AppEnv>()
  .use(async function developmentOnly(c, next) {
    if (!isDevelopment(c.env)) throw new AppError(403, "dev_only", "Development tools are not available here.");
    await next();
  })
  .get("/baseline/like-search", validate("query", z.object({ q: z.string().trim().min(1).max(100) })), async (c) => {
    const items = await likeSearchTitles(database(c.env.DB), c.get("viewer"), c.req.valid("query").q, 20);
    return c.json({ items });
  })
  // The floor for the media benchmark: the same R2 serving as /cdn/…, without token, pathway or fault checks.
  .get("/baseline/media/*", async (c) => {
    const match = BASELINE_MEDIA.exec(new URL(c.req.url).pathname);
    const rest = match ? mediaSegments(match[2]!) : null;
    if (!match || !ASSET_ID.test(match[1]!) || !rest) throw new AppError(400, "invalid_path", "Not a valid media path.");
    return serveObject(c.env.MEDIA, `assets/${match[1]}/${rest.join("/")}`, c.req.raw);
  })
  // The local demo's premiere (tools/dev/start.ts asks every few minutes): the next one, unless one is already scheduled or on.
  .post(
    "/demo-premiere",
    validate("json", z.object({ startsInSeconds: z.number().int().min(0).max(86_400).default(180), loops: z.number().int().min(1).max(100).default(10), titleId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() }).strict()),
    async (c) => {
      const body = c.req.valid("json");
      const db = database(c.env.DB);
      const nowMs = Date.now();
      const titleId = body.titleId ?? (await demoPremiereTitle(db, nowMs));
      if (titleId === undefined) throw new AppError(404, "no_media", "No film with media to premiere.");
      const { event } = await titleSchedule(db, titleId, nowMs);
      if (event) return c.json(event, 200);
      const created = await scheduleEvent(db, { kind: "premiere", titleId, startsAt: nowMs + body.startsInSeconds * 1000, loops: body.loops, windowSeconds: 60 }, nowMs);
      forgetScheduleSnapshot();
      return c.json(created, 201);
    },
  )
  .get("/faults", async (c) => {
    const items = await Promise.all(pathways(c.env).map(async (p) => ({ pathway: p.id, fault: await faultFor(c.env.ROWS, p.id) })));
    return c.json({ items });
  })
  .post("/faults", validate("json", faultShape), async (c) => {
    const { pathway, mode, delayMs } = c.req.valid("json");
    if (!findPathway(c.env, pathway)) throw new AppError(404, "unknown_pathway", `No pathway "${pathway}".`);
    const fault = await setFault(c.env.ROWS, pathway, mode, delayMs);
    return c.json({ pathway, mode, delayMs: fault?.delayMs ?? null });
  })
  // The floor for bench:home: a constant JSON answer through the same middleware (session, viewer).
  .get("/bench/constant", (c) => c.json({ ok: true, rows: [] }))
  // The floor plus one read-only call to the account's object (bench:scale): what a personal answer cannot do without.
  .get("/bench/object-call", async (c) => {
    const { account, sessionId, accessIssuedAt } = requireSession(c);
    return c.json({ ok: true, rows: [], standing: await viewerState(c.env, account.id).sessionStanding(sessionId, accessIssuedAt) });
  })
  // The floor for bench:progress: the same session check and object as a progress write, with a bare counter increment inside.
  .post("/bench/viewer-state-counter", async (c) => {
    const { account } = requireSession(c);
    return c.json({ n: await viewerState(c.env, account.id).increment() });
  })
  .get("/steering/:region", validate("param", z.object({ region: z.string().regex(/^[A-Z]{2}$/) })), async (c) => {
    const region = c.req.valid("param").region;
    const stub = c.env.STEERING.get(c.env.STEERING.idFromName(region));
    return c.json({ region, health: await stub.snapshot() });
  });
