/**
 * The device cookie (`mq_dev`): proof that this browser has signed in to an
 * account successfully before, so a stranger's wrong guesses cannot lock its
 * owner out (OWASP's "device cookies" against lockout as a weapon). It is a
 * signed token (HS256 under SESSION_KEYS, typed `dev+jwt` with its own
 * audience, so it can stand in for no other token), holding the account id and
 * a random device id, in an HttpOnly, Secure, SameSite=Lax cookie on /api that
 * lives a year and survives sign-out. It grants nothing but its own
 * failed-attempt budget (attempts.ts).
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { jwtVerify, SignJWT } from "jose";
import type { AppEnv } from "../app-env.ts";
import { keyForKid } from "../lib/key-set.ts";
import { sessionKeys } from "./session-tokens.ts";

export const DEVICE_COOKIE = "mq_dev";
const DEVICE_TOKEN_TYPE = "dev+jwt";
const DEVICE_TOKEN_AUDIENCE = "marquee-device";
const DEVICE_TTL_SECONDS = 365 * 24 * 60 * 60;
const DEVICE_ID = /^[0-9a-f-]{36}$/;

/** The device id of a valid device cookie for `accountId` on this request, or undefined. */
export async function trustedDevice(c: Context<AppEnv>, accountId: string): Promise<string | undefined> {
  const token = getCookie(c, DEVICE_COOKIE);
  if (!token || token.length > 1024) return undefined;
  try {
    const { payload } = await jwtVerify(token, keyForKid(await sessionKeys(c.env)), {
      algorithms: ["HS256"],
      typ: DEVICE_TOKEN_TYPE,
      audience: DEVICE_TOKEN_AUDIENCE,
      subject: accountId,
      requiredClaims: ["exp", "jti", "sub"],
    });
    return typeof payload.jti === "string" && DEVICE_ID.test(payload.jti) ? payload.jti : undefined;
  } catch {
    return undefined;
  }
}

/** Sets (or renews for another year) this browser's device cookie for `accountId`, keeping its device id if it had one. */
export async function rememberDevice(c: Context<AppEnv>, accountId: string, deviceId: string = crypto.randomUUID()): Promise<void> {
  const keySet = await sessionKeys(c.env);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", kid: keySet.currentKid, typ: DEVICE_TOKEN_TYPE })
    .setSubject(accountId)
    .setJti(deviceId)
    .setAudience(DEVICE_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${DEVICE_TTL_SECONDS}s`)
    .sign(keySet.keys.get(keySet.currentKid)!);
  setCookie(c, DEVICE_COOKIE, token, { httpOnly: true, secure: true, sameSite: "Lax", path: "/api", maxAge: DEVICE_TTL_SECONDS });
}
