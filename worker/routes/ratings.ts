import { Hono } from "hono";
import { z } from "zod";
import { titleIdParam } from "../../common/schemas.ts";
import { requireProfile } from "../auth/session.ts";
import { database } from "../db/client.ts";
import { deleteRating, listRatings, setRating, titleVisible } from "../db/my-list.ts";
import { RATING_VALUES } from "../db/schema.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";

const ratingBody = z.object({
  value: z.union([z.literal(-1), z.literal(1), z.literal(2)], { error: `must be one of ${RATING_VALUES.join(", ")} (thumbs down, up, double up)` }),
});

/** The chosen profile's thumbs: -1 down, 1 up, 2 double up. */
export const ratingRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { profile } = requireProfile(c);
    return c.json({ items: await listRatings(database(c.env.DB), profile.id) });
  })
  .put("/:titleId", validate("param", titleIdParam), validate("json", ratingBody), async (c) => {
    const { profile } = requireProfile(c);
    const { titleId } = c.req.valid("param");
    const { value } = c.req.valid("json");
    const db = database(c.env.DB);
    if (!(await titleVisible(db, c.get("viewer"), titleId))) throw new AppError(404, "title_not_found", "No such title here.");
    await setRating(db, profile.id, titleId, value, Date.now());
    return c.json({ titleId, value });
  })
  .delete("/:titleId", validate("param", titleIdParam), async (c) => {
    const { profile } = requireProfile(c);
    if (!(await deleteRating(database(c.env.DB), profile.id, c.req.valid("param").titleId))) {
      throw new AppError(404, "not_rated", "This profile has not rated that title.");
    }
    return c.body(null, 204);
  });
