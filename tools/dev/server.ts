/**
 * Starts the local edge site the way `npm start` does — build, migrate, seed,
 * `wrangler dev` — on a chosen port and state folder, for `npm start`, the
 * browser suite and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = (name: string) => `${root}node_modules/.bin/${name}`;

/** Child processes find the project's pinned Node (the `node` devDependency) first, even outside npm scripts. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${root}node_modules/.bin:${process.env.PATH ?? ""}`, ...extra };
}

export interface DevServerOptions {
  port: number;
  /** wrangler state folder; the default is the one `npm start` uses (.wrangler/state). */
  persistTo?: string;
  /** Build the SPA first (default true). */
  build?: boolean;
  /** Seed arguments (default: the demo catalog if empty). */
  seedArgs?: string[];
  /** Ingest the demo media (default true; the catalog benchmark's synthetic catalog has none). */
  media?: boolean;
  /** Inherit stdio (npm start) or stay quiet (tests, benchmarks). */
  quiet?: boolean;
  extraArgs?: string[];
}

export interface DevServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Runs a command to completion; rejects on a non-zero exit with its output. */
export function run(command: string, args: string[], options: { quiet?: boolean; env?: Record<string, string> } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      env: childEnv(options.env),
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}\n${output.slice(-4000)}`)),
    );
  });
}

/** Builds the SPA (vite) into dist/client. */
export function buildClient(quiet = false): Promise<void> {
  return run(bin("vite"), ["build", "--logLevel", "warn"], { quiet });
}

/** Applies D1 migrations to the local state, seeds it, and (unless `media: false`) ingests the demo media. */
export async function prepareState(options: { persistTo?: string; seedArgs?: string[]; quiet?: boolean; media?: boolean }): Promise<void> {
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", ...persist], { quiet: options.quiet, env: { CI: "true" } });
  await run(process.execPath, [`${root}tools/seed/cli.ts`, ...(options.seedArgs ?? ["--if-empty"]), ...persist], { quiet: options.quiet });
  if (options.media !== false && process.env.MARQUEE_DEMO_MEDIA !== "0") {
    await run(process.execPath, [`${root}tools/ingest/demo.ts`, ...persist], { quiet: options.quiet });
  }
}

/** Starts `wrangler dev` in development mode and resolves once it answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  if (options.build !== false) await buildClient(options.quiet);
  await prepareState(options);
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  const child = spawn(
    bin("wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--var", "ENVIRONMENT:development", "--show-interactive-dev-session=false", ...persist, ...(options.extraArgs ?? [])],
    { cwd: root, stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit", env: childEnv({ CI: "true" }) },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/catalog/genres`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`wrangler dev did not answer within 90 s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
