import { createAsync, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, For, on, onCleanup, Show, Suspense } from "solid-js";
import { Grid, GridSkeleton } from "../components/tiles.tsx";
import { getGenres, getTitles, type TitleCard, type TitleFilter } from "../data/api.ts";
import { usePageTitle } from "../components/page-title.ts";
import { usePlayIntent } from "../data/play-intent.ts";
import { locale, t as appT } from "../i18n/index.ts";
import { browseWords } from "../i18n/pages/browse/index.ts";
import { failureWords } from "../data/failure-words.ts";

/** Browse's words (i18n/pages/browse): loaded with the page, not with Home. */
const { t } = browseWords;

const SORTS = [
  ["popular", "browse.popular"],
  ["newest", "browse.newest"],
  ["year", "browse.year"],
  ["title", "browse.title"],
] as const;

/** Browse: genre and type filters, sort, and an infinitely scrolling grid. */
export default function Browse() {
  const [params, setParams] = useSearchParams<{ genre?: string; type?: string; sort?: string }>();
  usePlayIntent();
  const genres = createAsync(() => getGenres());
  usePageTitle(() => {
    const genre = params.genre ? genres()?.find((g) => g.slug === params.genre)?.name : undefined;
    return genre ? `${genre} · ${appT("nav.browse")}` : appT("nav.browse");
  });
  const filter = (): TitleFilter => ({
    genre: params.genre || undefined,
    type: params.type === "movie" || params.type === "series" ? params.type : undefined,
    sort: (SORTS.find(([s]) => s === params.sort)?.[0] ?? "popular") as TitleFilter["sort"],
    limit: 24,
  });
  const [items, setItems] = createSignal<TitleCard[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let generation = 0;

  async function load(reset: boolean) {
    if (loading() && !reset) return;
    const mine = reset ? ++generation : generation;
    setLoading(true);
    setError(null);
    try {
      const page = await getTitles({ ...filter(), locale: locale(), cursor: reset ? undefined : cursor() ?? undefined });
      if (mine !== generation) return;
      setItems(reset ? page.items : [...items(), ...page.items]);
      setCursor(page.nextCursor);
      // A tall screen (a TV) may show the end of the grid already: keep filling it
      // without waiting for a scroll that will never come.
      setTimeout(() => {
        if (page.nextCursor && sentinel.getBoundingClientRect().top < window.innerHeight + 800) void load(false);
      }, 0);
    } catch (err) {
      const words = await failureWords(err);
      if (mine === generation) setError(words);
    } finally {
      if (mine === generation) setLoading(false);
    }
  }

  // A new language starts the grid again: its titles are worded, and A–Z ordered, in that language (the cursor is the old one's).
  createEffect(on(() => [params.genre, params.type, params.sort, locale()], () => void load(true)));

  let sentinel!: HTMLDivElement;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && cursor() && !loading()) void load(false);
  }, { rootMargin: "800px" });
  createEffect(() => observer.observe(sentinel));
  onCleanup(() => observer.disconnect());

  return (
    <div class="page browse">
      <h1>{appT("nav.browse")}</h1>
      <div class="filters" role="group" aria-label={t("browse.filters")}>
        <label>
          <span>{t("browse.genre")}</span>
          <select value={params.genre ?? ""} onChange={(e) => setParams({ genre: e.currentTarget.value || undefined })}>
            <option value="">{t("browse.allGenres")}</option>
            <Suspense><For each={genres()}>{(g) => <option value={g.slug}>{g.name}</option>}</For></Suspense>
          </select>
        </label>
        <label>
          <span>{t("browse.type")}</span>
          <select value={params.type ?? ""} onChange={(e) => setParams({ type: e.currentTarget.value || undefined })}>
            <option value="">{t("browse.filmsAndSeries")}</option>
            <option value="movie">{t("browse.films")}</option>
            <option value="series">{t("browse.series")}</option>
          </select>
        </label>
        <label>
          <span>{t("browse.sort")}</span>
          <select value={params.sort ?? "popular"} onChange={(e) => setParams({ sort: e.currentTarget.value })}>
            <For each={SORTS}>{([value, label]) => <option value={value}>{t(label)}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={items().length > 0 || !loading()} fallback={<GridSkeleton />}>
        <Grid titles={items()} />
        <Show when={items().length === 0 && !loading() && !error()}><p class="empty">{t("browse.empty")}</p></Show>
      </Show>
      <Show when={error()}>
        <p class="empty" role="alert">{error()} <button type="button" onClick={() => void load(false)}>{t("browse.retry")}</button></p>
      </Show>
      <Show when={loading() && items().length > 0}><GridSkeleton count={6} /></Show>
      <div ref={sentinel} class="sentinel" aria-hidden="true" />
    </div>
  );
}
