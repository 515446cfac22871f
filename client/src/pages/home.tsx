/**
 * Home: one request (`GET /api/home`) brings the hero, Continue Watching (fresh
 * from the account's ViewerState object) and the profile's rows (cached at the
 * edge). Rows scroll sideways with touch, trackpad, the arrow buttons and the
 * keyboard; artwork is lazy beyond the first screen; skeletons hold the layout
 * while loading. A new profile is first asked to pick three titles it likes.
 */
import { A, createAsync, revalidate } from "@solidjs/router";
import { createEffect, createSignal, For, on, onCleanup, onMount, Show, Suspense } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { Row, RowSkeleton, ScrollingRow, type TileReport } from "../components/tiles.tsx";
import { ScheduleRow } from "../components/schedule-row.tsx";
import { noteServerTime, partitionEvents, useNow } from "../data/schedule.ts";
import { fetchContinueWatching, getHome, saveOnboarding, type ContinueItem, type HomePage } from "../data/api.ts";
import { deviceClass } from "../data/device.ts";
import { homeRowImpressions, rememberRowChoice } from "../data/home-rows.ts";
import type { HomeRowKind } from "../../../common/home-rows.ts";
import { followLiveProgress } from "../data/progress.ts";
import { currentProfile } from "../data/session.ts";
import { formatTime } from "../player/time.ts";
import "./home.css";
import { usePageTitle } from "../components/page-title.ts";
import { usePlayIntent } from "../data/play-intent.ts";
import { t as tr, tn } from "../i18n/index.ts";
import { countryName } from "../i18n/format.ts";

type Card = HomePage["rows"][number]["items"][number];

function Hero(props: { title: Card; report: TileReport }) {
  const t = () => props.title;
  return (
    <section class="hero" aria-label={tr("home.featured")} ref={(el) => props.report.tile(el, props.title.id)} onClick={(e) => (e.target as Element).closest("a") && props.report.chosen(t().id)}>
      <Artwork id={t().id} title={t().title} kind="backdrop" src={t().backdropUrl} priority textless />
      <div class="hero-body">
        <p class="eyebrow">{t().type === "series" ? tr("title.series") : tr("title.film")} · {t().releaseYear} · {t().maturity.label}</p>
        <h1 dir="auto">{t().title}</h1>
        <Show when={t().tagline}><p class="tagline" dir="auto">{t().tagline}</p></Show>
        <p class="hero-description" dir="auto">{t().description}</p>
        <div class="hero-actions">
          <A class="button button-primary" href={`/watch/${t().id}`}>▶ {tr("home.play")}</A>
          <A class="button button-outline" href={`/title/${t().id}`}>{tr("home.moreInfo")}</A>
        </div>
      </div>
    </section>
  );
}

type HomeRow = HomePage["rows"][number];

/** A row's heading in the interface language, from its kind (a top 10's country from its id, a "Because you watched" row's seed as the Worker localised it); a genre row's is the genre's name. */
function rowHeading(row: HomeRow): string {
  switch (row.kind) {
    case "my-list":
    case "trending":
    case "new-releases":
    case "picked-for-you":
    case "popular":
      return tr(`row.${row.kind}`);
    case "top10": {
      const country = row.id.slice("top10-".length);
      return country === "ZZ" || !/^[A-Z]{2}$/.test(country) ? tr("row.top10World") : tr("row.top10", { country: countryName(country) });
    }
    case "because-you-watched":
      return row.seedTitle ? tr(row.reason === "liked" ? "row.becauseLiked" : "row.becauseWatched", { title: row.seedTitle }) : row.heading;
    default:
      return row.heading;
  }
}

/** What a Continue Watching tile says to a screen reader. */
function continueLabel(item: ContinueItem): string {
  const position = formatTime(item.positionSeconds);
  if (item.kind === "next_episode" && item.episode) return tr("home.nextEpisodeLabel", { title: item.title.title, season: item.episode.seasonNumber, episode: item.episode.number });
  if (item.episode) return tr("home.resumeEpisodeLabel", { title: item.title.title, season: item.episode.seasonNumber, episode: item.episode.number, position });
  return tr("home.resumeLabel", { title: item.title.title, position });
}

/** Where a Continue Watching tile plays from. */
function watchHref(item: ContinueItem): string {
  return item.episode ? `/watch/${item.title.id}?episode=${item.episode.id}` : `/watch/${item.title.id}`;
}

function ContinueRow(props: { items: ContinueItem[]; report: TileReport }) {
  return (
    <ScrollingRow heading={tr("home.continue")} class="continue-row">
      <For each={props.items}>
        {(item, i) => {
          const share = () => (item.durationSeconds ? Math.min(1, item.positionSeconds / item.durationSeconds) : 0);
          const what = () =>
            item.kind === "next_episode"
              ? tr("home.nextEpisode", { season: item.episode!.seasonNumber, episode: item.episode!.number })
              : item.episode
                ? `S${item.episode.seasonNumber}:E${item.episode.number} · ${formatTime(item.positionSeconds)}`
                : tr("home.positionOf", { position: formatTime(item.positionSeconds), duration: formatTime(item.durationSeconds ?? 0) });
          return (
            <A
              class="tile tile-backdrop continue-tile"
              href={watchHref(item)}
              data-title-id={item.title.id}
              aria-label={continueLabel(item)}
              ref={(el) => props.report.tile(el, item.title.id)}
              onClick={() => props.report.chosen(item.title.id)}
            >
              <Artwork id={item.title.id} title={item.title.title} kind="backdrop" src={item.episode?.stillUrl ?? item.title.backdropUrl} eager={i() < 4} />
              <span class="continue-play" aria-hidden="true">▶</span>
              <Show when={item.kind === "resume"}>
                <span class="continue-progress" aria-hidden="true"><span style={{ width: `${(share() * 100).toFixed(1)}%` }} /></span>
              </Show>
              <span class="tile-caption">
                <span class="tile-name" dir="auto">{item.title.title}</span>
                <span class="tile-meta">{what()}</span>
              </span>
            </A>
          );
        }}
      </For>
    </ScrollingRow>
  );
}

/** "Pick three you like": choose at least three tiles (or skip); the next Home is personal at once. */
function Onboarding(props: { choices: Card[]; onDone: () => void }) {
  const [picked, setPicked] = createSignal<number[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal("");
  const toggle = (id: number) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  async function finish(ids: number[]) {
    setBusy(true);
    setProblem("");
    try {
      await saveOnboarding(ids);
      props.onDone();
    } catch (e) {
      setProblem(tr("home.pickFailed"));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section class="onboarding" aria-labelledby="onboarding-heading">
      <h2 id="onboarding-heading">{tr("home.pickThree")}</h2>
      <p class="muted">{tr("home.pickHint")} {picked().length < 3 ? tn("home.pickMore", 3 - picked().length) : tr("home.pickDone")}</p>
      <ul class="onboarding-grid">
        <For each={props.choices}>
          {(t) => (
            <li>
              <button type="button" class="onboarding-choice" aria-pressed={picked().includes(t.id)} onClick={() => toggle(t.id)}>
                <Artwork id={t.id} title={t.title} kind="poster" src={t.posterUrl} />
                <span class="onboarding-check" aria-hidden="true">✓</span>
                <span class="onboarding-name" dir="auto">{t.title}</span>
              </button>
            </li>
          )}
        </For>
      </ul>
      <p class="status" role="status" aria-live="polite">{problem()}</p>
      <div class="onboarding-actions">
        <button type="button" class="button button-primary" disabled={picked().length < 3 || busy()} onClick={() => finish(picked())}>
          {tr("home.pickSave")}
        </button>
        <button type="button" class="button button-outline" disabled={busy()} onClick={() => finish([])}>
          {tr("home.pickSkip")}
        </button>
      </div>
    </section>
  );
}

function HomeSkeleton() {
  return (
    <>
      <div class="hero skeleton" aria-hidden="true" />
      <RowSkeleton />
      <RowSkeleton />
    </>
  );
}

/**
 * Continue Watching as it is now: Home's own answer, then a fresh list each
 * time another device of the profile saves a position (the live-sync socket
 * the player uses), so a pause elsewhere shows here within a second or two.
 */
function useLiveContinueWatching(home: () => HomePage | undefined): () => ContinueItem[] {
  const [fresh, setFresh] = createSignal<ContinueItem[] | null>(null);
  createEffect(on(home, () => setFresh(null)));
  const live = followLiveProgress(() => currentProfile()?.id);
  let asked = 0;
  const refresh = () => {
    const mine = ++asked;
    fetchContinueWatching().then(
      (items) => mine === asked && setFresh(items),
      () => {}, // the next save, or coming back to the tab, tries again
    );
  };
  // A save heard from another device; the first map is what the socket held when Home joined it.
  createEffect(on(live.latest, (entries, previous) => entries && previous && refresh()));
  // Each (re)opening: saves made while the socket was closed were not heard.
  createEffect(on(live.opens, (n) => n > 0 && refresh()));
  return () => fresh() ?? home()?.continueWatching ?? [];
}

export default function Home() {
  usePageTitle(() => tr("nav.home"));
  usePlayIntent();
  const device = deviceClass();
  const home = createAsync(() => getHome(device));
  const continuing = useLiveContinueWatching(home);
  // Which tiles of which rows were seen, and a tile chosen: the console's click-through per row (data/home-rows.ts).
  const impressions = homeRowImpressions();
  onCleanup(() => impressions.disconnect());
  const report = (rowKey: string, row: HomeRowKind): TileReport => ({
    tile: (el, titleId) => impressions.observe(el, rowKey, row, titleId),
    chosen: (titleId) => rememberRowChoice(row, titleId),
  });
  // The rows' events re-sorted every second on the server's clock: an event starting moves to Live now at once.
  const now = useNow();
  createEffect(() => {
    const h = home();
    if (h) noteServerTime(h.serverTime);
  });
  const events = () => partitionEvents([...(home()?.liveNow ?? []), ...(home()?.comingUp ?? [])], now());
  // Coming back to the tab refreshes everything (the live socket may have been asleep).
  onMount(() => {
    const refresh = () => document.visibilityState === "visible" && void revalidate(getHome.key);
    document.addEventListener("visibilitychange", refresh);
    onCleanup(() => document.removeEventListener("visibilitychange", refresh));
  });
  return (
    <div class="home">
      <Suspense fallback={<HomeSkeleton />}>
        <Show when={home()}>
          {(h) => (
            <>
              {/* A new profile's first step comes first; the hero waits below it. */}
              <Show when={h().onboarding}>{(o) => <Onboarding choices={o().choices} onDone={() => void revalidate(getHome.key)} />}</Show>
              <Show when={h().hero}>{(hero) => <Hero title={hero()} report={report("hero", "hero")} />}</Show>
              <Show when={events().liveNow.length > 0}>
                <ScheduleRow heading={tr("home.liveNow")} items={events().liveNow} live now={now()} />
              </Show>
              <Show when={continuing().length > 0}>
                <ContinueRow items={continuing()} report={report("continue", "continue")} />
              </Show>
              <Show when={events().comingUp.length > 0}>
                <ScheduleRow heading={tr("home.comingUp")} items={events().comingUp} live={false} now={now()} />
              </Show>
              <For each={h().rows}>
                {(row, i) => (
                  <Row
                    heading={rowHeading(row)}
                    titles={row.items}
                    eager={i() < 2}
                    kind={row.kind === "new-releases" || row.kind === "top10" ? "backdrop" : "poster"}
                    report={report(row.id, row.kind as HomeRowKind)}
                  />
                )}
              </For>
              <Show when={h().rows.length === 0 && !h().hero}>
                <p class="empty page">{tr("home.empty")} <A href="/browse">{tr("home.browseCatalog")}</A></p>
              </Show>
            </>
          )}
        </Show>
      </Suspense>
    </div>
  );
}
