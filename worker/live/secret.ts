/**
 * Channel ingest secrets: 32 random bytes shown once to the operator; D1 keeps
 * only HMAC-SHA256(secret) keyed by the channel's own random salt, compared in
 * constant time. An ingest secret opens nothing but its channel's ingest
 * endpoint, and a viewer's playback token is never accepted there.
 */
import { constantTimeEqual } from "../auth/passwords.ts";

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/** An ingest secret's shape: base64url of 32 bytes. */
export const INGEST_SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The stored hash of `secret` under `salt` (base64url). */
export async function ingestSecretHash(secret: string, salt: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", fromB64url(salt), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return b64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(secret))));
}

/** A new secret with its salt and hash (the secret goes to the operator, the rest to D1). */
export async function newIngestSecret(): Promise<{ secret: string; salt: string; hash: string }> {
  const secret = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const salt = b64url(crypto.getRandomValues(new Uint8Array(16)));
  return { secret, salt, hash: await ingestSecretHash(secret, salt) };
}

/** Whether `secret` is the channel's (constant time in the hash). */
export async function ingestSecretMatches(secret: string, stored: { secretSalt: string; secretHash: string }): Promise<boolean> {
  if (!INGEST_SECRET.test(secret)) return false;
  const got = new TextEncoder().encode(await ingestSecretHash(secret, stored.secretSalt));
  const want = new TextEncoder().encode(stored.secretHash);
  return got.length === want.length && constantTimeEqual(got, want);
}
