/** Small helpers shared by the benchmarks: percentiles and aligned tables. */

/** The p-th percentile (0..100) of samples, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  for (const [n, row] of cells.entries()) {
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One measured target of a throughput benchmark: its latencies and how many requests it completed in how long. */
export interface SliceTarget {
  name: string;
  latencies: number[];
  requests: number;
  elapsedMs: number;
}

/**
 * One slice: `concurrency` workers run `once(worker)` back to back until the
 * slice ends (or `more()` says stop); with `record`, latencies and the count go
 * to the target. `once` throws on a wrong answer, which ends the benchmark.
 */
export async function runSlice(t: SliceTarget, ms: number, concurrency: number, record: boolean, once: (worker: number) => Promise<void>, more: (done: number) => boolean = () => true): Promise<void> {
  const started = performance.now();
  const end = started + ms;
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end && more(count)) {
        const t0 = performance.now();
        await once(worker);
        count++;
        if (record) t.latencies.push(performance.now() - t0);
      }
    }),
  );
  if (record) {
    t.requests += count;
    t.elapsedMs += performance.now() - started;
  }
}

/** Warms every target up for a second, then alternates `sliceMs` slices in rotating order until each had `seconds`, so drift hits all. */
export async function alternateSlices<T extends SliceTarget>(targets: T[], seconds: number, sliceMs: number, slice: (t: T, ms: number, record: boolean) => Promise<void>, beforeRound?: (round: number) => Promise<void>): Promise<void> {
  for (const t of targets) await slice(t, 1000, false);
  const rounds = Math.ceil((seconds * 1000) / sliceMs);
  for (let r = 0; r < rounds; r++) {
    await beforeRound?.(r);
    for (let i = 0; i < targets.length; i++) await slice(targets[(r + i) % targets.length]!, sliceMs, true);
  }
}

/** p50, p99 and requests/s of each target, and the table of them with ratios to `floorName`. */
export function sliceStats(targets: SliceTarget[], floorName: string) {
  const stats = targets.map((t) => ({
    name: t.name,
    p50: percentile(t.latencies, 50),
    p99: percentile(t.latencies, 99),
    rps: (t.requests * 1000) / t.elapsedMs,
    requests: t.requests,
  }));
  const floor = stats.find((s) => s.name === floorName)!;
  const print = () =>
    printTable(
      ["target", "requests", "p50", "p99", "req/s", "p50/floor", "p99/floor", "req/s / floor"],
      stats.map((s) => [s.name, s.requests, round(s.p50), round(s.p99), round(s.rps, 0), `${round(s.p50 / floor.p50)}×`, `${round(s.p99 / floor.p99)}×`, `${round(s.rps / floor.rps)}×`]),
    );
  return { stats, floor, print };
}

/** The per-target figures of `sliceStats` for a summary line: `{ name: { p50, p99, rps, requests } }`. */
export function statsJson(stats: ReturnType<typeof sliceStats>["stats"]) {
  return Object.fromEntries(stats.map((s) => [s.name, { p50: round(s.p50), p99: round(s.p99), rps: round(s.rps, 0), requests: s.requests }]));
}

/** `p50_vs_floor` and `p99_vs_floor` of a target (keys prefixed, e.g. `hit_p50_vs_floor`), for a summary line. */
export function vsFloor(s: { p50: number; p99: number }, floor: { p50: number; p99: number }, prefix = ""): Record<string, number> {
  return { [`${prefix}p50_vs_floor`]: round(s.p50 / floor.p50), [`${prefix}p99_vs_floor`]: round(s.p99 / floor.p99) };
}
