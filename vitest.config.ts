import { randomBytes } from "node:crypto";
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

/** A fresh key set per test run (playback and session keys alike) (two keys, so rotation can be tested against a retired and a current one). */
function testPlaybackKeys(): string {
  const key = () => randomBytes(32).toString("base64url");
  return JSON.stringify({ current: "t2", keys: { t1: key(), t2: key() } });
}

/** Tests mirror the source: test/worker/ runs inside workerd with real D1, KV and R2 (storage isolated per test file); test/client/, test/tools/ and test/bench/ run in Node; test/e2e/ is the browser suite (node:test, not vitest). */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  const emailIndexMigrations = await readD1Migrations("migrations-email-index");
  const playbackKeys = testPlaybackKeys();
  const sessionKeys = testPlaybackKeys();
  const contentKeks = testPlaybackKeys();
  // wrangler checks required secrets against process.env; this run's keys satisfy it (and silence the warning).
  process.env.PLAYBACK_KEYS = playbackKeys;
  process.env.SESSION_KEYS = sessionKeys;
  process.env.CONTENT_KEKS = contentKeks;
  return {
    test: {
      // Vitest's default is one file at a time on a 2-core machine (cores − 1). Most files here wait on
      // workerd, wrangler or ffmpeg more than they compute, so two at a time shortens `npm test`.
      maxWorkers: 2,
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  ENVIRONMENT: "development",
                  STATISTICS_SHARDS: "4",
                  STEERING_READ_COPIES: "2",
                  STEERING_REPORT_SHARDS: "2",
                  PLAYBACK_KEYS: playbackKeys,
                  SESSION_KEYS: sessionKeys,
                  CONTENT_KEKS: contentKeks,
                  TEST_MIGRATIONS: migrations,
                  TEST_EMAIL_INDEX_MIGRATIONS: emailIndexMigrations,
                  REAL_MOVIES_JSON: JSON.stringify(realMovies() ?? []),
                },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            setupFiles: ["test/worker/apply-migrations.ts"],
            // A local HTTP receiver for webhook tests (QoE alerts), reached from workerd over 127.0.0.1.
            globalSetup: ["test/worker/webhook-receiver.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
        {
          // Everything that is not the Worker runs in Node: the modules shared by Worker and SPA (common/),
          // the client's pure modules (player, ABR, TV), the command-line tools (ingest against real ffmpeg and a throwaway wrangler state) and the
          // benchmarks' simulators.
          test: {
            name: "node",
            environment: "node",
            include: ["test/common/**/*.test.ts", "test/client/**/*.test.ts", "test/tools/**/*.test.ts", "test/bench/**/*.test.ts"],
            testTimeout: 240_000,
            hookTimeout: 240_000,
          },
        },
      ],
    },
  };
});
