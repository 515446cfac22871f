/**
 * Per-title ladders as pure functions (no ffmpeg here): from probe encodes —
 * each a resolution × quality setting with its bitrate and VMAF — to the upper
 * convex hull of quality over bitrate and the rungs placed at target qualities.
 * tools/ingest/per-title.ts runs the probes; these decide.
 */

/** One probe encode: a resolution at one x264 CRF, its bitrate and its VMAF against the source. */
export interface ProbePoint {
  height: number;
  width: number;
  crf: number;
  kbps: number;
  vmaf: number;
}

/** A chosen rung: which resolution and CRF to encode, the bitrate and VMAF the probes predict. */
export interface PlannedRung {
  height: number;
  width: number;
  /** x264 CRF (fractional values are allowed). */
  crf: number;
  /** Predicted average bitrate of the video (from the probes). */
  kbps: number;
  /** Predicted VMAF: the target, or more when no probe of the chosen resolution was cheaper. */
  vmaf: number;
  /** The quality this rung was placed for; null for the low (bitrate-floor) rung. */
  targetVmaf: number | null;
}

export interface LadderTargets {
  /** Target VMAF per rung, ascending. */
  targetsVmaf: number[];
  /** The lowest rung stays at or under this bitrate whenever some probe gets there (slow mobile links). */
  floorKbps: number;
  /** Neighbouring rungs differ by at least this bitrate ratio; closer ones are merged. */
  minStepRatio: number;
  /**
   * The most bits a rung may spend at a height, `[heightPx, kbps]` ascending
   * (between entries log-linear, beyond them by pixel count): heavy grain would
   * otherwise buy its last VMAF points at many times a normal rate. Probes above
   * it are left out; absent, no ceiling.
   */
  ceilingKbps?: [number, number][];
}

/**
 * 1.5× the fixed ladder's rate at each of its heights (and 240p by pixel count):
 * a per-title rung never costs much more than the fixed rung it replaces.
 */
export const BITRATE_CEILING_KBPS: [number, number][] = [[240, 670], [360, 1500], [540, 3000], [720, 4500], [1080, 9000], [2160, 22500]];

/** Netflix-style targets: from "watchable on a phone" to "indistinguishable from the source", under the ceiling. */
export const DEFAULT_TARGETS: LadderTargets = { targetsVmaf: [60, 72, 82, 90, 95], floorKbps: 400, minStepRatio: 1.35, ceilingKbps: BITRATE_CEILING_KBPS };

/** The ceiling at a height (see LadderTargets.ceilingKbps). */
export function ceilingAt(heightPx: number, table: [number, number][]): number {
  const first = table[0]!, last = table.at(-1)!;
  if (heightPx <= first[0]) return first[1] * (heightPx / first[0]) ** 2;
  if (heightPx >= last[0]) return last[1] * (heightPx / last[0]) ** 2;
  const i = table.findIndex(([h]) => h >= heightPx);
  const [h0, k0] = table[i - 1]!, [h1, k1] = table[i]!;
  const f = Math.log(heightPx / h0) / Math.log(h1 / h0);
  return Math.exp(Math.log(k0) + f * (Math.log(k1) - Math.log(k0)));
}

/** The probes a ladder may use: those under their height's ceiling (the cheapest probe when none is). */
export function underCeiling(points: ProbePoint[], targets: LadderTargets): ProbePoint[] {
  const table = targets.ceilingKbps;
  if (!table || points.length === 0) return points;
  const kept = points.filter((p) => p.kbps <= ceilingAt(p.height, table));
  return kept.length > 0 ? kept : [points.reduce((a, b) => (b.kbps < a.kbps ? b : a))];
}

/**
 * Whether probing one resolution at a CRF below those in `probed` (its probes so
 * far, cheapest first) can still change what placeRungs places. Not once a probe
 * reaches the top target (a lower CRF costs more, and every target is met at or
 * before that probe), nor once a probe is over the height's ceiling (placeRungs
 * uses nothing past the first such probe): the rungs from the probes taken are
 * the rungs from the whole grid. Simple content skips its lowest CRFs, heavy
 * grain its costliest.
 *
 * That holds at any bitrate, under `floorKbps` too: the floor rung (the best probe
 * at or under floorKbps) is only added when every target's rung costs more than
 * floorKbps, and a height that reaches the top target at or under it (and under
 * its ceiling, or the rule above stopped it) meets every target there, so the
 * lowest rung is already that cheap and no floor rung is added.
 */
export function worthProbingBelow(probed: ProbePoint[], targets: LadderTargets): boolean {
  const last = probed.at(-1);
  if (!last) return true;
  if (last.vmaf >= Math.max(...targets.targetsVmaf)) return false;
  return !targets.ceilingKbps || last.kbps <= ceilingAt(last.height, targets.ceilingKbps);
}

const cross = (o: ProbePoint, a: ProbePoint, b: ProbePoint) => (a.kbps - o.kbps) * (b.vmaf - o.vmaf) - (a.vmaf - o.vmaf) * (b.kbps - o.kbps);

/**
 * The upper convex hull of quality over bitrate, cut at its best quality: the
 * vertices ascend strictly in bitrate and in VMAF, with falling slopes. Every
 * probe lies on or under it, so it is the best quality each bitrate can buy
 * (mixing operating points in time).
 */
export function upperHull(points: ProbePoint[]): ProbePoint[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.kbps) && Number.isFinite(p.vmaf) && p.kbps > 0)
    .sort((a, b) => a.kbps - b.kbps || b.vmaf - a.vmaf);
  const hull: ProbePoint[] = [];
  for (const p of sorted) {
    if (hull.length > 0 && hull.at(-1)!.kbps === p.kbps) continue; // the better one at this bitrate came first
    while (hull.length >= 2 && cross(hull.at(-2)!, hull.at(-1)!, p) >= 0) hull.pop();
    hull.push(p);
  }
  // Past the best quality more bits buy nothing: keep the rising part only.
  const best = hull.reduce((bi, p, i) => (p.vmaf > hull[bi]!.vmaf ? i : bi), 0);
  return hull.slice(0, best + 1);
}

/** The hull's quality at a bitrate (linear between vertices; flat past the ends, -Infinity before the first). */
export function hullVmafAt(hull: ProbePoint[], kbps: number): number {
  if (hull.length === 0 || kbps < hull[0]!.kbps) return -Infinity;
  for (let i = 1; i < hull.length; i++) {
    const a = hull[i - 1]!, b = hull[i]!;
    if (kbps <= b.kbps) return a.vmaf + ((b.vmaf - a.vmaf) * (kbps - a.kbps)) / (b.kbps - a.kbps);
  }
  return hull.at(-1)!.vmaf;
}

/** Probe points per resolution, each sorted by rising bitrate with quality made non-decreasing (a noisy probe cannot invert it). */
function curves(points: ProbePoint[]): ProbePoint[][] {
  const byHeight = new Map<number, ProbePoint[]>();
  for (const p of points) byHeight.set(p.height, [...(byHeight.get(p.height) ?? []), p]);
  return [...byHeight.values()].map((ps) => {
    const sorted = [...ps].sort((a, b) => a.kbps - b.kbps);
    let best = -Infinity;
    return sorted.map((p) => ({ ...p, vmaf: (best = Math.max(best, p.vmaf)) }));
  });
}

/**
 * The same quality at one resolution in another set of probes (a second codec's):
 * `rung` matched by VMAF at its own height, or that height's best probe when
 * none reaches it; null when the set has no probe at that height.
 */
export function matchRung(points: ProbePoint[], rung: PlannedRung): PlannedRung | null {
  const curve = curves(points.filter((p) => p.height === rung.height))[0];
  if (!curve) return null;
  const matched = atQuality(curve, rung.vmaf);
  if (matched) return { ...matched, targetVmaf: rung.targetVmaf };
  return asRung(curve.at(-1)!, rung.targetVmaf);
}

/**
 * A second codec's rungs for `rungs` (ascending), each matched with matchRung at
 * its height; where two H.264 rungs get the same match — the second codec's
 * cheapest probe at that height already beats both — it is one rung, not two
 * renditions of the same encode (which would also share a folder name). The
 * matches are then spaced as the H.264 ladder is (spaceRungs, `minStepRatio`):
 * a codec that needs fewer bits can bring two H.264 rungs closer than the step
 * (bench:encode's screen text: AV1 31 and 41 kbps at 720p for H.264's 73 and
 * 116), and a rung that close adds an encode and a rendition the player would
 * hardly tell from its neighbour.
 */
export function matchRungs(points: ProbePoint[], rungs: PlannedRung[], targets: Pick<LadderTargets, "floorKbps" | "minStepRatio"> = DEFAULT_TARGETS): PlannedRung[] {
  const out: PlannedRung[] = [];
  for (const r of rungs) {
    const m = matchRung(points, r);
    if (m && !out.some((o) => o.height === m.height && Math.round(o.kbps) === Math.round(m.kbps))) out.push(m);
  }
  return out.length > 0 ? spaceRungs(out.sort((a, b) => a.kbps - b.kbps || a.vmaf - b.vmaf), targets) : out;
}

const asRung = (p: ProbePoint, targetVmaf: number | null): PlannedRung => ({ height: p.height, width: p.width, crf: p.crf, kbps: p.kbps, vmaf: p.vmaf, targetVmaf });

/**
 * Where one resolution's curve reaches `target`: CRF interpolated linearly and
 * bitrate log-linearly between the two probes around it (its cheapest probe when
 * that already passes the target); null when out of reach.
 */
function atQuality(curve: ProbePoint[], target: number): PlannedRung | null {
  for (let i = 0; i < curve.length; i++) {
    const b = curve[i]!;
    if (b.vmaf < target) continue;
    const a = curve[i - 1];
    // The cheapest probe already passes it: this resolution goes no lower than that probe.
    if (!a) return asRung(b, target);
    const f = (target - a.vmaf) / (b.vmaf - a.vmaf);
    return {
      height: b.height,
      width: b.width,
      crf: a.crf + f * (b.crf - a.crf),
      kbps: Math.exp(Math.log(a.kbps) + f * (Math.log(b.kbps) - Math.log(a.kbps))),
      vmaf: target,
      targetVmaf: target,
    };
  }
  return null;
}

/**
 * The rungs: for each target quality the cheapest resolution that reaches it
 * (interpolated between its probes, among the probes under their height's
 * bitrate ceiling); a low rung at the best quality the probes
 * show at or under `floorKbps`; rungs closer than `minStepRatio` in bitrate
 * thinned from the top down (top and floor always kept). Ascending in bitrate
 * and in quality.
 */
export function placeRungs(points: ProbePoint[], targets: LadderTargets = DEFAULT_TARGETS): PlannedRung[] {
  const table = targets.ceilingKbps;
  const under = (r: { height: number; kbps: number }) => !table || r.kbps <= ceilingAt(r.height, table);
  // Each resolution's probes under its ceiling plus the first one over it: a target between those two is met by
  // interpolation, often well under the ceiling (bench:encode's grain at 540p lost its VMAF 82 rung without it).
  const cs = curves(points).map((c) => {
    const over = c.findIndex((p) => !under(p));
    return over < 0 ? c : c.slice(0, over + 1);
  });
  if (cs.length === 0) return [];
  const candidates: PlannedRung[] = [];
  let unreachedTop = false;
  for (const t of targets.targetsVmaf) {
    const options = cs.map((c) => atQuality(c, t)).filter((r): r is PlannedRung => r !== null && under(r));
    if (options.length > 0) candidates.push(options.reduce((a, b) => (b.kbps < a.kbps ? b : a)));
    else unreachedTop = true;
  }
  const all = underCeiling(cs.flat(), targets);
  // A target above every probe: the best probe stands in as the top rung.
  if (unreachedTop || candidates.length === 0) {
    const best = all.reduce((a, b) => (b.vmaf > a.vmaf || (b.vmaf === a.vmaf && b.kbps < a.kbps) ? b : a));
    candidates.push(asRung(best, null));
  }
  // The floor: the best quality at or under floorKbps, so a slow link still plays.
  const cheap = all.filter((p) => p.kbps <= targets.floorKbps);
  const lowest = candidates.reduce((a, b) => (b.kbps < a.kbps ? b : a));
  if (lowest.kbps > targets.floorKbps && cheap.length > 0) {
    candidates.push(asRung(cheap.reduce((a, b) => (b.vmaf > a.vmaf || (b.vmaf === a.vmaf && b.kbps < a.kbps) ? b : a)), null));
  } else if (lowest.kbps > targets.floorKbps) {
    // Nothing that cheap: the cheapest probe is the floor.
    candidates.push(asRung(all.reduce((a, b) => (b.kbps < a.kbps ? b : a)), null));
  }
  // Ascending in bitrate; a candidate no better than a cheaper one is dominated and dropped.
  const chain: PlannedRung[] = [];
  for (const r of candidates.sort((a, b) => a.kbps - b.kbps || a.vmaf - b.vmaf)) {
    const prev = chain.at(-1);
    if (!prev) chain.push(r);
    else if (r.vmaf > prev.vmaf) {
      if (r.kbps === prev.kbps) chain[chain.length - 1] = r;
      else chain.push(r);
    }
  }
  return spaceRungs(chain, targets);
}

/**
 * Rungs ascending in bitrate (non-empty), spaced from the top down: the top rung
 * (the best target reached) always stays, a lower rung stays when it is at least
 * minStepRatio cheaper than the one above it. The floor rung (the lowest, when at
 * or under floorKbps) always stays too: the middle rungs too close to it give
 * way, and when only the top is left it sits beside the top even if closer — a
 * slow link playing at all matters more than even spacing.
 */
export function spaceRungs(chain: PlannedRung[], targets: Pick<LadderTargets, "floorKbps" | "minStepRatio">): PlannedRung[] {
  const floor = chain[0]!.kbps <= targets.floorKbps ? chain[0]! : null;
  const kept: PlannedRung[] = [chain.at(-1)!];
  for (let i = chain.length - 2; i >= 0; i--) {
    const r = chain[i]!;
    if (r.kbps * targets.minStepRatio <= kept.at(-1)!.kbps) kept.push(r);
    else if (r === floor) {
      while (kept.length > 1 && r.kbps * targets.minStepRatio > kept.at(-1)!.kbps) kept.pop();
      kept.push(r);
    }
  }
  return kept.reverse();
}
