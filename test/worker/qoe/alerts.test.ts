/**
 * QoE alert rules (worker/qoe/alerts.ts) against fixture rollups in D1: a rule fires
 * once when its window breaches the threshold, stays quiet while it keeps
 * breaching, resolves once, and gives no verdict on too few views; events reach a
 * real HTTP receiver on 127.0.0.1 (test/worker/webhook-receiver.ts), in order, and a
 * refused delivery is retried at the next run, not lost. The minute cron runs it all.
 */
import { createScheduledController, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import worker from "../../../worker/index.ts";
import { addRollups } from "../../../worker/db/qoe.ts";
import { createAlertRule, recentAlertEvents, type AlertRuleInput } from "../../../worker/db/qoe-alerts.ts";
import { alertPayload, deliverAlerts, evaluateAlerts } from "../../../worker/qoe/alerts.ts";
import { zeroCounters, type Counters } from "../../../worker/qoe/view-model.ts";
import { db } from "../helpers.ts";

/** A fixed clock far from other tests' data: 2026-03-01T10:00Z. */
const T0 = Date.UTC(2026, 2, 1, 10, 0);
const minute = (ms: number) => Math.floor(ms / 60_000);

let n = 0;
/** A rule on a pathway of its own (so no other test's rollups reach its window). */
function rule(overrides: Partial<AlertRuleInput> = {}): AlertRuleInput {
  return { name: `rebuffer ${n}`, metric: "rebufferPct", op: "above", threshold: 2, windowMinutes: 5, minViews: 5, titleId: null, pathway: `al${n++}`, country: "DE", device: null, enabled: true, ...overrides };
}

/** Rollups for `pathway` in DE at the minute of `atMs`: `views` views watching 10 s each, `rebufferPct` of it rebuffering. */
async function played(pathway: string, atMs: number, views: number, rebufferPct: number) {
  const counters: Counters = { ...zeroCounters(), views, started: views, watchMs: views * 10_000, rebufferMs: Math.round((views * 10_000 * rebufferPct) / 100), playingMs: views * 10_000 };
  await addRollups(db(), [{ minute: minute(atMs), titleId: 1, rendition: 720, pathway, country: "DE", device: "desktop", player: "web-test", counters }], []);
}

async function eventsOf(ruleId: number) {
  return (await recentAlertEvents(db(), 100)).filter((e) => e.ruleId === ruleId).reverse();
}

describe("QoE alert rules", () => {
  it("fire once when the window breaches the threshold, stay quiet while it keeps breaching, and resolve once", async () => {
    const r = await createAlertRule(db(), rule(), T0);
    await played(r.pathway!, T0 + 60_000, 10, 3);
    // The window is the 5 whole minutes before the evaluation: [T0+1 min, T0+6 min).
    expect(await evaluateAlerts(db(), T0 + 6 * 60_000)).toContainEqual({ ruleId: r.id, firing: true, value: 3 });
    expect((await evaluateAlerts(db(), T0 + 6 * 60_000 + 30_000)).filter((c) => c.ruleId === r.id)).toEqual([]);
    await played(r.pathway!, T0 + 6 * 60_000, 20, 3.5);
    expect((await evaluateAlerts(db(), T0 + 7 * 60_000)).filter((c) => c.ruleId === r.id)).toEqual([]);
    // Later: the window holds only healthy playback.
    await played(r.pathway!, T0 + 20 * 60_000, 40, 0.5);
    expect(await evaluateAlerts(db(), T0 + 22 * 60_000)).toContainEqual({ ruleId: r.id, firing: false, value: 0.5 });
    expect((await evaluateAlerts(db(), T0 + 23 * 60_000)).filter((c) => c.ruleId === r.id)).toEqual([]);
    expect((await eventsOf(r.id)).map((e) => [e.state, e.value])).toEqual([["firing", 3], ["resolved", 0.5]]);
  });

  it("give no verdict on fewer views than the rule's minimum (nor the console's floor of 5): the state is kept", async () => {
    const r = await createAlertRule(db(), rule({ minViews: 1 }), T0);
    await played(r.pathway!, T0 + 60_000, 4, 50);
    expect((await evaluateAlerts(db(), T0 + 6 * 60_000)).filter((c) => c.ruleId === r.id)).toEqual([]);
    const below = await createAlertRule(db(), rule({ metric: "bitrateKbps", op: "below", threshold: 1000 }), T0);
    await played(below.pathway!, T0 + 60_000, 10, 0);
    // No rated playing time: the metric has no value, so no verdict either.
    expect((await evaluateAlerts(db(), T0 + 6 * 60_000)).filter((c) => c.ruleId === below.id)).toEqual([]);
    expect(await eventsOf(r.id)).toEqual([]);
  });

  it("post each event once to the webhook, in order; a refused post is retried at the next run", async () => {
    const receiver = inject("webhookReceiver");
    // Events of the other tests' rules go first (delivery is oldest first): drained to a path of their own.
    await deliverAlerts(db(), `${receiver}/drain`, T0);
    const r = await createAlertRule(db(), rule(), T0);
    await played(r.pathway!, T0 + 60_000, 10, 4);
    await evaluateAlerts(db(), T0 + 6 * 60_000);
    // The receiver refuses: nothing is marked delivered.
    const failing = `${receiver}/fail/${r.id}`;
    expect(await deliverAlerts(db(), failing, T0 + 6 * 60_000)).toBe(0);
    expect((await fetch(failing).then((res) => res.json())) as unknown[]).toHaveLength(1);
    expect((await eventsOf(r.id))[0]).toMatchObject({ deliveredAt: null, attempts: 1 });
    await played(r.pathway!, T0 + 20 * 60_000, 10, 0);
    await evaluateAlerts(db(), T0 + 22 * 60_000);
    const hook = `${receiver}/hook/${r.id}`;
    expect(await deliverAlerts(db(), hook, T0 + 22 * 60_000)).toBeGreaterThanOrEqual(2);
    expect(await deliverAlerts(db(), hook, T0 + 23 * 60_000)).toBe(0);
    const got = (await fetch(hook).then((res) => res.json())) as ReturnType<typeof alertPayload>[];
    const mine = got.filter((p) => p.alert.rule.id === r.id);
    expect(mine.map((p) => [p.alert.state, p.alert.value])).toEqual([["firing", 4], ["resolved", 0]]);
    expect(mine[0]!.text).toBe(`[FIRING] ${r.name}: Rebuffer percentage 4 % (above 2 over 5 min, pathway ${r.pathway}, DE)`);
  });

  it("run from the Worker's minute cron, posting to QOE_ALERT_WEBHOOK", async () => {
    const receiver = inject("webhookReceiver");
    const r = await createAlertRule(db(), rule(), T0);
    const now = Date.now();
    await played(r.pathway!, now - 2 * 60_000, 10, 9);
    const hook = `${receiver}/cron/${r.id}`;
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "* * * * *" }), { ...env, QOE_ALERT_WEBHOOK: hook } as Env, ctx);
    await waitOnExecutionContext(ctx);
    const got = (await fetch(hook).then((res) => res.json())) as ReturnType<typeof alertPayload>[];
    expect(got.filter((p) => p.alert.rule.id === r.id).map((p) => p.alert.state)).toEqual(["firing"]);
  });
});
