import { Hono } from "hono";
import { z } from "zod";
import { pathId } from "../../common/schemas.ts";
import { cachedCatalogJson } from "../catalog/edge-cache.ts";
import { DEFAULT_CATALOG_LOCALE } from "../catalog/localise.ts";
import { database } from "../db/client.ts";
import { ceilingHides, genreExists, getPerson, getTitleDetail, listGenres, listTitles, TITLE_SORTS, type Cursor } from "../db/catalog.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";

const id = z.object({ id: pathId });

const listQuery = z.object({
  genre: z.string().regex(/^[a-z0-9-]{1,40}$/, "must be a genre slug").optional(),
  type: z.enum(["movie", "series"]).optional(),
  year: z.coerce.number().int().min(1870).max(2200).optional(),
  sort: z.enum(TITLE_SORTS).default("popular"),
  // A–Z cursors carry a title's sort key, up to 3 bytes a character in Japanese or Arabic, base64 on top.
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
});

const cursorShape = z.object({
  sort: z.enum(TITLE_SORTS),
  key: z.union([z.number(), z.string().max(500)]),
  id: z.number().int().positive(),
  locale: z.string().max(40).optional(),
});

/** Cursors are opaque to clients: base64url JSON of the last item's sort key and id. */
export function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor of this listing: the same sort, and for A–Z the same locale (another locale's key would skip or repeat titles). */
function decodeCursor(raw: string, sort: string, locale: string): Cursor {
  try {
    const binary = atob(raw.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
    const cursor = cursorShape.parse(JSON.parse(json));
    if (cursor.sort !== sort) throw new Error("sort changed");
    if (sort === "title" && (cursor.locale ?? DEFAULT_CATALOG_LOCALE) !== locale) throw new Error("locale changed");
    return cursor;
  } catch {
    throw new AppError(400, "invalid_cursor", "The cursor is not valid for this listing; start again without it.");
  }
}

/** Catalog browse: genres, paginated titles, title detail, people (edge-cached per variant: catalog/edge-cache.ts). */
export const catalog = new Hono<AppEnv>()
  .get("/genres", async (c) => {
    const items = await listGenres(database(c.env.DB), c.get("viewer").locale ?? DEFAULT_CATALOG_LOCALE);
    // The names are in the request's language: a shared cache must keep one copy per language.
    return c.json({ items }, 200, { "Cache-Control": "public, max-age=300", Vary: "Accept-Language" });
  })
  .get("/titles", validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort, c.get("viewer").locale ?? DEFAULT_CATALOG_LOCALE);
    return cachedCatalogJson(c, "titles", q, async () => {
      if (q.genre && !(await genreExists(db, q.genre))) {
        throw new AppError(404, "genre_not_found", `No genre "${q.genre}".`);
      }
      const page = await listTitles(db, c.get("viewer"), { ...q, cursor });
      return { items: page.items, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
    });
  })
  .get("/titles/:id", validate("param", id), async (c) => {
    const db = database(c.env.DB);
    const viewer = c.get("viewer");
    const { id } = c.req.valid("param");
    return cachedCatalogJson(c, "title", { id }, async () => {
      const detail = await getTitleDetail(db, viewer, id);
      if (detail) return detail;
      // A profile's ceiling is a refusal the viewer should understand (as playback says); anything else is not found.
      const age = await ceilingHides(db, viewer, id);
      if (age !== undefined) throw new AppError(403, "maturity_restricted", `This title is rated ${age}+, above this profile's limit.`);
      throw new AppError(404, "title_not_found", "No such title here.");
    });
  })
  .get("/people/:id", validate("param", id), async (c) => {
    const { id } = c.req.valid("param");
    return cachedCatalogJson(c, "person", { id }, async () => {
      const person = await getPerson(database(c.env.DB), c.get("viewer"), id);
      if (!person) throw new AppError(404, "person_not_found", "No such person.");
      return person;
    });
  });
