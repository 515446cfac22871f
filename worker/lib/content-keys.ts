/**
 * Content keys at rest: each title × tier key (16 bytes, AES-128 for CMAF
 * `cbcs`) is stored in D1 wrapped with AES-256-GCM under a key-encryption key
 * (KEK) from the `CONTENT_KEKS` secret (`{"current":"<kid>","keys":{"<kid>":"<base64url, 32 bytes>"}}`).
 * The wrap's additional data names the folder, tier and key id, so a wrapped
 * key copied onto another row does not unwrap. Rotating the KEK re-wraps the
 * rows; the media is never re-encoded. Runs in workerd and in Node (ingest, the rotation command).
 */
import { AppError } from "./errors.ts";
import { base64urlBytes, importKeySet, type KeyImporter, type KeySet, keySetLoader } from "./key-set.ts";

/** Fixed seed of the development KEK (local development without the secret); never accepted in production. */
export const DEV_KEK_SEED = "marquee local development content KEK (not a secret)";

/** AES-GCM KEKs by id, and the id that wraps. */
export type KekSet = KeySet;

/** What a wrapped key is bound to (the GCM additional data). */
export interface KeyBinding {
  /** The asset folder's R2 prefix ("assets/<folder>/"). */
  keyPrefix: string;
  tier: string;
  /** The key id (KID) as 32 hex digits. */
  keyIdHex: string;
}

/** A content key as stored: wrapped bytes (base64url of IV ‖ ciphertext ‖ tag) and the KEK id. */
export interface WrappedKey {
  wrappedKey: string;
  kekId: string;
}

const KEY_ID_HEX = /^[0-9a-f]{32}$/;

function toBase64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** AES-256-GCM KEKs: exactly 32 bytes. */
const importKek: KeyImporter = (bytes, kid) => {
  if (bytes.byteLength !== 32) throw new Error(`KEK ${kid} must be 32 bytes (AES-256)`);
  return crypto.subtle.importKey("raw", bytes, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
};

/** Parses a `CONTENT_KEKS` value (or the development seed) into AES-GCM keys; throws on a malformed one. */
export const parseKekSet = (source: string): Promise<KekSet> => importKeySet(source, DEV_KEK_SEED, importKek);

const unavailable = () => new AppError(503, "licence_unavailable", "Licences are not configured on this server (no valid content key-encryption keys).");

/**
 * The KEK set from `CONTENT_KEKS`, imported once per isolate. Without the
 * secret, local development uses the fixed development KEK (as ingest does);
 * a deployed Worker, like a malformed secret, fails closed with 503.
 */
export const contentKeks: (secret: string | undefined, development: boolean) => Promise<KekSet> = keySetLoader("CONTENT_KEKS", DEV_KEK_SEED, unavailable, importKek);

function additionalData(b: KeyBinding): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`marquee-content-key\n${b.keyPrefix}\n${b.tier}\n${b.keyIdHex}`);
}

/** Wraps a 16-byte content key under the current KEK, bound to its folder, tier and key id. */
export async function wrapContentKey(keks: KekSet, binding: KeyBinding, key: Uint8Array): Promise<WrappedKey> {
  if (key.byteLength !== 16) throw new Error("a content key is 16 bytes");
  if (!KEY_ID_HEX.test(binding.keyIdHex)) throw new Error("a key id is 32 lower-case hex digits");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(binding) }, keks.keys.get(keks.currentKid)!, new Uint8Array(key)),
  );
  const out = new Uint8Array(12 + sealed.byteLength);
  out.set(iv);
  out.set(sealed, 12);
  return { wrappedKey: toBase64url(out), kekId: keks.currentKid };
}

/** Unwraps a stored content key; throws when its KEK is unknown or the bytes or binding were altered. */
export async function unwrapContentKey(keks: KekSet, binding: KeyBinding, stored: WrappedKey): Promise<Uint8Array> {
  const kek = keks.keys.get(stored.kekId);
  if (!kek) throw new Error(`unknown KEK id ${stored.kekId}`);
  const bytes = base64urlBytes(stored.wrappedKey);
  if (bytes.byteLength !== 12 + 16 + 16) throw new Error("a wrapped content key is 44 bytes");
  const key = new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: additionalData(binding) }, kek, bytes.subarray(12)),
  );
  return key;
}

/** Unwrapped keys per KEK set (a changed secret is a new set), by their exact wrapping; bounded. */
const unwrapped = new WeakMap<KekSet, Map<string, Promise<Uint8Array>>>();
const MAX_CACHED_KEYS = 1024;

/**
 * unwrapContentKey, remembered for the isolate's life: every licence of a title
 * asks for the same few keys. The cache key holds the KEK id and the wrapped
 * bytes, so a re-wrap (KEK rotation) or an altered row is unwrapped afresh, and
 * it lives under the KEK set, so a secret without that KEK unwraps nothing old.
 * A failure is not remembered.
 */
export function unwrapContentKeyCached(keks: KekSet, binding: KeyBinding, stored: WrappedKey): Promise<Uint8Array> {
  let cache = unwrapped.get(keks);
  if (!cache) unwrapped.set(keks, (cache = new Map()));
  const id = `${stored.kekId}\n${stored.wrappedKey}\n${binding.keyPrefix}\n${binding.tier}\n${binding.keyIdHex}`;
  const hit = cache.get(id);
  if (hit) return hit;
  if (cache.size >= MAX_CACHED_KEYS) cache.clear();
  const key = unwrapContentKey(keks, binding, stored);
  cache.set(id, key);
  key.catch(() => cache.delete(id));
  return key;
}

/** Re-wraps a stored key under the current KEK (rotation); a key already under it is returned as it is. */
export async function rewrapContentKey(keks: KekSet, binding: KeyBinding, stored: WrappedKey): Promise<WrappedKey> {
  if (stored.kekId === keks.currentKid) return stored;
  return wrapContentKey(keks, binding, await unwrapContentKey(keks, binding, stored));
}

/** base64url without padding (ClearKey licences' `kid` and `k`). */
export function base64url(bytes: Uint8Array): string {
  return toBase64url(bytes);
}

/** 32 hex digits → 16 bytes. */
export function hexBytes(hex: string): Uint8Array {
  if (!KEY_ID_HEX.test(hex)) throw new Error("not 32 lower-case hex digits");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}
