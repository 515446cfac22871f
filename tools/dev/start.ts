/**
 * `npm start`: builds the SPA, applies D1 migrations to the local state, seeds the
 * demo catalog on first run, then serves everything with `wrangler dev` at
 * http://127.0.0.1:8787 — offline, no Cloudflare account needed.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const port = process.env.PORT ?? "8787";

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

const bin = (name: string) => `${root}node_modules/.bin/${name}`;

console.log("› building the web app");
await run(bin("vite"), ["build", "--logLevel", "warn"]);
console.log("› applying D1 migrations (local)");
await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local"], { CI: "true" });
console.log("› seeding the demo catalog (first run only)");
await run(process.execPath, [`${root}tools/seed/cli.ts`, "--if-empty"]);
console.log(`› serving on http://127.0.0.1:${port}`);
const dev = spawn(bin("wrangler"), ["dev", "--ip", "127.0.0.1", "--port", port, "--var", "ENVIRONMENT:development", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
