/**
 * Downloads: what this device holds, online or not — each download with its
 * progress, size, quality and expiry; Pause, Resume, Delete and Play; the
 * storage used against the browser's quota (`navigator.storage.estimate`) and
 * a request to keep it (`persist()`), so the browser does not evict downloads
 * under storage pressure.
 */
import { A } from "@solidjs/router";
import { createComputed, createEffect, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import { downloadPlayableUntil } from "../../../common/downloads.ts";
import { formatBytes } from "../components/download-button.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { formatDate } from "../i18n/format.ts";
import { t as appT } from "../i18n/index.ts";
import { libraryWords } from "../i18n/pages/library/index.ts";
import { downloadWords } from "../i18n/pages/download/index.ts";
import { SmartDownloads } from "../components/smart-downloads.tsx";
import { deleteDownload, isRunning, pauseDownload, resumeDownload, resumeInterrupted } from "../offline/downloader.ts";
import { isOnline } from "../offline/online.ts";
import { prepareOfflineStart } from "../offline/start.ts";
import { downloadsOnDevice, downloadsVersion, rereadDownloads, type StoredDownload } from "../offline/store.ts";

const { t } = libraryWords;

/** Finished downloads whose start is prepared as soon as the page shows them (the newest: the likeliest to play). */
const PREPARED_ON_SIGHT = 2;
/** Of those, the ones whose whole playback pipeline is built on sight (offline/pipeline.ts; any other on hover or focus of its Play). */
const PIPELINES_ON_SIGHT = 1;

function stateLabel(d: StoredDownload): string {
  if (d.state === "done") return downloadWords.t("download.done");
  if (d.state === "queued") return downloadWords.t("download.queued");
  if (d.state === "downloading") return t("downloads.downloading");
  // A paused download with an error was paused by a lost connection (offline/downloader.ts).
  if (d.state === "paused") return d.error ? t("downloads.pausedOffline") : t("downloads.paused");
  return t("downloads.failed", { reason: d.error ?? t("downloads.unknownError") });
}

export default function Downloads() {
  usePageTitle(() => appT("nav.downloads"));
  // The list (offline/store.ts downloadsOnDevice: a signal, never suspending the page) is reconciled by downloadId
  // into a store, so each row stays the same element as its record is re-read on every stored segment: nothing
  // blinks, and focus stays where it is.
  const [rows, setRows] = createStore<StoredDownload[]>([]);
  createComputed(() => setRows(reconcile(downloadsOnDevice() ?? [], { key: "downloadId" })));
  const [storage, setStorage] = createSignal<{ usage: number; quota: number; persisted: boolean }>();
  let estimates = 0;
  const estimate = async () => {
    const n = ++estimates;
    const estimate = await navigator.storage?.estimate?.();
    const persisted = (await navigator.storage?.persisted?.()) ?? false;
    if (n === estimates) setStorage({ usage: estimate?.usage ?? 0, quota: estimate?.quota ?? 0, persisted });
  };
  createEffect(on(downloadsVersion, () => void estimate().catch(() => {})));
  onMount(() => {
    rereadDownloads();
    void resumeInterrupted();
  });
  // Play is the likely next step, online or not: the offline player's code is fetched now (from the app-shell cache offline),
  // and the newest finished downloads' starts are prepared (keys, trusted time, first files: offline/start.ts), the newest's
  // whole playback pipeline too (element, keys, engine, first fragments buffered: offline/pipeline.ts); any other on hover or focus.
  onMount(() => void import("./offline-watch.tsx").catch(() => {}));
  const pipelines = import("../offline/pipeline.ts");
  pipelines.catch(() => {});
  const withPipelines = (f: (m: Awaited<typeof pipelines>) => void) => void pipelines.then(f, () => {});
  createEffect(() => {
    const done = (downloadsOnDevice() ?? []).filter((d) => d.state === "done");
    done.slice(-PREPARED_ON_SIGHT).forEach(prepareOfflineStart);
    withPipelines((m) => {
      m.releasePipelinesNotIn(done.map((d) => d.downloadId));
      done.slice(-PIPELINES_ON_SIGHT).forEach(m.preparePipeline);
    });
  });
  const prepare = (row: StoredDownload) => {
    const d = unwrap(row);
    prepareOfflineStart(d);
    withPipelines((m) => m.preparePipeline(d));
  };
  // Leaving without a play releases them; a play keeps its own for the player to adopt.
  let playing: string | undefined;
  onCleanup(() => withPipelines((m) => m.releasePipelines(playing)));

  async function persist() {
    await navigator.storage?.persist?.();
    await estimate();
  }

  return (
    <div class="page downloads">
      <h1 tabindex="-1">{appT("nav.downloads")}</h1>
      <Show when={!isOnline()}>
        <p class="downloads-offline">{t("downloads.offline")}</p>
      </Show>
      <Show when={storage()}>
        {(s) => (
          <p class="downloads-storage">
            <span>{t("downloads.storage", { used: formatBytes(s().usage), quota: formatBytes(s().quota) })}</span>{" "}
            <Show when={!s().persisted} fallback={<span>{t("downloads.kept")}</span>}>
              <button type="button" class="button button-outline button-small" onClick={() => void persist()}>{t("downloads.keep")}</button>
            </Show>
          </p>
        )}
      </Show>
      <SmartDownloads />
      <Show when={rows.length > 0} fallback={<Show when={downloadsOnDevice()}><p class="empty">{t("downloads.empty")}</p></Show>}>
        <ul class="download-list">
          <For each={rows}>
            {(d) => {
              const share = () => (d.sizeBytes > 0 ? Math.min(100, Math.round((d.bytesStored / d.sizeBytes) * 100)) : 0);
              return (
                <li class="download-item" data-download-id={d.downloadId} data-state={d.state}>
                  <div class="download-text">
                    <h2>{d.heading}</h2>
                    <Show when={d.subheading}><p>{d.subheading}</p></Show>
                    <p class="download-meta">
                      {downloadWords.t(d.quality === "higher" ? "download.higher" : "download.standard")} · {d.heightPx}p · {formatBytes(d.state === "done" ? d.bytesStored : d.sizeBytes)} ·{" "}
                      <span class="download-state-label">{stateLabel(d)}</span> · {t("downloads.expires", { date: formatDate(downloadPlayableUntil(d.grant), { dateStyle: "medium", timeStyle: "short" }) })}
                    </p>
                    <Show when={d.state !== "done"}>
                      <span class="watch-progress" role="progressbar" aria-label={t("downloads.progress", { title: d.heading })} aria-valuemin="0" aria-valuemax="100" aria-valuenow={share()}>
                        <span style={{ width: `${share()}%` }} />
                      </span>
                    </Show>
                  </div>
                  <div class="download-actions">
                    <Show when={d.state === "done"}>
                      <A class="button button-primary" href={`/downloads/${d.downloadId}`} onPointerEnter={() => prepare(d)} onFocus={() => prepare(d)} onClick={() => (playing = d.downloadId)} aria-label={t("downloads.playLabel", { title: d.subheading ? `${d.heading} ${d.subheading}` : d.heading })}>▶ {t("downloads.play")}</A>
                    </Show>
                    <Show when={d.state === "downloading" && isRunning(d.downloadId)}>
                      <button type="button" class="button button-outline" onClick={() => void pauseDownload(d.downloadId)}>{t("downloads.pause")}</button>
                    </Show>
                    <Show when={d.state !== "done" && !isRunning(d.downloadId) && isOnline()}>
                      <button type="button" class="button button-outline" onClick={() => void resumeDownload(d.downloadId)}>{t("downloads.resume")}</button>
                    </Show>
                    <button type="button" class="button button-outline" aria-label={t("downloads.deleteLabel", { title: d.heading })} onClick={() => void deleteDownload(d.downloadId)}>{t("downloads.delete")}</button>
                  </div>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
    </div>
  );
}
