/**
 * Starts the local edge site the way `npm start` does — build, migrate, seed,
 * `wrangler dev` — on a chosen port and state folder, for `npm start`, the
 * browser suite and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ensureDemoAccount } from "./demo-account.ts";

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
  /** The state folder is already migrated, seeded and has its media (a copy of a prepared template): skip preparing it. */
  prepared?: boolean;
  /** Create the demo account once the site answers (default true). */
  demoAccount?: boolean;
  extraArgs?: string[];
}

export interface DevServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** The end of wrangler's output (quiet mode keeps it for reports like a benchmark's failed request; empty otherwise). */
  logTail(chars?: number): string;
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

/**
 * Every D1 binding wrangler.toml declares with a migrations folder: DB and each
 * e-mail index shard (EMAIL_INDEX_<n>, docs/SCALING.md §6.1), read from the file so
 * the 2 local shards and production's 32 need no list of their own here.
 */
export function migratedD1Bindings(config = readFileSync(`${root}wrangler.toml`, "utf8")): string[] {
  return config
    .split(/^\[\[/m)
    .filter((block) => block.startsWith("d1_databases]]") && /^migrations_dir\s*=/m.test(block))
    .map((block) => /^binding\s*=\s*"([A-Z0-9_]+)"/m.exec(block)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Applies the migrations of every migrated D1 binding (`--local`, with `--persist-to`, or `--remote`). */
export async function applyMigrations(args: string[], quiet?: boolean): Promise<void> {
  for (const binding of migratedD1Bindings()) {
    await run(bin("wrangler"), ["d1", "migrations", "apply", binding, ...args], { quiet, env: { CI: "true" } });
  }
}

/** Applies D1 migrations to the local state, seeds it, and (unless `media: false`) ingests the demo media. */
export async function prepareState(options: { persistTo?: string; seedArgs?: string[]; quiet?: boolean; media?: boolean }): Promise<void> {
  // Ingest wraps content keys under .dev.vars' CONTENT_KEKS, which must exist before it runs.
  ensureDevVars();
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  await applyMigrations(["--local", ...persist], options.quiet);
  await run(process.execPath, [`${root}tools/seed/cli.ts`, ...(options.seedArgs ?? ["--if-empty"]), ...persist], { quiet: options.quiet });
  if (options.media !== false && process.env.MARQUEE_DEMO_MEDIA !== "0") {
    await run(process.execPath, [`${root}tools/ingest/demo.ts`, ...persist], { quiet: options.quiet });
  }
}

/**
 * Local secrets: on first run, writes .dev.vars (git-ignored) with a freshly
 * generated playback signing key, so local tokens are signed with a real random
 * key and wrangler finds the secret it requires. Never overwrites an existing file.
 */
export function ensureDevVars(): void {
  const path = `${root}.dev.vars`;
  const keySet = (kid: string) => JSON.stringify({ current: kid, keys: { [kid]: randomBytes(32).toString("base64url") } });
  if (!existsSync(path)) {
    writeFileSync(
      path,
      `# Generated by npm start for local development only (see .dev.vars.example). Not committed.\nPLAYBACK_KEYS='${keySet("local1")}'\nSESSION_KEYS='${keySet("session1")}'\nCONTENT_KEKS='${keySet("kek1")}'\nDOWNLOAD_GRANT_KEYS='${keySet("grant1")}'\n`,
      { mode: 0o600 },
    );
    return;
  }
  // A .dev.vars from before accounts (or encryption, or signed download grants) existed gets the missing keys added, leaving the rest as it is.
  for (const [name, kid] of [["SESSION_KEYS", "session1"], ["CONTENT_KEKS", "kek1"], ["DOWNLOAD_GRANT_KEYS", "grant1"]] as const) {
    const current = readFileSync(path, "utf8");
    if (!new RegExp(`^${name}=`, "m").test(current)) {
      writeFileSync(path, `${current.endsWith("\n") || current === "" ? current : `${current}\n`}${name}='${keySet(kid)}'\n`, { mode: 0o600 });
    }
  }
}

/** Starts `wrangler dev` in development mode and resolves once it answers. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  ensureDevVars();
  if (options.build !== false) await buildClient(options.quiet);
  if (!options.prepared) await prepareState(options);
  const persist = options.persistTo ? ["--persist-to", options.persistTo] : [];
  const child = spawn(
    bin("wrangler"),
    ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--var", "ENVIRONMENT:development", "--var", "STATISTICS_SHARDS:4", "--var", "STEERING_READ_COPIES:2", "--var", "STEERING_REPORT_SHARDS:2", "--show-interactive-dev-session=false", ...persist, ...(options.extraArgs ?? [])],
    { cwd: root, stdio: options.quiet ? ["ignore", "pipe", "pipe"] : "inherit", env: childEnv({ CI: "true" }) },
  );
  let output = "";
  // The last 64 KB, for error reports (a long run logs every request).
  const keep = (d: unknown) => (output = (output + String(d)).slice(-65_536));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
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
  if (options.demoAccount !== false) {
    try {
      await ensureDemoAccount(url);
    } catch (err) {
      child.kill("SIGTERM");
      throw err;
    }
  }
  return {
    url,
    process: child,
    logTail: (chars = 4000) => output.slice(-chars),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
