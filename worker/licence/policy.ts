/**
 * The licence policy: whether this stream may have keys now, and which.
 * Every licence and every renewal re-checks what the playback token was issued
 * for — the same session (not signed out, not revoked), the same profile (no
 * switch to another profile, e.g. Kids), and entitlement afresh (region, window,
 * the profile's current maturity ceiling, the account's current plan; a deleted
 * account has no session) — then takes or renews the stream's lease within the
 * plan's concurrent streams, and grants only the keys of the tiers the plan
 * reaches. Key systems (key-systems.ts) only translate the grant.
 */
import { tiersWithin, isContentTier } from "../../common/content-tiers.ts";
import { PLAN_MAX_STREAMS } from "../../common/plans.ts";
import type { Session, SessionProblem } from "../app-env.ts";
import { sessionProblemError } from "../auth/session.ts";
import { callCheckingSession, sessionProblem } from "../auth/session-standing.ts";
import { titleNames } from "../db/catalog.ts";
import { database } from "../db/client.ts";
import type { ContentKeyRow } from "../db/content-keys.ts";
import { contentKeks, unwrapContentKeyCached } from "../lib/content-keys.ts";
import { isDevelopment } from "../lib/environment.ts";
import { AppError } from "../lib/errors.ts";
import type { Viewer } from "../lib/viewer.ts";
import { verifyPlaybackToken, type PlaybackClaims } from "../media/tokens.ts";
import { entitleStream } from "../playback/entitlement.ts";
import { viewerState } from "../progress/stub.ts";
import type { LeaseRequest, LeaseResult, SessionLeaseResult, StreamLease } from "./stream-leases.ts";
import type { LicenceGrant } from "./key-systems.ts";

/** How often a playing stream renews its licence by default. */
export const DEFAULT_RENEWAL_SECONDS = 60;

/** The renewal interval: `LICENCE_RENEWAL_SECONDS` (1–600; tests shorten it), else a minute. */
export function renewalSeconds(env: Env): number {
  const n = Number((env as { LICENCE_RENEWAL_SECONDS?: string }).LICENCE_RENEWAL_SECONDS);
  return Number.isInteger(n) && n >= 1 && n <= 600 ? n : DEFAULT_RENEWAL_SECONDS;
}

/** A lease outlives two missed renewals and a little more, then frees its screen. */
export function leaseTtlMs(env: Env): number {
  return (renewalSeconds(env) * 2 + 10) * 1000;
}

const revoked = (message: string) => new AppError(403, "playback_revoked", message);

/** The refusal of a stream whose session ended: signed out here, or revoked elsewhere (a password change, refresh-token reuse). */
export const sessionEnded = () => revoked("This device was signed out; sign in again to watch.");

/** A stream the policy let through: its token's claims, the entitlement re-checked now, and its lease (none for the demo viewer). */
export interface AuthorizedStream {
  claims: PlaybackClaims;
  maxHeightPx: number;
  lease: StreamLease | null;
  renewAfterSeconds: number;
  /** The asset folder's key rows (wrapped), read with the entitlement. */
  keyRows: ContentKeyRow[];
}

/** A licence's refusal for a session problem: a revoked session playing is `playback_revoked` (the player stops with the reason), anything else the plain 401 (a stale token: the client refreshes and asks again). */
export function sessionRefusal(problem: SessionProblem, playing: boolean) {
  return problem === "invalid_session" && playing ? sessionEnded() : sessionProblemError(problem);
}

/** The token's own checks, before anything is asked of storage: signed for this viewer, this session and profile, a stream and a title. */
async function streamClaims(env: Env, viewer: Viewer, session: Session | undefined, token: string | undefined) {
  if (!token) throw new AppError(403, "invalid_token", "A licence request needs the playback token (X-Playback-Token).");
  const claims = await verifyPlaybackToken(env, token, viewer.nowMs);
  if (claims.sub !== viewer.viewerId) throw revoked("This playback belongs to another account or was signed out.");
  const demo = claims.sub === "demo" && !session && isDevelopment(env);
  if (!demo) {
    if (!session || claims.sid === undefined || claims.sid !== session.sessionId) throw sessionEnded();
    if (claims.pid === undefined || claims.pid !== session.profile?.id) throw revoked("The profile on this device changed; start playback again.");
    if (claims.str === undefined) throw revoked("This playback has no stream; start it again.");
  }
  if (claims.tid === undefined) throw revoked("This playback token names no title; start playback again.");
  return { claims, demo };
}

/**
 * The session's standing and the stream's lease in one call to the account's
 * object (the session guard skips the licence for this): revoked is refused as
 * `sessionEnded`, stale as 401 `session_expired`, and neither takes a screen. A
 * session the object does not know costs the D1 check and a second call that
 * admits it, as the guard's check would.
 */
async function sessionLease(env: Env, session: Session, req: LeaseRequest): Promise<LeaseResult> {
  const state = viewerState(env, session.account.id);
  const answer = await callCheckingSession<SessionLeaseResult>(env, session, (check) => state.acquireSessionStream(check, req), (problem) => sessionRefusal(problem, true));
  return answer.lease;
}

/**
 * Checks a playback token against the request's session and entitlement, and
 * takes or renews the stream's lease, the two at once (`defer` runs the lease's
 * follow-ups after the response: naming it, or freeing it on a refusal). The
 * session's standing comes with the lease (one object call, `sessionLease`),
 * and a session problem is answered before any other refusal, as it was when
 * the guard asked first. Each refusal has its own code: 403
 * `invalid_token`/`token_expired`, `playback_revoked`, 401 `session_expired`, the entitlement's own
 * (`region_restricted`, `outside_window`, `maturity_restricted`,
 * `quality_not_in_plan`), 409 `asset_changed`, 429 `stream_limit` (with the
 * streams holding the screens) and 403 `stream_stopped`.
 */
export async function authorizeStream(
  env: Env,
  viewer: Viewer,
  session: Session | undefined,
  token: string | undefined,
  deviceName: string,
  defer: (work: Promise<unknown>) => void,
): Promise<AuthorizedStream> {
  let checked: Awaited<ReturnType<typeof streamClaims>>;
  try {
    checked = await streamClaims(env, viewer, session, token);
  } catch (err) {
    // Refused before the object was asked: the session's own problem, if any, still speaks first.
    const problem = session ? await sessionProblem(env, session) : undefined;
    throw problem ? sessionRefusal(problem, token !== undefined) : err;
  }
  const { claims, demo } = checked;
  const tid = claims.tid!;
  const renewAfterSeconds = renewalSeconds(env);
  // Two round trips at once: entitlement afresh (region, window, the profile's ceiling and the plan as
  // they are now, read with the folder's keys in one D1 batch) and the session's standing with the lease
  // in the account's object, which therefore starts unnamed and is named once the title is known.
  const [entitled, leased] = await Promise.allSettled([
    entitleStream(env, viewer, { titleId: tid, episodeId: claims.eid, maxHeight: claims.mh, keyPrefix: claims.pfx }),
    demo
      ? Promise.resolve(null)
      : sessionLease(env, session!, {
          streamId: claims.str!,
          sessionId: session!.sessionId,
          profileId: session!.profile!.id,
          profileName: session!.profile!.name,
          deviceName,
          titleId: tid,
          limit: PLAN_MAX_STREAMS[viewer.plan],
          ttlMs: leaseTtlMs(env),
          nowMs: viewer.nowMs,
        }),
  ]);
  // A session refused (or an object that failed) took no screen, and its answer comes before the entitlement's.
  if (leased.status === "rejected") throw leased.reason;
  const leaseResult = leased.value;
  const heldLease = leaseResult?.ok ? leaseResult.lease : null;
  const state = demo ? null : viewerState(env, session!.account.id);
  try {
    if (entitled.status === "rejected") throw entitled.reason;
    if (entitled.value.asset.keyPrefix !== claims.pfx) throw new AppError(409, "asset_changed", "This title's video was replaced; start playback again.");
  } catch (err) {
    // Refused: the screen this request took (or renewed) is free again at once.
    if (heldLease) defer(state!.releaseStream(heldLease.streamId));
    throw err;
  }
  const e = entitled.value;
  if (leaseResult && !leaseResult.ok) {
    if (leaseResult.code === "stream_stopped") throw new AppError(403, "stream_stopped", "This stream was stopped from another device.");
    const limit = leaseResult.limit;
    throw new AppError(429, "stream_limit", `Your ${viewer.plan} plan plays on ${limit} screen${limit === 1 ? "" : "s"} at a time, and ${limit === 1 ? "it is" : "all are"} in use.`, {
      details: { limit, streams: await publicLeases(env, leaseResult.streams) },
    });
  }
  let lease = heldLease;
  if (lease) {
    const titleName = e.episode ? `${e.title.title} · S${e.episode.seasonNumber}:E${e.episode.number}` : e.title.title;
    if (lease.titleName !== titleName) {
      defer(state!.nameStream(lease.streamId, titleName));
      lease = { ...lease, titleName };
    }
  }
  return { claims, maxHeightPx: e.maxHeight, lease, renewAfterSeconds, keyRows: e.keyRows };
}

/** What other devices see of the account's streams: a lease taken a moment ago and not named yet shows its title's name. */
export async function publicLeases(env: Env, leases: StreamLease[]) {
  const unnamed = [...new Set(leases.filter((l) => l.titleName === "").map((l) => l.titleId))];
  const names = await titleNames(database(env.DB), unnamed);
  return leases.map((l) => publicLease(l.titleName === "" ? { ...l, titleName: names.get(l.titleId) ?? "" } : l));
}

/** What another device of the account sees of a stream. */
export function publicLease(l: StreamLease) {
  return { streamId: l.streamId, deviceName: l.deviceName, profileName: l.profileName, titleId: l.titleId, titleName: l.titleName, startedAt: l.startedAt, renewedAt: l.renewedAt };
}

/**
 * The keys an authorized stream gets: of the key ids asked for, those of its
 * asset folder in the tiers its height limit reaches, unwrapped. A key id of
 * another folder is 403 `unknown_key`; none within the plan is 403 `quality_not_in_plan`.
 */
export async function grantKeys(env: Env, stream: AuthorizedStream, keyIdsHex: string[]): Promise<LicenceGrant> {
  const rows = stream.keyRows;
  const allowed = new Set<string>(tiersWithin(stream.maxHeightPx));
  const keks = await contentKeks(env.CONTENT_KEKS as string | undefined, isDevelopment(env));
  const keys: LicenceGrant["keys"] = [];
  for (const kid of keyIdsHex) {
    const row = rows.find((r) => r.keyId === kid);
    if (!row) throw new AppError(403, "unknown_key", "A requested key does not belong to this title's video.");
    if (!isContentTier(row.tier) || !allowed.has(row.tier)) continue;
    try {
      keys.push({ keyIdHex: kid, key: await unwrapContentKeyCached(keks, { keyPrefix: row.keyPrefix, tier: row.tier, keyIdHex: row.keyId }, row) });
    } catch (err) {
      console.error("content key does not unwrap", row.keyPrefix, row.tier, row.kekId, err instanceof Error ? err.message : err);
      throw new AppError(503, "licence_unavailable", "This title's keys cannot be opened right now.");
    }
  }
  if (keys.length === 0) throw new AppError(403, "quality_not_in_plan", `These keys are for a quality above ${stream.maxHeightPx}p, the limit of this playback.`);
  return { keys, expiresAtMs: Date.now() + stream.renewAfterSeconds * 2000 };
}
