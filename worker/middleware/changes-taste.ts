import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { database } from "../db/client.ts";
import { bumpHomeVersion } from "../db/home.ts";

/** After a successful write to the routes it guards (ratings, My List), the chosen profile's cached home rows are invalidated. */
export function changesTaste(): MiddlewareHandler<AppEnv> {
  return async function changesTaste(c, next) {
    await next();
    const profile = c.get("session")?.profile;
    if (c.req.method !== "GET" && c.res.status < 300 && profile) await bumpHomeVersion(database(c.env.DB), profile.id);
  };
}
