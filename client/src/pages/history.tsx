/**
 * Viewing history: what the chosen profile finished, newest first, grouped by
 * day; each entry can be hidden (it leaves Continue Watching too), or all of it
 * cleared. Pages load with "Show more".
 */
import { A, createAsync, revalidate } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { errorMessage } from "../components/form.tsx";
import "./history.css";
import { clearHistory, getContinueWatching, getHistory, removeFromHistory, type HistoryItem } from "../data/api.ts";
import { usePageTitle } from "../components/page-title.ts";
import { formatDate } from "../i18n/format.ts";
import { t as appT } from "../i18n/index.ts";
import { libraryWords } from "../i18n/pages/library/index.ts";

const { t } = libraryWords;

function dayLabel(ms: number): string {
  const day = new Date(ms);
  const today = new Date();
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((startOf(today) - startOf(day)) / 86_400_000);
  if (diff === 0) return t("history.today");
  if (diff === 1) return t("history.yesterday");
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "long" };
  if (diff < 7) options.weekday = "long";
  if (day.getFullYear() !== today.getFullYear()) options.year = "numeric";
  return formatDate(ms, options);
}

export default function History() {
  usePageTitle(() => appT("menu.history"));
  const first = createAsync(() => getHistory());
  const [more, setMore] = createSignal<HistoryItem[]>([]);
  const [cursor, setCursor] = createSignal<string | null | undefined>(undefined);
  const [hidden, setHidden] = createSignal(new Set<string>());
  const [status, setStatus] = createSignal("");
  const nextCursor = () => (cursor() === undefined ? first()?.nextCursor : cursor());
  const key = (i: HistoryItem) => `${i.title.id}:${i.episode?.id ?? 0}`;
  const items = () => [...(first()?.items ?? []), ...more()].filter((i) => !hidden().has(`${i.title.id}`));
  const groups = () => {
    const out: { label: string; items: HistoryItem[] }[] = [];
    for (const item of items()) {
      const label = dayLabel(item.finishedAt);
      if (out.at(-1)?.label !== label) out.push({ label, items: [] });
      out.at(-1)!.items.push(item);
    }
    return out;
  };

  async function loadMore() {
    const c = nextCursor();
    if (!c) return;
    const page = await getHistory(c);
    setMore((m) => [...m, ...page.items]);
    setCursor(page.nextCursor);
  }

  async function hide(item: HistoryItem) {
    setHidden((h) => new Set(h).add(`${item.title.id}`));
    try {
      await removeFromHistory(item.title.id);
      setStatus(t("history.removed", { title: item.title.title }));
      void revalidate(getContinueWatching.key);
    } catch (e) {
      setHidden((h) => {
        const next = new Set(h);
        next.delete(`${item.title.id}`);
        return next;
      });
      setStatus(t("history.removeFailed", { title: item.title.title, reason: errorMessage(e) }));
    }
  }

  async function clearAll() {
    if (!confirm(t("history.clearConfirm"))) return;
    try {
      await clearHistory();
      setMore([]);
      setCursor(null);
      await revalidate([getHistory.key, getContinueWatching.key]);
      setStatus(t("history.cleared"));
    } catch (e) {
      setStatus(t("history.clearFailed", { reason: errorMessage(e) }));
    }
  }

  return (
    <section class="history page" aria-labelledby="history-heading">
      <div class="page-head">
        <h1 id="history-heading">{appT("menu.history")}</h1>
        <Show when={items().length > 0}>
          <button type="button" class="button button-outline" onClick={clearAll}>{t("history.clearAll")}</button>
        </Show>
      </div>
      <p class="status" role="status" aria-live="polite">{status()}</p>
      <Show when={first()} fallback={<p class="muted">{t("history.loading")}</p>}>
        <Show when={items().length > 0} fallback={<p class="empty">{t("history.empty")} <A href="/">{t("history.find")}</A></p>}>
          <For each={groups()}>
            {(group) => (
              <section class="history-day" aria-label={group.label}>
                <h2>{group.label}</h2>
                <ul class="history-list">
                  <For each={group.items}>
                    {(item) => (
                      <li class="history-item" data-key={key(item)}>
                        <A href={`/title/${item.title.id}`} class="history-art" tabindex="-1" aria-hidden="true">
                          <Artwork id={item.title.id} title={item.title.title} kind="backdrop" src={item.title.backdropUrl} />
                        </A>
                        <div class="history-body">
                          <A href={`/title/${item.title.id}`} class="history-title" dir="auto">{item.title.title}</A>
                          <Show when={item.episode}>
                            {(ep) => <span class="history-episode">{t("history.episode", { season: ep().seasonNumber, episode: ep().number, name: ep().name })}</span>}
                          </Show>
                          <span class="muted">{t("history.finished", { time: formatDate(item.finishedAt, { hour: "2-digit", minute: "2-digit" }) })}</span>
                        </div>
                        <button type="button" class="button button-outline button-small" aria-label={t("history.removeLabel", { title: item.title.title })} onClick={() => hide(item)}>
                          {t("remove")}
                        </button>
                      </li>
                    )}
                  </For>
                </ul>
              </section>
            )}
          </For>
          <Show when={nextCursor()}>
            <button type="button" class="button button-outline" onClick={loadMore}>{t("history.more")}</button>
          </Show>
        </Show>
      </Show>
    </section>
  );
}
