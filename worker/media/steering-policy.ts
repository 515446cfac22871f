/**
 * Pathway priority from player reports, for one region. Pure functions over a
 * plain state object (the SteeringState Durable Object stores it), with the
 * clock passed in so tests can drive time.
 *
 * Hysteresis, so the priority does not flap:
 * - a pathway is demoted after DEMOTE_AFTER_ERRORS errors within ERROR_WINDOW_MS,
 *   and re-promoted only after QUIET_PERIOD_MS without any error;
 * - among healthy pathways the leader (the first in configured order, unless
 *   throughput chose another) stays first until another one's measured throughput
 *   is SWITCH_RATIO times the leader's (both with enough fresh samples), so a
 *   small or noisy difference never swaps them back and forth.
 */

export const ERROR_WINDOW_MS = 30_000;
export const DEMOTE_AFTER_ERRORS = 3;
export const QUIET_PERIOD_MS = 60_000;
export const SWITCH_RATIO = 1.5;
export const MIN_THROUGHPUT_SAMPLES = 3;
/** Throughput older than this is not compared (the players measuring it have moved on). */
export const THROUGHPUT_FRESH_MS = 5 * 60_000;
/** Weight of a new throughput sample in the moving average. */
const EWMA_ALPHA = 0.3;

export type SampleKind = "error" | "throughput";

/** One player report about a pathway: an error, or a throughput estimate in bits per second. */
export interface PathwaySample {
  pathway: string;
  kind: SampleKind;
  /** Bits per second for throughput; ignored for errors. */
  value: number;
}

export interface PathwayHealth {
  /** Times (epoch ms) of errors inside the current window. */
  errorTimesMs: number[];
  lastErrorMs: number | null;
  demoted: boolean;
  /** When `demoted` last changed (epoch ms), for diagnostics. */
  changedAtMs: number | null;
  throughputBps: number | null;
  throughputSamples: number;
  lastThroughputMs: number | null;
}

export interface SteeringHealth {
  pathways: Record<string, PathwayHealth>;
  /** A healthy pathway preferred over the configured order for its throughput (sticky; see SWITCH_RATIO); null = configured order. */
  leader: string | null;
}

/** A region's state before any report. */
export function emptyHealth(): SteeringHealth {
  return { pathways: {}, leader: null };
}

function healthOf(state: SteeringHealth, pathway: string): PathwayHealth {
  let health = state.pathways[pathway];
  if (!health) {
    health = { errorTimesMs: [], lastErrorMs: null, demoted: false, changedAtMs: null, throughputBps: null, throughputSamples: 0, lastThroughputMs: null };
    state.pathways[pathway] = health;
  }
  return health;
}

/** Records one report (unknown pathways and nonsense values are ignored). */
export function recordSample(state: SteeringHealth, pathwayIds: readonly string[], sample: PathwaySample, nowMs: number): void {
  if (!pathwayIds.includes(sample.pathway)) return;
  const health = healthOf(state, sample.pathway);
  if (sample.kind === "error") {
    health.errorTimesMs = health.errorTimesMs.filter((t) => nowMs - t < ERROR_WINDOW_MS);
    health.errorTimesMs.push(nowMs);
    health.lastErrorMs = nowMs;
    if (!health.demoted && health.errorTimesMs.length >= DEMOTE_AFTER_ERRORS) {
      health.demoted = true;
      health.changedAtMs = nowMs;
    }
    return;
  }
  if (!Number.isFinite(sample.value) || sample.value <= 0) return;
  const stale = health.lastThroughputMs === null || nowMs - health.lastThroughputMs > THROUGHPUT_FRESH_MS;
  health.throughputBps = stale || health.throughputBps === null ? sample.value : health.throughputBps + EWMA_ALPHA * (sample.value - health.throughputBps);
  health.throughputSamples = stale ? 1 : health.throughputSamples + 1;
  health.lastThroughputMs = nowMs;
}

function comparableThroughput(health: PathwayHealth | undefined, nowMs: number): number | null {
  if (!health || health.throughputBps === null || health.lastThroughputMs === null) return null;
  if (health.throughputSamples < MIN_THROUGHPUT_SAMPLES || nowMs - health.lastThroughputMs > THROUGHPUT_FRESH_MS) return null;
  return health.throughputBps;
}

/**
 * The PATHWAY-PRIORITY list: healthy pathways (sticky leader first, then
 * configuration order), then demoted ones, so a player still has somewhere to go
 * if everything is failing. Re-promotes pathways that have been quiet long enough.
 */
export function pathwayPriority(state: SteeringHealth, pathwayIds: readonly string[], nowMs: number): string[] {
  for (const id of pathwayIds) {
    const health = state.pathways[id];
    if (health?.demoted && health.lastErrorMs !== null && nowMs - health.lastErrorMs >= QUIET_PERIOD_MS) {
      health.demoted = false;
      health.changedAtMs = nowMs;
      health.errorTimesMs = [];
    }
  }
  const healthy = pathwayIds.filter((id) => !state.pathways[id]?.demoted);
  const demoted = pathwayIds.filter((id) => state.pathways[id]?.demoted);
  // A leader chosen for its throughput loses the lead if demoted; the configured order then applies again.
  if (state.leader !== null && !healthy.includes(state.leader)) state.leader = null;
  let leader = state.leader ?? healthy[0] ?? null;
  if (leader !== null) {
    const leaderBps = comparableThroughput(state.pathways[leader], nowMs);
    if (leaderBps !== null) {
      let best = leaderBps * SWITCH_RATIO;
      for (const id of healthy) {
        const bps = comparableThroughput(state.pathways[id], nowMs);
        if (id !== leader && bps !== null && bps >= best) {
          best = bps;
          leader = id;
          state.leader = id;
        }
      }
    }
  }
  return leader === null ? demoted : [leader, ...healthy.filter((id) => id !== leader), ...demoted];
}
