/**
 * Playback tokens: short-lived HS256 JWTs (jose) that sit in the media URL path
 * (`/cdn/<pathway>/<token>/<assetId>/…`) so every relative URI in a playlist
 * inherits them. A token binds one viewer to one asset's R2 prefix and a maximum
 * rendition height. Keys come from the `PLAYBACK_KEYS` secret, several at once by
 * `kid`: one signs, all verify, so a rotation leaves tokens already handed out
 * working until they expire, and a retired `kid` is refused.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { AppError } from "../lib/errors.ts";
import { keyForKid, keySetLoader, type KeySet } from "../lib/key-set.ts";
import { isDevelopment } from "../lib/environment.ts";

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
  /** The title and episode played: the licence service re-checks entitlement for them. */
  tid?: number;
  eid?: number;
  /** The profile and session (refresh family) it was issued to, and the stream (one playback on one device); absent for the demo viewer. */
  pid?: string;
  sid?: string;
  str?: string;
  /** During a premiere (worker/schedule/premiere-edge.ts): its start (epoch ms), plays in a row and window (s). */
  ps?: number;
  pl?: number;
  pw?: number;
  /**
   * Present (1) when the account had opted out of QoE collection when the token was issued: the media
   * requests' CMCD is then not counted (qoe/cmcd-intake.ts), with no D1 read per segment to find out.
   */
  nq?: 1;
}

/** What a playback token binds besides the asset: title, episode, profile, session and stream (and the QoE opt-out). */
export type PlaybackBinding = Pick<PlaybackClaims, "tid" | "eid" | "pid" | "sid" | "str" | "ps" | "pl" | "pw" | "nq">;

const claimsShape = z.object({
  sub: z.string().min(1).max(64),
  pfx: z.string().regex(ASSET_PREFIX),
  mh: z.number().int().min(1).max(4320),
  cc: z.string().regex(/^[A-Z]{2}$/),
  iat: z.number().int(),
  exp: z.number().int(),
  tid: z.number().int().positive().optional(),
  eid: z.number().int().positive().optional(),
  pid: z.string().min(1).max(64).optional(),
  sid: z.string().min(1).max(64).optional(),
  str: z.string().min(1).max(64).optional(),
  ps: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  pl: z.number().int().min(1).max(1000).optional(),
  pw: z.number().int().min(1).max(86_400).optional(),
  nq: z.literal(1).optional(),
});

const unavailable = () =>
  new AppError(503, "playback_unavailable", "Playback is not configured on this server (no valid playback keys).");

/** Fixed seed of the development key set; never accepted in production (see playbackKeys). */
const DEV_KEY_SEED = "marquee local development playback key (not a secret)";

const loadPlaybackKeys = keySetLoader("PLAYBACK_KEYS", DEV_KEY_SEED, unavailable);

/**
 * The key set from `PLAYBACK_KEYS`. Without the secret, local development derives
 * a fixed development key so `npm start` needs no manual step; a deployed Worker
 * fails closed with 503 `playback_unavailable`, as it does for a malformed secret.
 */
export function playbackKeys(env: Env): Promise<KeySet> {
  // Typed as always present (a required secret), but absent in local development without .dev.vars.
  return loadPlaybackKeys(env.PLAYBACK_KEYS as string | undefined, isDevelopment(env));
}

/** Token lifetime for a title of `durationSeconds`: the runtime plus half an hour for pauses, within fixed bounds. */
export function tokenTtlSeconds(durationSeconds: number): number {
  const wanted = Math.ceil(Number.isFinite(durationSeconds) ? durationSeconds : 0) + 30 * 60;
  return Math.min(TOKEN_MAX_TTL_SECONDS, Math.max(TOKEN_MIN_TTL_SECONDS, wanted));
}

/** Signs a playback token with the current key; returns it with its expiry (epoch ms). */
export async function signPlaybackToken(
  env: Env,
  grant: { sub: string; pfx: string; mh: number; cc: string } & PlaybackBinding,
  ttlSeconds: number,
  nowMs = Date.now(),
): Promise<{ token: string; expiresAtMs: number }> {
  const keySet = await playbackKeys(env);
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + Math.min(ttlSeconds, TOKEN_MAX_TTL_SECONDS);
  const { sub: _sub, ...claims } = grant;
  // Undefined bindings are left out rather than written as nulls.
  const token = await new SignJWT(Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)))
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
      keyForKid(keySet),
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
