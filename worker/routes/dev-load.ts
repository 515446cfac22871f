import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { isDevelopment } from "../lib/environment.ts";
import { loadCounts, resetLoadCounts } from "../lib/load-meter.ts";

/**
 * bench:scale's counters (lib/load-meter.ts): requests per Durable Object
 * instance and queries per D1 binding since the last reset. Local development
 * only; a deployed Worker answers 404, as if the route did not exist (it
 * counts nothing there either).
 */
export const devLoad = new Hono<AppEnv>()
  .use(async function developmentOnly(c, next) {
    if (!isDevelopment(c.env)) throw new AppError(404, "not_found", `No route for ${c.req.method} ${c.req.path}.`);
    await next();
  })
  .get("/", (c) => c.json(loadCounts()))
  .post("/reset", (c) => {
    resetLoadCounts();
    return c.json(loadCounts());
  });
