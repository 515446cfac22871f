/**
 * Download season: every episode of a season with video that this device does
 * not hold yet, at one quality, queued in episode order (the device fetches one
 * download at a time, so the first episode is ready first). The choices are the
 * qualities every such episode offers within the profile's plan and ceiling,
 * each with the season's total size. A refusal part-way (the plan's download
 * limit, say) keeps what was queued and says how far it got.
 */
import { createSignal, For, Show } from "solid-js";
import { downloadOptions } from "../data/api.ts";
import { failureWords } from "../data/failure-words.ts";
import { startDownload } from "../offline/downloader.ts";
import { listDownloads } from "../offline/store.ts";
import { downloadWords } from "../i18n/pages/download/index.ts";
import { formatBytes } from "./download-button.tsx";

/** The download words (i18n/pages/download): loaded with the pages that offer downloads, not with Home. */
const { t, tn } = downloadWords;

type Quality = "standard" | "higher";

interface SeasonEpisode {
  id: number;
  number: number;
  name: string;
  mediaSeconds: number | null;
}

interface Choice {
  quality: Quality;
  sizeBytes: number;
}

export function DownloadSeason(props: { titleId: number; heading: string; season: { number: number; name: string; episodes: SeasonEpisode[] } }) {
  const [choices, setChoices] = createSignal<Choice[] | null>(null);
  const [todo, setTodo] = createSignal<SeasonEpisode[]>([]);
  const [message, setMessage] = createSignal<{ text: string; alert: boolean } | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function open() {
    setMessage(null);
    setBusy(true);
    try {
      const held = new Set((await listDownloads()).filter((d) => d.titleId === props.titleId).map((d) => d.episodeId));
      const episodes = props.season.episodes.filter((e) => e.mediaSeconds && !held.has(e.id)).sort((a, b) => a.number - b.number);
      if (episodes.length === 0) {
        setMessage({ text: t("download.seasonHeld"), alert: false });
        return;
      }
      const options = await Promise.all(episodes.map((e) => downloadOptions(props.titleId, e.id).then((o) => o.options)));
      const offered = (["standard", "higher"] as const).flatMap((quality): Choice[] => {
        const sizes = options.map((list) => list.find((o) => o.quality === quality)?.sizeBytes);
        return sizes.every((s) => s !== undefined) ? [{ quality, sizeBytes: sizes.reduce((a, s) => a + s!, 0) }] : [];
      });
      setTodo(episodes);
      setChoices(offered);
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), alert: true });
    } finally {
      setBusy(false);
    }
  }

  async function choose(quality: Quality) {
    setChoices(null);
    setBusy(true);
    const episodes = todo();
    let queued = 0;
    try {
      for (const e of episodes) {
        await startDownload(props.titleId, e.id, quality, props.heading, `S${props.season.number}:E${e.number} · ${e.name}`);
        queued++;
      }
      setMessage({ text: tn("download.seasonQueued", queued), alert: false });
    } catch (err) {
      const reason = await failureWords(err);
      setMessage({ text: t("download.seasonPartly", { queued, total: episodes.length, reason }), alert: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="download download-season">
      <button type="button" class="button button-outline download-button" aria-haspopup="true" aria-expanded={choices() !== null} disabled={busy()} onClick={() => void (choices() ? setChoices(null) : open())}>
        <span aria-hidden="true">⤓ </span>
        {t("download.season", { season: props.season.name })}
      </button>
      <Show when={choices()}>
        {(list) => (
          <ul class="download-options" role="menu" aria-label={t("download.quality")}>
            <For each={list()}>
              {(c) => (
                <li role="none">
                  <button type="button" role="menuitem" onClick={() => void choose(c.quality)}>
                    {tn("download.seasonChoice", todo().length, { quality: c.quality === "standard" ? t("download.standard") : t("download.higher"), size: formatBytes(c.sizeBytes) })}
                  </button>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
      <Show when={message()}>
        {(m) => (
          <p class={m().alert ? "download-problem" : "download-note"} role={m().alert ? "alert" : "status"}>
            {m().text}
          </p>
        )}
      </Show>
    </div>
  );
}
