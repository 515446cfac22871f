/**
 * Playback tokens: short-lived HS256 JWTs (jose) that sit in the media URL path
 * (`/cdn/<pathway>/<token>/<assetId>/…`) so every relative URI in a playlist
 * inherits them. A token binds one viewer to one asset's R2 prefix and a maximum
 * rendition height. Keys come from the `PLAYBACK_KEYS` secret, several at once by
 * `kid`: one signs, all verify, so a rotation leaves tokens already handed out
 * working until they expire, and a retired `kid` is refused.
 */
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from "jose";
import { z } from "zod";
import { AppError } from "../lib/errors.ts";
import { isDevelopment } from "../lib/viewer.ts";

/** The only algorithm signed or accepted; `none`, RS*, ES* and the rest are refused before any key is looked at. */
export const TOKEN_ALGORITHM = "HS256";
/** Audience claim: these tokens open media and nothing else. */
export const TOKEN_AUDIENCE = "marquee-media";
/** Clock skew tolerated on `exp` (and `nbf`). */
export const TOKEN_SKEW_SECONDS = 30;
/** Bounds on a token's lifetime; within them it is sized to the runtime (see tokenTtlSeconds). */
export const TOKEN_MIN_TTL_SECONDS = 30 * 60;
export const TOKEN_MAX_TTL_SECONDS = 6 * 60 * 60;
/** A token longer than this is not one of ours (ours are ~330 characters). */
const TOKEN_MAX_CHARS = 1024;
/**
 * header.payload.signature, the signature being the canonical base64url of 32
 * bytes (an HS256 MAC): the last character's two spare bits must be zero, so a
 * token altered only in those bits (which decode to the same MAC) is refused too.
 */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
/** R2 prefix of one asset, as ingest writes it. */
export const ASSET_PREFIX = /^assets\/[A-Za-z0-9_-]{1,64}\/$/;

/** What a playback token grants. Claim names are short because the token rides in every media URL. */
export interface PlaybackClaims {
  /** Viewer id. */
  sub: string;
  /** The asset's R2 key prefix, "assets/<assetId>/". */
  pfx: string;
  /** Tallest video rendition (px) the viewer's plan allows. */
  mh: number;
  /** Viewer's country when the token was issued; picks the steering region. */
  cc: string;
  /** Issued at / expires at (seconds since the epoch). */
  iat: number;
  exp: number;
}

const claimsShape = z.object({
  sub: z.string().min(1).max(64),
  pfx: z.string().regex(ASSET_PREFIX),
  mh: z.number().int().min(1).max(4320),
  cc: z.string().regex(/^[A-Z]{2}$/),
  iat: z.number().int(),
  exp: z.number().int(),
});

const keySetShape = z
  .object({
    current: z.string().regex(KID),
    keys: z.record(z.string().regex(KID), z.string().regex(/^[A-Za-z0-9_-]{43,}={0,2}$/, "must be base64url of at least 32 bytes")),
  })
  .refine((k) => k.current in k.keys, "current must name one of keys");

interface KeySet {
  currentKid: string;
  keys: Map<string, CryptoKey>;
}

/** Imported keys, once per isolate, keyed by the secret's text (a new secret means a new isolate anyway). */
let cachedKeys: { source: string; keys: Promise<KeySet> } | undefined;

/** Fixed seed of the development key set; never accepted in production (see playbackKeys). */
const DEV_KEY_SEED = "marquee local development playback key (not a secret)";

function base64urlBytes(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/=+$/, "").replaceAll("-", "+").replaceAll("_", "/");
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

function importHmac(bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

async function importKeySet(source: string): Promise<KeySet> {
  if (source === DEV_KEY_SEED) {
    const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(DEV_KEY_SEED)));
    return { currentKid: "dev", keys: new Map([["dev", await importHmac(bytes)]]) };
  }
  const parsed = keySetShape.parse(JSON.parse(source));
  const keys = new Map<string, CryptoKey>();
  for (const [kid, secret] of Object.entries(parsed.keys)) {
    const bytes = base64urlBytes(secret);
    if (bytes.byteLength < 32) throw new Error(`key ${kid} is shorter than 32 bytes`);
    keys.set(kid, await importHmac(bytes));
  }
  return { currentKid: parsed.current, keys };
}

const unavailable = () =>
  new AppError(503, "playback_unavailable", "Playback is not configured on this server (no valid playback keys).");

/**
 * The key set from `PLAYBACK_KEYS`. Without the secret, local development derives
 * a fixed development key so `npm start` needs no manual step; a deployed Worker
 * fails closed with 503 `playback_unavailable`, as it does for a malformed secret.
 */
export async function playbackKeys(env: Env): Promise<KeySet> {
  // Typed as always present (a required secret), but absent in local development without .dev.vars.
  const secret = env.PLAYBACK_KEYS as string | undefined;
  const source = secret && secret.trim() !== "" ? secret : isDevelopment(env) ? DEV_KEY_SEED : undefined;
  if (source === undefined) {
    console.error("PLAYBACK_KEYS is not set; playback is refused until `wrangler secret put PLAYBACK_KEYS`");
    throw unavailable();
  }
  if (cachedKeys?.source !== source) {
    const keys = importKeySet(source);
    // Only a good key set is cached; a bad one is retried (and logged) on the next request.
    cachedKeys = { source, keys };
    keys.catch(() => {
      if (cachedKeys?.keys === keys) cachedKeys = undefined;
    });
  }
  try {
    return await cachedKeys.keys;
  } catch (err) {
    console.error("PLAYBACK_KEYS is malformed:", err instanceof Error ? err.message : err);
    throw unavailable();
  }
}

/** Token lifetime for a title of `durationSeconds`: the runtime plus half an hour for pauses, within fixed bounds. */
export function tokenTtlSeconds(durationSeconds: number): number {
  const wanted = Math.ceil(Number.isFinite(durationSeconds) ? durationSeconds : 0) + 30 * 60;
  return Math.min(TOKEN_MAX_TTL_SECONDS, Math.max(TOKEN_MIN_TTL_SECONDS, wanted));
}

/** Signs a playback token with the current key; returns it with its expiry (epoch ms). */
export async function signPlaybackToken(
  env: Env,
  grant: { sub: string; pfx: string; mh: number; cc: string },
  ttlSeconds: number,
  nowMs = Date.now(),
): Promise<{ token: string; expiresAtMs: number }> {
  const keySet = await playbackKeys(env);
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + Math.min(ttlSeconds, TOKEN_MAX_TTL_SECONDS);
  const token = await new SignJWT({ pfx: grant.pfx, mh: grant.mh, cc: grant.cc })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: keySet.currentKid, typ: "JWT" })
    .setSubject(grant.sub)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keySet.keys.get(keySet.currentKid)!);
  return { token, expiresAtMs: exp * 1000 };
}

const invalidToken = () => new AppError(403, "invalid_token", "The playback token is not valid.");

/**
 * Tokens this isolate has already verified, by their exact text: a player sends
 * the same token with every segment, so the signature is checked once and the
 * clock on every request. Cleared when the key set changes (so a retired kid
 * stops working at once); bounded, oldest first out.
 */
const verified = new Map<string, PlaybackClaims>();
let verifiedKeys: KeySet | undefined;
const VERIFIED_MAX = 1024;

/**
 * Verifies a playback token: shape, `kid` among the known keys, HS256 only,
 * signature, audience, `exp` (required, ±30 s skew) and the claim types.
 * Every failure is 403 (`token_expired` or `invalid_token`), never a 5xx.
 */
export async function verifyPlaybackToken(env: Env, token: string, nowMs = Date.now()): Promise<PlaybackClaims> {
  if (token.length > TOKEN_MAX_CHARS || !TOKEN_SHAPE.test(token)) throw invalidToken();
  const keySet = await playbackKeys(env);
  if (verifiedKeys !== keySet) {
    verified.clear();
    verifiedKeys = keySet;
  }
  const known = verified.get(token);
  if (known) {
    if (known.exp <= Math.floor(nowMs / 1000) - TOKEN_SKEW_SECONDS) throw new AppError(403, "token_expired", "The playback token has expired; renew it.");
    return known;
  }
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const key = typeof header.kid === "string" ? keySet.keys.get(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [TOKEN_ALGORITHM],
        audience: TOKEN_AUDIENCE,
        clockTolerance: TOKEN_SKEW_SECONDS,
        currentDate: new Date(nowMs),
        requiredClaims: ["exp", "iat", "sub"],
      },
    ));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new AppError(403, "token_expired", "The playback token has expired; renew it.");
    throw invalidToken();
  }
  const claims = claimsShape.safeParse(payload);
  // A lifetime beyond the maximum was not issued by signPlaybackToken.
  if (!claims.success || claims.data.exp - claims.data.iat > TOKEN_MAX_TTL_SECONDS) throw invalidToken();
  // Ours carry no nbf; a token with one is checked in full every time rather than remembered.
  if ((payload as { nbf?: unknown }).nbf === undefined) {
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, claims.data);
  }
  return claims.data;
}
