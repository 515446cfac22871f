/**
 * The Worker's side of content steering (docs/SCALING.md §6.5), built so that
 * no object's load grows with the number of players:
 * - **reads**: a region's priority comes from one of its read copies (the one
 *   numbered by a hash of this isolate), asked at most once a second per
 *   isolate, and the answer is kept for a second in the data centre's Cache API
 *   too, so other isolates there skip the call;
 * - **reports**: throughput samples, error reports and served marks wait in the
 *   isolate for at most REPORT_BATCH_MS, then go in one call to the region's
 *   report shard for this isolate, which merges into the leader about once a
 *   second. A player's request never waits for that (the caller hands the
 *   returned promise to `waitUntil`).
 * If a copy is slow, overloaded or failing, the last known priority (or the
 * configured order) is answered instead: the steering endpoint never fails a
 * player and never says 429.
 */
import { edgeCache } from "../lib/data-centre-cache.ts";
import { pathways } from "./pathways.ts";
import type { PathwaySample } from "./steering-policy.ts";
import { reduceSamples } from "./steering-reports.ts";
import { sessionId, type ServedMark } from "./steering-ids.ts";
import { isolateSlot, readCopyCount, reportShardCount, steeringCopy, steeringReportShard } from "./steering-shards.ts";
import type { PlaybackClaims } from "./tokens.ts";

/** How long a region's priority is reused (in the isolate, and in the data centre's cache) before a read copy is asked again. */
export const PRIORITY_CACHE_MS = 1000;
/** How long reports wait in the isolate before they go to the region's report shard. */
export const REPORT_BATCH_MS = 1000;
/** How long to wait for a Durable Object before answering from what is known. */
const RPC_TIMEOUT_MS = 500;
/** How long a batch may take to reach its shard (after the response: no player waits for it). */
const SEND_TIMEOUT_MS = 5000;
/** Sends of one batch's served marks before they wait for the next report. */
const SEND_ATTEMPTS = 2;
const MAX_PENDING_SAMPLES = 500;

interface RegionEntry {
  priority: string[] | null;
  fetchedAtMs: number;
  /** The read under way (others answer the last priority known meanwhile; never awaited by another request). */
  inflight: Promise<void> | null;
  pending: PathwaySample[];
  /** Sessions served media, not yet told to the region's shard (kept across a failed call). */
  served: ServedMark[];
  /** The batch on its way (sent REPORT_BATCH_MS after its first report). */
  sending: Promise<void> | null;
}

const regions = new Map<string, RegionEntry>();

function entryFor(region: string): RegionEntry {
  let entry = regions.get(region);
  if (!entry) {
    entry = { priority: null, fetchedAtMs: 0, inflight: null, pending: [], served: [], sending: null };
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

/** `promise`, or a rejection after `ms` milliseconds. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The data centre's cache key of a region's priority (never fetched: a name only). */
const cacheKey = (region: string) => `https://steering.cache.invalid/${region}`;

/** A priority another isolate of this data centre read within the last PRIORITY_CACHE_MS, or null. */
async function fromDataCentre(region: string, nowMs: number): Promise<string[] | null> {
  try {
    const hit = await edgeCache().match(cacheKey(region));
    if (!hit) return null;
    const { priority, atMs } = (await hit.json()) as { priority: string[]; atMs: number };
    return nowMs - atMs < PRIORITY_CACHE_MS && Array.isArray(priority) ? priority : null;
  } catch {
    return null;
  }
}

/** Reads the region's priority (data centre cache, else this isolate's read copy) into the isolate's entry. */
async function read(env: Env, region: string, entry: RegionEntry): Promise<void> {
  const nowMs = Date.now();
  try {
    const cached = await fromDataCentre(region, nowMs);
    if (cached) {
      entry.priority = cached;
    } else {
      const copy = steeringCopy(env, region, isolateSlot(readCopyCount(env)));
      const priority = await within(copy.readPriority(), RPC_TIMEOUT_MS, "steering read copy");
      if (priority) {
        entry.priority = priority;
        const entryRes = new Response(JSON.stringify({ priority, atMs: Date.now() }), { headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${Math.ceil(PRIORITY_CACHE_MS / 1000)}` } });
        await edgeCache().put(cacheKey(region), entryRes).catch(() => undefined);
      }
    }
  } catch (err) {
    console.warn("steering read copy unavailable; answering the last known priority:", err instanceof Error ? err.message : err);
  }
  // Also after a failure: back off for the cache period rather than asking an overloaded copy on every request.
  entry.priority ??= pathways(env).map((p) => p.id);
  entry.fetchedAtMs = Date.now();
}

/**
 * The region's pathway priority: this isolate's if read within PRIORITY_CACHE_MS, else read again.
 *
 * One request at a time re-reads; the others answer the last priority known rather than await a read
 * another request owns (workerd ties I/O to its request, and a cancelled one would never settle it).
 * Only an isolate that knows no priority yet reads for itself.
 */
export async function steeringPriority(env: Env, region: string): Promise<string[]> {
  const ids = pathways(env).map((p) => p.id);
  const entry = entryFor(region);
  const fresh = entry.priority && Date.now() - entry.fetchedAtMs < PRIORITY_CACHE_MS;
  if (fresh || (entry.priority && entry.inflight)) return reconcile(ids, entry.priority);
  const call = read(env, region, entry).finally(() => {
    if (entry.inflight === call) entry.inflight = null;
  });
  entry.inflight = call;
  await call;
  return reconcile(ids, entry.priority);
}

/** Sends the region's waiting reports and served marks to this isolate's report shard. */
async function send(env: Env, region: string, entry: RegionEntry, attempt = 1): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, REPORT_BATCH_MS));
  const samples = reduceSamples(entry.pending);
  const served = entry.served;
  entry.pending = [];
  entry.served = [];
  entry.sending = null;
  if (!samples.length && !served.length) return;
  try {
    const shard = steeringReportShard(env, region, isolateSlot(reportShardCount(env)));
    await within(shard.addReports(samples, served), SEND_TIMEOUT_MS, "steering report shard");
  } catch (err) {
    // Reports in a failed batch are dropped: health is best-effort.
    console.warn("steering report shard unavailable; reports dropped:", err instanceof Error ? err.message : err);
    // A served session must not be forgotten (its reports would never count): it goes again with the next batch,
    // which starts now (inside the same waitUntil) unless one is on its way. A mark sent twice is marked once.
    entry.served.unshift(...served.slice(0, MAX_PENDING_SAMPLES - entry.served.length));
    if (served.length && attempt < SEND_ATTEMPTS) await (entry.sending ??= send(env, region, entry, attempt + 1));
  }
}

/**
 * Queues reports (and served marks) for the region's report shard and returns
 * the send, for the caller's `waitUntil`, when this call started it: the first
 * report of a batch starts it, the others within REPORT_BATCH_MS join it.
 */
export function queueReports(env: Env, region: string, samples: PathwaySample[], served: ServedMark[] = []): Promise<void> {
  const entry = entryFor(region);
  entry.pending.push(...samples);
  // Reduced as the shard would (latest per source, bounded per pathway), then trimmed: a batch stays small in an incident.
  if (entry.pending.length > MAX_PENDING_SAMPLES) entry.pending = reduceSamples(entry.pending);
  if (entry.pending.length > MAX_PENDING_SAMPLES) entry.pending.splice(0, entry.pending.length - MAX_PENDING_SAMPLES);
  entry.served.push(...served);
  if (entry.served.length > MAX_PENDING_SAMPLES) entry.served.splice(0, entry.served.length - MAX_PENDING_SAMPLES);
  // A joiner gets a settled promise, not the batch: a promise made in one request's context and awaited
  // (or kept by waitUntil) in another's is refused by workerd ("Cannot perform I/O on behalf of a different
  // request"). The request that started the batch keeps it alive with its own waitUntil.
  if (entry.sending) return Promise.resolve();
  entry.sending = send(env, region, entry);
  return entry.sending;
}

/** Sessions this isolate already told their region about, with the expiry told (bounded, oldest first out). */
const toldServed = new Map<string, number>();
const TOLD_SERVED_MAX = 4096;

/**
 * Tells the token's region that media was served to its playback session, so
 * its steering reports count (steering-state.ts). Once per session and token
 * expiry per isolate, in the isolate's next report batch: the first segment a
 * player fetches queues it after the response (`waitUntil` in routes/media.ts),
 * so no segment waits for it; its other segments pay nothing. The mark is
 * queued before the player's reports, so it reaches the leader with or before them.
 */
export async function noteServed(env: Env, claims: PlaybackClaims): Promise<void> {
  const key = `${claims.cc}\u0000${claims.sub}\u0000${claims.pfx}`;
  const untilMs = claims.exp * 1000;
  if ((toldServed.get(key) ?? 0) >= untilMs) return;
  toldServed.delete(key);
  if (toldServed.size >= TOLD_SERVED_MAX) toldServed.delete(toldServed.keys().next().value!);
  toldServed.set(key, untilMs);
  await queueReports(env, claims.cc, [], [{ session: await sessionId(env, claims), untilMs }]);
}
