import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { emailIndexBindings } from "../../worker/auth/email-index.ts";

type Migrations = Parameters<typeof applyD1Migrations>[1];
const testEnv = env as unknown as { TEST_MIGRATIONS: Migrations; TEST_EMAIL_INDEX_MIGRATIONS: Migrations };

// Runs before each test file; applyD1Migrations skips migrations already applied. DB, then every e-mail index shard.
await applyD1Migrations(env.DB, testEnv.TEST_MIGRATIONS);
for (const shard of emailIndexBindings(env)) await applyD1Migrations(shard, testEnv.TEST_EMAIL_INDEX_MIGRATIONS);
