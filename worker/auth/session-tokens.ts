/**
 * Access tokens: 15-minute HS256 JWTs (jose) in the `mq_at` cookie, typed
 * `at+jwt` (RFC 9068) with issuer and audience, so no other token of ours
 * (a playback token, say) can stand in for one. Keys come from the
 * `SESSION_KEYS` secret, several at once by `kid` (same format and rotation as
 * PLAYBACK_KEYS); local development without it uses a fixed development key.
 *
 * The token carries every fact a request needs about its session — the plan,
 * the chosen profile's id, name, kids flag and maturity ceiling, and the
 * account's QoE opt-out — so the session check is a signature check and no
 * storage read (docs/SCALING.md §6.1), and neither is a QoE beacon's opt-out
 * check (§6.8). Whatever changes those facts mints a fresh token in its response
 * (auth/session.ts `reissueAccess`); the account's object refuses older
 * tokens on personal routes (auth/session-guard.ts).
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { PLANS, type Plan } from "../../common/plans.ts";
import { MATURITY_AGES } from "../db/schema.ts";
import { AppError } from "../lib/errors.ts";
import { keyForKid, keySetLoader, type KeySet } from "../lib/key-set.ts";
import { isDevelopment } from "../lib/environment.ts";

export const ACCESS_TOKEN_ALGORITHM = "HS256";
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const ACCESS_TOKEN_ISSUER = "marquee";
export const ACCESS_TOKEN_AUDIENCE = "marquee-api";
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const SKEW_SECONDS = 30;
const MAX_TOKEN_CHARS = 2048;

/** The chosen profile as the token carries it (what the viewer, entitlement and the licence read). */
export interface ProfileFacts {
  id: string;
  name: string;
  isKids: boolean;
  maxMaturityAge: number;
}

/** What an access token grants: which account on which plan, on which session (refresh family), with which profile. */
export interface SessionFacts {
  sub: string;
  sid: string;
  plan: Plan;
  profile: ProfileFacts | null;
  /** The account opted out of QoE collection (`nq`, 0|1): beacons are not stored, playback tokens say so. */
  qoeOptOut: boolean;
}

/** A verified token's facts with its issue and expiry times (epoch seconds). */
export interface AccessClaims extends SessionFacts {
  iat: number;
  exp: number;
}

// Short claim names keep the cookie near 600 characters: `prf` is [id, name, kids (0|1), ceiling]; `nq` the QoE opt-out (0|1).
const profileShape = z.tuple([z.string().min(1).max(64), z.string().min(1).max(64), z.union([z.literal(0), z.literal(1)]), z.number().int().refine((n) => (MATURITY_AGES as readonly number[]).includes(n))]);
const claimsShape = z.object({
  sub: z.string().min(1).max(64),
  sid: z.string().min(1).max(64),
  pln: z.enum(PLANS),
  prf: profileShape.nullable(),
  // Optional only so a token minted before the claim existed is told to refresh (below), not treated as invalid.
  nq: z.union([z.literal(0), z.literal(1)]).optional(),
  iat: z.number().int(),
  exp: z.number().int(),
});

const DEV_KEY_SEED = "marquee local development session key (not a secret)";
const loadSessionKeys = keySetLoader(
  "SESSION_KEYS",
  DEV_KEY_SEED,
  () => new AppError(503, "auth_unavailable", "Sign-in is not configured on this server (no valid session keys)."),
);

/** The key set from `SESSION_KEYS` (503 `auth_unavailable` when a deployed Worker has none or a malformed one). */
export function sessionKeys(env: Env): Promise<KeySet> {
  return loadSessionKeys(env.SESSION_KEYS as string | undefined, isDevelopment(env));
}

/** Signs an access token with `facts`; returns it with its issue time and expiry (epoch ms). */
export async function signAccessToken(env: Env, facts: SessionFacts, nowMs = Date.now()): Promise<{ token: string; issuedAtMs: number; expiresAtMs: number }> {
  const keySet = await sessionKeys(env);
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
  const p = facts.profile;
  const token = await new SignJWT({ sid: facts.sid, pln: facts.plan, prf: p ? [p.id, p.name, p.isKids ? 1 : 0, p.maxMaturityAge] : null, nq: facts.qoeOptOut ? 1 : 0 })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: keySet.currentKid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(facts.sub)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keySet.keys.get(keySet.currentKid)!);
  return { token, issuedAtMs: iat * 1000, expiresAtMs: exp * 1000 };
}

/** Why an access token was not accepted. */
export type AccessTokenProblem = "session_expired" | "invalid_session";

/**
 * Verifies an access token: HS256 only, known `kid`, signature, `typ` at+jwt,
 * issuer, audience, `exp` (required, 30 s skew) and claim types. Returns the
 * claims, or the reason it was refused; never throws for a bad token. A valid
 * token without `nq` predates the QoE opt-out in the facts: `session_expired`,
 * so the client refreshes into a token that states it.
 */
export async function verifyAccessToken(env: Env, token: string, nowMs = Date.now()): Promise<AccessClaims | AccessTokenProblem> {
  if (token.length > MAX_TOKEN_CHARS) return "invalid_session";
  const keySet = await sessionKeys(env);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(
      token,
      keyForKid(keySet),
      {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        clockTolerance: SKEW_SECONDS,
        currentDate: new Date(nowMs),
        requiredClaims: ["exp", "iat", "sub", "sid", "pln", "prf"],
      },
    ));
  } catch (err) {
    return err instanceof errors.JWTExpired ? "session_expired" : "invalid_session";
  }
  const claims = claimsShape.safeParse(payload);
  if (!claims.success || claims.data.exp - claims.data.iat > ACCESS_TOKEN_TTL_SECONDS) return "invalid_session";
  const { sub, sid, pln, prf, nq, iat, exp } = claims.data;
  if (nq === undefined) return "session_expired";
  return { sub, sid, plan: pln, profile: prf ? { id: prf[0], name: prf[1], isKids: prf[2] === 1, maxMaturityAge: prf[3] } : null, qoeOptOut: nq === 1, iat, exp };
}
