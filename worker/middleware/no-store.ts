import type { MiddlewareHandler } from "hono";

/** API responses are personal (region, profile) unless a route says otherwise: `Cache-Control: no-store` when none is set. */
export function noStoreByDefault(): MiddlewareHandler {
  return async function noStoreByDefault(c, next) {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}
