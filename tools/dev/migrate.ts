/**
 * `npm run db:migrate` (local state) and the deploy step (`--remote`): applies the
 * migrations of DB and of every e-mail index shard wrangler.toml lists, so no
 * database is left behind when the shard count changes. Extra arguments
 * (`--persist-to <dir>`) go to each `wrangler d1 migrations apply`.
 */
import { applyMigrations } from "./server.ts";

const args = process.argv.slice(2);
if (!args.includes("--local") && !args.includes("--remote")) {
  console.error("usage: node tools/dev/migrate.ts --local|--remote [--persist-to <dir>]");
  process.exit(2);
}
await applyMigrations(args);
