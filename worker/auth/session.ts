/**
 * Sessions: a refresh-token family per signed-in device and short-lived access
 * tokens. The refresh token is `<accountId>.<familyId>.<random>`: the account
 * names the object that holds the family (ViewerState, auth/refresh-families.ts),
 * which keeps only its SHA-256 and rotates it on every use without a D1 write
 * (docs/SCALING.md §6.1); presenting a token that is no longer the family's
 * current one means it was copied, so the whole family is revoked (RFC 6819
 * §5.2.2.3). A family lives 30 days from its last use. The object is the
 * session's only record: sign-in writes no D1 row, and sign-out, a password
 * change and reuse detection revoke it there. D1's `sessions` rows are kept for
 * sessions signed in before that (read, and revoked, only for them); a token
 * of the older shape `<familyId>.<random>` (signed in before families moved) is
 * rotated in D1 one last time and its family handed to the object.
 */
import type { Context } from "hono";
import type { Db } from "../db/client.ts";
import type { Plan } from "../../common/plans.ts";
import { accountById, liveSession, revokeOnReuse, revokeSession, rotateSession, sessionRefreshHash, setSessionProfile, tokenFacts, type AccountRow } from "../db/accounts.ts";
import { qoeOptedOut } from "../db/qoe.ts";
import type { AppEnv, ProfileFacts, Session, SessionProblem } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { viewerState } from "../progress/stub.ts";
import { constantTimeEqual } from "./passwords.ts";
import { clearSessionCookies, setAccessCookie, setSessionCookies } from "./cookies.ts";
import type { FamilyFacts } from "./refresh-families.ts";
import { signAccessToken, type SessionFacts } from "./session-tokens.ts";

/** Idle lifetime of a refresh family (each rotation extends it). */
export const SESSION_IDLE_MS = 30 * 24 * 60 * 60 * 1000;
const REFRESH_TOKEN = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;
/** The shape handed out before families moved into the account's object: the family id and the secret. */
const LEGACY_REFRESH_TOKEN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

/** A refresh cookie's account (null for the older shape, whose family is D1's) and family; null when it is neither shape. */
function parseRefreshToken(token: string | undefined): { accountId: string | null; sessionId: string } | null {
  if (token === undefined) return null;
  const current = REFRESH_TOKEN.exec(token);
  if (current) return { accountId: current[1]!, sessionId: current[2]! };
  const legacy = LEGACY_REFRESH_TOKEN.exec(token);
  return legacy ? { accountId: null, sessionId: legacy[1]! } : null;
}

export type { Session };

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The facts a profile row gives the access token (the token carries no more than requests read). */
export function profileFacts(profile: ProfileFacts | null): ProfileFacts | null {
  return profile ? { id: profile.id, name: profile.name, isKids: profile.isKids, maxMaturityAge: profile.maxMaturityAge } : null;
}

async function issueCookies(c: Context<AppEnv>, facts: SessionFacts, refreshToken: string, expiresAtMs: number) {
  const access = await signAccessToken(c.env, facts);
  setSessionCookies(c, access.token, refreshToken, expiresAtMs);
  return { accessExpiresAt: access.expiresAtMs, sessionExpiresAt: expiresAtMs };
}

/**
 * Starts a new session (sign-up, sign-in): its family in the account's object,
 * the session's record (it rotates the family from now on, and knows it is live,
 * so personal routes need no D1 check for it), and its cookies. No D1 write.
 */
export async function startSession(c: Context<AppEnv>, account: { id: string; plan: Plan }, profile: ProfileFacts | null, qoeOptOut: boolean) {
  const nowMs = Date.now();
  const sessionId = crypto.randomUUID();
  const refreshToken = `${account.id}.${sessionId}.${randomToken()}`;
  const refreshHash = await sha256Hex(refreshToken);
  const expiresAtMs = nowMs + SESSION_IDLE_MS;
  const familyFacts: FamilyFacts = { plan: account.plan, profile: profileFacts(profile), qoeOptOut };
  await viewerState(c.env, account.id).startFamily(sessionId, refreshHash, expiresAtMs, familyFacts, nowMs);
  const facts = { sub: account.id, sid: sessionId, ...familyFacts };
  return { sessionId, ...(await issueCookies(c, facts, refreshToken, expiresAtMs)) };
}

/**
 * Records the profile this device chose, server-side (a client cannot claim a
 * profile it did not unlock): in the family the account's object holds, so the
 * next refresh states it; in D1 only for a family signed in before families moved.
 */
export async function chooseSessionProfile(c: Context<AppEnv>, db: Db, session: Session, profile: ProfileFacts): Promise<void> {
  if (await viewerState(c.env, session.account.id).chooseFamilyProfile(session.sessionId, profileFacts(profile))) return;
  await setSessionProfile(db, session.sessionId, profile.id);
}

/**
 * Mints this device a fresh access token after its session's facts changed
 * (a profile chosen, edited or deleted, the QoE opt-out), so its next request — in this tab and
 * any other sharing the cookie — acts on the new facts, not on the old token's
 * for up to 15 minutes. The refresh token is untouched. Returns the new expiry.
 */
export async function reissueAccess(c: Context<AppEnv>, session: Session, changes: { profile?: ProfileFacts | null; plan?: Plan; qoeOptOut?: boolean }): Promise<number> {
  const profile = changes.profile === undefined ? session.profile : profileFacts(changes.profile);
  const plan = changes.plan ?? session.account.plan;
  const qoeOptOut = changes.qoeOptOut ?? session.qoeOptOut;
  const access = await signAccessToken(c.env, { sub: session.account.id, sid: session.sessionId, plan, profile, qoeOptOut });
  setAccessCookie(c, access.token, SESSION_IDLE_MS);
  c.set("session", { ...session, account: { ...session.account, plan }, profile, qoeOptOut, accessIssuedAt: access.issuedAtMs, accessExpiresAt: access.expiresAtMs });
  return access.expiresAtMs;
}

/**
 * Rotates the refresh token and issues a new access token, in the account's
 * object with no D1 write; the facts come from the object too, unless the
 * account's changed since they were read (then one D1 read). An unknown,
 * expired or revoked token is 401 `invalid_refresh`; an old token of a live
 * family is 401 `refresh_reused` and revokes that family. Cookies are cleared on failure.
 */
export async function refreshSession(c: Context<AppEnv>, db: Db, presented: string | undefined) {
  const parsed = parseRefreshToken(presented);
  const fail = (code: "invalid_refresh" | "refresh_reused", message: string) => {
    clearSessionCookies(c);
    return new AppError(401, code, message);
  };
  const invalid = () => fail("invalid_refresh", "No valid session to refresh; sign in again.");
  if (!parsed) throw invalid();
  const { sessionId } = parsed;
  const oldHash = await sha256Hex(presented!);
  const secret = randomToken();
  const expiresAtMs = Date.now() + SESSION_IDLE_MS;
  if (parsed.accountId === null) return adoptLegacyFamily(c, db, sessionId, oldHash, secret, expiresAtMs, fail);

  const accountId = parsed.accountId;
  const next = `${accountId}.${sessionId}.${secret}`;
  const state = viewerState(c.env, accountId);
  const rotated = await state.rotateFamily(sessionId, oldHash, await sha256Hex(next), expiresAtMs);
  if (rotated.outcome === "reused") {
    // The object, the session's record, revoked it and closed its sockets. (A family taken over from D1 keeps a live
    // D1 row, which admits no one: its tokens are the object's, and the registry outlives the family's access tokens.)
    console.warn("refresh token reuse; session revoked", sessionId);
    throw fail("refresh_reused", "This session was ended because its refresh token was used twice; sign in again.");
  }
  if (rotated.outcome === "invalid") throw invalid();
  let familyFacts = rotated.facts;
  if (familyFacts === null) {
    // The plan, a profile or the QoE opt-out changed since the family's facts were read: read them again, once.
    const readAtMs = Date.now();
    const current = await tokenFacts(db, accountId, rotated.profileId);
    if (!current) throw invalid();
    familyFacts = { plan: current.plan, profile: profileFacts(current.profile), qoeOptOut: current.qoeOptOut };
    await state.refreshFamilyFacts(sessionId, rotated.profileId, familyFacts, readAtMs);
  }
  return issueCookies(c, { sub: accountId, sid: sessionId, ...familyFacts }, next, expiresAtMs);
}

/**
 * A refresh token of the older shape: its family is rotated in D1 one last time
 * (with reuse detection as before) and handed to the account's object, and the
 * device gets a token of the current shape. One D1 write per such family, ever.
 */
async function adoptLegacyFamily(
  c: Context<AppEnv>,
  db: Db,
  sessionId: string,
  oldHash: string,
  secret: string,
  expiresAtMs: number,
  fail: (code: "invalid_refresh" | "refresh_reused", message: string) => AppError,
) {
  const nowMs = Date.now();
  // D1 keeps the hash of the older shape's successor, never handed out: presenting the old token again is reuse.
  const rotated = await rotateSession(db, sessionId, oldHash, await sha256Hex(`${sessionId}.${secret}`), nowMs, expiresAtMs);
  if (!rotated) {
    const accountId = await revokeOnReuse(db, sessionId, oldHash, nowMs);
    if (accountId !== undefined) {
      console.warn("refresh token reuse; session revoked", sessionId);
      // Its open live-sync sockets end now, not when their access token expires.
      await viewerState(c.env, accountId).closeSession(sessionId);
      throw fail("refresh_reused", "This session was ended because its refresh token was used twice; sign in again.");
    }
    throw fail("invalid_refresh", "No valid session to refresh; sign in again.");
  }
  const [current, qoeOptOut] = await Promise.all([liveSession(db, sessionId, rotated.accountId, nowMs), qoeOptedOut(db, rotated.accountId)]);
  if (!current) throw fail("invalid_refresh", "No valid session to refresh; sign in again.");
  const next = `${rotated.accountId}.${sessionId}.${secret}`;
  const familyFacts: FamilyFacts = { plan: current.account.plan, profile: profileFacts(current.profile), qoeOptOut };
  await viewerState(c.env, rotated.accountId).startFamily(sessionId, await sha256Hex(next), expiresAtMs, familyFacts, nowMs);
  return issueCookies(c, { sub: rotated.accountId, sid: sessionId, ...familyFacts }, next, expiresAtMs);
}

/**
 * Ends the session named by either cookie and clears both; fine to call with
 * none. The access token's session is verified by its signature; a family named
 * by the refresh cookie is revoked only when the cookie is that family's
 * current token (its SHA-256 compared in constant time), so a family id alone
 * (every access token carries one as `sid`) signs no one out. Each session ends
 * in its account's object (refused from now on, its sockets closed, its leases
 * freed); only one whose family the object did not hold (signed in before the
 * object kept sessions) is revoked in D1 as well. Returns the ended sessions.
 */
export async function endSession(c: Context<AppEnv>, db: Db, refreshToken: string | undefined): Promise<{ sessionId: string; accountId: string }[]> {
  const ended = new Map<string, string>();
  const fromRefresh = parseRefreshToken(refreshToken);
  if (fromRefresh?.accountId) {
    // The account's object holds the family's current hash.
    if (await viewerState(c.env, fromRefresh.accountId).isCurrentRefresh(fromRefresh.sessionId, await sha256Hex(refreshToken!))) ended.set(fromRefresh.sessionId, fromRefresh.accountId);
  } else if (fromRefresh) {
    const row = await sessionRefreshHash(db, fromRefresh.sessionId);
    if (row && constantTimeEqual(new TextEncoder().encode(row.refreshHash), new TextEncoder().encode(await sha256Hex(refreshToken!)))) ended.set(fromRefresh.sessionId, row.accountId);
  }
  const session = c.get("session");
  if (session) ended.set(session.sessionId, session.account.id);
  for (const [sessionId, accountId] of ended) {
    const heldFamily = await viewerState(c.env, accountId).closeSession(sessionId);
    if (!heldFamily) await revokeSession(db, sessionId, Date.now());
  }
  clearSessionCookies(c);
  return [...ended].map(([sessionId, accountId]) => ({ sessionId, accountId }));
}

/** The 401 for a request whose access token was refused. */
export function sessionProblemError(problem: SessionProblem): AppError {
  return problem === "session_expired"
    ? new AppError(401, "session_expired", "Your session has expired; refresh it at /api/auth/refresh.")
    : new AppError(401, "invalid_session", "Your session is not valid; sign in again.");
}

/** The signed-in session, or 401. */
export function requireSession(c: Context<AppEnv>): Session {
  const session = c.get("session");
  if (session) return session;
  const problem = c.get("sessionProblem");
  throw problem ? sessionProblemError(problem) : new AppError(401, "unauthorized", "Sign in first.");
}

/**
 * The session's account row (e-mail, password hash), for the few routes that
 * check the password; the token does not carry them. An account erased since
 * the token was issued is 401 `invalid_session`.
 */
export async function sessionAccount(db: Db, session: Session): Promise<AccountRow> {
  const account = await accountById(db, session.account.id);
  if (!account) throw sessionProblemError("invalid_session");
  return account;
}

/** The signed-in session with a chosen profile, or 401 / 403 `profile_required`. */
export function requireProfile(c: Context<AppEnv>): Session & { profile: ProfileFacts } {
  const session = requireSession(c);
  if (!session.profile) throw new AppError(403, "profile_required", "Choose a profile first (POST /api/profiles/:id/select).");
  return session as Session & { profile: ProfileFacts };
}
