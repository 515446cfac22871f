/**
 * Where a CPU profile's time went: self time per function (name, file, line)
 * and per file, from a Chrome DevTools `.cpuprofile` such as
 * `npm run bench:offline -- --cpu-profile <path>` writes. Build the SPA
 * unminified first to read function names (`vite build --minify false`).
 *
 *   node bench/profile-summary.ts <file.cpuprofile> [--top 30]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "30" }, help: { type: "boolean", default: false } } });
if (values.help || positionals.length !== 1) {
  console.log("usage: node bench/profile-summary.ts <file.cpuprofile> [--top 30]");
  process.exit(values.help ? 0 : 2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, "utf8")) as Profile;
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
const top = Number(values.top);
const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
console.log(`profile: ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms, ${profile.samples.length} samples\n\nself ms  per file`);
for (const [file, us] of [...fileTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${file}`);
console.log("\nself ms  per function");
for (const [fn, us] of [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${fn}`);
