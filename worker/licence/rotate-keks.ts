/**
 * Key-encryption key rotation: every content key not yet wrapped under the
 * current KEK is unwrapped with its own (still listed) KEK and wrapped again
 * under the current one. The media is untouched; licences keep working
 * throughout, since each row names the KEK that wraps it. Run by
 * `npm run keys:rotate` (tools/keys/rotate.ts) after a new KEK is made current.
 */
import type { Db } from "../db/client.ts";
import { keysNotUnder, keysPerKek, replaceWrapping, startCatalogEpoch } from "../db/content-keys.ts";
import { rewrapContentKey, type KekSet } from "../lib/content-keys.ts";

const PAGE = 100;

/** Re-wraps every key under `keks`' current KEK; returns how many were re-wrapped and how many keys each KEK wraps afterwards. */
export async function rewrapAll(db: Db, keks: KekSet): Promise<{ rewrapped: number; perKek: { kekId: string; n: number }[] }> {
  let rewrapped = 0;
  for (;;) {
    const page = await keysNotUnder(db, keks.currentKid, PAGE);
    if (page.length === 0) break;
    for (const row of page) {
      const binding = { keyPrefix: row.keyPrefix, tier: row.tier, keyIdHex: row.keyId };
      const next = await rewrapContentKey(keks, binding, row);
      if (await replaceWrapping(db, row, next.wrappedKey, next.kekId)) rewrapped++;
    }
  }
  // Licences' cached key rows name the KEK they were read under: a new epoch sends every isolate back to D1 within seconds.
  if (rewrapped > 0) await startCatalogEpoch(db);
  return { rewrapped, perKek: await keysPerKek(db) };
}
