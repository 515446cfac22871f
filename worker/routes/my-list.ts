import { Hono } from "hono";
import { z } from "zod";
import { titleIdParam } from "../../common/schemas.ts";
import { requireProfile } from "../auth/session.ts";
import { database } from "../db/client.ts";
import { addToMyList, listMyList, myListTitleIds, removeFromMyList, reorderMyList, titleVisible } from "../db/my-list.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";

/** Titles one profile's list may hold. */
export const MY_LIST_MAX_ITEMS = 500;

const reorderBody = z.object({
  titleIds: z
    .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
    .max(MY_LIST_MAX_ITEMS)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat a title"),
});

/** The chosen profile's My List: read, add, remove, reorder. */
export const myListRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { profile } = requireProfile(c);
    return c.json({ items: await listMyList(database(c.env.DB), c.get("viewer"), profile.id) });
  })
  .put("/:titleId", validate("param", titleIdParam), async (c) => {
    const { profile } = requireProfile(c);
    const { titleId } = c.req.valid("param");
    const db = database(c.env.DB);
    // A title this profile may not see (maturity, region, window) cannot be listed: the same 404 as the catalog's.
    if (!(await titleVisible(db, c.get("viewer"), titleId))) throw new AppError(404, "title_not_found", "No such title here.");
    if (!(await addToMyList(db, profile.id, titleId, Date.now(), MY_LIST_MAX_ITEMS))) {
      throw new AppError(409, "list_full", `My List holds at most ${MY_LIST_MAX_ITEMS} titles.`);
    }
    return c.json({ titleId, inList: true });
  })
  .delete("/:titleId", validate("param", titleIdParam), async (c) => {
    const { profile } = requireProfile(c);
    const { titleId } = c.req.valid("param");
    if (!(await removeFromMyList(database(c.env.DB), profile.id, titleId))) {
      throw new AppError(404, "not_in_list", "That title is not in My List.");
    }
    return c.body(null, 204);
  })
  .post("/reorder", validate("json", reorderBody), async (c) => {
    const { profile } = requireProfile(c);
    const { titleIds } = c.req.valid("json");
    const db = database(c.env.DB);
    const current = new Set(await myListTitleIds(db, profile.id));
    // The new order must name exactly the titles on the list, so a stale client cannot drop or resurrect any.
    if (titleIds.length !== current.size || titleIds.some((id) => !current.has(id))) {
      throw new AppError(409, "list_changed", "My List changed meanwhile; reload it and reorder again.");
    }
    await reorderMyList(db, profile.id, titleIds);
    return c.json({ items: await listMyList(db, c.get("viewer"), profile.id) });
  });
