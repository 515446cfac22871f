/**
 * The operations console's API (`/api/ops`), for operator accounts only
 * (`npm run admin -- grant <email>`); everyone else, signed in or not, gets
 * 403 `not_operator`.
 * - `GET /api/ops/series?range=1h|24h|30d&title=&pathway=&country=&device=&player=&stream=live|vod`
 * - `GET /api/ops/breakdown?by=title|pathway|country|device|player|rendition&failing=1&range=…&<filters>`
 * - `GET /api/ops/home-rows?days=1..90&device=` (Home rows' click-through per row kind over the last days, today included)
 * - `GET /api/ops/alerts` (rules with their state, the latest events, whether a webhook is set),
 *   `POST /api/ops/alerts`, `PUT /api/ops/alerts/:id`, `DELETE /api/ops/alerts/:id` (qoe/alerts.ts)
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { QOE_DEVICE_CLASSES, QOE_MIN_CELL_VIEWS, QOE_PATHWAY_ID, QOE_PLAYER_VERSION, QOE_STREAMS } from "../../common/qoe.ts";
import type { AppEnv } from "../app-env.ts";
import { database } from "../db/client.ts";
import { homeRowCtr } from "../db/home-rows.ts";
import { isOperator, type QoeDimension } from "../db/qoe.ts";
import { alertRuleCount, alertRules, createAlertRule, deleteAlertRule, MAX_ALERT_RULES, recentAlertEvents, updateAlertRule } from "../db/qoe-alerts.ts";
import { alertWebhook } from "../lib/environment.ts";
import { ALERT_METRICS, ALERT_OPS, MAX_ALERT_WINDOW_MINUTES } from "../qoe/alerts.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { consoleBreakdown, consoleSeries, CONSOLE_RANGES } from "../qoe/console.ts";
import { epochDay } from "../qoe/home-rows.ts";

const filters = {
  range: z.enum(Object.keys(CONSOLE_RANGES) as [keyof typeof CONSOLE_RANGES]).default("1h"),
  title: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  pathway: z.string().regex(QOE_PATHWAY_ID).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code").optional(),
  device: z.enum(QOE_DEVICE_CLASSES).optional(),
  player: z.string().regex(QOE_PLAYER_VERSION).optional(),
  stream: z.enum(QOE_STREAMS).optional(),
};
const seriesQuery = z.object(filters);
const DIMENSIONS: Record<string, QoeDimension> = { title: "titleId", pathway: "pathway", country: "country", device: "device", player: "player", rendition: "rendition" };
const breakdownQuery = z.object({
  ...filters,
  by: z.enum(Object.keys(DIMENSIONS) as [string, ...string[]]),
  failing: z.enum(["0", "1"]).default("0"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** An alert rule as an operator writes it; filters left out (or null) watch everything. */
const alertRuleBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    metric: z.enum(ALERT_METRICS),
    op: z.enum(ALERT_OPS),
    threshold: z.number().finite().min(-1e9).max(1e9),
    windowMinutes: z.number().int().min(1).max(MAX_ALERT_WINDOW_MINUTES).default(5),
    minViews: z.number().int().min(QOE_MIN_CELL_VIEWS).max(1_000_000).default(QOE_MIN_CELL_VIEWS),
    titleId: filters.title.nullable().default(null),
    pathway: z.string().regex(QOE_PATHWAY_ID).nullable().default(null),
    country: filters.country.nullable().default(null),
    device: z.enum(QOE_DEVICE_CLASSES).nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .strict();
const homeRowsQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(7), device: z.enum(QOE_DEVICE_CLASSES).optional() });
const ruleParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** 403 unless the signed-in account is an operator. */
async function requireOperator(c: Context<AppEnv>): Promise<void> {
  const session = c.get("session");
  if (!session || !(await isOperator(database(c.env.DB), session.account.id))) {
    throw new AppError(403, "not_operator", "The operations console is for operator accounts.");
  }
}

function filterOf(q: z.infer<typeof seriesQuery>) {
  return { titleId: q.title, pathway: q.pathway, country: q.country, device: q.device, player: q.player, stream: q.stream };
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
  })
  .get("/home-rows", validate("query", homeRowsQuery), async (c) => {
    const { days, device } = c.req.valid("query");
    const toDay = epochDay(Date.now()) + 1;
    return c.json({ days, fromDay: toDay - days, rows: await homeRowCtr(database(c.env.DB), toDay - days, toDay, device) });
  })
  .get("/alerts", async (c) => {
    const db = database(c.env.DB);
    const [rules, events] = await Promise.all([alertRules(db), recentAlertEvents(db, 50)]);
    return c.json({ rules, events, webhookConfigured: alertWebhook(c.env) !== undefined });
  })
  .post("/alerts", validate("json", alertRuleBody), async (c) => {
    const db = database(c.env.DB);
    if ((await alertRuleCount(db)) >= MAX_ALERT_RULES) throw new AppError(400, "bad_request", `At most ${MAX_ALERT_RULES} alert rules.`);
    return c.json(await createAlertRule(db, c.req.valid("json"), Date.now()), 201);
  })
  .put("/alerts/:id", validate("param", ruleParam), validate("json", alertRuleBody), async (c) => {
    const rule = await updateAlertRule(database(c.env.DB), c.req.valid("param").id, c.req.valid("json"));
    if (!rule) throw new AppError(404, "not_found", "No such alert rule.");
    return c.json(rule);
  })
  .delete("/alerts/:id", validate("param", ruleParam), async (c) => {
    if (!(await deleteAlertRule(database(c.env.DB), c.req.valid("param").id))) throw new AppError(404, "not_found", "No such alert rule.");
    return c.body(null, 204);
  });
