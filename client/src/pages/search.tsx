import { A, createAsync, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, For, on, onCleanup, Show, Suspense } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { startsText } from "../components/schedule-row.tsx";
import { useNow } from "../data/schedule.ts";
import { getGenres, getTitles, searchTitles, type SearchResult } from "../data/api.ts";
import { isTvMode } from "../tv/mode.ts";
import { usePageTitle } from "../components/page-title.ts";
import { t as tr } from "../i18n/index.ts";
import { searchWords } from "../i18n/pages/search/index.ts";

/** Search's words (i18n/pages/search): loaded with the page, not with Home. */
const { t: st, tn } = searchWords;

const DEBOUNCE_MS = 120;

/**
 * Search: results update as you type (typo- and accent-tolerant), and the
 * keyboard moves between the box and the results (↓/↑, Enter opens).
 */
export default function Search() {
  const [params, setParams] = useSearchParams<{ q?: string }>();
  const [text, setText] = createSignal(params.q ?? "");
  const [results, setResults] = createSignal<SearchResult[] | null>(null);
  const [pending, setPending] = createSignal(false);
  usePageTitle(() => (params.q ? st("search.pageTitle", { q: params.q }) : st("search.title")));
  let input!: HTMLInputElement;
  let list!: HTMLOListElement;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  createEffect(
    on(text, (q) => {
      clearTimeout(timer);
      const trimmed = q.trim();
      if (!trimmed) {
        setResults(null);
        setParams({ q: undefined }, { replace: true });
        return;
      }
      timer = setTimeout(async () => {
        const mine = ++generation;
        setPending(true);
        setParams({ q: trimmed }, { replace: true });
        try {
          const items = await searchTitles(trimmed);
          if (mine === generation) setResults(items);
        } catch {
          if (mine === generation) setResults([]);
        } finally {
          if (mine === generation) setPending(false);
        }
      }, DEBOUNCE_MS);
    }),
  );
  onCleanup(() => clearTimeout(timer));
  queueMicrotask(() => input.focus());

  const links = () => [...list.querySelectorAll<HTMLAnchorElement>("a.result")];
  function onListKey(e: KeyboardEvent) {
    // On a TV the remote's arrows move spatially through the results' grid (tv/navigation.ts).
    if (isTvMode()) return;
    const all = links();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === "ArrowDown" || e.key === "ArrowRight") {
      e.preventDefault();
      all[Math.min(at + 1, all.length - 1)]?.focus();
    } else if (e.key === "ArrowUp" || e.key === "ArrowLeft") {
      e.preventDefault();
      if (at <= 0) input.focus();
      else all[at - 1]?.focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      input.focus();
    }
  }

  return (
    <div class="page search">
      <h1 class="visually-hidden">{st("search.title")}</h1>
      <form class="search-box" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="search-input" class="visually-hidden">{st("search.label")}</label>
        <input
          id="search-input"
          ref={input}
          type="search"
          autocomplete="off"
          spellcheck={false}
          placeholder={st("search.placeholder")}
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              links()[0]?.focus();
            }
          }}
          aria-controls="search-results"
        />
      </form>
      <p class="search-status" aria-live="polite">
        <Show when={results() !== null && !pending()}>
          {results()!.length === 0 ? st("search.none", { q: text().trim() }) : tn("search.results", results()!.length)}
        </Show>
      </p>
      <ol id="search-results" class="results" ref={list} onKeyDown={onListKey} aria-busy={pending()}>
        <For each={results() ?? []}>
          {(r) => (
            <li>
              <A class="result" href={`/title/${r.id}`}>
                <Artwork id={r.id} title={r.title} kind="poster" src={r.posterUrl} />
                <span class="result-text">
                  <span class="result-title" dir="auto">{r.title}</span>
                  <Show when={r.live}>{(live) => <LiveState live={live()} />}</Show>
                  <Show when={r.originalTitle && r.originalTitle !== r.title}><span class="result-original" dir="auto">{r.originalTitle}</span></Show>
                  <span class="result-meta">{r.type === "series" ? tr("title.series") : tr("title.film")} · {r.releaseYear} · {r.maturity.label}</span>
                  <span class="result-description" dir="auto">{r.description}</span>
                </span>
              </A>
            </li>
          )}
        </For>
      </ol>
      <Show when={results()?.length === 0 && !pending()}>
        <Suspense><NoResults /></Suspense>
      </Show>
    </div>
  );
}

/** A found title that is live now (LIVE) or coming up (premiere or live event, and when it starts), as Home's schedule rows say it. */
function LiveState(props: { live: NonNullable<SearchResult["live"]> }) {
  const now = useNow();
  return (
    <span class="result-live" data-live={props.live.state}>
      <span class={props.live.state === "live" ? "event-badge event-badge-live" : "event-badge"}>
        {props.live.state === "live" ? tr("schedule.live") : props.live.kind === "premiere" ? tr("schedule.premiere") : tr("schedule.liveEvent")}
      </span>
      <Show when={props.live.state === "upcoming"}> {startsText(props.live.startsAt, now())}</Show>
    </span>
  );
}

/** A search that found nothing is not a dead end: popular titles to try, and every genre to browse. */
function NoResults() {
  const genres = createAsync(() => getGenres());
  const popular = createAsync(() => getTitles({ sort: "popular", limit: 6 }));
  return (
    <section class="no-results" aria-label={st("search.tryInstead")}>
      <p class="muted">{st("search.hint")}</p>
      <Show when={popular()?.items.length}>
        <h2>{st("search.popular")}</h2>
        <ul class="no-results-titles">
          <For each={popular()!.items}>{(t) => <li><A href={`/title/${t.id}`} dir="auto">{t.title}</A></li>}</For>
        </ul>
      </Show>
      <Show when={genres()?.length}>
        <h2>{st("search.byGenre")}</h2>
        <p class="no-results-genres">
          <For each={genres()}>{(g) => <A class="chip" href={`/browse?genre=${g.slug}`}>{g.name}</A>}</For>
        </p>
      </Show>
    </section>
  );
}
