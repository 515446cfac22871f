import { existsSync, readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const MOVIES_DIR = "../shared/data/movies-wikipedia";
const DECADES = ["1970s", "1980s", "1990s", "2000s", "2010s", "2020s"];

/** Real films from ../shared (read by path, passed to the tests as a binding); null when absent. */
function realMovies(): unknown[] | null {
  if (!existsSync(MOVIES_DIR)) return null;
  return DECADES.flatMap((d) =>
    (JSON.parse(readFileSync(`${MOVIES_DIR}/movies-${d}.json`, "utf8")) as Record<string, unknown>[]).map((m) => ({
      title: m.title,
      year: m.year,
      cast: (m.cast as string[] | undefined)?.slice(0, 8),
      genres: m.genres,
      extract: typeof m.extract === "string" ? m.extract.slice(0, 400) : undefined,
    })),
  );
}

/** Worker tests run inside workerd with real D1, KV and R2 (storage isolated per test file). */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { ENVIRONMENT: "development", TEST_MIGRATIONS: migrations, REAL_MOVIES_JSON: JSON.stringify(realMovies() ?? []) },
        },
      }),
    ],
    test: {
      include: ["test/worker/**/*.test.ts"],
      setupFiles: ["test/worker/apply-migrations.ts"],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  };
});
