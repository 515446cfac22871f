/**
 * The Worker's side of content steering: asks the region's SteeringState for the
 * pathway priority, batching player reports and caching the answer for a second
 * per isolate, so a region's object sees at most about one call per second per
 * isolate however many players poll. If the object is slow, overloaded or
 * failing, the last known priority (or the configured order) is answered
 * instead: the steering endpoint never fails a player and never says 429.
 */
import { pathways } from "./pathways.ts";
import type { PathwaySample } from "./steering-policy.ts";
import type { ServedMark } from "./steering-state.ts";
import { sessionId } from "./steering-ids.ts";
import type { PlaybackClaims } from "./tokens.ts";

/** How long a region's priority is reused before the Durable Object is asked again. */
export const PRIORITY_CACHE_MS = 1000;
/** How long to wait for the Durable Object before answering from the cache. */
const RPC_TIMEOUT_MS = 500;
const MAX_PENDING_SAMPLES = 500;

interface RegionEntry {
  priority: string[] | null;
  fetchedAtMs: number;
  pending: PathwaySample[];
  /** Sessions served media, not yet told to the region's object (kept across a failed call). */
  served: ServedMark[];
  /** The call under way, which concurrent requests share instead of starting their own. */
  inflight: Promise<void> | null;
}

const regions = new Map<string, RegionEntry>();

function entryFor(region: string): RegionEntry {
  let entry = regions.get(region);
  if (!entry) {
    entry = { priority: null, fetchedAtMs: 0, pending: [], served: [], inflight: null };
    regions.set(region, entry);
  }
  return entry;
}

/** The configured ids, in the order `priority` puts them (ids no longer configured are dropped, new ones appended). */
function reconcile(ids: string[], priority: string[] | null): string[] {
  if (!priority) return ids;
  const known = priority.filter((id) => ids.includes(id));
  return [...known, ...ids.filter((id) => !known.includes(id))];
}

/** This isolate's latest priority for a region without any call (configured order if none yet). */
export function lastKnownPriority(env: Env, region: string): string[] {
  return reconcile(pathways(env).map((p) => p.id), regions.get(region)?.priority ?? null);
}

/** Waits for `promise` at most `ms` milliseconds (never rejects). */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Sends the region's pending reports to its Durable Object and keeps the priority it answers. */
async function refresh(env: Env, region: string, entry: RegionEntry): Promise<void> {
  const batch = entry.pending;
  const served = entry.served;
  entry.pending = [];
  entry.served = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const stub = env.STEERING.get(env.STEERING.idFromName(region));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("steering state timed out")), RPC_TIMEOUT_MS);
    });
    entry.priority = await Promise.race([stub.observe(batch, served), timeout]);
    entry.fetchedAtMs = Date.now();
  } catch (err) {
    // A served session must not be forgotten (its reports would never count): it rides along with the next call.
    entry.served.unshift(...served.slice(0, MAX_PENDING_SAMPLES - entry.served.length));
    // Reports in a failed batch are dropped: health is best-effort, the answer is not.
    console.warn("steering state unavailable; answering the last known priority:", err instanceof Error ? err.message : err);
    // Back off for the cache period rather than retrying an overloaded object on every request.
    entry.priority ??= pathways(env).map((p) => p.id);
    entry.fetchedAtMs = Date.now();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Adds `samples` to the region's reports and returns its pathway priority.
 * `flush` sends the reports now (errors, which must count at once); otherwise
 * they ride along with the next call to the Durable Object.
 */
export async function steeringPriority(env: Env, region: string, samples: PathwaySample[], flush = false): Promise<string[]> {
  const ids = pathways(env).map((p) => p.id);
  const entry = entryFor(region);
  entry.pending.push(...samples);
  if (entry.pending.length > MAX_PENDING_SAMPLES) entry.pending.splice(0, entry.pending.length - MAX_PENDING_SAMPLES);
  const nowMs = Date.now();
  if (!flush && entry.priority && nowMs - entry.fetchedAtMs < PRIORITY_CACHE_MS) return reconcile(ids, entry.priority);
  if (!flush && entry.inflight) {
    // Bounded: the request that started the call may be cancelled (client gone) and never settle it here.
    await settledWithin(entry.inflight, RPC_TIMEOUT_MS);
    return reconcile(ids, entry.priority);
  }
  const call = refresh(env, region, entry);
  entry.inflight = call;
  await call;
  if (entry.inflight === call) entry.inflight = null;
  return reconcile(ids, entry.priority);
}

/** Sessions this isolate already told their region about, with the expiry told (bounded, oldest first out). */
const toldServed = new Map<string, number>();
const TOLD_SERVED_MAX = 4096;

/**
 * Tells the token's region that media was served to its playback session, so
 * its steering reports count (steering-state.ts). Once per session and token
 * expiry per isolate: the first segment a player fetches pays one call to the
 * region's object, made after the response (`waitUntil` in routes/media.ts), so
 * no segment waits for it; its other segments pay nothing. The mark is queued
 * before the call starts, so a report that arrives meanwhile carries it along.
 */
export async function noteServed(env: Env, claims: PlaybackClaims): Promise<void> {
  const key = `${claims.cc}\u0000${claims.sub}\u0000${claims.pfx}`;
  const untilMs = claims.exp * 1000;
  if ((toldServed.get(key) ?? 0) >= untilMs) return;
  const entry = entryFor(claims.cc);
  entry.served.push({ session: await sessionId(env, claims), untilMs });
  if (entry.served.length > MAX_PENDING_SAMPLES) entry.served.splice(0, entry.served.length - MAX_PENDING_SAMPLES);
  const call = refresh(env, claims.cc, entry);
  entry.inflight = call;
  await call;
  if (entry.inflight === call) entry.inflight = null;
  toldServed.delete(key);
  if (toldServed.size >= TOLD_SERVED_MAX) toldServed.delete(toldServed.keys().next().value!);
  toldServed.set(key, untilMs);
}
