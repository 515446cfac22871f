/**
 * The operations console's API (`/api/ops`), for operator accounts only
 * (`npm run admin -- grant <email>`); everyone else, signed in or not, gets
 * 403 `not_operator`.
 * - `GET /api/ops/series?range=1h|24h|30d&title=&pathway=&country=&device=&player=`
 * - `GET /api/ops/breakdown?by=title|pathway|country|device|player|rendition&failing=1&range=…&<filters>`
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { QOE_DEVICE_CLASSES, QOE_PATHWAY_ID, QOE_PLAYER_VERSION } from "../../common/qoe.ts";
import type { AppEnv } from "../app-env.ts";
import { database } from "../db/client.ts";
import { isOperator, type QoeDimension } from "../db/qoe.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { consoleBreakdown, consoleSeries, CONSOLE_RANGES } from "../qoe/console.ts";

const filters = {
  range: z.enum(Object.keys(CONSOLE_RANGES) as [keyof typeof CONSOLE_RANGES]).default("1h"),
  title: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  pathway: z.string().regex(QOE_PATHWAY_ID).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code").optional(),
  device: z.enum(QOE_DEVICE_CLASSES).optional(),
  player: z.string().regex(QOE_PLAYER_VERSION).optional(),
};
const seriesQuery = z.object(filters);
const DIMENSIONS: Record<string, QoeDimension> = { title: "titleId", pathway: "pathway", country: "country", device: "device", player: "player", rendition: "rendition" };
const breakdownQuery = z.object({
  ...filters,
  by: z.enum(Object.keys(DIMENSIONS) as [string, ...string[]]),
  failing: z.enum(["0", "1"]).default("0"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** 403 unless the signed-in account is an operator. */
async function requireOperator(c: Context<AppEnv>): Promise<void> {
  const session = c.get("session");
  if (!session || !(await isOperator(database(c.env.DB), session.account.id))) {
    throw new AppError(403, "not_operator", "The operations console is for operator accounts.");
  }
}

function filterOf(q: z.infer<typeof seriesQuery>) {
  return { titleId: q.title, pathway: q.pathway, country: q.country, device: q.device, player: q.player };
}

export const opsRoutes = new Hono<AppEnv>()
  .use(async function operatorsOnly(c, next) {
    await requireOperator(c);
    await next();
  })
  .get("/series", validate("query", seriesQuery), async (c) => {
    const q = c.req.valid("query");
    return c.json(await consoleSeries(database(c.env.DB), q.range, filterOf(q), Date.now()));
  })
  .get("/breakdown", validate("query", breakdownQuery), async (c) => {
    const q = c.req.valid("query");
    const rows = await consoleBreakdown(database(c.env.DB), DIMENSIONS[q.by]!, q.range, filterOf(q), Date.now(), { failing: q.failing === "1", limit: q.limit });
    return c.json({ by: q.by, range: q.range, rows });
  });
