/**
 * A few seconds of the hottest answers, in the isolate's memory. A live
 * broadcast's viewers all ask for the same part and the same playlist within
 * the same second: concurrent misses already share one load (edge.ts), and
 * this keeps that one answer for the requests that arrive just after, so a
 * burst of viewers is served from memory instead of one Cache API lookup each.
 * Bounded by entries' age (each its own time to live, kept short: within the
 * edge cache's own max-age for that answer) and by total bytes (oldest first),
 * so it never holds more than a slice of the isolate's 128 MB.
 */
export class HotCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number; untilMs: number }>();
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** The value kept under `key`, if it has not expired. */
  get(key: string, nowMs = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.untilMs <= nowMs) {
      this.drop(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` (`bytes` long) for `ttlMs`; past the byte budget, expired entries go first, then the oldest. */
  set(key: string, value: V, bytes: number, ttlMs: number, nowMs = Date.now()): void {
    if (ttlMs <= 0 || bytes > this.maxBytes) return;
    this.drop(key);
    this.entries.set(key, { value, bytes, untilMs: nowMs + ttlMs });
    this.bytes += bytes;
    if (this.bytes <= this.maxBytes) return;
    for (const [k, e] of this.entries) if (e.untilMs <= nowMs) this.drop(k);
    // Maps iterate in insertion order: the first key is the oldest.
    for (const k of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(k);
    }
  }

  /** Drops every entry whose key `matches` (data that must go now, such as an erased account's). */
  forget(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.drop(key);
  }

  /** Bytes held now (tests and diagnostics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
}
