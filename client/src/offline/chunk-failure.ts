/**
 * A lazy import that did not load (a route's chunk, the player, a dictionary)
 * and what it means. Offline — the browser says so, or the chunk's URL gets no
 * answer at all — the page is simply not on this device yet: the connection
 * went before the app shell's service worker had stored it. The viewer is told
 * so, and the import is tried again when the connection returns (a failed
 * dynamic import is fetched afresh on the next `import()`; Solid's `lazy` and
 * the dictionaries' loaders forget a failure). Online, a chunk the server no
 * longer has means a deploy replaced the build this page runs: the page reloads
 * once onto the new build, as production SPAs do (Vite's `vite:preloadError`
 * advice); a second failure on the same build shows a plain "did not load" with
 * a retry instead of reloading in a loop.
 */

/** The messages browsers give a failed dynamic import (Chromium, Firefox, Safari) and Vite's failed CSS preload. */
const CHUNK_FAILURE = /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS/i;

/** Whether `err` is a lazy import that did not load (not a fault of the page's own code). */
export function isChunkLoadError(err: unknown): boolean {
  return err instanceof Error && CHUNK_FAILURE.test(err.message);
}

/** The messages browsers give a fetch that got no answer (Chromium, Firefox, Safari): a TypeError, not an HTTP status. */
const NETWORK_FAILURE = /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed)$/;

/** Whether `err` is a request of the page's that got no answer at all (no network, or the server unreachable). */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError && NETWORK_FAILURE.test(err.message);
}

/** The URL of the chunk that failed, when the browser's message names it (Chromium and Firefox do; Safari does not). */
export function failedChunkUrl(err: unknown): string | null {
  const m = err instanceof Error ? /(https?:\/\/[^\s'"]+)/.exec(err.message) : null;
  return m ? m[1]!.replace(/[.,;)]+$/, "") : null;
}

/** `offline`: not on this device and no network; `stale`: the server has another build; `unavailable`: anything else. */
export type ChunkFailure = "offline" | "stale" | "unavailable";

/** What the server answered for a URL: its status and content type, or null when no answer came (no network). */
export type Probe = (url: string) => Promise<{ status: number; contentType: string } | null>;

/** Asks the server for `url` itself (HEAD, past every cache): whether it is there, or whether the network is. */
export const probeServer: Probe = async (url) => {
  try {
    const r = await fetch(url, { method: "HEAD", cache: "no-store", credentials: "same-origin" });
    return { status: r.status, contentType: r.headers.get("content-type") ?? "" };
  } catch {
    return null;
  }
};

/**
 * What a chunk failure means. Offline when the browser says so or the chunk gets
 * no answer; stale when the server has no such chunk (404/410, or the SPA's
 * index.html where a script should be). Without a URL in the message, any answer
 * from the site means the network is there, so the build is the likely cause.
 */
export async function chunkFailureKind(err: unknown, online: boolean, probe: Probe = probeServer): Promise<ChunkFailure> {
  if (!online) return "offline";
  // A page's data that got no answer, with the connection back by now: nothing to do with the build.
  if (isNetworkFailure(err)) return "unavailable";
  const url = failedChunkUrl(err);
  const answer = await probe(url ?? "/");
  if (!answer) return "offline";
  if (!url) return "stale";
  if (answer.status === 404 || answer.status === 410 || (answer.status < 300 && answer.contentType.startsWith("text/html"))) return "stale";
  return "unavailable";
}

const RELOADED_KEY = "marquee.reloadedForBuild";

/** The build this page runs: its entry script's URL (hashed, so a deploy changes it). */
function currentBuild(): string {
  return document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src ?? location.pathname;
}

/**
 * Reloads the page onto the server's build unless it already did so for this
 * build (session storage), so a chunk that is missing on the new build too does
 * not reload forever. True when it reloads.
 */
export function reloadOnceForNewBuild(
  build = currentBuild(),
  storage: Pick<Storage, "getItem" | "setItem"> = sessionStorage,
  reload = () => location.reload(),
): boolean {
  try {
    if (storage.getItem(RELOADED_KEY) === build) return false;
    storage.setItem(RELOADED_KEY, build);
  } catch {
    return false; // No session storage (a locked-down browser): no way to know it reloaded, so never.
  }
  reload();
  return true;
}

/** Calls `retry` once when the connection returns (none if it already has); answers the way to stop listening. */
export function whenOnline(retry: () => void): () => void {
  const listener = () => retry();
  addEventListener("online", listener, { once: true });
  return () => removeEventListener("online", listener);
}
