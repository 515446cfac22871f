import { Hono, type Context } from "hono";
import { z } from "zod";
import { cachedCatalogJson } from "../catalog/edge-cache.ts";
import { database } from "../db/client.ts";
import { MAX_QUERY_LENGTH, searchTitles, suggestTitles } from "../db/search.ts";
import type { AppEnv } from "../app-env.ts";
import { validate } from "../lib/validate.ts";
import { broadcastRecheckMs, liveStates, withLiveStates, type LiveState } from "../schedule/live-state.ts";

const searchQuery = z.object({
  q: z.string().trim().min(1, "q is required").max(MAX_QUERY_LENGTH * 2),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const suggestQuery = searchQuery.extend({ limit: z.coerce.number().int().min(1).max(20).default(8) });

type WithLive<T> = { items: (T & { live?: LiveState })[] };

/** Adds each found title's live or upcoming state after the cache (it changes by the minute; the cached results do not). */
function live<T extends { id: number }>(c: Context<AppEnv>) {
  return async (body: WithLive<T>): Promise<WithLive<T>> => {
    // Local development sees a channel go live at once (the browser suite starts one and searches).
    const states = await liveStates(database(c.env.DB), c.get("viewer").nowMs, broadcastRecheckMs(c.env));
    return { items: withLiveStates(body.items.map(({ live: _stale, ...item }) => item as T), states) };
  };
}

type Found = Awaited<ReturnType<typeof searchTitles>>[number];
type Suggested = Awaited<ReturnType<typeof suggestTitles>>[number];

/**
 * Search and as-you-type suggestions over the viewer's visible catalog (edge-cached per variant:
 * catalog/edge-cache.ts), each title with its live state (`live`: live now or upcoming, a premiere or a live channel).
 */
export const search = new Hono<AppEnv>()
  .get("/", validate("query", searchQuery), async (c) => {
    const { q, limit } = c.req.valid("query");
    return cachedCatalogJson<WithLive<Found>>(c, "search", { q, limit }, async () => ({ items: await searchTitles(database(c.env.DB), c.get("viewer"), q, limit) }), live<Found>(c));
  })
  .get("/suggest", validate("query", suggestQuery), async (c) => {
    const { q, limit } = c.req.valid("query");
    return cachedCatalogJson<WithLive<Suggested>>(c, "suggest", { q, limit }, async () => ({ items: await suggestTitles(database(c.env.DB), c.get("viewer"), q, limit) }), live<Suggested>(c));
  });
