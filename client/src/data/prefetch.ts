/**
 * Playback prepared before Play: while a title page is open (or as soon as a
 * watch route matches, in parallel with its code), ask for playback
 * (`POST /api/playback/:id`) and fetch what hls.js will ask for first — the
 * master playlist, the start rendition's and the audio's media playlists, their
 * init segments and the segment at the start position — into memory. The watch
 * page takes the prepared session once; the player's loader (token-loader.ts)
 * answers hls.js from these responses, with their real network timings so ABR
 * learns the bandwidth from them, and joins a fetch still in flight.
 *
 * One preparation is kept: for one viewer (profile), title and episode, used at
 * most once, and only while fresh — a resume position and a token are the
 * server's answer of the moment, so a preparation older than a few minutes, or
 * whose token has less than a few minutes left, is dropped and playback is asked
 * for again. Save-Data skips the segments. `baselineStart()` turns it all off.
 * Which media to fetch is worked out in warm-media.ts, loaded (during the POST)
 * only when a preparation starts, so Home's code stays small.
 */
import { baselineStart, PREPARED_MAX_AGE_MS, preparedUsable } from "../player/start.ts";
import { startPlayback, type Playback } from "./api.ts";
import { MediaPrefetch } from "./media-prefetch.ts";
import { session } from "./session.ts";

export { absolute, MediaPrefetch, type PrefetchedResponse } from "./media-prefetch.ts";
export { watchTarget } from "./play-intent-rules.ts";

export interface PreparedPlayback {
  playback: Promise<Playback>;
  media: MediaPrefetch;
}

interface Preparation extends PreparedPlayback {
  key: string;
  /** Account and profile it was asked for; undefined while the session was still loading (the cookies' viewer). */
  viewer: string | undefined;
  createdAtMs: number;
  resolved: Playback | null;
}

let current: Preparation | undefined;
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

const keyFor = (titleId: string, episodeId: number | undefined) => `${titleId}/${episodeId ?? ""}`;

/** Who is watching: account and profile ("" signed out), undefined while the session loads. */
function viewer(): string | undefined {
  const s = session();
  return s === undefined ? undefined : `${s?.account.id ?? ""}/${s?.profileId ?? ""}`;
}

/** Made for this viewer (or while the session was loading, with the same cookies). */
function sameViewer(p: Preparation): boolean {
  const now = viewer();
  return p.viewer === undefined || now === undefined || p.viewer === now;
}

const fresh = (p: Preparation) => preparedUsable(p.createdAtMs, p.resolved?.expiresAt ?? null, Date.now());

function drop(): void {
  current?.media.discard();
  current = undefined;
  clearTimeout(expiryTimer);
}

/**
 * Prepares playback of a title (or one episode of it) unless a fresh
 * preparation for it exists; a preparation for anything else is dropped.
 * `startAt` is a `?t=` position. Never throws: a refusal shows when the watch
 * page asks itself. True when it started one (false: off, or already prepared).
 */
export function preparePlayback(titleId: string, options: { episodeId?: number; startAt?: number } = {}): boolean {
  if (baselineStart() || !/^\d+$/.test(titleId)) return false;
  const key = keyFor(titleId, options.episodeId);
  if (current && current.key === key && sameViewer(current) && fresh(current)) return false;
  drop();
  const media = new MediaPrefetch();
  const warmer = import("./warm-media.ts");
  const preparation: Preparation = { key, viewer: viewer(), createdAtMs: Date.now(), resolved: null, media, playback: startPlayback(titleId, options.episodeId) };
  current = preparation;
  expiryTimer = setTimeout(() => current === preparation && drop(), PREPARED_MAX_AGE_MS);
  preparation.playback.then(
    (p) => {
      preparation.resolved = p;
      // Also once taken: the media then arrives alongside the player's start, which joins it.
      if (!media.discarded) void warmer.then((m) => (media.discarded ? undefined : m.warmMedia(p, media, options.startAt))).catch(() => {});
    },
    () => current === preparation && drop(),
  );
  return true;
}

/** The prepared playback for this title and episode, if fresh; taken (a second call gets nothing). */
export function takePreparedPlayback(titleId: string, episodeId: number | undefined): PreparedPlayback | undefined {
  const p = current;
  if (!p || p.key !== keyFor(titleId, episodeId)) return undefined;
  current = undefined;
  clearTimeout(expiryTimer);
  if (!sameViewer(p) || !fresh(p)) {
    p.media.discard();
    return undefined;
  }
  return { playback: p.playback, media: p.media };
}
