/**
 * Media responses fetched ahead of the player (prefetch.ts decides when,
 * warm-media.ts what), handed to its loader once each.
 */
import { fetchMedia } from "./api.ts";

/** One prefetched response, as the loader hands it to hls.js. */
export interface PrefetchedResponse {
  url: string;
  data: ArrayBuffer;
  /** performance.now() times of the real request: sent, first byte, last byte. */
  startMs: number;
  firstByteMs: number;
  endMs: number;
}

/** Responses fetched ahead for one playback, by absolute URL; each is handed out once. */
export class MediaPrefetch {
  /** The rendition the responses are for (hls.js is told to start there): its height and bitrate as start.ts compares them. */
  startRung: { heightPx: number; bitrateBps: number } | null = null;
  private readonly entries = new Map<string, Promise<PrefetchedResponse>>();
  /** URLs the player asked for before they were fetched here: it loads them itself, so they are not fetched twice. */
  private readonly missed = new Set<string>();
  private readonly controller = new AbortController();

  /** Fetches `url` (once) and keeps the response for the player. */
  fetch(url: string): Promise<PrefetchedResponse> {
    const key = absolute(url);
    const existing = this.entries.get(key);
    if (existing) return existing;
    if (this.missed.has(key)) return Promise.reject(new Error("the player loads this itself"));
    const startMs = performance.now();
    const promise = fetchMedia(key, { signal: this.controller.signal, credentials: "same-origin" }).then(async (res) => {
      const firstByteMs = performance.now();
      if (!res.ok) throw new Error(`prefetch ${res.status}`);
      const data = await res.arrayBuffer();
      return { url: key, data, startMs, firstByteMs, endMs: performance.now() };
    });
    promise.catch(() => this.entries.delete(key));
    this.entries.set(key, promise);
    return promise;
  }

  /** The response for `url` if it was fetched ahead (removed: each is used once), else undefined. */
  take(url: string): Promise<PrefetchedResponse> | undefined {
    const key = absolute(url);
    const hit = this.entries.get(key);
    if (hit) this.entries.delete(key);
    else this.missed.add(key);
    return hit;
  }

  /** True once discarded (replaced, expired, or its player gone). */
  get discarded(): boolean {
    return this.controller.signal.aborted;
  }

  /** Stops what is in flight and forgets everything. */
  discard(): void {
    this.controller.abort();
    this.entries.clear();
  }
}

/** `url` resolved against the page (or localhost outside a browser): the key of a prefetched response. */
export function absolute(url: string): string {
  return new URL(url, typeof location === "undefined" ? "http://localhost/" : location.href).href;
}
