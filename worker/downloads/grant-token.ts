/**
 * The signed grant: what the Worker granted a device, as a JWS the device keeps
 * with the download and shows to renew it or to report its first play. It is
 * bound to the account, profile, device, title (and episode), download,
 * quality and expiry, so a download id read off another device, or a grant
 * edited on this one, opens nothing. The account's ViewerState object still
 * decides (revocation, limits); the signature proves the request comes from the
 * device the grant was made for.
 *
 * HS256 under `DOWNLOAD_GRANT_KEYS` (the `{"current","keys"}` format of the
 * other key sets), its own set because a grant lives 30 days, far longer than
 * playback keys are kept: rotate by adding a key as current and drop an old one
 * only 30 days later. Local development without the secret uses a fixed key.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { isDevelopment } from "../lib/environment.ts";
import { AppError } from "../lib/errors.ts";
import { keyForKid, keySetLoader } from "../lib/key-set.ts";
import type { DownloadGrant } from "./download-store.ts";

const ALGORITHM = "HS256";
const AUDIENCE = "marquee-download";
/** A signed grant is a few hundred characters; anything much longer is not one. */
export const GRANT_TOKEN_MAX_CHARS = 2048;
const DEV_SEED = "marquee local development download grant key (not a secret)";

const unavailable = () => new AppError(503, "downloads_unavailable", "Downloads are not configured on this server (no valid grant keys).");
const loadKeys = keySetLoader("DOWNLOAD_GRANT_KEYS", DEV_SEED, unavailable);
// Typed as always present (a required secret), but absent in local development without .dev.vars.
const grantKeys = (env: Env) => loadKeys(env.DOWNLOAD_GRANT_KEYS as string | undefined, isDevelopment(env));

const claimsShape = z.object({
  sub: z.string(),
  pid: z.string(),
  did: z.string(),
  dl: z.string(),
  tid: z.number().int(),
  eid: z.number().int().nullable(),
  q: z.string(),
  h: z.number().int(),
  exp: z.number().int(),
});

/** Signs a grant for the account's device; it expires with the grant. */
export async function signGrant(env: Env, accountId: string, g: DownloadGrant): Promise<string> {
  const keys = await grantKeys(env);
  return new SignJWT({ pid: g.profileId, did: g.deviceId, dl: g.downloadId, tid: g.titleId, eid: g.episodeId, q: g.quality, h: g.heightPx })
    .setProtectedHeader({ alg: ALGORITHM, kid: keys.currentKid, typ: "JWT" })
    .setSubject(accountId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.ceil(g.expiresAt / 1000))
    .sign(keys.keys.get(keys.currentKid)!);
}

const gone = () => new AppError(404, "download_not_found", "No such download on this device (it expired or was deleted).");
const invalidGrant = () => new AppError(403, "invalid_grant", "This download's grant is not valid; download it again.");

/**
 * Checks that `token` is a grant this Worker signed for this account's
 * download on this device: 403 `invalid_grant` when it is not (forged, edited,
 * another download's or device's, a retired key), 404 `download_not_found`
 * once it has expired.
 */
export async function verifyGrant(env: Env, token: string, expect: { accountId: string; downloadId: string; deviceId: string; nowMs: number }): Promise<void> {
  if (token.length > GRANT_TOKEN_MAX_CHARS) throw invalidGrant();
  const keys = await grantKeys(env);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keyForKid(keys), { algorithms: [ALGORITHM], audience: AUDIENCE, currentDate: new Date(expect.nowMs), requiredClaims: ["exp", "sub"] }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw gone();
    throw invalidGrant();
  }
  const claims = claimsShape.safeParse(payload);
  if (!claims.success || claims.data.sub !== expect.accountId || claims.data.dl !== expect.downloadId || claims.data.did !== expect.deviceId) throw invalidGrant();
}
