/**
 * `npm run bench:abr [-- --traces <dir>] [-- --ladder <plan.json>…] [-- --start-estimate link|family|none] [-- --tune]`
 *
 * Trace-driven ABR comparison on a simulated clock (bench/abr/sim.ts): ours
 * (client/src/player/abr/rules.ts), the hls.js 1.7.4 default ABR port, BOLA,
 * RobustMPC, BBA and the lowest rung, all in the same run over the same traces.
 * Reports, per trace family and video, QoE_lin (Pensieve's coefficients) mean
 * and p10/p50/p90, mean bitrate, rebuffer ratio and switches, then paired
 * per-trace differences (ours − other) with bootstrap 95% intervals, how ours
 * stands against hls.js with an upper bound on what any controller could score
 * (bench/abr/bound.ts: "level where every algorithm saturates", measured), then
 * ONE JSON line. Ours starts as the player does (start.ts) with the link
 * estimate a device would have stored (`--start-estimate`): `link` (default) —
 * an earlier session on the same link, i.e. what the controller measures over
 * the 20 s before the session (the traces loop: the trace's tail); `family` —
 * the previous session on the family's previous trace (another link of the
 * same kind: the first trace goes without); `none` — no estimate, the rule
 * before (360p). Its start-up is reported beside the no-estimate start's and
 * hls.js's. Test traces only; `--tune` searches our parameters on
 * Pensieve's training traces instead (never on a test family).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { DEFAULT_ABR_PARAMS, type AbrParams } from "../../client/src/player/abr/rules.ts";
import { LADDER } from "../../tools/ingest/ladder.ts";
import { benchmark, numbers } from "../harness.ts";
import { percentile, printTable, round } from "../stats.ts";
import { ALGORITHMS, OursAbr } from "./algorithms.ts";
import { qoeUpperBound } from "./bound.ts";
import { type Algorithm, CONSTANT_LINKS_MBPS, constantTraces, envivioVideo, linkRateBefore, loadTraces, marqueeVideo, secondsToSustainableTop, simulate, type SessionResult, type Trace, type Video } from "./sim.ts";

const DATA = "../shared/data";
const FAMILIES: Record<string, string> = {
  fcc: `${DATA}/traces-fcc/test_traces`,
  hsdpa: `${DATA}/traces-pensieve/cooked_test_traces`,
  oboe: `${DATA}/traces-oboe/traces_oboe`,
};
const TRAIN = `${DATA}/traces-pensieve/cooked_traces`;
const CHUNKS = `${DATA}/chunk-sizes-envivio`;
const LADDERS = join(import.meta.dirname, "ladders");

const bench = benchmark("abr", {
  traces: { type: "string" },
  tune: { type: "boolean", default: false },
  "buffer-cap": { type: "string", default: "60" },
  ladder: { type: "string", multiple: true, default: [] },
  "start-estimate": { type: "string", default: "link" },
});
const { values } = bench;
const { "buffer-cap": bufferCapS } = numbers(values, "buffer-cap");

if (!existsSync(CHUNKS)) {
  console.log(`bench:abr skipped: ${CHUNKS} (Pensieve's Envivio chunk sizes) is absent; see ../shared/data/README.md`);
  process.exit(0);
}
const envivio = envivioVideo(CHUNKS);
/**
 * Per-title ladders (`npm run ingest -- <clip> --plan-only` output, or anything
 * with `ladder: [{height, videoKbps}]`): bench/abr/ladders/*.json unless `--ladder` names files.
 */
const ladderFiles = values.ladder.length > 0 ? values.ladder : readdirSync(LADDERS).filter((f) => f.endsWith(".json")).sort().map((f) => join(LADDERS, f));
const perTitle = ladderFiles.map((file) => {
  const { ladder } = JSON.parse(readFileSync(file, "utf8")) as { ladder: { height: number; videoKbps: number }[] };
  return marqueeVideo(envivio, ladder, `per-title ${basename(file, ".json")}`);
});
const videos: Video[] = [envivio, marqueeVideo(envivio, LADDER), ...perTitle];

function run(video: Video, traces: Trace[], make: () => Algorithm): SessionResult[] {
  return traces.map((t) => simulate(video, t, make(), { bufferCapS }));
}

/** Seconds before the session over which the `link` start estimate is measured: about the controller's five-sample window at one 4 s segment per 4 s. */
const ESTIMATE_WINDOW_S = 20;
const startEstimate = values["start-estimate"];
if (!["link", "family", "none"].includes(startEstimate)) throw new Error(`--start-estimate: link, family or none, not ${startEstimate}`);

/** Ours over the traces, each session started with the estimate `--start-estimate` says its device had stored. */
function runOurs(video: Video, traces: Trace[], model = startEstimate): SessionResult[] {
  let previous: number | null = null;
  return traces.map((t) => {
    const estimate = model === "link" ? linkRateBefore(t, ESTIMATE_WINDOW_S) : model === "family" ? previous : null;
    const ours = new OursAbr(DEFAULT_ABR_PARAMS, "player", estimate);
    const result = simulate(video, t, ours, { bufferCapS });
    const stored = ours.storedBps();
    previous = Number.isFinite(stored) ? stored : null;
    return result;
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean of xs with a percentile-bootstrap 95% interval (seeded, 2000 resamples). */
function bootstrap(xs: number[]): { mean: number; lo: number; hi: number } {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const means: number[] = [];
  for (let r = 0; r < 2000; r++) {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rand() * xs.length)]!;
    means.push(s / xs.length);
  }
  return { mean: mean(xs), lo: percentile(means, 2.5), hi: percentile(means, 97.5) };
}

if (values.tune) {
  if (!existsSync(TRAIN)) {
    console.log(`--tune skipped: ${TRAIN} is absent`);
    process.exit(0);
  }
  // Pensieve's training traces only, never a test family. They last ~20 min each, so every trace gives
  // several sessions (started 0, 300 and 600 s in), and each is also played at 2× and 3× its throughput
  // so that the upper rungs are within reach as often as on broadband, not only on 3G.
  const base = loadTraces(TRAIN);
  const scales = [1, 2, 3];
  const offsetsS = [0, 300, 600];
  const sets = scales.map((k) => base.map((t) => ({ ...t, name: `${t.name}×${k}`, mbps: t.mbps.map((b) => b * k) })));
  /** Per video and throughput scale: mean QoE_lin and rebuffer ratio over the training sessions. */
  const tuneVideos = videos; // Envivio, the fixed ladder and the per-title ladders
  const evaluate = (make: () => Algorithm) =>
    tuneVideos.flatMap((video) =>
      sets.map((traces) => {
        const rs = traces.flatMap((t) => offsetsS.map((startS) => simulate(video, t, make(), { bufferCapS, startS })));
        const stall = rs.reduce((a, r) => a + r.rebufferS, 0);
        return { qoe: mean(rs.map((r) => r.qoe)), rebuffer: stall / (stall + rs.length * video.segmentS * video.sizesBytes[0]!.length) };
      }),
    );
  const columns = tuneVideos.flatMap((v) => scales.map((k) => `${v.name} ${k}×`));
  const mpc = evaluate(ALGORITHMS.mpc!);
  const bola = evaluate(ALGORITHMS.bola!);
  const hlsjs = evaluate(ALGORITHMS.hlsjs!);
  // The last round's search (the earlier one, over healthy/rich buffer, stall guard and lookahead, chose
  // 5 s, 16 s, 1 s and 5): the end-of-video plan's margin, the floor-safety factor, the steady-link spread.
  const grid: Partial<AbrParams>[] = [];
  for (const endMargin of [1, 1.05, 1.1])
    for (const floorSafeFactor of [0, 1, 1.5, 2])
      for (const steadySpread of [0, 0.2, 0.3]) grid.push({ endMargin, floorSafeFactor, steadySpread });
  const scored: { margin: number; overHls: number; rebufferOk: boolean; row: (string | number)[] }[] = [];
  for (const g of grid) {
    const res = evaluate(() => new OursAbr({ ...DEFAULT_ABR_PARAMS, ...g }));
    // Score: the worst margin over RobustMPC across videos and throughput scales; rebuffering must stay ≤ BOLA's in each;
    // then the worst relative gain over hls.js.
    const margin = Math.min(...res.map((r, i) => r.qoe - mpc[i]!.qoe));
    const overHls = Math.min(...res.map((r, i) => (r.qoe - hlsjs[i]!.qoe) / Math.abs(hlsjs[i]!.qoe)));
    const rebufferOk = res.every((r, i) => r.rebuffer <= bola[i]!.rebuffer);
    scored.push({ margin, overHls, rebufferOk, row: [JSON.stringify(g), round(margin, 4), rebufferOk ? "yes" : "no", round(overHls, 4), ...res.map((r) => `${round(r.qoe, 3)} / ${round(100 * r.rebuffer, 2)}%`)] });
  }
  // Margins within 0.001 of the best are a tie (the training traces barely separate them); a tie goes to the
  // best worst-case gain over hls.js.
  const bestMargin = Math.max(...scored.filter((x) => x.rebufferOk).map((x) => x.margin));
  const tied = (x: (typeof scored)[number]) => x.rebufferOk && x.margin >= bestMargin - 0.001;
  scored.sort((a, b) => Number(b.rebufferOk) - Number(a.rebufferOk) || Number(tied(b)) - Number(tied(a)) || (tied(a) ? b.overHls - a.overHls : b.margin - a.margin));
  const rows = scored.map((x) => x.row);
  const line = (rs: { qoe: number; rebuffer: number }[]) => rs.map((r, i) => `${columns[i]} ${round(r.qoe, 3)} / ${round(100 * r.rebuffer, 2)}%`).join("; ");
  console.log(`training traces: ${base.length} × ${offsetsS.length} starts × throughput ${scales.map((k) => `${k}×`).join(", ")}; ${tuneVideos.map((v) => v.name).join(", ")}`);
  console.log(`RobustMPC: ${line(mpc)}\nBOLA: ${line(bola)}\n`);
  printTable(["params (over the defaults)", "min Δ vs MPC", "rebuffer ≤ BOLA", "min gain vs hls.js", ...columns.map((c) => `${c} QoE / rebuffer`)], rows.slice(0, 10));
  process.exit(0);
}

/** Trace families: a folder of traces, or (`constant`) synthetic links of fixed throughput built here. */
const families: [string, string][] = values.traces ? [[basename(values.traces), values.traces]] : [...Object.entries(FAMILIES), ["constant", ""]];
const tracesOf = (family: string, dir: string): Trace[] | null => (family === "constant" && dir === "" ? constantTraces() : existsSync(dir) ? loadTraces(dir) : null);
const names = Object.keys(ALGORITHMS);
const summary: Record<string, Record<string, Record<string, unknown>>> = {};
const started = performance.now();
for (const video of videos) {
  const key = video.name === "envivio" ? "families" : video.name === "marquee" ? "families_marquee_ladder" : `families_${video.name.replace(/\W+/g, "_")}`;
  summary[key] = {};
  for (const [family, dir] of families) {
    const traces = tracesOf(family, dir);
    if (!traces) {
      console.log(`\n${family}: skipped, ${dir} is absent`);
      continue;
    }
    const results = Object.fromEntries(names.map((n) => [n, n === "ours" ? runOurs(video, traces) : run(video, traces, ALGORITHMS[n]!)]));
    const withoutEstimate = startEstimate === "none" ? results.ours! : runOurs(video, traces, "none");
    console.log(`\n${family} (${traces.length} traces) — video: ${video.name} [${video.bitratesBps.map((b) => b / 1000).join(", ")} kbps], buffer cap ${bufferCapS} s`);
    printTable(
      ["algorithm", "QoE mean", "p10", "p50", "p90", "bitrate Mbps", "rebuffer %", "switches", "startup s", "abandons"],
      names.map((n) => {
        const rs = results[n]!;
        const q = rs.map((r) => r.qoe);
        const stall = rs.reduce((a, r) => a + r.rebufferS, 0);
        const played = rs.length * video.segmentS * video.sizesBytes[0]!.length;
        return [n, round(mean(q), 3), round(percentile(q, 10), 3), round(percentile(q, 50), 3), round(percentile(q, 90), 3), round(mean(rs.map((r) => r.meanBitrateMbps)), 3), round((100 * stall) / (stall + played), 3), round(mean(rs.map((r) => r.switches)), 1), round(mean(rs.map((r) => r.startupS)), 2), round(mean(rs.map((r) => r.abandoned)), 2)];
      }),
    );
    console.log(`\npaired per-trace QoE difference, ours − other (mean, bootstrap 95% CI)`);
    printTable(
      ["other", "Δ mean", "CI low", "CI high", "ours/other"],
      names.filter((n) => n !== "ours").map((n) => {
        const d = bootstrap(results.ours!.map((r, i) => r.qoe - results[n]![i]!.qoe));
        const ratio = mean(results.ours!.map((r) => r.qoe)) / mean(results[n]!.map((r) => r.qoe));
        return [n, round(d.mean, 3), round(d.lo, 3), round(d.hi, 3), `${round(ratio, 3)}×`];
      }),
    );
    const startup = (rs: SessionResult[]) => round(mean(rs.map((r) => r.startupS)), 2);
    const startupS = { ours: startup(results.ours!), ours_no_estimate: startup(withoutEstimate), hlsjs: startup(results.hlsjs!) };
    console.log(`\nstart-up s (estimate: ${startEstimate}): ours ${startupS.ours}, ours without an estimate ${startupS.ours_no_estimate}, hls.js ${startupS.hlsjs}; QoE_lin without an estimate ${round(mean(withoutEstimate.map((r) => r.qoe)), 3)}`);
    const qoe: Record<string, number> = {};
    const rebufferRatio: Record<string, number> = {};
    for (const n of names) {
      const rs = results[n]!;
      qoe[n] = round(mean(rs.map((r) => r.qoe)), 3);
      const stall = rs.reduce((a, r) => a + r.rebufferS, 0);
      rebufferRatio[n] = round(stall / (stall + rs.length * video.segmentS * video.sizesBytes[0]!.length), 5);
    }
    // "≥ 1.10× hls.js, or level with it where every algorithm saturates", computed from the data:
    // - saturated: no controller could be 1.10× hls.js on these traces — their mean upper bound
    //   (bound.ts, a relaxation any session under sim.ts's model stays within) is short of it;
    // - level: ours is not significantly below hls.js — the paired 95% interval of ours − hls.js reaches 0;
    // - floor-bound traces: the lowest rung alone stalls on them (the link cannot carry the ladder's
    //   floor, so every controller stalls); they are judged "level", the rest on their own.
    const bound = traces.map((t, i) => qoeUpperBound(video, t, Math.max(...names.map((n) => results[n]![i]!.startupS))));
    const violations = names.filter((n) => results[n]!.some((r, i) => r.qoe > bound[i]! + 1e-9));
    if (violations.length) console.log(`\nWARNING: the upper bound is below ${violations.join(", ")} on some trace (bench/abr/bound.ts is wrong)`);
    const all = traces.map((_, i) => i);
    const floorBound = all.filter((i) => results.lowest![i]!.rebufferS > 0);
    const rest = all.filter((i) => results.lowest![i]!.rebufferS === 0);
    const over = (idx: number[], f: (i: number) => number) => mean(idx.map(f));
    const oursQ = (i: number) => results.ours![i]!.qoe;
    const hlsQ = (i: number) => results.hlsjs![i]!.qoe;
    const tenPercent = (idx: number[]) => over(idx, oursQ) - over(idx, hlsQ) >= 0.1 * Math.abs(over(idx, hlsQ));
    const saturated = (idx: number[]) => over(idx, (i) => bound[i]!) - over(idx, hlsQ) < 0.1 * Math.abs(over(idx, hlsQ));
    const interval = (idx: number[]) => bootstrap(idx.map((i) => oursQ(i) - hlsQ(i)));
    const level = (idx: number[]) => interval(idx).hi >= 0;
    const aimOn = (idx: number[]) => idx.length === 0 || tenPercent(idx) || (saturated(idx) && level(idx));
    const how = tenPercent(all) ? "1.10x" : saturated(all) && level(all) ? "saturated, level" : floorBound.length && level(floorBound) && aimOn(rest) ? "floor-bound level, rest " + (rest.length === 0 || tenPercent(rest) ? "1.10x" : "saturated, level") : "not met";
    const part = (idx: number[]) => {
      const d = interval(idx);
      return { n: idx.length, ours: round(over(idx, oursQ), 3), hlsjs: round(over(idx, hlsQ), 3), bound: round(over(idx, (i) => bound[i]!), 3), d_lo: round(d.lo, 3), d_hi: round(d.hi, 3) };
    };
    console.log(`\nvs hls.js (ours ≥ 1.10× it, or level where no controller could be): ${how}; upper bound ${round(mean(bound), 3)} (1.10× hls.js ${round(qoe.hlsjs! + 0.1 * Math.abs(qoe.hlsjs!), 3)})`);
    if (floorBound.length && rest.length) {
      printTable(
        ["traces", "n", "ours", "hls.js", "bound", "Δ CI low", "Δ CI high"],
        [["floor-bound (lowest rung stalls)", ...Object.values(part(floorBound))], ["the rest", ...Object.values(part(rest))]],
      );
    }
    const aims: Record<string, number> = {
      ge_mpc: qoe.ours! >= qoe.mpc! ? 1 : 0,
      // "At least 1.10× hls.js's", read as a 10% gain over |hls.js| so it stays meaningful when QoE is negative.
      ge_1_10x_hlsjs: how === "not met" ? 0 : 1,
      rebuffer_le_bola: rebufferRatio.ours! <= rebufferRatio.bola! ? 1 : 0,
    };
    const vsHls: Record<string, unknown> = { ratio: round(qoe.ours! / qoe.hlsjs!, 3), bound: round(mean(bound), 3), how };
    if (how.startsWith("floor-bound")) Object.assign(vsHls, { floor_bound: part(floorBound), rest: part(rest) });
    const entry: Record<string, unknown> = { traces: { n: traces.length }, qoe, rebuffer_ratio: rebufferRatio, ours_vs_hlsjs: vsHls, aims, startup_s: startupS };
    if (family === "constant") {
      // How fast each algorithm climbs: seconds until the first segment at the highest rung the link sustains.
      const climb: Record<string, number> = {};
      const rows = CONSTANT_LINKS_MBPS.map((mbps, i) => {
        const cells = names.map((n) => secondsToSustainableTop(video, mbps, results[n]![i]!));
        names.forEach((n, k) => {
          if (mbps >= 10 && cells[k] !== null) climb[`${n}_${mbps}mbps`] = round(cells[k]!, 2);
        });
        return [`${mbps} Mbps`, ...cells.map((c) => (c === null ? "never" : round(c, 2)))];
      });
      console.log(`\nseconds until the first segment at the highest rung each link sustains`);
      printTable(["link", ...names], rows);
      // On a fast link ours reaches the top no later than hls.js (within one RTT of simulated time).
      const fast = CONSTANT_LINKS_MBPS.filter((m) => m >= 10);
      aims.climb_le_hlsjs = fast.every((m) => (climb[`ours_${m}mbps`] ?? Infinity) <= (climb[`hlsjs_${m}mbps`] ?? Infinity) + 0.1) ? 1 : 0;
      entry.climb_s = climb;
    }
    summary[key]![family] = entry;
  }
}
console.log(`\nsimulated in ${round((performance.now() - started) / 1000, 1)} s of wall time`);
bench.summary({ buffer_cap_s: bufferCapS, start_estimate: startEstimate, ...summary });
