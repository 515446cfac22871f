/**
 * Local state preparation (`npm start`, the browser suite, tools tests) migrates
 * every D1 database wrangler.toml lists, the e-mail index shards with DB
 * (tools/dev/server.ts, docs/SCALING.md §6.1), so a fresh clone's sign-up works.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { migratedD1Bindings } from "../../../tools/dev/server.ts";
import { bindings, freshState } from "../state.ts";

describe("D1 migrations for local state", () => {
  it("lists DB and every EMAIL_INDEX_<n> binding with a migrations folder, from wrangler.toml", () => {
    expect(migratedD1Bindings()).toEqual(["DB", "EMAIL_INDEX_0", "EMAIL_INDEX_1"]);
    const production = Array.from({ length: 32 }, (_, n) => `[[d1_databases]]\nbinding = "EMAIL_INDEX_${n}"\ndatabase_name = "x-${n}"\nmigrations_dir = "migrations-email-index"\n`).join("\n");
    const config = `[[d1_databases]]\nbinding = "DB"\nmigrations_dir = "migrations"\n\n[[kv_namespaces]]\nbinding = "ROWS"\n\n${production}\n[[d1_databases]]\nbinding = "UNMIGRATED"\n`;
    expect(migratedD1Bindings(config)).toEqual(["DB", ...Array.from({ length: 32 }, (_, n) => `EMAIL_INDEX_${n}`)]);
  });

  it("a fresh state has the e-mail index table in each shard", async () => {
    const dir = await freshState();
    const proxy = await bindings(dir);
    try {
      for (const name of ["EMAIL_INDEX_0", "EMAIL_INDEX_1"] as const) {
        const row = await proxy.env[name].prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'email_index'").first("name");
        expect(row, name).toBe("email_index");
      }
    } finally {
      await proxy.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
