/**
 * Pathway priority from player reports, for one region. Pure functions over a
 * plain state object (the SteeringState Durable Object stores it), with the
 * clock passed in so tests can drive time.
 *
 * Hysteresis, so the priority does not flap:
 * - a pathway is demoted once DEMOTE_AFTER_ERRORS different reporters reported an
 *   error within ERROR_WINDOW_MS — different accounts (from their playback tokens)
 *   *and* different networks (an IPv4 address or an IPv6 /64): a report drops any
 *   earlier one of its account or its network, so accounts made in bulk on one
 *   network weigh as one — and re-promoted only after QUIET_PERIOD_MS without any
 *   error: one viewer, however many errors it sends, cannot move a region's
 *   traffic on its own. (Only reports of sessions that were served media reach
 *   this module at all; see steering-state.ts.)
 * - among healthy pathways the leader (the first in configured order, unless
 *   throughput chose another) stays first until another one's measured throughput
 *   is SWITCH_RATIO times the leader's (both with enough fresh samples), so a
 *   small or noisy difference never swaps them back and forth.
 * - a pathway whose viewers in the region rebuffer or fail too much (QoE rollups,
 *   recordQuality) moves behind the pathways that play well, even when nothing
 *   errors outright: degraded above QOE_DEGRADE_* (with enough views), kept
 *   degraded while readings stay above half those thresholds, and restored only
 *   after QOE_HOLD_MS without such a reading. Bounded: quality only reorders
 *   healthy pathways (a pathway is never dropped, error demotion still comes
 *   last), and when every healthy pathway is degraded the order is left as is.
 */

export const ERROR_WINDOW_MS = 30_000;
export const DEMOTE_AFTER_ERRORS = 3;
export const QUIET_PERIOD_MS = 60_000;
export const SWITCH_RATIO = 1.5;
/** Reporters remembered per pathway inside the error window (bounds the stored state). */
const MAX_ERROR_REPORTERS = 64;
/**
 * A reporter's (and a network's) throughput counts at most once per this interval and pathway (a
 * player reloads the steering manifest every TTL, 15 s), so one client sending
 * samples in a loop cannot drag the average and take the lead for a pathway.
 */
export const THROUGHPUT_REPORT_INTERVAL_MS = 10_000;
const MAX_THROUGHPUT_REPORTERS = 256;
export const MIN_THROUGHPUT_SAMPLES = 3;
/** Throughput older than this is not compared (the players measuring it have moved on). */
export const THROUGHPUT_FRESH_MS = 5 * 60_000;
/** Weight of a new throughput sample in the moving average. */
const EWMA_ALPHA = 0.3;

/** A pathway's QoE in the region degrades it above these (rebuffer %, playback failure %)... */
export const QOE_DEGRADE_REBUFFER_PCT = 5;
export const QOE_DEGRADE_FAILURE_PCT = 5;
/** ...with at least this many views in the window; */
export const QOE_MIN_VIEWS = 10;
/** it stays degraded while readings stay above this fraction of the thresholds, and recovers this long after the last such reading. */
export const QOE_RECOVER_FRACTION = 0.5;
export const QOE_HOLD_MS = 10 * 60_000;

/** A pathway's QoE in one region over the last minutes (from the rollups). */
export interface PathwayQuality {
  views: number;
  rebufferPct: number | null;
  failurePct: number | null;
}

export type SampleKind = "error" | "throughput";

/** One player report about a pathway: an error, or a throughput estimate in bits per second. */
export interface PathwaySample {
  pathway: string;
  kind: SampleKind;
  /** Bits per second for throughput; ignored for errors. */
  value: number;
  /** Who reported it (keyed hash of the playback token's subject): errors count once per reporter. */
  reporter: string;
  /** The reporter's network (keyed hash of its IPv4 address or IPv6 /64): errors count once per network too. */
  network: string;
  /** The playback session (keyed hash of account and asset): counted only once media was served to it. */
  session: string;
}

/** A report remembered for counting per reporter and network: the latest from either. */
export interface ErrorReport {
  atMs: number;
  reporter: string;
  /** Absent in state saved before networks were counted. */
  network?: string;
}

/** Whether two reports come from one account or one network (so they weigh as one). */
function sameSource(a: ErrorReport, b: { reporter: string; network: string }): boolean {
  return a.reporter === b.reporter || a.network === b.network;
}

export interface PathwayHealth {
  /** Errors inside the current window, one (the latest) per reporter. */
  errors: ErrorReport[];
  lastErrorMs: number | null;
  demoted: boolean;
  /** When `demoted` last changed (epoch ms), for diagnostics. */
  changedAtMs: number | null;
  throughputBps: number | null;
  throughputSamples: number;
  lastThroughputMs: number | null;
  /** Reporters (and their networks) whose throughput counted within THROUGHPUT_REPORT_INTERVAL_MS. */
  throughputReporters: ErrorReport[];
  /** Degraded by QoE (recordQuality); absent in state saved before QoE fed steering. */
  qoeDegraded?: boolean;
  /** The last reading that degraded it or kept it degraded (epoch ms). */
  qoeBadAtMs?: number | null;
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
    health = { errors: [], lastErrorMs: null, demoted: false, changedAtMs: null, throughputBps: null, throughputSamples: 0, lastThroughputMs: null, throughputReporters: [] };
    state.pathways[pathway] = health;
  }
  // State saved before reports were counted per reporter.
  health.errors ??= [];
  health.throughputReporters ??= [];
  return health;
}

/** Records one report (unknown pathways and nonsense values are ignored). */
export function recordSample(state: SteeringHealth, pathwayIds: readonly string[], sample: PathwaySample, nowMs: number): void {
  if (!pathwayIds.includes(sample.pathway)) return;
  const health = healthOf(state, sample.pathway);
  if (sample.kind === "error") {
    health.errors = health.errors.filter((e) => nowMs - e.atMs < ERROR_WINDOW_MS && !sameSource(e, sample));
    health.errors.push({ atMs: nowMs, reporter: sample.reporter, network: sample.network });
    if (health.errors.length > MAX_ERROR_REPORTERS) health.errors.shift();
    health.lastErrorMs = nowMs;
    if (!health.demoted && health.errors.length >= DEMOTE_AFTER_ERRORS) {
      health.demoted = true;
      health.changedAtMs = nowMs;
    }
    return;
  }
  if (!Number.isFinite(sample.value) || sample.value <= 0) return;
  health.throughputReporters = health.throughputReporters.filter((r) => nowMs - r.atMs < THROUGHPUT_REPORT_INTERVAL_MS);
  if (health.throughputReporters.some((r) => sameSource(r, sample))) return;
  health.throughputReporters.push({ atMs: nowMs, reporter: sample.reporter, network: sample.network });
  if (health.throughputReporters.length > MAX_THROUGHPUT_REPORTERS) health.throughputReporters.shift();
  const stale = health.lastThroughputMs === null || nowMs - health.lastThroughputMs > THROUGHPUT_FRESH_MS;
  health.throughputBps = stale || health.throughputBps === null ? sample.value : health.throughputBps + EWMA_ALPHA * (sample.value - health.throughputBps);
  health.throughputSamples = stale ? 1 : health.throughputSamples + 1;
  health.lastThroughputMs = nowMs;
}

/** How bad a QoE reading is, against thresholds scaled by `fraction`. */
function qualityBad(q: PathwayQuality | undefined, fraction: number): boolean {
  if (!q || q.views < QOE_MIN_VIEWS) return false;
  return (q.rebufferPct ?? 0) > QOE_DEGRADE_REBUFFER_PCT * fraction || (q.failurePct ?? 0) > QOE_DEGRADE_FAILURE_PCT * fraction;
}

/**
 * Records the region's QoE per pathway (pathways without a reading had too
 * little traffic to judge): degrades a pathway that plays badly, keeps it
 * degraded while it is still poor, restores it QOE_HOLD_MS after the last poor reading.
 */
export function recordQuality(state: SteeringHealth, pathwayIds: readonly string[], quality: Readonly<Record<string, PathwayQuality>>, nowMs: number): void {
  for (const id of pathwayIds) {
    const q = quality[id];
    const health = healthOf(state, id);
    if (qualityBad(q, health.qoeDegraded ? QOE_RECOVER_FRACTION : 1)) {
      health.qoeBadAtMs = nowMs;
      if (!health.qoeDegraded) {
        health.qoeDegraded = true;
        health.changedAtMs = nowMs;
      }
    } else if (health.qoeDegraded && nowMs - (health.qoeBadAtMs ?? 0) >= QOE_HOLD_MS) {
      health.qoeDegraded = false;
      health.changedAtMs = nowMs;
    }
  }
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
      health.errors = [];
    }
  }
  const notDemoted = pathwayIds.filter((id) => !state.pathways[id]?.demoted);
  const demoted = pathwayIds.filter((id) => state.pathways[id]?.demoted);
  // Pathways that play well go before those QoE degraded; if none plays well, quality changes nothing.
  const playWell = notDemoted.filter((id) => !state.pathways[id]?.qoeDegraded);
  const healthy = playWell.length > 0 ? [...playWell, ...notDemoted.filter((id) => !playWell.includes(id))] : notDemoted;
  const leaders = playWell.length > 0 ? playWell : notDemoted;
  // A leader chosen for its throughput loses the lead if demoted (or QoE degraded); the configured order then applies again.
  if (state.leader !== null && !leaders.includes(state.leader)) state.leader = null;
  let leader = state.leader ?? leaders[0] ?? null;
  if (leader !== null) {
    const leaderBps = comparableThroughput(state.pathways[leader], nowMs);
    if (leaderBps !== null) {
      let best = leaderBps * SWITCH_RATIO;
      for (const id of leaders) {
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
