/**
 * Where a CPU profile's time went: self time per function (name, file, line)
 * and per file, from a Chrome DevTools `.cpuprofile` such as
 * `npm run bench:offline -- --cpu-profile <path>` writes. Build the SPA
 * unminified first to read function names (`vite build --minify false`).
 * Given a Chrome trace (`-- --trace <path>`), the renderer main thread's self
 * time per event (style, layout, paint, script evaluation, compilation...), which
 * a CPU profile lumps together as "(program)".
 *
 *   node bench/profile-summary.ts <file.cpuprofile | trace.json> [--top 30]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "30" }, help: { type: "boolean", default: false } } });
if (values.help || positionals.length !== 1) {
  console.log("usage: node bench/profile-summary.ts <file.cpuprofile | trace.json> [--top 30]");
  process.exit(values.help ? 0 : 2);
}
const parsed = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile | { traceEvents: TraceEvent[] };
const top = Number(values.top);
const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
if ("traceEvents" in parsed) {
  summariseTrace(parsed.traceEvents);
  process.exit(0);
}
const profile = parsed;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
// A sample's time is the delta to the next sample (the last one gets none).
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));

const fnTotals = new Map<string, number>();
const fileTotals = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const file = url ? url.replace(/^https?:\/\/[^/]+/, "") : "(native)";
  const fn = `${functionName || "(anonymous)"}  ${file}:${lineNumber + 1}`;
  fnTotals.set(fn, (fnTotals.get(fn) ?? 0) + us);
  fileTotals.set(file, (fileTotals.get(file) ?? 0) + us);
}
console.log(`profile: ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms, ${profile.samples.length} samples\n\nself ms  per file`);
for (const [file, us] of [...fileTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${file}`);
console.log("\nself ms  per function");
for (const [fn, us] of [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${fn}`);

// Total time per function: its own and its callees', counted once where it recurses.
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const totals = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    if (!url) continue;
    const fn = `${functionName || "(anonymous)"}  ${url.replace(/^https?:\/\/[^/]+/, "")}:${lineNumber + 1}`;
    if (seen.has(fn)) continue;
    seen.add(fn);
    totals.set(fn, (totals.get(fn) ?? 0) + us);
  }
}
console.log("\ntotal ms per function (with what it calls)");
for (const [fn, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${fn}`);

interface TraceEvent { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string; data?: { url?: string; functionName?: string } } }

/** Self time per event name on the renderer's main thread (complete events, nested by time). */
function summariseTrace(events: TraceEvent[]): void {
  // Every renderer's main thread is in the trace (other tabs too): the busiest is the page's.
  const mains = events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
  if (!mains.length) throw new Error("no CrRendererMain thread in this trace");
  const spansOf = (m: TraceEvent) => events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === "X" && e.dur !== undefined);
  const spans = mains.map(spansOf).sort((a, b) => b.reduce((t, e) => t + e.dur!, 0) - a.reduce((t, e) => t + e.dur!, 0))[0]!.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const label = (e: TraceEvent) => (e.name === "EvaluateScript" || e.name === "v8.compile" ? `${e.name} ${e.args?.data?.url?.replace(/^https?:\/\/[^/]+/, "") ?? ""}` : e.name === "FunctionCall" ? `FunctionCall ${e.args?.data?.functionName || "(anonymous)"} ${e.args?.data?.url?.replace(/^https?:\/\/[^/]+/, "") ?? ""}` : e.name);
  const stack: { end: number; key: string }[] = [];
  for (const e of spans) {
    while (stack.length && stack.at(-1)!.end <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.key, (self.get(parent.key) ?? 0) - e.dur!);
    const key = label(e);
    self.set(key, (self.get(key) ?? 0) + e.dur!);
    stack.push({ end: e.ts + e.dur!, key });
  }
  const first = spans[0]?.ts ?? 0;
  const last = Math.max(...spans.map((e) => e.ts + e.dur!));
  const busy = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`trace: main thread busy ${ms(busy).trim()} ms of ${ms(last - first).trim()} ms\n\nself ms  per event`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${key}`);
}
