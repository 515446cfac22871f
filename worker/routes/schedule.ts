/**
 * The schedule (`/api/schedule`): live events and premieres (worker/schedule/).
 * - `GET /api/schedule` — `{ liveNow, comingUp, serverTime }` for this viewer
 * - `GET /api/schedule/titles/:id` — the title's event on now or next, and whether this profile asked for a reminder
 * - `GET /api/schedule/reminders` — the profile's reminders not over yet (the SPA's in-app notice)
 * - `PUT|DELETE /api/schedule/:id/reminder` — "Remind me" (a signed-in profile)
 * - `POST /api/schedule`, `DELETE /api/schedule/:id` — operators only (403 `not_operator`), as the console's API
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { pathId } from "../../common/schemas.ts";
import type { AppEnv } from "../app-env.ts";
import { requireProfile } from "../auth/session.ts";
import { database } from "../db/client.ts";
import { isOperator } from "../db/qoe.ts";
import { addReminder, deleteEvent, eventById, profileReminders, removeReminder, titleSchedule } from "../db/schedule.ts";
import { EVENT_KINDS } from "../db/schema.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { CHANNEL_SLUG } from "../live/edge.ts";
import { currentEvents, forgetScheduleSnapshot, scheduleEvent, scheduleRows } from "../schedule/events.ts";

/** An instant: epoch ms, or an ISO 8601 date-time with its offset. */
const instant = z.union([
  z.number().int().min(0).max(8.64e15),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);
const eventBody = z
  .object({
    kind: z.enum(EVENT_KINDS),
    titleId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    channel: z.string().regex(CHANNEL_SLUG, "must be a channel slug").optional(),
    startsAt: instant,
    endsAt: instant.optional(),
    loops: z.number().int().min(1).max(100).optional(),
    windowSeconds: z.number().int().min(12).max(86_400).optional(),
  })
  .strict();
const idParam = z.object({ id: pathId });
/** An event may be scheduled a little in the past (clock skew, "now"), and up to a year ahead. */
const PAST_SLACK_MS = 5 * 60_000;
const YEAR_MS = 366 * 24 * 3_600_000;

async function requireOperator(c: Context<AppEnv>): Promise<void> {
  const session = c.get("session");
  if (!session || !(await isOperator(database(c.env.DB), session.account.id))) {
    throw new AppError(403, "not_operator", "Scheduling is for operator accounts.");
  }
}

export const scheduleRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const viewer = c.get("viewer");
    const db = database(c.env.DB);
    const rows = await scheduleRows(c.env, viewer, await currentEvents(db, viewer.nowMs));
    return c.json({ ...rows, serverTime: viewer.nowMs });
  })
  .get("/titles/:id", validate("param", idParam), async (c) => {
    const viewer = c.get("viewer");
    const db = database(c.env.DB);
    const { event, premiered } = await titleSchedule(db, c.req.valid("param").id, viewer.nowMs);
    const profileId = c.get("session")?.profile?.id;
    const reminded = event && profileId ? (await profileReminders(db, profileId, viewer.nowMs)).some((r) => r.id === event.id) : false;
    return c.json({
      event: event ? { id: event.id, kind: event.kind, startsAt: event.startsAt, endsAt: event.endsAt } : null,
      reminded,
      // Whether the film already premiered once (then it plays as VOD between re-runs).
      premiered,
      serverTime: viewer.nowMs,
    });
  })
  .get("/reminders", async (c) => {
    const { profile } = requireProfile(c);
    const viewer = c.get("viewer");
    const db = database(c.env.DB);
    const rows = await scheduleRows(c.env, viewer, await profileReminders(db, profile.id, viewer.nowMs));
    return c.json({ items: [...rows.liveNow, ...rows.comingUp], serverTime: viewer.nowMs });
  })
  .put("/:id/reminder", validate("param", idParam), async (c) => {
    const { profile } = requireProfile(c);
    const db = database(c.env.DB);
    const event = await eventById(db, c.req.valid("param").id);
    if (!event || event.endsAt <= Date.now()) throw new AppError(404, "event_not_found", "No such event still to come.");
    await addReminder(db, profile.id, event.id, Date.now());
    return c.json({ eventId: event.id, reminded: true });
  })
  .delete("/:id/reminder", validate("param", idParam), async (c) => {
    const { profile } = requireProfile(c);
    await removeReminder(database(c.env.DB), profile.id, c.req.valid("param").id);
    return c.json({ eventId: c.req.valid("param").id, reminded: false });
  })
  .post("/", validate("json", eventBody), async (c) => {
    await requireOperator(c);
    const body = c.req.valid("json");
    const nowMs = Date.now();
    if (body.startsAt < nowMs - PAST_SLACK_MS || body.startsAt > nowMs + YEAR_MS) {
      throw new AppError(400, "event_not_schedulable", "startsAt must be from now to a year ahead.");
    }
    const event = await scheduleEvent(database(c.env.DB), body, nowMs);
    forgetScheduleSnapshot();
    return c.json(event, 201);
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    await requireOperator(c);
    if (!(await deleteEvent(database(c.env.DB), c.req.valid("param").id))) throw new AppError(404, "event_not_found", "No such event.");
    forgetScheduleSnapshot();
    return c.body(null, 204);
  });
