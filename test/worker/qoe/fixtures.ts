/** Hand-written QoE event streams with their counters worked out by hand (view-model and metric tests). */
import type { QoeEvent } from "../../../common/qoe.ts";
import { applyEvents, closeView, newView, zeroCounters, type Counters, type Increment } from "../../../worker/qoe/view-model.ts";

export const DIMS = { titleId: 1, country: "FR", device: "desktop" as const, player: "web-test" };

/** Runs a stream through a new view (closing it at the end, as the idle sweep would) and sums its counters. */
export function run(events: QoeEvent[]): { counters: Counters; startups: number[]; incs: Increment[] } {
  const v = newView(DIMS);
  const incs = [...applyEvents(v, events), ...closeView(v)];
  const counters = zeroCounters();
  for (const inc of incs) for (const [k, n] of Object.entries(inc.counters)) counters[k as keyof Counters] += n;
  return { counters, startups: incs.flatMap((i) => (i.startupMs === undefined ? [] : [i.startupMs])), incs };
}

export const ev = (type: QoeEvent["type"], t: number, extra: Partial<QoeEvent> = {}): QoeEvent => ({ type, t, ...extra });

/** Fixture streams with their hand-computed counters (the metric tests reuse them). */
export const FIXTURES: Record<string, { events: QoeEvent[]; expected: Partial<Counters> }> = {
  // 800 ms to start, then 20 s playing at 3000 kbps to the end.
  clean: {
    events: [ev("intent", 0), ev("rendition", 100, { kbps: 3000, height: 720 }), ev("pathway", 100, { pathway: "a" }), ev("firstframe", 800), ev("heartbeat", 10_800), ev("end", 20_800), ev("exit", 21_000)],
    expected: { views: 1, started: 1, startupMs: 800, watchMs: 20_800, playingMs: 20_000, ratedMs: 20_000, kbpsMs: 3000 * 20_000, completed: 1, rebufferMs: 0, stalls: 0, failed: 0, exitsBeforeStart: 0 },
  },
  // Asked to play, waited 5 s, left: an exit before video start with 5 s of watch time.
  abandoned: {
    events: [ev("intent", 0), ev("heartbeat", 3000), ev("exit", 5000)],
    expected: { views: 1, started: 0, exitsBeforeStart: 1, failed: 0, watchMs: 5000, playingMs: 0 },
  },
  // Starts at 500; a seek 5000–6000 whose waiting (a stall inside it) is not rebuffering; a real stall 10 000–11 000; leaves at 15 000.
  // watch = 500 + 4500 + 4000 + 1000 + 4000 = 14 000; rebuffer 1000; playing 12 500.
  seeks: {
    events: [ev("intent", 0), ev("rendition", 0, { kbps: 1000, height: 360 }), ev("firstframe", 500), ev("seek", 5000), ev("stall", 5100), ev("unstall", 5900), ev("seeked", 6000), ev("stall", 10_000), ev("unstall", 11_000), ev("exit", 15_000)],
    expected: { views: 1, started: 1, startupMs: 500, watchMs: 14_000, rebufferMs: 1000, playingMs: 12_500, ratedMs: 12_500, kbpsMs: 1000 * 12_500, stalls: 1, completed: 0 },
  },
  // Starts at 1000; in the background 5000–65 000 (a stall there is not the viewer's); back for 5 s.
  // watch = 1000 + 4000 + 5000 = 10 000; playing 9000; no rebuffering.
  background: {
    events: [ev("intent", 0), ev("firstframe", 1000), ev("hidden", 5000), ev("stall", 6000), ev("unstall", 9000), ev("visible", 65_000), ev("exit", 70_000)],
    expected: { views: 1, started: 1, startupMs: 1000, watchMs: 10_000, playingMs: 9000, rebufferMs: 0, stalls: 0 },
  },
  // Starts at 700; a fatal error at 3000 that Retry recovers at 4000; leaves at 9000: not a failure.
  // watch = 700 + 2300 + 5000 = 8000 (the second between error and recovery is not watch time).
  recovered: {
    events: [ev("intent", 0), ev("firstframe", 700), ev("error", 3000, { code: "media_error", fatal: true }), ev("recovered", 4000), ev("exit", 9000)],
    expected: { views: 1, started: 1, startupMs: 700, failed: 0, errors: 1, watchMs: 8000, playingMs: 7300 },
  },
  // Never starts: a fatal error at 2000, leaves at 3000: a failure, not an exit before start.
  failed: {
    events: [ev("intent", 0), ev("error", 2000, { code: "network_error", fatal: true }), ev("exit", 3000)],
    expected: { views: 1, started: 0, failed: 1, exitsBeforeStart: 0, errors: 1, watchMs: 2000 },
  },
  // Paused 2000–12 000 (not watch time), a non-fatal error, 3 s more, then the end; the replay after it is not a second completion.
  paused: {
    events: [ev("intent", 0), ev("firstframe", 400), ev("pause", 2000), ev("play", 12_000), ev("error", 13_000, { code: "frag_load_error", fatal: false }), ev("end", 15_000), ev("play", 16_000), ev("end", 26_000)],
    expected: { views: 1, started: 1, startupMs: 400, errors: 1, failed: 0, completed: 1, watchMs: 400 + 1600 + 3000 + 10_000, playingMs: 1600 + 3000 + 10_000 },
  },
};

