/**
 * "Instant play" for downloads, as TV apps do it: the playback pipeline of the
 * download the viewer is likeliest to play — the Downloads page's newest
 * finished one, and the one whose Play is hovered or focused — is built before
 * the click: the player's <video> with the download's MediaKeys set, and the
 * player's PlaybackEngine on it (the offline player's own options and hls.js
 * configuration, the offline loader) with its playlists parsed and its first
 * fragments (PREPARED_BUFFER_S) buffered at the position the player starts from, paused. On the
 * click the offline route hands it to the Player, which adopts the element and
 * the engine instead of making its own (player.tsx `prepared`); everything
 * else is the same player. A pipeline that is stale (another start position,
 * the licence renewed, the viewer's choices changed) or failed is dropped, and
 * the player builds its own as without one. At most MAX_PIPELINES at once; the
 * Downloads page releases them when it goes without a play, and the offline
 * route discards one it took if it is left before its player is made.
 */
import Hls from "hls.js";
import type { Playback } from "../data/api.ts";
import { abrChoice } from "../player/config.ts";
import { PlaybackEngine } from "../player/engine.ts";
import { offlinePrefix } from "../player/offline-loader.ts";
import { offlineHlsConfig, playerStart, playerVideo, type PreparedPlayback } from "../player/player.tsx";
import { TokenHolder } from "../player/token-holder.ts";
import { offlineMediaKeys } from "./licence.ts";
import { lendOfflineStart, prepareOfflineStart } from "./start.ts";
import type { StoredDownload } from "./store.ts";

/** Pipelines held at once: each is a media pipeline with its decoders and a few seconds of buffered media. */
export const MAX_PIPELINES = 2;

/** Seconds a pipeline buffers before its player adopts it: the first fragments, not hls.js's 30 s (engine.ts `preparedBufferSeconds`). */
const PREPARED_BUFFER_S = 8;

/** A pipeline a played download's route has not taken within this long is released. */
const KEPT_FOR_MS = 10_000;

/** What the player needs to know of a download, in the playback response's shape (nothing to renew). */
export function offlinePlayback(d: StoredDownload): Playback {
  const m = d.media;
  return {
    titleId: d.titleId,
    type: d.episodeId ? "series" : "movie",
    title: d.heading,
    episode: null,
    assetId: m.assetId,
    masterUrl: `${offlinePrefix(d.downloadId)}master.m3u8`,
    token: "offline",
    expiresAt: d.grant.playableUntil,
    renewUrl: "",
    streamId: d.downloadId,
    licence: { url: "", renewUrl: "", keySystem: "org.w3.clearkey", renewAfterSeconds: 3600 },
    plan: "basic",
    maxHeight: d.heightPx,
    qualities: [d.heightPx],
    durationSeconds: m.durationSeconds,
    live: false,
    markers: m.markers,
    audioTracks: m.audio ? [{ language: m.audio.language, label: m.audio.label, channels: m.audio.channels, isDefault: true }] : [],
    subtitleTracks: m.subtitles.map((s) => ({ language: s.language, label: s.label, isDefault: s.isDefault, isForced: s.isForced })),
    trickplay: null,
    resume: null,
    nextEpisode: null,
  } as Playback;
}

interface Pipeline extends PreparedPlayback {
  downloadId: string;
  /** The licence and the engine's start options it was built with: another value now makes it stale. */
  key: string;
  keysFailed: boolean;
  /** Set while kept for a route about to take it (releasePipelines' `keep`). */
  keptTimer?: ReturnType<typeof setTimeout>;
}

const pipelines = new Map<string, Pipeline>();

/** The offline player's start of `d` now (player.tsx playerStart, no `?t=`; the ABR the engine picks), with the licence it would use. */
const keyOf = (d: StoredDownload) => JSON.stringify([d.licence, playerStart(offlinePlayback(d), undefined), abrChoice()]);

/** Pipelines are for hls.js with EME (not Safari's native HLS, where the OS player loads by itself). */
const supported = () => typeof HTMLMediaElement !== "undefined" && "setMediaKeys" in HTMLMediaElement.prototype && Hls.isSupported();

function release(p: Pipeline): void {
  if (pipelines.get(p.downloadId) === p) pipelines.delete(p.downloadId);
  clearTimeout(p.keptTimer);
  discardPrepared(p);
}

/** Tears a pipeline down: its engine (hls.js, the MediaSource) and what the element holds. */
export function discardPrepared(p: PreparedPlayback): void {
  p.engine.destroy();
  p.video.removeAttribute("src");
  p.video.load();
}

/**
 * Builds `d`'s pipeline (a finished download), unless one is there and still
 * fresh; the oldest beyond MAX_PIPELINES is released.
 */
export function preparePipeline(d: StoredDownload): void {
  if (d.state !== "done" || !supported()) return;
  const key = keyOf(d);
  const had = pipelines.get(d.downloadId);
  if (had) {
    if (had.key === key && !had.keysFailed && !had.engine.failed()) {
      // The likeliest again: last out.
      pipelines.delete(d.downloadId);
      pipelines.set(d.downloadId, had);
      return;
    }
    release(had);
  }
  prepareOfflineStart(d);
  // The start's prepared keys and first files when there (offline/start.ts), else keys of its own.
  const keys = lendOfflineStart(d.downloadId)?.keys ?? offlineMediaKeys(d);
  // In the page's document from the start (not the template's, where it would load nothing: "rejected by URL safety check");
  // the player puts it in the page only once its own markup is there (player.tsx), as a move between documents reloads it.
  const video = document.adoptNode(playerVideo());
  const playback = offlinePlayback(d);
  const p: Pipeline = { downloadId: d.downloadId, key, keysFailed: false, video, engine: undefined as unknown as PlaybackEngine };
  // As the player does: hls.js attaches once the keys are set on the element (engine.ts `mediaReady`).
  const keysSet = Promise.resolve(keys).then((k) => video.setMediaKeys(k));
  keysSet.catch(() => (p.keysFailed = true));
  p.engine = new PlaybackEngine(video, { mediaReady: keysSet, playback, holder: new TokenHolder(playback.token), debug: false, ...playerStart(playback, undefined), autoplay: false, hlsConfig: offlineHlsConfig(), preparedBufferSeconds: PREPARED_BUFFER_S });
  pipelines.set(d.downloadId, p);
  for (const old of pipelines.values()) {
    if (pipelines.size <= MAX_PIPELINES) break;
    release(old);
  }
}

/**
 * `d`'s pipeline for its player, taken (one player each): null when there is none,
 * or it is stale (the licence or the start changed since) or failed — then released,
 * and the player builds its own.
 */
export function takePipeline(d: StoredDownload): PreparedPlayback | null {
  const p = pipelines.get(d.downloadId);
  if (!p) return null;
  pipelines.delete(d.downloadId);
  clearTimeout(p.keptTimer);
  if (p.key !== keyOf(d) || p.keysFailed || p.engine.failed()) {
    release(p);
    return null;
  }
  return { video: p.video, engine: p.engine };
}

/** Releases every pipeline but the one of `keep` (a download being played: kept a while for its route to take). */
export function releasePipelines(keep?: string): void {
  for (const p of [...pipelines.values()]) {
    if (p.downloadId !== keep) release(p);
    else if (p.keptTimer === undefined) p.keptTimer = setTimeout(() => release(p), KEPT_FOR_MS);
  }
}

/** Releases the pipelines of downloads not among `ids` (deleted, or no longer finished). */
export function releasePipelinesNotIn(ids: readonly string[]): void {
  for (const p of [...pipelines.values()]) if (!ids.includes(p.downloadId)) release(p);
}

/** Releases `downloadId`'s pipeline, if any (its play was refused). */
export function releasePipeline(downloadId: string): void {
  const p = pipelines.get(downloadId);
  if (p) release(p);
}
