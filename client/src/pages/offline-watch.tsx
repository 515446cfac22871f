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
import { notePlayed, offlineMediaKeys, offlineRefusal, type OfflineRefusal } from "../offline/licence.ts";
import { syncOffline } from "../offline/downloader.ts";
import { noteWatched, playingDownload, replaceWatched } from "../offline/smart.ts";
import { discardPrepared, offlinePlayback, releasePipeline, takePipeline } from "../offline/pipeline.ts";
import { forgetStartFiles, takeOfflineStart } from "../offline/start.ts";
import { queueProgress, type StoredDownload } from "../offline/store.ts";
import type { ProgressSink } from "../player/controllers/progress-reporting.ts";
import { ErrorScreen } from "../player/overlays.tsx";
import { Player, type PreparedPlayback } from "../player/player.tsx";

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

export default function OfflineWatch() {
  const params = useParams<{ id: string }>();
  let stage!: HTMLDivElement;
  /** The route is gone; a pipeline taken and not yet given to a player (the Player destroys the one it adopts). */
  let left = false;
  let unadopted: PreparedPlayback | undefined;
  const [ready] = createResource(async () => {
    // Prepared while the Downloads page showed it (offline/start.ts): the click only judges the grant against the clock.
    const start = await takeOfflineStart(params.id);
    if (!start) return { refusal: "missing" as const };
    const refusal = offlineRefusal(start.download, start.time);
    // Refused before anything plays: a pipeline kept for this play goes too.
    if (refusal) return (releasePipeline(params.id), { refusal });
    void notePlayed(start.download, start.time.nowMs).catch(() => {});
    // Its whole pipeline built before Play (offline/pipeline.ts), unless missing, stale or failed: then the player makes its own.
    const prepared = takePipeline(start.download) ?? undefined;
    if (prepared) {
      // Left while the start was read: no player will take it.
      if (left) return (discardPrepared(prepared), { refusal: "missing" as const });
      unadopted = prepared;
      return { download: start.download, prepared };
    }
    // The keys may still be on their way: the player is created meanwhile and sets them when they come.
    const mediaKeys = start.keys ?? offlineMediaKeys(start.download);
    if ("then" in mediaKeys) mediaKeys.catch(() => {});
    return { download: start.download, mediaKeys };
  });
  const titleBefore = document.title;
  const leave = playingDownload(params.id);
  onMount(() => document.documentElement.classList.add("watching"));
  onCleanup(() => {
    left = true;
    if (unadopted) discardPrepared(unadopted);
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
              when={r().download ? { d: r().download!, keys: r().mediaKeys, prepared: r().prepared } : null}
              fallback={<ErrorScreen problem={{ code: "download_not_found", retry: false, renewToken: false, ...REFUSAL_WORDS[r().refusal!]() }} backHref="/downloads" />}
            >
              {(ok) => {
                const d = ok().d;
                unadopted = undefined;
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
                    offline={{ mediaKeys: ok().keys, prepared: ok().prepared, progress: queueingSink(d) }}
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
