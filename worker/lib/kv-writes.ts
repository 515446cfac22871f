/**
 * The one way the Worker writes to KV. Workers KV takes at most one write per
 * second to the same key (Cloudflare's documented limit: more are refused with
 * 429; a delete is a write), so every write goes through `putAtMostOncePerSecond`: a write to a key
 * this isolate wrote less than a second ago waits for the second to pass, and
 * writes arriving meanwhile coalesce into that one write of the latest value.
 * Across isolates, keys are kept apart by design: a KV key is per profile (its
 * devices rarely miss at the same instant), and what everyone shares lives in
 * the Cache API instead (docs/SCALING.md, "KV").
 * test/worker/lib/kv-writes.test.ts checks statically that nothing else calls
 * `put` or `delete` on a KV namespace, and dynamically that no request path writes one key
 * twice within a second.
 */

/** KV's documented limit: one write per second per key. */
export const KV_WRITE_INTERVAL_MS = 1000;
/**
 * Writes are spaced this much more than the interval: workerd's clock as two contexts read it
 * (the timer that woke us, the caller recording the write) has been seen 1 ms apart, and a
 * write 999 ms after the last is one too many for KV. Five milliseconds cost nothing.
 */
const CLOCK_MARGIN_MS = 5;
const SPACING_MS = KV_WRITE_INTERVAL_MS + CLOCK_MARGIN_MS;
/** Past this many remembered keys, those written more than an interval ago are forgotten (they no longer matter). */
const REMEMBERED_KEYS = 4096;

/** When this isolate last wrote each key (epoch ms). */
const lastWriteMs = new Map<string, number>();
/** A write waiting for its key's second to pass: the latest value wins. */
interface Trailing {
  /** null: delete the key. */
  value: string | null;
  options: KVNamespacePutOptions | undefined;
  done: Promise<void>;
}
const trailing = new Map<string, Trailing>();

function remember(key: string, nowMs: number): void {
  if (lastWriteMs.size >= REMEMBERED_KEYS) {
    for (const [k, at] of lastWriteMs) if (nowMs - at >= KV_WRITE_INTERVAL_MS) lastWriteMs.delete(k);
  }
  lastWriteMs.set(key, nowMs);
}

function write(kv: KVNamespace, key: string, value: string | null, options: KVNamespacePutOptions | undefined): Promise<void> {
  return value === null ? kv.delete(key) : kv.put(key, value, options);
}

/**
 * Waits `waitMs`, then again for as long as the clock says the key's second
 * has not passed: a timer may fire a millisecond before the clock agrees
 * (CI saw 999 ms between two writes), and the limit is counted by the clock.
 */
async function waitUntilSecondPassed(key: string, waitMs: number): Promise<void> {
  for (let ms = waitMs; ms > 0; ms = (lastWriteMs.get(key) ?? Number.NEGATIVE_INFINITY) + SPACING_MS - Date.now()) {
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
  }
}

/**
 * Writes `value` under `key` (null: deletes the key), at most once per second
 * per key from this isolate: within a second of the last write it waits for
 * the second to pass, and calls made meanwhile share that one write (of the
 * latest value). Resolves once the value (or a later one) is written; rejects
 * as `kv.put` does.
 */
export function putAtMostOncePerSecond(kv: KVNamespace, key: string, value: string | null, options?: KVNamespacePutOptions): Promise<void> {
  const waiting = trailing.get(key);
  if (waiting) {
    waiting.value = value;
    waiting.options = options;
    return waiting.done;
  }
  const nowMs = Date.now();
  const waitMs = (lastWriteMs.get(key) ?? Number.NEGATIVE_INFINITY) + SPACING_MS - nowMs;
  if (waitMs <= 0) {
    remember(key, nowMs);
    return write(kv, key, value, options);
  }
  const entry: Trailing = { value, options, done: Promise.resolve() };
  entry.done = waitUntilSecondPassed(key, waitMs).then(() => {
    trailing.delete(key);
    remember(key, Date.now());
    return write(kv, key, entry.value, entry.options);
  });
  trailing.set(key, entry);
  return entry.done;
}
