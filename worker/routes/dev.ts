import { Hono } from "hono";
import { z } from "zod";
import { database } from "../db/client.ts";
import { likeSearchTitles } from "../db/search.ts";
import type { AppEnv } from "../lib/app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { isDevelopment } from "../lib/viewer.ts";

/**
 * Local-development tools (benchmark baselines; later, fault switches). Every
 * route answers 403 in a deployed Worker.
 */
export const dev = new Hono<AppEnv>()
  .use(async function developmentOnly(c, next) {
    if (!isDevelopment(c.env)) throw new AppError(403, "dev_only", "Development tools are not available here.");
    await next();
  })
  .get("/baseline/like-search", validate("query", z.object({ q: z.string().trim().min(1).max(100) })), async (c) => {
    const items = await likeSearchTitles(database(c.env.DB), c.get("viewer"), c.req.valid("query").q, 20);
    return c.json({ items });
  });
