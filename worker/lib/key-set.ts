/**
 * Key sets loaded from a secret in the form
 * `{"current":"<kid>","keys":{"<kid>":"<base64url secret, >= 32 bytes>"}}`:
 * the current kid signs (or wraps), every listed kid verifies (or unwraps), so
 * keys rotate without cutting off what was handed out. HMAC for playback and
 * session tokens; AES-GCM for the content key-encryption keys (content-keys.ts).
 */
import { errors, type JWTHeaderParameters } from "jose";
import { z } from "zod";

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** The secret's JSON shape (also the content key-encryption keys', worker/lib/content-keys.ts). */
export const keySetShape = z
  .object({
    current: z.string().regex(KID),
    keys: z.record(z.string().regex(KID), z.string().regex(/^[A-Za-z0-9_-]{43,}={0,2}$/, "must be base64url of at least 32 bytes")),
  })
  .refine((k) => k.current in k.keys, "current must name one of keys");

/** Imported keys by kid, and the kid that signs (or wraps). */
export interface KeySet {
  currentKid: string;
  keys: Map<string, CryptoKey>;
}

/** Bytes of a base64url (or padded) string. */
export function base64urlBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/=+$/, "").replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

/** Imports one kid's raw secret; throws (naming the kid) when it is unfit. */
export type KeyImporter = (bytes: Uint8Array<ArrayBuffer>, kid: string) => Promise<CryptoKey>;

/** HMAC-SHA256 signing keys of at least 32 bytes (the tokens' importer). */
const importHmac: KeyImporter = (bytes, kid) => {
  if (bytes.byteLength < 32) throw new Error(`key ${kid} is shorter than 32 bytes`);
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
};

/** Parses a secret's key set (or, given the development seed, derives the one "dev" key from it); throws on a malformed one. */
export async function importKeySet(source: string, devSeed: string, importKey: KeyImporter = importHmac): Promise<KeySet> {
  if (source === devSeed) {
    const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(devSeed)));
    return { currentKid: "dev", keys: new Map([["dev", await importKey(bytes, "dev")]]) };
  }
  const parsed = keySetShape.parse(JSON.parse(source));
  const keys = new Map<string, CryptoKey>();
  for (const [kid, secret] of Object.entries(parsed.keys)) keys.set(kid, await importKey(base64urlBytes(secret), kid));
  return { currentKid: parsed.current, keys };
}

/**
 * A loader for one secret's key set, imported once per isolate (per secret text).
 * Without the secret, local development derives a fixed key from `devSeed`; a
 * deployed Worker, like a malformed secret, gets `unavailable()` thrown (fail closed).
 */
export function keySetLoader(secretName: string, devSeed: string, unavailable: () => Error, importKey: KeyImporter = importHmac) {
  let cached: { source: string; keys: Promise<KeySet> } | undefined;
  return async function loadKeySet(secret: string | undefined, development: boolean): Promise<KeySet> {
    const source = secret && secret.trim() !== "" ? secret : development ? devSeed : undefined;
    if (source === undefined) {
      console.error(`${secretName} is not set; refused until \`wrangler secret put ${secretName}\``);
      throw unavailable();
    }
    if (cached?.source !== source) {
      const keys = importKeySet(source, devSeed, importKey);
      // Only a good key set is cached; a bad one is retried (and logged) on the next request.
      cached = { source, keys };
      keys.catch(() => {
        if (cached?.keys === keys) cached = undefined;
      });
    }
    try {
      return await cached.keys;
    } catch (err) {
      console.error(`${secretName} is malformed:`, err instanceof Error ? err.message : err);
      throw unavailable();
    }
  };
}

/** A jose key resolver over a key set: the key the header's `kid` names; an unknown or retired kid matches nothing. */
export function keyForKid(keySet: KeySet) {
  return (header: JWTHeaderParameters): CryptoKey => {
    const key = typeof header.kid === "string" ? keySet.keys.get(header.kid) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
}
