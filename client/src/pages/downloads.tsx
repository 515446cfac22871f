/**
 * Downloads: what this device holds, online or not — each download with its
 * progress, size, quality and expiry; Pause, Resume, Delete and Play; the
 * storage used against the browser's quota (`navigator.storage.estimate`) and
 * a request to keep it (`persist()`), so the browser does not evict downloads
 * under storage pressure.
 */
import { A } from "@solidjs/router";
import { createResource, For, onMount, Show } from "solid-js";
import { downloadPlayableUntil } from "../../../common/downloads.ts";
import { formatBytes } from "../components/download-button.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { deleteDownload, isRunning, pauseDownload, resumeDownload, resumeInterrupted } from "../offline/downloader.ts";
import { isOnline } from "../offline/online.ts";
import { downloadsVersion, listDownloads, type StoredDownload } from "../offline/store.ts";

function stateLabel(d: StoredDownload): string {
  if (d.state === "done") return "Downloaded";
  if (d.state === "downloading") return "Downloading";
  if (d.state === "paused") return d.error ?? "Paused";
  return `Failed: ${d.error ?? "unknown error"}`;
}

export default function Downloads() {
  usePageTitle(() => "Downloads");
  const [items] = createResource(downloadsVersion, listDownloads);
  const [storage, { refetch }] = createResource(downloadsVersion, async () => {
    const estimate = await navigator.storage?.estimate?.();
    const persisted = (await navigator.storage?.persisted?.()) ?? false;
    return { usage: estimate?.usage ?? 0, quota: estimate?.quota ?? 0, persisted };
  });
  onMount(() => void resumeInterrupted());

  async function persist() {
    await navigator.storage?.persist?.();
    void refetch();
  }

  return (
    <div class="page downloads">
      <h1 tabindex="-1">Downloads</h1>
      <Show when={!isOnline()}>
        <p class="downloads-offline">You're offline: the titles below play from this device.</p>
      </Show>
      <Show when={storage()}>
        {(s) => (
          <p class="downloads-storage">
            <span>Storage used: {formatBytes(s().usage)} of {formatBytes(s().quota)} available to Marquee.</span>{" "}
            <Show when={!s().persisted} fallback={<span>Downloads are kept until you delete them.</span>}>
              <button type="button" class="button button-outline button-small" onClick={() => void persist()}>Keep downloads on this device</button>
            </Show>
          </p>
        )}
      </Show>
      <Show when={(items() ?? []).length > 0} fallback={<p class="empty">Nothing downloaded yet. Look for Download on a film or an episode.</p>}>
        <ul class="download-list">
          <For each={items()}>
            {(d) => {
              const share = () => (d.sizeBytes > 0 ? Math.min(100, Math.round((d.bytesStored / d.sizeBytes) * 100)) : 0);
              return (
                <li class="download-item" data-download-id={d.downloadId} data-state={d.state}>
                  <div class="download-text">
                    <h2>{d.heading}</h2>
                    <Show when={d.subheading}><p>{d.subheading}</p></Show>
                    <p class="download-meta">
                      {d.quality === "higher" ? "Higher" : "Standard"} · {d.heightPx}p · {formatBytes(d.state === "done" ? d.bytesStored : d.sizeBytes)} ·{" "}
                      <span class="download-state-label">{stateLabel(d)}</span> · Expires {new Date(downloadPlayableUntil(d.grant)).toLocaleString()}
                    </p>
                    <Show when={d.state !== "done"}>
                      <span class="watch-progress" role="progressbar" aria-label={`Downloaded of ${d.heading}`} aria-valuemin="0" aria-valuemax="100" aria-valuenow={share()}>
                        <span style={{ width: `${share()}%` }} />
                      </span>
                    </Show>
                  </div>
                  <div class="download-actions">
                    <Show when={d.state === "done"}>
                      <A class="button button-primary" href={`/downloads/${d.downloadId}`} aria-label={`Play ${d.heading}${d.subheading ? ` ${d.subheading}` : ""}`}>▶ Play</A>
                    </Show>
                    <Show when={d.state === "downloading" && isRunning(d.downloadId)}>
                      <button type="button" class="button button-outline" onClick={() => void pauseDownload(d.downloadId)}>Pause</button>
                    </Show>
                    <Show when={d.state !== "done" && !isRunning(d.downloadId) && isOnline()}>
                      <button type="button" class="button button-outline" onClick={() => void resumeDownload(d.downloadId)}>Resume</button>
                    </Show>
                    <button type="button" class="button button-outline" aria-label={`Delete ${d.heading}`} onClick={() => void deleteDownload(d.downloadId)}>Delete</button>
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
