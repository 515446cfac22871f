/** Content keys in D1 (wrapped; worker/lib/content-keys.ts unwraps): by folder for licences, all of them for a KEK rotation. */
import { eq, ne, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { contentKeys } from "./schema.ts";

export type ContentKeyRow = typeof contentKeys.$inferSelect;

/** The query for the keys of one asset folder ("assets/<folder>/"), one per tier: unexecuted, so it can join a batch. */
export function folderKeysQuery(db: Db, keyPrefix: string) {
  return db.select().from(contentKeys).where(eq(contentKeys.keyPrefix, keyPrefix));
}

/** The keys of one asset folder ("assets/<folder>/"), one per tier. */
export function folderKeys(db: Db, keyPrefix: string): Promise<ContentKeyRow[]> {
  return folderKeysQuery(db, keyPrefix).all();
}

/** Keys not yet wrapped under `kekId`, a page at a time (the rotation re-wraps them). */
export function keysNotUnder(db: Db, kekId: string, limit: number): Promise<ContentKeyRow[]> {
  return db.select().from(contentKeys).where(ne(contentKeys.kekId, kekId)).limit(limit).all();
}

/** Replaces one key's wrapping, only if it is still the one read (a concurrent rotation wins once). */
export async function replaceWrapping(db: Db, row: Pick<ContentKeyRow, "keyPrefix" | "tier" | "wrappedKey">, wrappedKey: string, kekId: string): Promise<boolean> {
  const result = await db.run(
    sql`UPDATE content_keys SET wrapped_key = ${wrappedKey}, kek_id = ${kekId} WHERE key_prefix = ${row.keyPrefix} AND tier = ${row.tier} AND wrapped_key = ${row.wrappedKey}`,
  );
  return (result.meta.changes ?? 0) > 0;
}

/** How many keys each KEK wraps (the rotation's report). */
export function keysPerKek(db: Db): Promise<{ kekId: string; n: number }[]> {
  return db.select({ kekId: contentKeys.kekId, n: sql<number>`count(*)` }).from(contentKeys).groupBy(contentKeys.kekId).all();
}

/**
 * Starts a new catalog epoch (worker/catalog/edge-cache.ts) after keys were re-wrapped: isolates
 * keep a title's wrapped keys with its catalog rows for licences (worker/playback/entitlement.ts),
 * and re-read them at the next epoch, so none keeps naming a KEK the operator is about to remove.
 */
export async function startCatalogEpoch(db: Db): Promise<void> {
  await db.run(sql`UPDATE catalog_version SET version = version + 1 WHERE id = 1`);
}
