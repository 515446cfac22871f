/**
 * One view's life as a state machine, and the counters it adds to the minute
 * rollups. Pure: the QoeShard object applies beacons with it, and the metric
 * tests feed it hand-written event streams.
 *
 * Time between two events is attributed by the state in between (the view's
 * background time counts for nothing):
 * - before the first frame (after play intent): watch time (startup wait);
 * - playing: watch time, playing time, and bitrate × time;
 * - rebuffering: watch time and rebuffer time;
 * - paused, seeking, ended, closed: nothing.
 * View outcomes are counted once: a view and its start at the first frame
 * (with its startup time; so the view is counted under the rendition and
 * pathway it started on), a completion at the end, and when the view closes
 * (exit, or silence for VIEW_IDLE_CLOSE_MS) a failure if a fatal error was
 * never followed by playback, or else an exit before video start if it never
 * started (a view that never started is counted then).
 */
import { histogramBucket, type QoeDeviceClass, type QoeEvent } from "../../common/qoe.ts";

/** The counters of one rollup cell, summed over views and minutes. */
export const QOE_COUNTERS = [
  "views",
  "started",
  "startupMs",
  "failed",
  "exitsBeforeStart",
  "completed",
  "stalls",
  "watchMs",
  "rebufferMs",
  "playingMs",
  /** Playing time with a known rendition bitrate. */
  "ratedMs",
  /** Σ kbps × ms of playing: divided by ratedMs, the time-weighted bitrate. */
  "kbpsMs",
  "errors",
] as const;
export type QoeCounter = (typeof QOE_COUNTERS)[number];
export type Counters = Record<QoeCounter, number>;

export function zeroCounters(): Counters {
  return Object.fromEntries(QOE_COUNTERS.map((k) => [k, 0])) as Counters;
}

/** A view that sends nothing for this long is closed (its outcome counted). */
export const VIEW_IDLE_CLOSE_MS = 5 * 60 * 1000;

/** What a rollup cell is keyed by, besides its minute. */
export interface CellDims {
  titleId: number;
  /** Height (px) of the rendition in use; 0 before one is known. */
  rendition: number;
  /** CDN pathway in use; "" before one is known. */
  pathway: string;
  country: string;
  device: QoeDeviceClass;
  player: string;
}

/** What one applied event adds to one cell (the dims in force at that moment). */
export interface Increment {
  dims: CellDims;
  counters: Partial<Counters>;
  /** A startup time for the histogram (ms). */
  startupMs?: number;
}

export interface ViewState {
  titleId: number;
  country: string;
  device: QoeDeviceClass;
  player: string;
  rendition: number;
  kbps: number;
  pathway: string;
  lastT: number;
  intentT: number | null;
  firstFrameT: number | null;
  paused: boolean;
  stalled: boolean;
  seeking: boolean;
  hidden: boolean;
  ended: boolean;
  /** A fatal error not yet followed by playback. */
  fatal: boolean;
  completed: boolean;
  closed: boolean;
  /** A view clocked by the server (CMCD, cmcd.ts): the epoch ms its time 0 stands for. */
  originMs?: number;
}

/** A view's fixed dimensions. */
export interface ViewInit {
  titleId: number;
  country: string;
  device: QoeDeviceClass;
  player: string;
}

/** A new view's state (its fixed dimensions come from its first beacon and the edge). */
export function newView(init: ViewInit): ViewState {
  return {
    ...init,
    rendition: 0,
    kbps: 0,
    pathway: "",
    lastT: 0,
    intentT: null,
    firstFrameT: null,
    paused: false,
    stalled: false,
    seeking: false,
    hidden: false,
    ended: false,
    fatal: false,
    completed: false,
    closed: false,
  };
}

function dimsOf(v: ViewState): CellDims {
  return { titleId: v.titleId, rendition: v.rendition, pathway: v.pathway, country: v.country, device: v.device, player: v.player };
}

/** Adds the time from the last event to `t` to the counters its state earns. */
function accrue(v: ViewState, t: number, out: Increment[]): void {
  const d = t - v.lastT;
  v.lastT = t;
  if (d <= 0 || v.intentT === null || v.hidden || v.ended || v.closed || v.fatal) return;
  if (v.firstFrameT === null) {
    out.push({ dims: dimsOf(v), counters: { watchMs: d } });
  } else if (v.seeking || v.paused) {
    return;
  } else if (v.stalled) {
    out.push({ dims: dimsOf(v), counters: { watchMs: d, rebufferMs: d } });
  } else {
    out.push({ dims: dimsOf(v), counters: v.kbps > 0 ? { watchMs: d, playingMs: d, ratedMs: d, kbpsMs: v.kbps * d } : { watchMs: d, playingMs: d } });
  }
}

/**
 * Applies events (in the order sent; a time earlier than the last one counts
 * as the last one) and answers what they add. A closed view adds nothing.
 */
export function applyEvents(v: ViewState, events: readonly QoeEvent[]): Increment[] {
  const out: Increment[] = [];
  for (const e of events) {
    if (v.closed) break;
    accrue(v, Math.max(v.lastT, e.t), out);
    switch (e.type) {
      case "intent":
        if (v.intentT === null) v.intentT = v.lastT;
        break;
      case "firstframe":
        if (v.firstFrameT === null) {
          // A player that autostarted without telling: the view began at intent 0.
          if (v.intentT === null) v.intentT = 0;
          v.firstFrameT = v.lastT;
          const startupMs = v.firstFrameT - v.intentT;
          out.push({ dims: dimsOf(v), counters: { views: 1, started: 1, startupMs }, startupMs });
        }
        v.fatal = false;
        v.stalled = false;
        v.paused = false;
        break;
      case "stall":
        if (v.firstFrameT !== null && !v.stalled && !v.seeking && !v.paused && !v.ended && !v.hidden && !v.fatal) {
          v.stalled = true;
          out.push({ dims: dimsOf(v), counters: { stalls: 1 } });
        }
        break;
      case "unstall":
        v.stalled = false;
        break;
      case "seek":
        v.seeking = true;
        v.stalled = false;
        v.ended = false;
        break;
      case "seeked":
        v.seeking = false;
        break;
      case "pause":
        v.paused = true;
        v.stalled = false;
        break;
      case "play":
        v.paused = false;
        v.ended = false;
        break;
      case "hidden":
        v.hidden = true;
        break;
      case "visible":
        v.hidden = false;
        break;
      case "rendition":
        v.kbps = e.kbps ?? v.kbps;
        v.rendition = e.height ?? v.rendition;
        break;
      case "pathway":
        v.pathway = e.pathway ?? v.pathway;
        break;
      case "error":
        out.push({ dims: dimsOf(v), counters: { errors: 1 } });
        if (e.fatal) {
          v.fatal = true;
          v.stalled = false;
        }
        break;
      case "recovered":
        v.fatal = false;
        v.stalled = false;
        break;
      case "end":
        v.ended = true;
        v.stalled = false;
        if (!v.completed && v.firstFrameT !== null) {
          v.completed = true;
          out.push({ dims: dimsOf(v), counters: { completed: 1 } });
        }
        break;
      case "exit":
        out.push(...closeView(v));
        break;
      case "heartbeat":
        break;
    }
  }
  return merge(out);
}

/** Closes a view (exit, or idle): its outcome — failed, or exited before start — is counted once. */
export function closeView(v: ViewState): Increment[] {
  if (v.closed) return [];
  v.closed = true;
  if (v.intentT === null) return [];
  const unstarted = v.firstFrameT === null;
  // A view that never started is counted as one now, with its outcome.
  if (v.fatal) return [{ dims: dimsOf(v), counters: unstarted ? { views: 1, failed: 1 } : { failed: 1 } }];
  if (unstarted) return [{ dims: dimsOf(v), counters: { views: 1, exitsBeforeStart: 1 } }];
  return [];
}

/** The increments with equal dims and no startup sample summed into one (fewer rows to write). */
function merge(incs: Increment[]): Increment[] {
  const byKey = new Map<string, Increment>();
  const out: Increment[] = [];
  for (const inc of incs) {
    if (inc.startupMs !== undefined) {
      out.push(inc);
      continue;
    }
    const key = cellKey(inc.dims);
    const prev = byKey.get(key);
    if (!prev) {
      const copy = { dims: inc.dims, counters: { ...inc.counters } };
      byKey.set(key, copy);
      out.push(copy);
    } else {
      for (const [k, n] of Object.entries(inc.counters) as [QoeCounter, number][]) prev.counters[k] = (prev.counters[k] ?? 0) + n;
    }
  }
  return out;
}

/** A stable key of a cell's dimensions. */
export function cellKey(d: CellDims): string {
  return JSON.stringify([d.titleId, d.rendition, d.pathway, d.country, d.device, d.player]);
}

/** The startup histogram's bucket of a sample (common/qoe.ts). */
export { histogramBucket };
