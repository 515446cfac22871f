import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tasteChanged } from "../home/taste-events.ts";

/** After a successful write to the routes it guards (ratings, My List), the chosen profile's cached home rows are invalidated. */
export function changesTaste(): MiddlewareHandler<AppEnv> {
  return async function changesTaste(c, next) {
    await next();
    const session = c.get("session");
    if (c.req.method !== "GET" && c.res.status < 300 && session?.profile) await tasteChanged(c.env, session.account.id, session.profile.id);
  };
}
