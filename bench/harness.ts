/**
 * The benchmarks' one harness: arguments, the local site, the load figure and
 * the JSON summary every benchmark ends with.
 *
 *   const bench = benchmark("home", { seconds: { type: "string", default: "8" } });
 *   const server = await benchSite({ name: "home", port: 8801, client: "any", media: false });
 *   ...
 *   bench.summary({ concurrency, ms: statsJson(stats) });   // {"bench":"home",…,"load_1m":[start,end]}
 *
 * The load figure is `load_1m`: the machine's 1-minute load average when the
 * benchmark started and when it printed its summary (figures from a busy shared
 * machine are only comparable within one run).
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { DEMO_ACCOUNT } from "../tools/dev/demo-account.ts";
import { root, run, startDevServer, type DevServer, type DevServerOptions } from "../tools/dev/server.ts";
import { round } from "./stats.ts";

/** The machine's 1-minute load average, one decimal. */
export const load1m = () => round(loadavg()[0]!, 1);

/** A benchmark run: its parsed `--options` (unknown ones refused), its load figure and its summary line. */
export function benchmark<const O extends ParseArgsOptionsConfig>(name: string, options: O) {
  const loadAtStart = load1m();
  // A benchmark without its own --help still answers one: its options and their defaults (strict parsing refused it before).
  if (!("help" in options) && process.argv.slice(2).some((a) => a === "--help" || a === "-h")) {
    console.log(`npm run bench:${name} -- [options]\n`);
    for (const [option, spec] of Object.entries(options)) {
      const shown = spec.type === "boolean" ? `--${option}` : `--${option} ${option.includes("port") ? "PORT" : "VALUE"}`;
      console.log(`  ${shown.padEnd(34)}${spec.default === undefined ? "" : `(default ${String(spec.default)})`}`);
    }
    console.log(`\nbench/${name}.ts's opening comment says what each measures.`);
    process.exit(0);
  }
  const { values } = parseArgs({ options, strict: true });
  return {
    values,
    /** `load_1m`: the 1-minute load average at the start and now. */
    load: (): [number, number] => [loadAtStart, load1m()],
    /** Prints the one JSON line the benchmark ends with: `{"bench": name, ...fields, "load_1m": [start, end]}`. */
    summary(fields: Record<string, unknown>): void {
      console.log(`\n${JSON.stringify({ bench: name, ...fields, load_1m: [loadAtStart, load1m()] })}`);
    },
  };
}

/** The options of a benchmark that alternates targets in slices over HTTP to its own site: `--seconds`, `--slice-ms`, `--port`. */
export function sliceOptions(defaults: { seconds: string; port: string }) {
  return {
    seconds: { type: "string", default: defaults.seconds },
    "slice-ms": { type: "string", default: "1000" },
    port: { type: "string", default: defaults.port },
  } as const;
}

/** Numeric options as numbers; one that is not a finite number is refused with its name. */
export function numbers<K extends string>(values: Partial<Record<K, unknown>>, ...names: K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of names) {
    const n = Number(values[name]);
    if (!Number.isFinite(n)) throw new Error(`--${name} wants a number, not ${JSON.stringify(values[name])}`);
    out[name] = n;
  }
  return out;
}

/** A benchmark's own folder under .cache/ (`bench-<name>`): its wrangler state, and its SPA build when it has one. */
export const benchDir = (name: string) => `${root}.cache/bench-${name}`;

/** The SPA a running `npm start` serves; a benchmark reads it at most, never builds into it. */
export const SITE_CLIENT = `${root}dist/client`;

/** What dist/client holds now (every file's path, size, inode and modification time), to tell whether anything changed it. */
export function clientFingerprint(dir = SITE_CLIENT): string {
  if (!existsSync(dir)) return "absent";
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const st = statSync(path);
        lines.push(`${path.slice(dir.length)} ${st.size} ${st.ino} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return lines.join("\n");
}

/**
 * Builds the SPA into `outDir` (vite's --outDir), never into dist/client: a
 * rebuild empties its folder first, and a running `npm start` serving
 * dist/client would answer 404 for `/` and every `/assets/*` file meanwhile.
 */
export async function buildClientInto(outDir: string): Promise<void> {
  if (outDir.replace(/\/+$/, "") === SITE_CLIENT.replace(/\/+$/, "")) throw new Error(`a benchmark does not build into ${SITE_CLIENT}: a running site serves it`);
  mkdirSync(outDir, { recursive: true });
  await run(`${root}node_modules/.bin/vite`, ["build", "--logLevel", "warn", "--outDir", outDir, "--emptyOutDir"], { quiet: true });
}

export interface BenchSiteOptions extends Omit<DevServerOptions, "build" | "quiet" | "persistTo"> {
  /** Names the state folder (.cache/bench-<name>) and the SPA folder (.cache/bench-<name>/client). */
  name: string;
  /** The wrangler state folder, when not .cache/bench-<name>. */
  persistTo?: string;
  /**
   * The SPA the site serves:
   *   - "any": the benchmark does not measure the SPA: dist/client as it is, or, when it was never built, the benchmark's own build;
   *   - "own": the benchmark measures the SPA: built fresh into its own folder (`reuse: true` keeps a previous build there);
   *   - "none": the benchmark passes its own `--assets` folder in `extraArgs`.
   */
  client: "any" | "own" | "none";
  reuse?: boolean;
}

/**
 * `wrangler dev` for a benchmark (quiet, development mode), serving the SPA from
 * a folder the benchmark owns unless it only reads dist/client. Stopping it
 * checks that dist/client is as it was when the benchmark started (exit code 1
 * and a message otherwise): a benchmark never changes what a running site serves.
 */
export async function benchSite(options: BenchSiteOptions): Promise<DevServer & { clientDir: string }> {
  const { name, client, reuse, persistTo, extraArgs = [], ...rest } = options;
  const before = clientFingerprint();
  let clientDir = SITE_CLIENT;
  if (client === "none") clientDir = "";
  else if (client === "own" || !existsSync(`${SITE_CLIENT}/index.html`)) {
    clientDir = `${benchDir(name)}/client`;
    if (!(reuse && existsSync(`${clientDir}/index.html`))) await buildClientInto(clientDir);
  }
  const assets = clientDir === SITE_CLIENT || clientDir === "" ? [] : ["--assets", clientDir];
  const server = await startDevServer({ ...rest, persistTo: persistTo ?? benchDir(name), build: false, quiet: true, extraArgs: [...assets, ...extraArgs] });
  return {
    ...server,
    clientDir,
    async stop() {
      await server.stop();
      if (clientFingerprint() !== before) {
        console.error(`\nbench:${name}: ${SITE_CLIENT} changed while the benchmark ran (a benchmark must not build into it; was another build running?): a running \`npm start\` serves that folder`);
        process.exitCode = 1;
      }
    },
  };
}

/** Signs the demo account in on `server` and chooses its first profile (Alex): the cookie and JSON headers for its requests. */
export async function signInDemo(server: DevServer): Promise<{ cookie: string; headers: Record<string, string> }> {
  const base = server.url;
  const json = { "content-type": "application/json", origin: base };
  const signin = await fetch(`${base}/api/auth/signin`, { method: "POST", headers: json, body: JSON.stringify({ email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password }) });
  if (!signin.ok) throw new Error(`sign-in answered ${signin.status}: ${await signin.text()}\n--- wrangler dev output ---\n${server.logTail()}`);
  const cookie = signin.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { profiles } = (await signin.json()) as { profiles: { id: string; name: string }[] };
  const alex = profiles.find((p) => p.name === DEMO_ACCOUNT.profiles[0].name)!;
  const select = await fetch(`${base}/api/profiles/${alex.id}/select`, { method: "POST", headers: { ...json, cookie }, body: "{}" });
  if (!select.ok) throw new Error(`profile select answered ${select.status}: ${await select.text()}`);
  // The access token carries the chosen profile: the select answer's cookies replace the sign-in's.
  const jar = new Map(cookie.split("; ").map((c) => [c.split("=")[0]!, c] as const));
  for (const c of select.headers.getSetCookie()) jar.set(c.split("=")[0]!, c.split(";")[0]!);
  const chosen = [...jar.values()].join("; ");
  return { cookie: chosen, headers: { ...json, cookie: chosen } };
}
