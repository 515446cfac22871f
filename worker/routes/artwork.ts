import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { ASSET_ID, serveObject } from "../media/serve.ts";

const params = z.object({
  assetId: z.string().regex(ASSET_ID, "not an asset id"),
  file: z.enum(["poster.jpg", "backdrop.jpg", "still.jpg"]),
});

/**
 * Catalog artwork taken from the video by ingest (posters, backdrops, episode
 * stills). Artwork is public like any catalog metadata — no playback token — and
 * only these three stills of an asset are reachable, never its media.
 */
export const artwork = new Hono<AppEnv>().get("/:assetId/:file", validate("param", params), async (c) => {
  const { assetId, file } = c.req.valid("param");
  const res = await serveObject(c.env.MEDIA, `assets/${assetId}/stills/${file}`, c.req.raw);
  if (res.status === 404) throw new AppError(404, "artwork_not_found", "No such artwork.");
  return res;
});
