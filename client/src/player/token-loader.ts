/**
 * Playback tokens live in the media URL path (/cdn/<pathway>/<token>/<asset>/…),
 * so every playlist and segment inherits one. When the token is renewed, this
 * loader swaps the current token into each URL before loading: playback never
 * reloads, and nothing is re-requested with an expired token.
 *
 * It also answers from what was fetched before Play (data/prefetch.ts): a
 * prefetched response (or one still in flight) is handed to hls.js with the
 * timings of its real request, so ABR's bandwidth sample stays true; a failed
 * prefetch falls back to a normal load.
 */
import Hls, { type LoaderCallbacks, type LoaderConfiguration, type LoaderContext, type LoaderStats } from "hls.js";
import type { MediaPrefetch, PrefetchedResponse } from "../data/prefetch.ts";
import type { TokenHolder } from "./token-holder.ts";

/** Copies a prefetched request's timings and size into hls.js's stats object (which hls.js holds on to). */
function fillStats(stats: LoaderStats, r: PrefetchedResponse): void {
  stats.loading.start = Math.min(stats.loading.start || r.startMs, r.startMs);
  stats.loading.first = Math.max(stats.loading.start, r.firstByteMs);
  stats.loading.end = Math.max(stats.loading.first, r.endMs);
  stats.loaded = stats.total = r.data.byteLength;
  stats.bwEstimate = (stats.total * 8000) / Math.max(1, stats.loading.end - stats.loading.first);
}

/** `url` without the CMCD query argument (controllers/qoe-reporting.ts). */
export function withoutCmcd(url: string): string {
  if (!url.includes("CMCD=")) return url;
  const u = new URL(url, typeof location === "undefined" ? "http://localhost/" : location.href);
  u.searchParams.delete("CMCD");
  return u.href;
}

/** An hls.js loader class bound to a TokenHolder, answering from `prefetched` when it holds the URL. */
export function tokenLoader(holder: TokenHolder, prefetched?: MediaPrefetch) {
  const Base = Hls.DefaultConfig.loader;
  return class TokenLoader extends Base {
    private pending: Promise<PrefetchedResponse> | undefined;
    private pendingCallbacks: LoaderCallbacks<LoaderContext> | undefined;

    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>) {
      context.url = holder.rewrite(context.url);
      // Prefetched without CMCD (hls.js adds it to the URL): looked up without it.
      const hit = context.rangeEnd ? undefined : prefetched?.take(withoutCmcd(context.url));
      if (!hit) return super.load(context, config, callbacks);
      this.pending = hit;
      this.pendingCallbacks = callbacks;
      this.context = context;
      // Until the prefetch reports its own start, count from now (as hls.js's own loaders do).
      this.stats.loading.start = performance.now();
      hit.then(
        (r) => {
          if (this.pending !== hit) return;
          this.pending = this.pendingCallbacks = undefined;
          fillStats(this.stats, r);
          const data = context.responseType === "arraybuffer" ? r.data : new TextDecoder().decode(r.data);
          callbacks.onProgress?.(this.stats, context, data, null);
          // The absolute URL it came from, as a real request's responseURL: hls.js resolves the playlist's
          // relative URIs (the steering server's among them) against it.
          callbacks.onSuccess({ url: r.url, data, code: 200 }, this.stats, context, null);
        },
        () => {
          if (this.pending !== hit) return;
          this.pending = this.pendingCallbacks = undefined;
          this.stats.loading.start = 0;
          super.load(context, config, callbacks);
        },
      );
    }

    override abort() {
      const callbacks = this.pendingCallbacks;
      if (this.pending && callbacks && this.context) {
        this.pending = this.pendingCallbacks = undefined;
        this.stats.aborted = true;
        callbacks.onAbort?.(this.stats, this.context, null);
        return;
      }
      super.abort();
    }

    override destroy() {
      this.pending = this.pendingCallbacks = undefined;
      super.destroy();
    }
  };
}
