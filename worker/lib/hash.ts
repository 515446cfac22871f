/** A small, fast, stable string hash for choosing shards (not for security). */

/** 32-bit FNV-1a of a string's UTF-16 code units: the same key always lands on the same shard. */
export function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
