import { Hono } from "hono";
import { z } from "zod";
import { titleIdParam } from "../../common/schemas.ts";
import { requireProfile } from "../auth/session.ts";
import type { AppEnv } from "../app-env.ts";
import { validate } from "../lib/validate.ts";
import { addToMyList, MY_LIST_MAX_ITEMS, myList, removeFromMyList, reorderMyList } from "../profiles/taste.ts";

const reorderBody = z.object({
  titleIds: z
    .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
    .max(MY_LIST_MAX_ITEMS)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat a title"),
});

/** The chosen profile's My List: read, add, remove, reorder (kept in the account's object, worker/profiles/taste.ts). */
export const myListRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { account, profile } = requireProfile(c);
    return c.json({ items: await myList(c.env, c.get("viewer"), { accountId: account.id, profileId: profile.id }) });
  })
  .put("/:titleId", validate("param", titleIdParam), async (c) => {
    const { account, profile } = requireProfile(c);
    const { titleId } = c.req.valid("param");
    await addToMyList(c.env, c.get("viewer"), { accountId: account.id, profileId: profile.id }, titleId);
    return c.json({ titleId, inList: true });
  })
  .delete("/:titleId", validate("param", titleIdParam), async (c) => {
    const { account, profile } = requireProfile(c);
    await removeFromMyList(c.env, { accountId: account.id, profileId: profile.id }, c.req.valid("param").titleId);
    return c.body(null, 204);
  })
  .post("/reorder", validate("json", reorderBody), async (c) => {
    const { account, profile } = requireProfile(c);
    const { titleIds } = c.req.valid("json");
    return c.json({ items: await reorderMyList(c.env, c.get("viewer"), { accountId: account.id, profileId: profile.id }, titleIds) });
  });
