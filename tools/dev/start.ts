/**
 * `npm start`: builds the SPA, applies D1 migrations to the local state, seeds the
 * demo catalog and the demo account on first run, then serves everything with `wrangler dev` at
 * http://127.0.0.1:8787 — offline, no Cloudflare account needed. A demo premiere
 * is kept scheduled a few minutes ahead (tools/dev/demo-premiere.ts).
 */
import { DEMO_ACCOUNT } from "./demo-account.ts";
import { keepDemoPremiereScheduled } from "./demo-premiere.ts";
import { startDevServer } from "./server.ts";

const port = Number(process.env.PORT ?? 8787);
console.log("› building the web app, applying migrations, seeding the demo catalog on first run");
const server = await startDevServer({ port, extraArgs: process.argv.slice(2) });
console.log(`\n  Marquee is running at ${server.url}`);
console.log(`  Demo account: ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password} (profiles ${DEMO_ACCOUNT.profiles.map((p) => p.name).join(", ")})\n`);
const stopPremieres = keepDemoPremiereScheduled(server.url);
server.process.on("exit", stopPremieres);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void server.stop().then(() => process.exit(0)));
server.process.on("exit", (code) => process.exit(code ?? 0));
