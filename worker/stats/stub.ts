/**
 * Which statistics object an account's views and completions go to
 * (docs/SCALING.md §6.2): one of STATISTICS_SHARDS, by a hash of the account's
 * object id. By account, not by title: a hit premiere would make one title's
 * shard hot, while accounts spread evenly whatever everyone watches. Every
 * signal of one account (so of each of its profiles) reaches the same shard,
 * which keeps a profile's co-watch events in order.
 */
import { fnv1a } from "../lib/hash.ts";

/** Production's count (wrangler.toml); local development and the tests set a small one. */
export const DEFAULT_STATISTICS_SHARDS = 256;
const MAX_STATISTICS_SHARDS = 4096;

/** STATISTICS_SHARDS (1–4096), or the production default when it is missing or malformed. */
export function statisticsShardCount(env: Env): number {
  const n = Number(env.STATISTICS_SHARDS);
  return Number.isInteger(n) && n >= 1 && n <= MAX_STATISTICS_SHARDS ? n : DEFAULT_STATISTICS_SHARDS;
}

/** The shard number (0 ≤ n < shards) of an account, keyed by its ViewerState's id (the hex of a hash of the account id). */
export function statisticsShardOf(accountKey: string, shards: number): number {
  return fnv1a(accountKey) % shards;
}

/** The statistics object number `n`. */
export function statisticsShardByIndex(env: Env, n: number) {
  return env.STATISTICS_SHARD.get(env.STATISTICS_SHARD.idFromName(`statistics:${n}`));
}

/** The statistics object of the account whose ViewerState has this id. */
export function statisticsShardFor(env: Env, accountKey: string) {
  return statisticsShardByIndex(env, statisticsShardOf(accountKey, statisticsShardCount(env)));
}
