import { defineConfig } from "drizzle-kit";

/** Generates SQL migrations from worker/db/schema.ts; wrangler and the tests apply them. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
