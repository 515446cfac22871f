/**
 * Catalog rows kept in the isolate's memory under the catalog's epoch
 * (edge-cache.ts `catalogEpoch`): rows that are the same for every viewer of a
 * variant — the viewer's country and ceiling, and whatever else `variant` names
 * (a locale) — until the catalog changes. An edit or an availability window's
 * edge starts a new epoch, so a kept row never outlives what it was read from.
 * Continue Watching's cards and episodes and the schedule's cards go through it,
 * so a Home hit reads no D1 row for them once a variant has read them. Nothing
 * personal is kept: which titles a profile watches is in the request, not in
 * what is stored. Rows missing are read in one batch; a row read as absent is
 * kept as absent (hidden from the variant). If the epoch cannot be read, `read`
 * answers everything, as without the memory.
 */
import type { Viewer } from "../lib/viewer.ts";
import type { HotCache } from "../lib/hot-cache.ts";
import { catalogEpoch, recheckMs } from "./edge-cache.ts";

/** The rows under `keys` the variant sees (an absent key: hidden), from memory or read now. */
export async function keptUnderEpoch<T>(
  env: Env,
  viewer: Viewer,
  kept: HotCache<T | null>,
  variant: string,
  keys: string[],
  read: (missing: string[]) => Promise<Map<string, T>>,
  ttlMs: number,
): Promise<Map<string, T>> {
  const epoch = await catalogEpoch(env.DB, viewer.country, viewer.nowMs, recheckMs(env)).catch(() => null);
  if (!epoch) return read([...new Set(keys)]);
  const prefix = `v${epoch.version}/${viewer.country}/m${viewer.maxMaturityAge}/${variant}/`;
  const rows = new Map<string, T>();
  const missing: string[] = [];
  for (const key of new Set(keys)) {
    const row = kept.get(prefix + key, viewer.nowMs);
    if (row === undefined) missing.push(key);
    else if (row !== null) rows.set(key, row);
  }
  if (missing.length === 0) return rows;
  const fresh = await read(missing);
  const keepMs = Math.min(ttlMs, (epoch.nextEdgeMs ?? Infinity) - viewer.nowMs);
  for (const key of missing) {
    const row = fresh.get(key) ?? null;
    if (row !== null) rows.set(key, row);
    kept.set(prefix + key, row, row === null ? 16 : JSON.stringify(row).length, keepMs, viewer.nowMs);
  }
  return rows;
}
