/**
 * QoE feeds content steering (worker/qoe/steering-quality.ts → SteeringState →
 * media/steering-policy.ts recordQuality): the policy's thresholds, hysteresis
 * and bounds on hand-made readings (and a property over random ones), and the
 * minute cron moving a region's players off a pathway whose rollups in D1 show
 * heavy rebuffering, though no player reported an error.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addRollups } from "../../../worker/db/qoe.ts";
import worker from "../../../worker/index.ts";
import {
  DEMOTE_AFTER_ERRORS,
  emptyHealth,
  pathwayPriority,
  QOE_DEGRADE_REBUFFER_PCT,
  QOE_HOLD_MS,
  QOE_MIN_VIEWS,
  recordQuality,
  recordSample,
  type PathwayQuality,
} from "../../../worker/media/steering-policy.ts";
import { regionQuality } from "../../../worker/qoe/steering-quality.ts";
import { zeroCounters } from "../../../worker/qoe/view-model.ts";
import { call, db } from "../helpers.ts";

const IDS = ["a", "b"] as const;
const T0 = 1_000_000_000;
const MINUTE = 60_000;
const reading = (rebufferPct: number, views = 40, failurePct = 0): PathwayQuality => ({ views, rebufferPct, failurePct });

describe("QoE in the steering policy", () => {
  it("moves a pathway whose viewers rebuffer too much behind the one that plays well, with no error reported", () => {
    const state = emptyHealth();
    recordQuality(state, IDS, { a: reading(QOE_DEGRADE_REBUFFER_PCT + 3), b: reading(0.5) }, T0);
    expect(pathwayPriority(state, IDS, T0)).toEqual(["b", "a"]);
    // Failures count too.
    const failing = emptyHealth();
    recordQuality(failing, IDS, { a: reading(0, 40, 12) }, T0);
    expect(pathwayPriority(failing, IDS, T0)).toEqual(["b", "a"]);
  });

  it("judges nothing on too few views, and does not degrade on a reading between the two thresholds", () => {
    const state = emptyHealth();
    recordQuality(state, IDS, { a: reading(50, QOE_MIN_VIEWS - 1) }, T0);
    recordQuality(state, IDS, { a: reading(QOE_DEGRADE_REBUFFER_PCT * 0.8) }, T0 + MINUTE);
    expect(pathwayPriority(state, IDS, T0 + MINUTE)).toEqual(["a", "b"]);
  });

  it("keeps a degraded pathway back while it stays poor, and restores it only a hold time after the last poor reading", () => {
    const state = emptyHealth();
    recordQuality(state, IDS, { a: reading(10) }, T0);
    // Above half the threshold: still poor, the hold restarts.
    recordQuality(state, IDS, { a: reading(QOE_DEGRADE_REBUFFER_PCT * 0.6) }, T0 + 5 * MINUTE);
    recordQuality(state, IDS, { a: reading(0.5) }, T0 + 5 * MINUTE + QOE_HOLD_MS - 1);
    expect(pathwayPriority(state, IDS, T0 + 5 * MINUTE + QOE_HOLD_MS - 1)).toEqual(["b", "a"]);
    // No reading at all (it carried little traffic once moved back): restored once the hold is over.
    recordQuality(state, IDS, {}, T0 + 5 * MINUTE + QOE_HOLD_MS);
    expect(pathwayPriority(state, IDS, T0 + 5 * MINUTE + QOE_HOLD_MS)).toEqual(["a", "b"]);
  });

  it("is bounded: when every pathway plays badly the order stands, and a pathway demoted for errors still goes last", () => {
    const all = emptyHealth();
    recordQuality(all, IDS, { a: reading(20), b: reading(30) }, T0);
    expect(pathwayPriority(all, IDS, T0)).toEqual(["a", "b"]);
    const both = emptyHealth();
    recordQuality(both, IDS, { a: reading(20) }, T0);
    for (let i = 0; i < DEMOTE_AFTER_ERRORS; i++) recordSample(both, IDS, { pathway: "b", kind: "error", value: 0, reporter: `r${i}`, network: `n${i}`, session: `s${i}` }, T0 + i);
    expect(pathwayPriority(both, IDS, T0 + 10)).toEqual(["a", "b"]);
  });

  it("for any minute-by-minute readings, lists every pathway once and restores a pathway at most once per hold time (no flapping)", () => {
    const minuteReading = fc.option(fc.record({ views: fc.integer({ min: 0, max: 100 }), rebufferPct: fc.option(fc.double({ min: 0, max: 100, noNaN: true })), failurePct: fc.option(fc.double({ min: 0, max: 100, noNaN: true })) }));
    fc.assert(
      fc.property(fc.array(fc.tuple(minuteReading, minuteReading), { minLength: 1, maxLength: 120 }), (minutes) => {
        const state = emptyHealth();
        let restores = 0;
        let wasDegraded = false;
        minutes.forEach(([a, b], i) => {
          const nowMs = T0 + i * MINUTE;
          recordQuality(state, IDS, { ...(a ? { a } : {}), ...(b ? { b } : {}) }, nowMs);
          const priority = pathwayPriority(state, IDS, nowMs);
          expect([...priority].sort()).toEqual([...IDS]);
          const degraded = state.pathways.a?.qoeDegraded === true;
          if (wasDegraded && !degraded) restores++;
          wasDegraded = degraded;
        });
        expect(restores).toBeLessThanOrEqual(Math.floor((minutes.length * MINUTE) / QOE_HOLD_MS) + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the minute cron", () => {
  it("moves a region's players off a pathway whose rollups show heavy rebuffering", async () => {
    const nowMs = Date.now();
    const minute = Math.floor(nowMs / MINUTE) - 2;
    const cell = (pathway: string, rebufferMs: number) => ({
      minute,
      titleId: 1,
      rendition: 720,
      pathway,
      country: "AQ",
      device: "desktop" as const,
      player: "web-test",
      counters: { ...zeroCounters(), views: 30, started: 30, watchMs: 300_000, playingMs: 300_000 - rebufferMs, rebufferMs },
    });
    await addRollups(db(), [cell("a", 30_000), cell("b", 600)], []);
    expect((await regionQuality(db(), nowMs)).get("AQ")).toEqual({ a: reading(10, 30), b: reading(0.2, 30) });
    const before = await call("/api/steering/AQ").then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(before["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: nowMs, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const after = await env.STEERING.get(env.STEERING.idFromName("AQ")).snapshot();
    expect(after.pathways.a?.qoeDegraded).toBe(true);
    expect(await env.STEERING.get(env.STEERING.idFromName("AQ")).observe([])).toEqual(["b", "a"]);
  });
});
