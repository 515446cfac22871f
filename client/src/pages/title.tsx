import { DownloadButton } from "../components/download-button.tsx";
import { DownloadSeason } from "../components/download-season.tsx";
import { A, createAsync, useParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show, untrack } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { TitleActions } from "../components/title-actions.tsx";
import { EventState, eventPhase, useTitleSchedule } from "../components/event-state.tsx";
import { serverNow, useNow } from "../data/schedule.ts";
import { fetchTitleProgress, getTitle } from "../data/api.ts";
import { preparePlayback } from "../data/prefetch.ts";
import { followLiveProgress } from "../data/progress.ts";
import { resumeSummary, watchedShare, withEntry, type TitlePositions } from "../data/resume.ts";
import { baselineStart } from "../player/start.ts";
import { currentProfile } from "../data/session.ts";
import { usePageTitle } from "../components/page-title.ts";
import { crewJobLabel } from "../components/crew-job.ts";
import { titleWords } from "../i18n/pages/title/index.ts";
import { formatDate, formatDuration, formatList, formatRelative, formatTimeLeft, languageName } from "../i18n/format.ts";

/** The title page's words (i18n/pages/title): loaded with the page, not with Home. */
const { t: tr, tn } = titleWords;


/**
 * Makes Play start fast: the watch page's code (hls.js included) and the
 * playback session with its first media (data/prefetch.ts), once the page is
 * idle, and again at once when Play is pointed at or focused (a stale
 * preparation is renewed then).
 */
function warmPlayback(titleId: string): void {
  if (baselineStart()) return;
  void import("./watch.tsx").catch(() => {});
  preparePlayback(titleId);
}

/**
 * The profile's positions in this title: fetched when the page opens, then kept
 * current by live sync (the socket the player uses), so a pause on another
 * device shows here at once. Empty without a profile.
 */
function useTitlePositions(titleId: () => string): () => TitlePositions {
  const [positions, setPositions] = createSignal<TitlePositions>(new Map());
  const profileId = () => currentProfile()?.id;
  const live = followLiveProgress(profileId);
  createEffect(on([titleId, profileId], () => setPositions(new Map())));
  // Fetched on opening, and again whenever the socket (re)opens: saves made while it was closed were not heard.
  createEffect(
    on([titleId, profileId, live.opens], ([id, profile]) => {
      if (!profile) return;
      let current = true;
      onCleanup(() => (current = false));
      fetchTitleProgress(id).then(
        (items) => current && setPositions((p) => items.reduce((m, e) => withEntry(m, Number(id), e), p)),
        () => {}, // the page still works without them; live sync fills in what it hears
      );
    }),
  );
  createEffect(() => {
    const entry = live.latest()?.get(Number(titleId()));
    if (entry) setPositions((p) => withEntry(p, Number(untrack(titleId)), entry));
  });
  return positions;
}

/** Title page: backdrop, metadata, Play, My List and thumbs (with a profile), seasons and episodes for series, cast and crew. */
export default function Title() {
  const params = useParams<{ id: string }>();
  const loaded = createAsync(() => getTitle(params.id));
  /**
   * The title on screen; once shown it stays until this page's title is another, so a moment of undefined
   * in a navigation's transition does not rebuild the page. The page's <Show> is keyed and its blocks read
   * plain values: a narrowed accessor read by a clock tick while a navigation is still pending (the Play and
   * Download conditions follow `now()`) sees the committed, still-empty condition and throws "Stale read from
   * <Show>" — the journey caught that under load.
   */
  const title = createMemo<ReturnType<typeof loaded>>((prev) => loaded() ?? (prev && String(prev.id) === params.id ? prev : undefined));
  const schedule = useTitleSchedule(() => params.id);
  /** Playback prepared now would be stale (or refused) when an upcoming event starts: only without one. */
  const warmPlay = (id: string) => eventPhase(untrack(schedule), serverNow()) !== "upcoming" && warmPlayback(id);
  usePageTitle(() => title()?.title);
  const positions = useTitlePositions(() => params.id);
  const resume = createMemo(() => resumeSummary(positions()));
  /** The episode in progress, with its season, when the title is a series. */
  const resumeEpisode = createMemo(() => {
    const id = resume()?.episodeId;
    if (id == null) return undefined;
    for (const s of title()?.seasons ?? []) {
      const ep = s.episodes.find((e) => e.id === id);
      if (ep) return { season: s.number, number: ep.number, name: ep.name };
    }
    return undefined;
  });
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
  const now = useNow();
  /** Play gives way to the event: Watch live while it is on, nothing before a first premiere (it would be refused). */
  const playShown = () => {
    const phase = eventPhase(schedule(), now());
    return phase === "none" || (phase === "upcoming" && (schedule()!.event!.kind !== "premiere" || schedule()!.premiered));
  };
  const [seasonNumber, setSeasonNumber] = createSignal<number | null>(null);
  const season = createMemo(() => {
    const seasons = title()?.seasons ?? [];
    return seasons.find((s) => s.number === seasonNumber()) ?? seasons[0];
  });
  return (
    <Show when={title()} keyed>
      {(t) => (
        <article class="title-page">
          <div class="backdrop">
            <Artwork id={t.id} title={t.title} kind="backdrop" src={t.backdropUrl} priority textless />
          </div>
          <div class="title-body">
            <h1 dir="auto">{t.title}</h1>
            <Show when={t.originalTitle && t.originalTitle !== t.title}>
              <p class="original-title"><span class="visually-hidden">{tr("title.originalTitle")}: </span><span lang={t.originalLanguage} dir="auto">{t.originalTitle}</span></p>
            </Show>
            <p class="facts">
              <span>{t.releaseYear}</span>
              <span class="maturity" title={tr("title.suitableFrom", { age: t.maturity.age })}>{t.maturity.label}</span>
              {/* The length of the media that plays when there is some (a demo clip is seconds long), else the catalog's. */}
              <Show when={t.type === "movie" && (t.mediaSeconds ?? (t.runtimeMinutes ? t.runtimeMinutes! * 60 : null))} keyed>
                {(seconds) => <span class="runtime">{formatDuration(seconds)}</span>}
              </Show>
              <Show when={t.type === "series"}>
                <span>{tn("title.seasons", t.seasons!.length)}</span>
              </Show>
              <For each={t.genres}>{(g) => <A class="chip" href={`/browse?genre=${g.slug}`}>{g.name}</A>}</For>
            </p>
            <Show when={schedule()?.event && schedule()} keyed>
              {(s) => <EventState titleId={t.id} schedule={s} />}
            </Show>
            <div class="actions">
              <Show when={playShown()}>
              <A
                class="button button-primary play-button"
                href={`/watch/${t.id}`}
                onPointerEnter={() => warmPlay(String(t.id))}
                onFocus={() => warmPlay(String(t.id))}
                onPointerDown={() => warmPlay(String(t.id))}
              ><span aria-hidden="true">▶ </span>{resume() ? tr("title.resume") : tr("title.play")}</A>
              </Show>
              <Show when={currentProfile()}>
                <Show when={t.id} keyed>
                  {(id) => <TitleActions titleId={id} title={t.title} />}
                </Show>
                <Show when={t.type === "movie" && t.mediaSeconds && playShown()}>
                  <DownloadButton titleId={t.id} heading={t.title} />
                </Show>
              </Show>
            </div>
            <Show when={resume()} keyed>
              {(r) => (
                <div class="resume-state">
                  <p>
                    <Show when={resumeEpisode()} keyed>{(ep) => <span class="resume-episode">S{ep.season}:E{ep.number} “{ep.name}” · </span>}</Show>
                    <span class="resume-left">{tr("title.resumeLeft", { left: formatTimeLeft(r.secondsLeft) })}</span>
                  </p>
                  <span class="watch-progress" role="progressbar" aria-label={tr("title.watched")} aria-valuemin="0" aria-valuemax="100" aria-valuenow={Math.round(r.share * 100)}>
                    <span style={{ width: `${(r.share * 100).toFixed(1)}%` }} />
                  </span>
                </div>
              )}
            </Show>
            <Show when={t.tagline}><p class="tagline" dir="auto">{t.tagline}</p></Show>
            <p class="description" dir="auto">{t.description}</p>
            {/* What the asset that will play has (the API derives both lists from it); nothing is promised otherwise. */}
            <dl class="languages">
              <Show when={t.audioLanguages.length > 0}>
                <dt>{tr("title.audio")}</dt>
                <dd class="audio-languages">{formatList(t.audioLanguages.map(languageName))}</dd>
              </Show>
              <Show when={t.subtitleLanguages.length > 0}>
                <dt>{tr("title.subtitles")}</dt>
                <dd class="subtitle-languages">{formatList(t.subtitleLanguages.map(languageName))}</dd>
              </Show>
              <Show when={t.availability.availableUntil}>
                <dt>{tr("title.leaving")}</dt>
                <dd>{tr("title.leavingIn", { date: formatDate(new Date(t.availability.availableUntil!).getTime()), relative: formatRelative(new Date(t.availability.availableUntil!).getTime()) })}</dd>
              </Show>
            </dl>

            <Show when={t.type === "series" && season()}>
              <section class="episodes" aria-label={tr("title.episodes")}>
                <div class="episodes-head">
                  <h2>{tr("title.episodes")}</h2>
                  <div class="episodes-tools">
                    <label>
                      <span class="visually-hidden">{tr("title.season")}</span>
                      <select
                        class="season-picker"
                        value={season()!.number}
                        onChange={(e) => setSeasonNumber(Number(e.currentTarget.value))}
                      >
                        <For each={t.seasons}>{(s) => <option value={s.number}>{s.name}</option>}</For>
                      </select>
                    </label>
                    <Show when={currentProfile() && season()!.episodes.some((e) => e.mediaSeconds)}>
                      <DownloadSeason titleId={t.id} heading={t.title} season={season()!} />
                    </Show>
                  </div>
                </div>
                <ol class="episode-list">
                  <For each={season()!.episodes}>
                    {(ep) => (
                      <li class="episode" data-episode-id={ep.id}>
                        <span class="episode-number">{ep.number}</span>
                        <A class="episode-play" href={`/watch/${t.id}?episode=${ep.id}`} aria-label={tr("title.playEpisode", { episode: ep.number, name: ep.name })}>
                          <Artwork id={ep.id * 7919} title={ep.name} kind="still" src={ep.stillUrl} />
                          <Show when={positions().get(ep.id)} keyed>
                            {(p) => (
                              <span class="watch-progress" role="progressbar" aria-label={tr("title.watchedOfEpisode", { episode: ep.number })} aria-valuemin="0" aria-valuemax="100" aria-valuenow={Math.round(watchedShare(p) * 100)}>
                                <span style={{ width: `${(watchedShare(p) * 100).toFixed(1)}%` }} />
                              </span>
                            )}
                          </Show>
                        </A>
                        <div class="episode-text">
                          <h3>{ep.name}</h3>
                          <p class="episode-meta">{[ep.mediaSeconds ?? (ep.runtimeMinutes ? ep.runtimeMinutes * 60 : null)].flatMap((s) => (s ? [formatDuration(s)] : [])).concat(ep.airDate ? [formatDate(Date.parse(ep.airDate), { dateStyle: "medium", timeZone: "UTC" })] : []).join(" · ")}</p>
                          <p>{ep.overview}</p>
                          <Show when={currentProfile() && ep.mediaSeconds}>
                            <DownloadButton titleId={t.id} episodeId={ep.id} heading={t.title} subheading={`S${season()!.number}:E${ep.number} · ${ep.name}`} label={tr("title.downloadEpisode", { episode: ep.number })} />
                          </Show>
                        </div>
                      </li>
                    )}
                  </For>
                </ol>
              </section>
            </Show>

            <section class="credits" aria-label={tr("title.credits")}>
              <Show when={t.cast.length > 0}>
                <h2>{tr("title.cast")}</h2>
                <ul class="people">
                  <For each={t.cast}>
                    {(c) => (
                      <li><A href={`/person/${c.personId}`}>{c.name}</A><Show when={c.character}><span class="character"> {tr("title.as", { character: c.character! })}</span></Show></li>
                    )}
                  </For>
                </ul>
              </Show>
              <Show when={t.crew.length > 0}>
                <h2>{tr("title.crew")}</h2>
                <ul class="people">
                  <For each={t.crew}>{(c) => <li><A href={`/person/${c.personId}`}>{c.name}</A> <span class="job">{crewJobLabel(c.job)}</span></li>}</For>
                </ul>
              </Show>
            </section>
          </div>
        </article>
      )}
    </Show>
  );
}
