/**
 * Load counters for `npm run bench:scale` (docs/SCALING.md §7), in local
 * development only: requests per Durable Object instance, counted inside each
 * class (`metered`, every call an instance answers: RPC, fetch, alarm, socket
 * messages), and queries per D1 binding split into reads and writes, counted
 * by a wrapper around the real binding (`meteredEnv`), with the table each
 * write touches and the first table each read names (so a test can say a path
 * reads no row of a given table). They live in the isolate's memory: under `wrangler dev` the
 * Worker and its objects share one isolate, so `/api/dev/load` reads them all.
 * A deployed Worker never counts (isDevelopment) and that route is 404 there.
 */
import { isDevelopment } from "./environment.ts";

interface DatabaseCount {
  reads: number;
  writes: number;
  /** Writes per table (the first table an INSERT, UPDATE, DELETE or REPLACE names). */
  writesByTable: Map<string, number>;
  /** Reads per table (the first table a read's FROM names). */
  readsByTable: Map<string, number>;
  /** D1 sessions opened, by how they start: "first-primary", "first-unconstrained" or "bookmark". */
  sessionsByStart: Map<string, number>;
}

const objects = new Map<string, { className: string; instance: string; requests: number }>();
const databases = new Map<string, DatabaseCount>();

/** A statement that only reads (SELECT, a WITH ending in a SELECT, PRAGMA); everything else counts as a write. */
const WRITE = /^\s*(?:insert|update|delete|replace|create|drop|alter)\b|\)\s*(?:insert|update|delete|replace)\b/i;
const WRITTEN_TABLE = /\b(?:insert(?:\s+or\s+\w+)?\s+into|update(?:\s+or\s+\w+)?|delete\s+from|replace\s+into)\s+["`]?(\w+)/i;
const READ_TABLE = /\bfrom\s+["`]?(\w+)/i;

const bump = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

function databaseCount(binding: string): DatabaseCount {
  const count = databases.get(binding) ?? { reads: 0, writes: 0, writesByTable: new Map(), readsByTable: new Map(), sessionsByStart: new Map() };
  databases.set(binding, count);
  return count;
}

function countSession(binding: string, start: unknown): void {
  bump(databaseCount(binding).sessionsByStart, start === "first-primary" || start === "first-unconstrained" ? start : start === undefined ? "first-unconstrained" : "bookmark");
}

function countQuery(binding: string, query: string): void {
  const count = databaseCount(binding);
  if (!WRITE.test(query)) {
    count.reads++;
    bump(count.readsByTable, READ_TABLE.exec(query)?.[1] ?? "?");
    return;
  }
  count.writes++;
  bump(count.writesByTable, WRITTEN_TABLE.exec(query)?.[1] ?? "?");
}

/** The binding (or one of its sessions) with every prepared statement counted; batch runs statements prepared (so counted) already. */
function meteredD1<T extends object>(db: T, binding: string): T {
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "prepare") return (query: string) => (countQuery(binding, query), (value as (q: string) => unknown).call(target, query));
      if (prop === "exec") return (query: string) => (countQuery(binding, query), (value as (q: string) => unknown).call(target, query));
      if (prop === "withSession") return (...args: unknown[]) => (countSession(binding, args[0]), meteredD1((value as (...a: unknown[]) => object).apply(target, args), binding));
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/** The e-mail index shards' bindings (worker/auth/email-index.ts), counted each under its own name. */
const EMAIL_INDEX_BINDING = /^EMAIL_INDEX_\d+$/;
/** Their names, found once per isolate (the bindings do not change while it lives). */
let emailIndexNames: string[] | undefined;

/** The env with its D1 bindings (DB and the e-mail index shards) counted, in development; the env itself in a deployed Worker. */
export function meteredEnv(env: Env): Env {
  if (!isDevelopment(env)) return env;
  emailIndexNames ??= Object.keys(env).filter((name) => EMAIL_INDEX_BINDING.test(name));
  const bindings = env as unknown as Record<string, D1Database>;
  const shards = Object.fromEntries(emailIndexNames.map((name) => [name, meteredD1(bindings[name]!, name)]));
  return { ...env, ...shards, DB: meteredD1(env.DB, "DB") };
}

function countRequest(className: string, instance: string): void {
  const key = `${className}:${instance}`;
  const entry = objects.get(key) ?? { className, instance, requests: 0 };
  entry.requests++;
  objects.set(key, entry);
}

type ObjectClass = abstract new (ctx: DurableObjectState, env: Env) => object;

/**
 * A Durable Object class whose instances count every call they answer (in
 * development) and see a counted D1. Calls an instance makes on itself are
 * not counted: methods run with the instance itself as `this`.
 */
export function metered<C extends ObjectClass>(Base: C, className: string): C {
  abstract class Metered extends (Base as unknown as new (ctx: DurableObjectState, env: Env) => object) {
    constructor(ctx: DurableObjectState, env: Env) {
      super(ctx, meteredEnv(env));
      if (!isDevelopment(env)) return;
      const instance = ctx.id.name ?? ctx.id.toString();
      // eslint-disable-next-line no-constructor-return
      return new Proxy(this, {
        get(target, prop) {
          const value = Reflect.get(target, prop) as unknown;
          if (typeof value !== "function" || typeof prop !== "string" || prop === "constructor") return value;
          return (...args: unknown[]) => {
            countRequest(className, instance);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    }
  }
  return Metered as unknown as C;
}

/** Everything counted since the last reset: objects busiest first, and each binding's reads and writes. */
export function loadCounts() {
  return {
    objects: [...objects.values()].sort((a, b) => b.requests - a.requests),
    databases: [...databases.entries()].map(([binding, c]) => ({
      binding,
      reads: c.reads,
      writes: c.writes,
      writesByTable: Object.fromEntries([...c.writesByTable].sort((a, b) => b[1] - a[1])),
      readsByTable: Object.fromEntries([...c.readsByTable].sort((a, b) => b[1] - a[1])),
      sessionsByStart: Object.fromEntries(c.sessionsByStart),
    })),
  };
}

export function resetLoadCounts(): void {
  objects.clear();
  databases.clear();
}
