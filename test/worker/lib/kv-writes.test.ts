/// <reference types="vite/client" />
/**
 * No KV key is written more than once per second (KV's documented limit):
 * statically, no code but worker/lib/kv-writes.ts calls `put` on a KV
 * namespace; dynamically, the KV binding is instrumented and the request paths
 * that write KV are driven in bursts, and no key's writes come closer than a
 * second apart.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../../worker/app.ts";
import { KV_WRITE_INTERVAL_MS, putAtMostOncePerSecond } from "../../../worker/lib/kv-writes.ts";
import { TestBrowser } from "../session-client.ts";

/** Every Worker source file, as text. */
const sources = import.meta.glob("../../../worker/**/*.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/**
 * Receivers of `.put(` that are not KV namespaces, each with what it is. A `.put(` on anything
 * else fails the test: route it through putAtMostOncePerSecond, or add it here if it is not KV.
 */
const NOT_KV: Record<string, string> = {
  MEDIA: "the R2 bucket",
  cache: "the Cache API",
  caches: "the Cache API",
  "edgeCache()": "the Cache API (worker/lib/data-centre-cache.ts)",
};
/** Hono route builders (`.put("/path", …)`) are routes, not writes. */
const ROUTE = /^\s*\.put\(\s*["'`]\//;

describe("KV writes, statically", () => {
  it("no Worker code but lib/kv-writes.ts calls put on a KV namespace, or delete on one", () => {
    const files = Object.keys(sources);
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith("worker/lib/kv-writes.ts"))).toBe(true);
    const offenders: string[] = [];
    let checked = 0;
    for (const [file, text] of Object.entries(sources)) {
      if (file.endsWith("worker/lib/kv-writes.ts")) continue;
      for (const [i, line] of text.split("\n").entries()) {
        for (const m of line.matchAll(/([A-Za-z_$][\w$]*(?:\(\))?)?(\)|\])?\s*\??\.put\(/g)) {
          checked++;
          if (ROUTE.test(line.slice(m.index))) continue;
          const receiver = m[1] ?? "";
          if (receiver in NOT_KV) continue;
          offenders.push(`${file.replace(/^(\.\.\/)+/, "")}:${i + 1}: ${line.trim()}`);
        }
      }
    }
    for (const [file, text] of Object.entries(sources)) {
      if (file.endsWith("worker/lib/kv-writes.ts")) continue;
      // A delete is a write too; KV namespaces are the ROWS binding or a parameter typed KVNamespace (named kv).
      for (const [i, line] of text.split("\n").entries()) if (/\b(ROWS|kv)\.delete\(/.test(line)) offenders.push(`${file.replace(/^(\.\.\/)+/, "")}:${i + 1}: ${line.trim()}`);
    }
    expect(checked, "no put call found at all: the scan is broken").toBeGreaterThan(0);
    expect(offenders, "KV writes must go through putAtMostOncePerSecond (worker/lib/kv-writes.ts)").toEqual([]);
  });
});

/** The test env with ROWS instrumented: every put's key and time, in order. */
function instrumented(): { env: Env; writes: { key: string; atMs: number }[] } {
  const writes: { key: string; atMs: number }[] = [];
  const rows = env.ROWS;
  const recording = new Proxy(rows, {
    get(target, prop) {
      if (prop === "put" || prop === "delete") {
        return (key: string, ...rest: unknown[]) => {
          writes.push({ key, atMs: Date.now() });
          return (target[prop] as (...a: unknown[]) => Promise<void>)(key, ...rest);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: { ...env, ROWS: recording } as Env, writes };
}

/** Fails unless every key's writes are at least KV_WRITE_INTERVAL_MS apart. */
function expectAtMostOncePerSecond(writes: { key: string; atMs: number }[]): void {
  const byKey = new Map<string, number[]>();
  for (const w of writes) byKey.set(w.key, [...(byKey.get(w.key) ?? []), w.atMs]);
  for (const [key, times] of byKey) {
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `${key} written twice within a second`).toBeGreaterThanOrEqual(KV_WRITE_INTERVAL_MS);
  }
}

/** Sends a request through the app with `target` as its env, and waits for what it left running (waitUntil). */
async function through(target: Env, request: Request): Promise<{ status: number; text: string }> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request, target, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, text };
}

describe("KV writes, dynamically", () => {
  it("a burst of home loads by one profile and by signed-out viewers writes each key at most once per second", async () => {
    const { env: kvEnv, writes } = instrumented();
    const b = new TestBrowser();
    await b.signUp();
    const home = (signedIn: boolean, device: string) =>
      through(kvEnv, new Request(`http://127.0.0.1/api/home?device=${device}&hour=20`, { headers: signedIn ? { cookie: b.cookieHeader("/api/home") } : {} }));
    // Every load in a burst misses (nothing cached yet) and builds the rows.
    const burst = await Promise.all([...Array.from({ length: 6 }, () => home(true, "tv")), ...Array.from({ length: 6 }, () => home(false, "tv"))]);
    expect(burst.map((r) => r.status)).toEqual(Array(12).fill(200));
    // The development switch that skips the cache read writes again on every load.
    for (let i = 0; i < 4; i++) expect((await through(kvEnv, new Request("http://127.0.0.1/api/home?device=phone&hour=20&cache=miss", { headers: { cookie: b.cookieHeader("/api/home") } }))).status).toBe(200);
    expect(writes.length, "the profile's home was cached in KV").toBeGreaterThan(0);
    expectAtMostOncePerSecond(writes);
  });

  it("the development fault switch flipped in a burst writes its key at most once per second, and the last state wins", async () => {
    const { env: kvEnv, writes } = instrumented();
    const set = (mode: string) =>
      through(kvEnv, new Request("http://127.0.0.1/api/dev/faults", { method: "POST", headers: { "content-type": "application/json", origin: "http://127.0.0.1" }, body: JSON.stringify({ pathway: "b", mode }) }));
    const statuses = await Promise.all(["503", "slow", "hang", "503"].map(set));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await set("off")).status).toBe(200);
    expectAtMostOncePerSecond(writes);
    expect(writes.length).toBeGreaterThan(0);
    const listed = JSON.parse((await through(env, new Request("http://127.0.0.1/api/dev/faults"))).text);
    expect(listed.items.find((i: any) => i.pathway === "b").fault).toBeNull();
  });

  it("writes arriving within a second coalesce into one write of the latest value", async () => {
    const { env: kvEnv, writes } = instrumented();
    const key = `kv-writes-test-${crypto.randomUUID()}`;
    await Promise.all(["1", "2", "3", "4"].map((v) => putAtMostOncePerSecond(kvEnv.ROWS, key, v)));
    // The first is written at once, the other three wait for the second and share one write of the last.
    expect(writes.map((w) => w.key)).toEqual([key, key]);
    expect(await env.ROWS.get(key)).toBe("4");
    expectAtMostOncePerSecond(writes);
  });
});
