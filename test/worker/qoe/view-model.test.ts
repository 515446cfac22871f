/**
 * The view state machine against hand-written event streams, each with the
 * counters worked out by hand in its comment: a clean view, an abandoned start,
 * seeks, a background tab, an error that recovers, a fatal error, a replay.
 * Then a property: whatever events arrive, a view's counters stay consistent.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QOE_EVENT_TYPES, type QoeEvent } from "../../../common/qoe.ts";
import { applyEvents, closeView, newView, zeroCounters, type Counters } from "../../../worker/qoe/view-model.ts";
import { DIMS, ev, FIXTURES, run } from "./fixtures.ts";

describe("a view's counters from its events", () => {
  for (const [name, { events, expected }] of Object.entries(FIXTURES)) {
    it(`the ${name} stream adds exactly its hand-computed counters`, () => {
      const { counters } = run(events);
      expect(counters).toMatchObject(expected);
    });
  }

  it("the startup sample is the time from play intent to the first frame", () => {
    expect(run([ev("intent", 250), ev("firstframe", 1450)]).startups).toEqual([1200]);
  });

  it("time is attributed to the rendition and pathway in use at that moment", () => {
    const { incs } = run([
      ev("intent", 0), ev("pathway", 0, { pathway: "a" }), ev("rendition", 0, { kbps: 1000, height: 360 }), ev("firstframe", 0),
      ev("rendition", 4000, { kbps: 3000, height: 720 }), ev("pathway", 6000, { pathway: "b" }), ev("exit", 10_000),
    ]);
    const playing = (rendition: number, pathway: string) => incs.filter((i) => i.dims.rendition === rendition && i.dims.pathway === pathway).reduce((s, i) => s + (i.counters.playingMs ?? 0), 0);
    expect([playing(360, "a"), playing(720, "a"), playing(720, "b")]).toEqual([4000, 2000, 4000]);
  });

  it("a closed view adds nothing more: a late beacon after exit counts for nothing", () => {
    const v = newView(DIMS);
    applyEvents(v, [ev("intent", 0), ev("exit", 1000)]);
    expect(applyEvents(v, [ev("firstframe", 1500), ev("heartbeat", 9000)])).toEqual([]);
    expect(closeView(v)).toEqual([]);
  });

  it("events from before the last one count from the last one (a clock never runs backwards)", () => {
    const { counters } = run([ev("intent", 0), ev("firstframe", 1000), ev("heartbeat", 5000), ev("stall", 3000), ev("unstall", 6000)]);
    expect(counters).toMatchObject({ watchMs: 6000, rebufferMs: 1000, playingMs: 4000 });
  });
});

const anyEvent: fc.Arbitrary<QoeEvent> = fc.record({
  type: fc.constantFrom(...QOE_EVENT_TYPES),
  t: fc.integer({ min: 0, max: 100_000 }),
  kbps: fc.integer({ min: 1, max: 20_000 }),
  height: fc.integer({ min: 1, max: 2160 }),
  pathway: fc.constantFrom("a", "b"),
  code: fc.constant("x"),
  fatal: fc.boolean(),
});

describe("any event stream", () => {
  it("keeps a view's counters consistent: one view at most, outcomes within it, parts of watch time within it", () => {
    fc.assert(
      fc.property(fc.array(fc.array(anyEvent, { maxLength: 15 }), { minLength: 1, maxLength: 4 }), (beacons) => {
        const v = newView(DIMS);
        const incs = [...beacons.flatMap((b) => applyEvents(v, b)), ...closeView(v)];
        const c = zeroCounters();
        for (const inc of incs) for (const [k, n] of Object.entries(inc.counters)) c[k as keyof Counters] += n;
        const lastT = Math.max(0, ...beacons.flat().map((e) => e.t));
        expect(c.views).toBeLessThanOrEqual(1);
        expect(c.started).toBeLessThanOrEqual(c.views);
        expect(c.failed + c.exitsBeforeStart).toBeLessThanOrEqual(c.views);
        expect(c.completed).toBeLessThanOrEqual(c.started);
        expect(c.rebufferMs + c.playingMs).toBeLessThanOrEqual(c.watchMs);
        expect(c.watchMs).toBeLessThanOrEqual(lastT);
        expect(c.startupMs).toBeLessThanOrEqual(lastT);
        for (const k of Object.keys(c) as (keyof Counters)[]) expect(c[k], k).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
