import { A, createAsync, useParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { TitleActions } from "../components/title-actions.tsx";
import { getTitle } from "../data/api.ts";
import { preparePlayback } from "../data/prefetch.ts";
import { baselineStart } from "../player/start.ts";
import { currentProfile } from "../data/session.ts";

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * Makes Play start fast: the watch page's code (hls.js included) and the
 * playback session with its first media (data/prefetch.ts), once the page is
 * idle, and again at once when Play is pointed at or focused (a stale
 * preparation is renewed then).
 */
function warmPlay(titleId: string): void {
  if (baselineStart()) return;
  void import("./watch.tsx").catch(() => {});
  preparePlayback(titleId);
}

/** Title page: backdrop, metadata, Play, My List and thumbs (with a profile), seasons and episodes for series, cast and crew. */
export default function Title() {
  const params = useParams<{ id: string }>();
  const title = createAsync(() => getTitle(params.id));
  createEffect(
    on(
      () => title()?.id,
      (id) => {
        if (id === undefined) return;
        const warm = () => warmPlay(String(id));
        if (typeof requestIdleCallback === "function") {
          const handle = requestIdleCallback(warm, { timeout: 1500 });
          onCleanup(() => cancelIdleCallback(handle));
        } else {
          const handle = setTimeout(warm, 300);
          onCleanup(() => clearTimeout(handle));
        }
      },
    ),
  );
  const [seasonNumber, setSeasonNumber] = createSignal<number | null>(null);
  const season = createMemo(() => {
    const seasons = title()?.seasons ?? [];
    return seasons.find((s) => s.number === seasonNumber()) ?? seasons[0];
  });
  return (
    <Show when={title()}>
      {(t) => (
        <article class="title-page">
          <div class="backdrop">
            <Artwork id={t().id} title={t().title} kind="backdrop" src={t().backdropUrl} priority textless />
          </div>
          <div class="title-body">
            <h1>{t().title}</h1>
            <Show when={t().originalTitle && t().originalTitle !== t().title}>
              <p class="original-title" lang={t().originalLanguage}>{t().originalTitle}</p>
            </Show>
            <p class="facts">
              <span>{t().releaseYear}</span>
              <span class="maturity" title={`Suitable from age ${t().maturity.age}`}>{t().maturity.label}</span>
              <Show when={t().type === "movie" && t().runtimeMinutes}>
                <span>{Math.floor(t().runtimeMinutes! / 60)}h {t().runtimeMinutes! % 60}m</span>
              </Show>
              <Show when={t().type === "series"}>
                <span>{t().seasons!.length} {t().seasons!.length === 1 ? "season" : "seasons"}</span>
              </Show>
              <For each={t().genres}>{(g) => <A class="chip" href={`/browse?genre=${g.slug}`}>{g.name}</A>}</For>
            </p>
            <div class="actions">
              <A
                class="button button-primary play-button"
                href={`/watch/${t().id}`}
                onPointerEnter={() => warmPlay(String(t().id))}
                onFocus={() => warmPlay(String(t().id))}
                onPointerDown={() => warmPlay(String(t().id))}
              ><span aria-hidden="true">▶ </span>Play</A>
              <Show when={currentProfile()}>
                <Show when={t().id} keyed>
                  {(id) => <TitleActions titleId={id} title={t().title} />}
                </Show>
              </Show>
            </div>
            <Show when={t().tagline}><p class="tagline">{t().tagline}</p></Show>
            <p class="description">{t().description}</p>
            {/* What the asset that will play has (the API derives both lists from it); nothing is promised otherwise. */}
            <dl class="languages">
              <Show when={t().audioLanguages.length > 0}>
                <dt>Audio</dt>
                <dd class="audio-languages">{t().audioLanguages.map(languageName).join(", ")}</dd>
              </Show>
              <Show when={t().subtitleLanguages.length > 0}>
                <dt>Subtitles</dt>
                <dd class="subtitle-languages">{t().subtitleLanguages.map(languageName).join(", ")}</dd>
              </Show>
              <Show when={t().availability.availableUntil}>
                <dt>Leaving</dt>
                <dd>{new Date(t().availability.availableUntil!).toLocaleDateString()}</dd>
              </Show>
            </dl>

            <Show when={t().type === "series" && season()}>
              <section class="episodes" aria-label="Episodes">
                <div class="episodes-head">
                  <h2>Episodes</h2>
                  <label>
                    <span class="visually-hidden">Season</span>
                    <select
                      class="season-picker"
                      value={season()!.number}
                      onChange={(e) => setSeasonNumber(Number(e.currentTarget.value))}
                    >
                      <For each={t().seasons}>{(s) => <option value={s.number}>{s.name}</option>}</For>
                    </select>
                  </label>
                </div>
                <ol class="episode-list">
                  <For each={season()!.episodes}>
                    {(ep) => (
                      <li class="episode" data-episode-id={ep.id}>
                        <span class="episode-number">{ep.number}</span>
                        <A class="episode-play" href={`/watch/${t().id}?episode=${ep.id}`} aria-label={`Play episode ${ep.number}: ${ep.name}`}>
                          <Artwork id={ep.id * 7919} title={ep.name} kind="still" src={ep.stillUrl} />
                        </A>
                        <div class="episode-text">
                          <h3>{ep.name}</h3>
                          <p class="episode-meta">{ep.runtimeMinutes ? `${ep.runtimeMinutes} min` : ""}{ep.airDate ? ` · ${ep.airDate}` : ""}</p>
                          <p>{ep.overview}</p>
                        </div>
                      </li>
                    )}
                  </For>
                </ol>
              </section>
            </Show>

            <section class="credits" aria-label="Cast and crew">
              <Show when={t().cast.length > 0}>
                <h2>Cast</h2>
                <ul class="people">
                  <For each={t().cast}>
                    {(c) => (
                      <li><A href={`/person/${c.personId}`}>{c.name}</A><Show when={c.character}><span class="character"> as {c.character}</span></Show></li>
                    )}
                  </For>
                </ul>
              </Show>
              <Show when={t().crew.length > 0}>
                <h2>Crew</h2>
                <ul class="people">
                  <For each={t().crew}>{(c) => <li><A href={`/person/${c.personId}`}>{c.name}</A> <span class="job">{c.job}</span></li>}</For>
                </ul>
              </Show>
            </section>
          </div>
        </article>
      )}
    </Show>
  );
}
