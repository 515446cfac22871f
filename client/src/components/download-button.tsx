/**
 * Download for a film or an episode: asks for the choices this profile may
 * download (Standard / Higher with their sizes, within the plan and maturity
 * ceiling), starts the chosen one (offline/downloader.ts) and then shows how
 * far it got, linking to the Downloads page.
 */
import { A } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { downloadOptions, type DownloadOptions } from "../data/api.ts";
import { failureWords } from "../data/failure-words.ts";
import { startDownload } from "../offline/downloader.ts";
import { downloadsOnDevice } from "../offline/store.ts";
import { downloadWords } from "../i18n/pages/download/index.ts";
import { formatPercent } from "../i18n/format.ts";
import { formatLocale } from "../i18n/index.ts";

/** The download words (i18n/pages/download): loaded with the pages that offer downloads, not with Home. */
const { t } = downloadWords;

/** Bytes as the Downloads page shows them, in the interface locale: "12 MB", "1.4 GB", "1,4 Go". */
export function formatBytes(bytes: number): string {
  const [value, unit, digits] = bytes >= 1e9 ? [bytes / 1e9, "gigabyte", 1] : bytes >= 1e6 ? [Math.max(1, bytes / 1e6), "megabyte", 0] : [Math.max(1, bytes / 1e3), "kilobyte", 0];
  return new Intl.NumberFormat(formatLocale(), { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

// Read as soon as a page with Download buttons loads (its data is still on the way), so a button shows the right
// state from its first frame rather than "Download" for the moment IndexedDB takes.
void downloadsOnDevice();

export function DownloadButton(props: { titleId: number; episodeId?: number; heading: string; subheading?: string; label?: string }) {
  const [options, setOptions] = createSignal<DownloadOptions["options"] | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const stored = () => downloadsOnDevice()?.find((d) => d.titleId === props.titleId && d.episodeId === (props.episodeId ?? null));

  async function open() {
    setProblem(null);
    setBusy(true);
    try {
      setOptions((await downloadOptions(props.titleId, props.episodeId)).options);
    } catch (err) {
      setProblem(await failureWords(err));
    } finally {
      setBusy(false);
    }
  }

  async function choose(quality: "standard" | "higher") {
    setOptions(null);
    setBusy(true);
    try {
      await startDownload(props.titleId, props.episodeId, quality, props.heading, props.subheading ?? null);
    } catch (err) {
      setProblem(await failureWords(err));
    } finally {
      setBusy(false);
    }
  }

  const share = () => {
    const d = stored();
    return d && d.sizeBytes > 0 ? Math.min(100, Math.round((d.bytesStored / d.sizeBytes) * 100)) : 0;
  };

  return (
    <div class="download">
      <Show
        when={stored()}
        fallback={
          <button type="button" class="button button-outline download-button" aria-haspopup="true" aria-expanded={options() !== null} disabled={busy()} onClick={() => void (options() ? setOptions(null) : open())}>
            <span aria-hidden="true">⤓ </span>{props.label ?? t("download.download")}
          </button>
        }
      >
        {(d) => (
          // Not keyed: the link stays the same element (and keeps focus) as the download's record is re-read.
          <A class="button button-outline download-state" href="/downloads">
            {d().state === "done" ? t("download.done") : d().state === "queued" ? t("download.queued") : d().state === "downloading" ? t("download.downloading", { percent: formatPercent(share() / 100) }) : d().state === "paused" ? t("download.paused") : t("download.failed")}
          </A>
        )}
      </Show>
      <Show when={options()}>
        {(list) => (
          <ul class="download-options" role="menu" aria-label={t("download.quality")}>
            <For each={list()}>
              {(o) => (
                <li role="none">
                  <button type="button" role="menuitem" onClick={() => void choose(o.quality)}>
                    {o.quality === "standard" ? t("download.standard") : t("download.higher")} · {o.heightPx}p · {formatBytes(o.sizeBytes)}
                  </button>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <Show when={problem()}>{(p) => <p class="download-problem" role="alert">{p()}</p>}</Show>
    </div>
  );
}
