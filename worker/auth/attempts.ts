/**
 * Every secret a client presents — account password (sign-in, setting a PIN,
 * deleting the account) and profile PIN — is checked here, inside the sign-in
 * limiter (sign-in-limiter.ts): an attempt is reserved on the account (or
 * PIN) key and on the client's key before the check, and forgiven only when
 * the check succeeds. No route verifies a password or PIN on its own.
 */
import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { rememberDevice, trustedDevice } from "./device-cookie.ts";
import type { AccountRow } from "../db/accounts.ts";
import type { Db } from "../db/client.ts";
import { accountCredentials, type Credentials } from "./email-index.ts";
import { clientNetwork } from "../lib/client-network.ts";
import { burnPasswordCheck, verifyPassword, verifyPin } from "./passwords.ts";
import { ACCOUNT_POLICY, CLIENT_POLICY, PIN_POLICY, reserveAttempt, SIGNUP_POLICY } from "./sign-in-limiter.ts";

/**
 * The client's network as Cloudflare reports its address (`cf-connecting-ip`):
 * an IPv4 address, or an IPv6 address's /64 (lib/client-network.ts), so one
 * subscriber line is one client however many addresses it uses. One shared
 * bucket when absent (local development).
 */
export function clientAddress(c: Context<AppEnv>): string {
  return clientNetwork(c.req.header("cf-connecting-ip") ?? "") ?? "unknown";
}

/**
 * Counts one sign-up against the client's network (SIGNUP_POLICY), or throws
 * 429 `too_many_attempts` with Retry-After when it has made its share: throwaway
 * accounts are what lets one client pose as many viewers (steering reports).
 * Every sign-up counts, successful or not, and none is forgiven.
 */
export async function reserveSignUp(c: Context<AppEnv>): Promise<void> {
  await reserveAttempt(c.env, [[`signup:${clientAddress(c)}`, SIGNUP_POLICY, false]]);
}

/**
 * Whether `password` is the account's (its credentials from the e-mail index,
 * email-index.ts; `account` undefined: no such account,
 * and a dummy check spends the same time), checked inside the limiter: 429
 * `too_many_attempts` instead when the account's key or this client is locked
 * out. The account's key is shared by every client (5 failures lock it), except
 * for a browser holding this account's device cookie (it signed in here
 * before): that one counts on a key of its own, so strangers' guesses cannot
 * lock the owner out, and its own failures are limited just the same. A match
 * clears the failures of the key it counted on, and renews the device cookie.
 */
export async function passwordMatches(c: Context<AppEnv>, email: string, password: string, account: Credentials | undefined): Promise<boolean> {
  const device = account ? await trustedDevice(c, account.id) : undefined;
  const reservation = await reserveAttempt(c.env, [
    [device ? `device:${account!.id}:${device}` : `account:${email}`, ACCOUNT_POLICY, true],
    [`client:${clientAddress(c)}`, CLIENT_POLICY, false],
  ]);
  const ok = account
    ? await verifyPassword(password, account.password)
    : await burnPasswordCheck(password);
  if (!ok || !account) return false;
  await reservation.forgive(true);
  await rememberDevice(c, account.id, device);
  return true;
}

/** Whether `password` is the signed-in account's (setting a PIN, changing the password, deleting the account): its credentials from the e-mail index, checked like sign-in. */
export async function accountPasswordMatches(c: Context<AppEnv>, db: Db, account: AccountRow, password: string): Promise<boolean> {
  return passwordMatches(c, account.email, password, await accountCredentials(c.env, db, account));
}

/** Whether `pin` unlocks the profile (its `pinHash`), checked inside the limiter, per profile and per client. */
export async function pinMatches(c: Context<AppEnv>, profileId: string, pinHash: string, pin: string): Promise<boolean> {
  const reservation = await reserveAttempt(c.env, [
    [`pin:${profileId}`, PIN_POLICY, true],
    [`client:${clientAddress(c)}`, CLIENT_POLICY, false],
  ]);
  const ok = await verifyPin(pin, pinHash);
  if (ok) await reservation.forgive(true);
  return ok;
}
