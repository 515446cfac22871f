/** D1 side of the schedule: events (live broadcasts and premieres) and the profiles' "Remind me". */
import { and, asc, desc, eq, gt, lte, sql } from "drizzle-orm";
import { DEFAULT_CATALOG_LOCALE, localiseTitles } from "../catalog/localise.ts";
import type { Viewer } from "../lib/viewer.ts";
import type { LocalisedCard } from "./catalog.ts";
import { visibleCards } from "./progress.ts";
import type { Db } from "./client.ts";
import { assets, eventReminders, scheduleEvents, titles } from "./schema.ts";

export type ScheduleEventRow = typeof scheduleEvents.$inferSelect;

/** Adds an event; returns its row. */
export async function insertEvent(db: Db, row: Omit<typeof scheduleEvents.$inferInsert, "id">): Promise<ScheduleEventRow> {
  return (await db.insert(scheduleEvents).values(row).returning().get())!;
}

/** Removes an event (its reminders go with it); whether there was one. */
export async function deleteEvent(db: Db, id: number): Promise<boolean> {
  return (await db.delete(scheduleEvents).where(eq(scheduleEvents.id, id)).returning({ id: scheduleEvents.id })).length > 0;
}

/** One event by id. */
export function eventById(db: Db, id: number) {
  return db.select().from(scheduleEvents).where(eq(scheduleEvents.id, id)).get();
}

/** Events not yet over at `nowMs`, soonest first (live ones first, as they started earlier). */
export function eventsNotOver(db: Db, nowMs: number, limit = 100): Promise<ScheduleEventRow[]> {
  return db.select().from(scheduleEvents).where(gt(scheduleEvents.endsAt, nowMs)).orderBy(asc(scheduleEvents.startsAt), asc(scheduleEvents.id)).limit(limit).all();
}

/** A title's event that is on now or next (not over at `nowMs`), and whether one of its premieres has already ended. */
export async function titleSchedule(db: Db, titleId: number, nowMs: number): Promise<{ event: ScheduleEventRow | undefined; premiered: boolean }> {
  const [next, past] = await db.batch([
    db.select().from(scheduleEvents).where(and(eq(scheduleEvents.titleId, titleId), gt(scheduleEvents.endsAt, nowMs))).orderBy(asc(scheduleEvents.startsAt)).limit(1),
    db
      .select({ n: sql<number>`count(*)` })
      .from(scheduleEvents)
      .where(and(eq(scheduleEvents.titleId, titleId), eq(scheduleEvents.kind, "premiere"), lte(scheduleEvents.endsAt, nowMs))),
  ]);
  return { event: next[0], premiered: (past[0]?.n ?? 0) > 0 };
}

/** Cards of these titles that `viewer` may see (region, window, ceiling), in the viewer's locale, by id. */
export async function localisedVisibleCards(db: Db, viewer: Viewer, titleIds: number[]): Promise<Map<number, LocalisedCard>> {
  const cards = await localiseTitles(db, [...(await visibleCards(db, viewer, titleIds)).values()], viewer.locale ?? DEFAULT_CATALOG_LOCALE);
  return new Map(cards.map((c) => [c.id, c]));
}

/** Asks to be reminded of an event (again is the same). */
export async function addReminder(db: Db, profileId: string, eventId: number, nowMs: number): Promise<void> {
  await db.insert(eventReminders).values({ profileId, eventId, createdAt: nowMs }).onConflictDoNothing();
}

/** Forgets a reminder; whether there was one. */
export async function removeReminder(db: Db, profileId: string, eventId: number): Promise<boolean> {
  const gone = await db
    .delete(eventReminders)
    .where(and(eq(eventReminders.profileId, profileId), eq(eventReminders.eventId, eventId)))
    .returning({ eventId: eventReminders.eventId });
  return gone.length > 0;
}

/** The events this profile asked to be reminded of that are not over yet. */
export async function profileReminders(db: Db, profileId: string, nowMs: number): Promise<ScheduleEventRow[]> {
  const rows = await db
    .select({ event: scheduleEvents })
    .from(eventReminders)
    .innerJoin(scheduleEvents, eq(scheduleEvents.id, eventReminders.eventId))
    .where(and(eq(eventReminders.profileId, profileId), gt(scheduleEvents.endsAt, nowMs)))
    .orderBy(asc(scheduleEvents.startsAt))
    .limit(50)
    .all();
  return rows.map((r) => r.event);
}

/**
 * The film the local demo premieres: the one with a title already scheduled, else
 * the least popular film with finished media (so the demo never locks the titles
 * Home leads with before their first premiere).
 */
export async function demoPremiereTitle(db: Db, nowMs: number): Promise<number | undefined> {
  const scheduled = await db.select({ titleId: scheduleEvents.titleId }).from(scheduleEvents).where(and(eq(scheduleEvents.kind, "premiere"), gt(scheduleEvents.endsAt, nowMs - 86_400_000))).orderBy(desc(scheduleEvents.startsAt)).limit(1).get();
  if (scheduled) return scheduled.titleId;
  const film = await db
    .select({ id: titles.id })
    .from(titles)
    .innerJoin(assets, and(eq(assets.titleId, titles.id), eq(assets.status, "ready"), gt(assets.durationSeconds, 0)))
    .where(and(eq(titles.type, "movie"), sql`${assets.keyPrefix} NOT LIKE 'assets/live-%'`))
    .orderBy(asc(titles.popularity), asc(titles.id))
    .limit(1)
    .get();
  return film?.id;
}
