/** The D1 side of QoE alerts: rules (the console edits them), their state, and the events waiting for the webhook. */
import { and, asc, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { runBatch, type Db } from "./client.ts";
import { qoeAlertEvents, qoeAlertRules } from "./schema.ts";

export type AlertRuleRow = typeof qoeAlertRules.$inferSelect;
export type AlertEventRow = typeof qoeAlertEvents.$inferSelect;
/** What an operator sets on a rule (the rest is its state). */
export type AlertRuleInput = Pick<AlertRuleRow, "name" | "metric" | "op" | "threshold" | "windowMinutes" | "minViews" | "titleId" | "pathway" | "country" | "device" | "enabled">;

/** Rules are few (an operator writes each by hand): the console and the evaluation read them all. */
export const MAX_ALERT_RULES = 100;

export async function alertRules(db: Db): Promise<AlertRuleRow[]> {
  return db.select().from(qoeAlertRules).orderBy(asc(qoeAlertRules.id)).limit(MAX_ALERT_RULES).all();
}

export async function alertRuleCount(db: Db): Promise<number> {
  return (await db.select({ n: sql<number>`count(*)` }).from(qoeAlertRules).get())?.n ?? 0;
}

export async function createAlertRule(db: Db, input: AlertRuleInput, nowMs: number): Promise<AlertRuleRow> {
  return (await db.insert(qoeAlertRules).values({ ...input, createdAt: nowMs }).returning().get())!;
}

/** Replaces what an operator sets on a rule; a changed rule starts afresh (not firing). Null when there is no such rule. */
export async function updateAlertRule(db: Db, id: number, input: AlertRuleInput): Promise<AlertRuleRow | null> {
  return (await db.update(qoeAlertRules).set({ ...input, firing: false, changedAt: null, lastValue: null }).where(eq(qoeAlertRules.id, id)).returning().get()) ?? null;
}

export async function deleteAlertRule(db: Db, id: number): Promise<boolean> {
  return (await db.delete(qoeAlertRules).where(eq(qoeAlertRules.id, id)).returning({ id: qoeAlertRules.id }).all()).length > 0;
}

/**
 * Records a rule's new state and its event in one batch (one transaction) — only if the rule is
 * still in the state it was read in: an evaluation running alongside that got there first wins,
 * and nothing is reported twice (the insert runs only when the update changed the row).
 */
export async function recordAlertTransition(db: Db, rule: AlertRuleRow, firing: boolean, value: number | null, nowMs: number): Promise<void> {
  const update = db
    .update(qoeAlertRules)
    .set({ firing, changedAt: nowMs, lastValue: value })
    .where(and(eq(qoeAlertRules.id, rule.id), eq(qoeAlertRules.firing, rule.firing)))
    .getSQL();
  const insert = sql`INSERT INTO ${qoeAlertEvents} (rule_id, state, value, at) SELECT ${rule.id}, ${firing ? "firing" : "resolved"}, ${value}, ${nowMs} WHERE changes() = 1`;
  await runBatch(db, [update, insert]);
}

/** Notes the value a rule saw without a change of state. */
export async function noteAlertValue(db: Db, id: number, value: number | null): Promise<void> {
  await db.update(qoeAlertRules).set({ lastValue: value }).where(eq(qoeAlertRules.id, id)).run();
}

/** Events the webhook has not taken yet (oldest first), with their rule; those tried `maxAttempts` times are given up. */
export async function pendingAlertEvents(db: Db, maxAttempts: number, limit: number): Promise<{ event: AlertEventRow; rule: AlertRuleRow }[]> {
  return db
    .select({ event: qoeAlertEvents, rule: qoeAlertRules })
    .from(qoeAlertEvents)
    .innerJoin(qoeAlertRules, eq(qoeAlertRules.id, qoeAlertEvents.ruleId))
    .where(and(isNull(qoeAlertEvents.deliveredAt), lt(qoeAlertEvents.attempts, maxAttempts)))
    .orderBy(asc(qoeAlertEvents.id))
    .limit(limit)
    .all();
}

export async function markAlertEvent(db: Db, id: number, deliveredAt: number | null): Promise<void> {
  await db
    .update(qoeAlertEvents)
    .set({ deliveredAt, attempts: sql`${qoeAlertEvents.attempts} + 1` })
    .where(eq(qoeAlertEvents.id, id))
    .run();
}

/** The latest events, newest first (the console's list). */
export async function recentAlertEvents(db: Db, limit: number): Promise<AlertEventRow[]> {
  return db.select().from(qoeAlertEvents).orderBy(desc(qoeAlertEvents.id)).limit(limit).all();
}
