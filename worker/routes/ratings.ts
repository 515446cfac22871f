import { Hono } from "hono";
import { z } from "zod";
import { titleIdParam } from "../../common/schemas.ts";
import { requireProfile } from "../auth/session.ts";
import { RATING_VALUES } from "../db/schema.ts";
import type { AppEnv } from "../app-env.ts";
import { validate } from "../lib/validate.ts";
import { rateTitle, ratings, unrateTitle } from "../profiles/taste.ts";

const ratingBody = z.object({
  value: z.union([z.literal(-1), z.literal(1), z.literal(2)], { error: `must be one of ${RATING_VALUES.join(", ")} (thumbs down, up, double up)` }),
});

/** The chosen profile's thumbs: -1 down, 1 up, 2 double up (kept in the account's object, worker/profiles/taste.ts). */
export const ratingRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { account, profile } = requireProfile(c);
    return c.json({ items: await ratings(c.env, { accountId: account.id, profileId: profile.id }) });
  })
  .put("/:titleId", validate("param", titleIdParam), validate("json", ratingBody), async (c) => {
    const { account, profile } = requireProfile(c);
    const { titleId } = c.req.valid("param");
    const { value } = c.req.valid("json");
    await rateTitle(c.env, c.get("viewer"), { accountId: account.id, profileId: profile.id }, titleId, value);
    return c.json({ titleId, value });
  })
  .delete("/:titleId", validate("param", titleIdParam), async (c) => {
    const { account, profile } = requireProfile(c);
    await unrateTitle(c.env, { accountId: account.id, profileId: profile.id }, c.req.valid("param").titleId);
    return c.body(null, 204);
  });
