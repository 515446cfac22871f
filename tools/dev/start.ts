/**
 * `npm start`: builds the SPA, applies D1 migrations to the local state, seeds the
 * demo catalog and the demo account on first run, then serves everything with `wrangler dev` at
 * http://127.0.0.1:8787 — offline, no Cloudflare account needed. The demo media is
 * made after the site answers, in the background: each title plays as soon as its
 * package is published (ingest writes the state the site serves, as `npm run ingest`
 * does), so a fresh clone's site is up in a minute or two, not after every clip is
 * encoded. A demo premiere is kept scheduled a few minutes ahead once a film has
 * media (tools/dev/demo-premiere.ts).
 */
import { DEMO_ACCOUNT } from "./demo-account.ts";
import { keepDemoPremiereScheduled } from "./demo-premiere.ts";
import { root, run, startDevServer } from "./server.ts";

const port = Number(process.env.PORT ?? 8787);
const withMedia = process.env.MARQUEE_DEMO_MEDIA !== "0";
console.log("› building the web app, applying migrations, seeding the demo catalog on first run");
const server = await startDevServer({ port, extraArgs: process.argv.slice(2), media: false });
console.log(`\n  Marquee is running at ${server.url}`);
console.log(`  Demo account: ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password} (profiles ${DEMO_ACCOUNT.profiles.map((p) => p.name).join(", ")})\n`);
const stopPremieres = keepDemoPremiereScheduled(server.url);
server.process.on("exit", stopPremieres);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void server.stop().then(() => process.exit(0)));
server.process.on("exit", (code) => process.exit(code ?? 0));

if (withMedia) {
  // Quick when the packages are cached (.cache/demo-media): it only publishes what this state lacks.
  console.log("› demo media: making what this state lacks in the background; each title plays once it is listed as done (the first run takes several minutes on two cores)");
  run(process.execPath, [`${root}tools/ingest/demo.ts`]).then(
    () => console.log(`\n  Demo media ready: every demo title plays at ${server.url}\n`),
    (err: unknown) => console.error(`\n  Demo media stopped: ${err instanceof Error ? err.message : String(err)}\n  The site still runs; \`npm start\` again resumes it.\n`),
  );
}
