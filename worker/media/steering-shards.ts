/**
 * Where a region's steering work lands (docs/SCALING.md §6.5), so no single
 * object answers every player of a region:
 * - the **leader** (`<region>`, the region's SteeringState as before) keeps the
 *   pathway health and decides the priority;
 * - **read copies** (`<region>:copy:<i>`, STEERING_READ_COPIES of them) hold the
 *   leader's latest priority, which it pushes to each when it changes; steering
 *   polls read a copy, never the leader;
 * - **report shards** (`<region>:reports:<i>`, STEERING_REPORT_SHARDS) take the
 *   isolates' batched reports and merge them into the leader about once a second.
 * An isolate always uses the copy and the shard numbered by a hash of its own
 * random key, so each copy and shard sees about 1/R of the region's isolates.
 */
import { fnv1a } from "../lib/hash.ts";

/** Production's counts (wrangler.toml); local development and the tests set small ones. */
export const DEFAULT_STEERING_READ_COPIES = 16;
export const DEFAULT_STEERING_REPORT_SHARDS = 16;
const MAX_STEERING_INSTANCES = 256;

function countOf(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_STEERING_INSTANCES ? n : fallback;
}

/** STEERING_READ_COPIES (1–256), or the production default when missing or malformed. */
export function readCopyCount(env: Env): number {
  return countOf(env.STEERING_READ_COPIES, DEFAULT_STEERING_READ_COPIES);
}

/** STEERING_REPORT_SHARDS (1–256), or the production default when missing or malformed. */
export function reportShardCount(env: Env): number {
  return countOf(env.STEERING_REPORT_SHARDS, DEFAULT_STEERING_REPORT_SHARDS);
}

let isolateKey: string | undefined;

/** This isolate's slot among `n` (a random key made on first use: Workers refuse randomness at start-up, outside a request). */
export function isolateSlot(n: number): number {
  isolateKey ??= crypto.randomUUID();
  return fnv1a(isolateKey) % n;
}

/** What one SteeringState instance is, from its name. */
export type SteeringRole = { role: "leader"; region: string } | { role: "copy"; region: string; index: number } | { role: "reports"; region: string; index: number };

const ROLE_NAME = /^([A-Z]{2}):(copy|reports):(\d+)$/;

/** The role of the instance named `name` (a bare region is its leader). */
export function roleOf(name: string): SteeringRole {
  const m = ROLE_NAME.exec(name);
  if (!m) return { role: "leader", region: name };
  return { role: m[2] as "copy" | "reports", region: m[1]!, index: Number(m[3]) };
}

/** The region's leader. */
export function steeringLeader(env: Env, region: string) {
  return env.STEERING.get(env.STEERING.idFromName(region));
}

/** The region's read copy number `i`. */
export function steeringCopy(env: Env, region: string, i: number) {
  return env.STEERING.get(env.STEERING.idFromName(`${region}:copy:${i}`));
}

/** The region's report shard number `i`. */
export function steeringReportShard(env: Env, region: string, i: number) {
  return env.STEERING.get(env.STEERING.idFromName(`${region}:reports:${i}`));
}
