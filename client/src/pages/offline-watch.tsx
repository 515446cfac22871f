/**
 * A download played from this device: the same player as streaming, with the
 * offline source — media from IndexedDB (player/offline-loader.ts), keys from
 * the stored licence after its expiry is checked (offline/licence.ts), and
 * positions queued on the device until the account can be reached
 * (offline/downloader.ts syncs them on reconnect).
 */
import { createResource, onCleanup, onMount, Show, Suspense } from "solid-js";
import { playerWords } from "../i18n/pages/player/index.ts";
import { useParams } from "@solidjs/router";
import type { Playback } from "../data/api.ts";
import { notePlayed, offlineRefusal, type OfflineRefusal } from "../offline/licence.ts";
import { syncOffline } from "../offline/downloader.ts";
import { noteWatched, playingDownload, replaceWatched } from "../offline/smart.ts";
import { forgetStartFiles, takeOfflineStart } from "../offline/start.ts";
import { queueProgress, type StoredDownload } from "../offline/store.ts";
import type { ProgressSink } from "../player/controllers/progress-reporting.ts";
import { offlinePrefix } from "../player/offline-loader.ts";
import { ErrorScreen } from "../player/overlays.tsx";
import { Player } from "../player/player.tsx";

/** The player's words (i18n/pages/player): loaded with the player, not with Home. */
const { t } = playerWords;

/** Each refusal's words: a Record, so a new reason without words is a compile error. */
const REFUSAL_WORDS: Record<OfflineRefusal, () => { title: string; message: string }> = {
  missing: () => ({ title: t("download.missing.title"), message: t("download.missing.message") }),
  incomplete: () => ({ title: t("download.incomplete.title"), message: t("download.incomplete.message") }),
  clock: () => ({ title: t("download.clock.title"), message: t("download.clock.message") }),
  expired: () => ({ title: t("download.expired.title"), message: t("download.expired.message") }),
};

/**
 * Positions go to the device's queue, and on to the account at once when it can
 * be reached; one at the end marks an episode watched (smart downloads).
 */
function queueingSink(d: StoredDownload): ProgressSink {
  return {
    async save(body) {
      await queueProgress(body);
      await noteWatched(d, body);
      void syncOffline();
      return { status: 200, entry: null };
    },
    beacon(body) {
      void queueProgress(body).then(() => noteWatched(d, body)).then(() => syncOffline());
    },
  };
}

/** What the player needs to know of a download, in the playback response's shape (nothing to renew). */
function offlinePlayback(d: StoredDownload): Playback {
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

export default function OfflineWatch() {
  const params = useParams<{ id: string }>();
  let stage!: HTMLDivElement;
  const [ready] = createResource(async () => {
    // Prepared while the Downloads page showed it (offline/start.ts): the click only judges the grant against the clock.
    const start = await takeOfflineStart(params.id);
    if (!start) return { refusal: "missing" as const };
    const refusal = offlineRefusal(start.download, start.time);
    if (refusal) return { refusal };
    void notePlayed(start.download, start.time.nowMs).catch(() => {});
    // The keys may still be on their way: the player is created meanwhile and sets them when they come.
    return { download: start.download, mediaKeys: start.keys! };
  });
  const titleBefore = document.title;
  const leave = playingDownload(params.id);
  onMount(() => document.documentElement.classList.add("watching"));
  onCleanup(() => {
    document.documentElement.classList.remove("watching");
    document.title = titleBefore;
    leave();
    forgetStartFiles(params.id);
    // An episode finished here is replaced by the next once off screen (when online and the profile wants it).
    void replaceWatched();
  });
  return (
    <div ref={stage} class="watch">
      <Suspense fallback={<div class="player-spinner" role="status" aria-label={t("player.loading")}><span class="player-spinner-ring" aria-hidden="true" /></div>}>
        <Show when={ready()}>
          {(r) => (
            <Show
              when={r().download && r().mediaKeys ? { d: r().download!, keys: r().mediaKeys! } : null}
              fallback={<ErrorScreen problem={{ code: "download_not_found", retry: false, renewToken: false, ...REFUSAL_WORDS[r().refusal!]() }} backHref="/downloads" />}
            >
              {(ok) => {
                const d = ok().d;
                document.title = `${d.heading}${d.subheading ? ` · ${d.subheading}` : ""} · Marquee`;
                return (
                  <Player
                    playback={offlinePlayback(d)}
                    titleId={String(d.titleId)}
                    episodeId={d.episodeId ?? undefined}
                    backHref="/downloads"
                    heading={d.heading}
                    subheading={d.subheading ?? undefined}
                    fullscreenTarget={() => stage}
                    offline={{ mediaKeys: ok().keys, progress: queueingSink(d) }}
                  />
                );
              }}
            </Show>
          )}
        </Show>
      </Suspense>
    </div>
  );
}
