/**
 * The offline source: an hls.js loader that answers URLs under
 * `/offline/<downloadId>/` from the download's files in IndexedDB
 * (offline/store.ts) — playlists and segments alike — so the same player plays
 * a download with no network. Nothing under that path ever reaches the
 * network; a missing file is a 404 to hls.js, as from a server.
 */
import Hls, { type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from "hls.js";
import { takeStartFile } from "../offline/start.ts";
import { readFile } from "../offline/store.ts";

/** The URL path of a download's file (what its master playlist and the loader use). */
export const offlinePrefix = (downloadId: string) => `/offline/${downloadId}/`;

/** The download id and file path an offline URL names, or null for any other URL. */
export function offlinePath(url: string): { downloadId: string; path: string } | null {
  const m = /^\/offline\/([0-9a-f-]{36})\/(.+)$/.exec(new URL(url, location.href).pathname);
  return m ? { downloadId: m[1]!, path: decodeURIComponent(m[2]!) } : null;
}

/** An hls.js loader class reading offline URLs from IndexedDB (other URLs load as usual). */
export function offlineLoader() {
  const Base = Hls.DefaultConfig.loader;
  return class OfflineLoader extends Base {
    private aborted = false;

    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>) {
      const where = offlinePath(context.url);
      if (!where) return super.load(context, config, callbacks);
      this.context = context;
      this.aborted = false;
      const stats = this.stats;
      stats.loading.start = performance.now();
      // The first files were read before Play (offline/start.ts); the rest, as hls.js asks.
      takeStartFile(where.downloadId, where.path).then((warm) => warm ?? readFile(where.downloadId, where.path)).then(
        (buffer) => {
          if (this.aborted) return;
          if (!buffer) {
            callbacks.onError({ code: 404, text: `Not in this download: ${where.path}` }, context, null, stats);
            return;
          }
          const start = context.rangeEnd ? context.rangeStart ?? 0 : 0;
          const slice = context.rangeEnd ? buffer.slice(start, context.rangeEnd) : buffer;
          stats.loading.first = stats.loading.end = performance.now();
          stats.loaded = stats.total = slice.byteLength;
          const data = context.responseType === "arraybuffer" ? slice : new TextDecoder().decode(slice);
          callbacks.onProgress?.(stats, context, data, null);
          callbacks.onSuccess({ url: context.url, data, code: 200 }, stats, context, null);
        },
        (err: unknown) => {
          if (!this.aborted) callbacks.onError({ code: 0, text: err instanceof Error ? err.message : String(err) }, context, null, stats);
        },
      );
    }

    override abort() {
      this.aborted = true;
      this.stats.aborted = true;
      super.abort();
    }

    override destroy() {
      this.aborted = true;
      super.destroy();
    }
  };
}
