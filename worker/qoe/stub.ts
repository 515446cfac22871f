/** Which QoeShard object a view's beacons go to. */
import { fnv1a } from "../lib/hash.ts";

/** Ingestion objects: enough that none is hot at the design's peak (docs/SCALING.md), few enough to flush cheaply. */
export const QOE_SHARDS = 32;

/** FNV-1a of the view id, so every beacon of a view reaches the same shard. */
export function shardOf(viewId: string): number {
  return fnv1a(viewId) % QOE_SHARDS;
}

/** The QoeShard object of a view. */
export function qoeShard(env: Env, viewId: string) {
  return shardByIndex(env, shardOf(viewId));
}

/** The QoeShard object number `n` (0 ≤ n < QOE_SHARDS). */
export function shardByIndex(env: Env, n: number) {
  return env.QOE_SHARD.get(env.QOE_SHARD.idFromName(`qoe:${n}`));
}
