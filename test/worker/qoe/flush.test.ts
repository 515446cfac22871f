import { describe, expect, it } from "vitest";
import { FLUSH_MS, flushMs } from "../../../worker/qoe/qoe-shard.ts";

const env = (vars: Record<string, string>) => vars as unknown as Env;

describe("the shards' flush delay", () => {
  it("is shortened by QOE_FLUSH_SECONDS in local development (the browser suite's quick console)", () => {
    expect(flushMs(env({ ENVIRONMENT: "development", QOE_FLUSH_SECONDS: "1" }))).toBe(1000);
  });

  it("ignores QOE_FLUSH_SECONDS in a deployed Worker, and anything out of range", () => {
    expect(flushMs(env({ ENVIRONMENT: "production", QOE_FLUSH_SECONDS: "1" }))).toBe(FLUSH_MS);
    for (const bad of ["0", "-1", "1.5", "21", "x", ""]) expect(flushMs(env({ ENVIRONMENT: "development", QOE_FLUSH_SECONDS: bad }))).toBe(FLUSH_MS);
    expect(flushMs(env({ ENVIRONMENT: "development" }))).toBe(FLUSH_MS);
  });
});
