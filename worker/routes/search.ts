import { Hono } from "hono";
import { z } from "zod";
import { cachedCatalogJson } from "../catalog/edge-cache.ts";
import { database } from "../db/client.ts";
import { MAX_QUERY_LENGTH, searchTitles, suggestTitles } from "../db/search.ts";
import type { AppEnv } from "../app-env.ts";
import { validate } from "../lib/validate.ts";

const searchQuery = z.object({
  q: z.string().trim().min(1, "q is required").max(MAX_QUERY_LENGTH * 2),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const suggestQuery = searchQuery.extend({ limit: z.coerce.number().int().min(1).max(20).default(8) });

/** Search and as-you-type suggestions over the viewer's visible catalog (edge-cached per variant: catalog/edge-cache.ts). */
export const search = new Hono<AppEnv>()
  .get("/", validate("query", searchQuery), async (c) => {
    const { q, limit } = c.req.valid("query");
    return cachedCatalogJson(c, "search", { q, limit }, async () => ({ items: await searchTitles(database(c.env.DB), c.get("viewer"), q, limit) }));
  })
  .get("/suggest", validate("query", suggestQuery), async (c) => {
    const { q, limit } = c.req.valid("query");
    return cachedCatalogJson(c, "suggest", { q, limit }, async () => ({ items: await suggestTitles(database(c.env.DB), c.get("viewer"), q, limit) }));
  });
