import { createAsync, useNavigate, useParams, useSearchParams } from "@solidjs/router";
import { playerWords } from "../i18n/pages/player/index.ts";
import { ErrorBoundary, onCleanup, onMount, Show, Suspense } from "solid-js";
import { startPlayback } from "../data/api.ts";
import { notePlayStarted } from "../data/home-rows.ts";
import { takePreparedPlayback, watchTarget } from "../data/prefetch.ts";
import { apiProblem } from "../player/errors.ts";
import { ErrorScreen } from "../player/overlays.tsx";
import { Player } from "../player/player.tsx";

/** The player's words (i18n/pages/player): loaded with the player, not with Home. */
const { t } = playerWords;

/**
 * Watch: the whole screen is the player. Asks for playback (entitlement, token)
 * for the title or episode and plays it; an episode change (next episode,
 * another device's position) swaps the player inside the same full-screen stage.
 * `?t=<seconds>` starts at a position, `?debug=1` opens stats for nerds and
 * exposes hls.js as window.__marqueeHls. Playback prepared before Play (on the
 * title page, or by the route's preload while this page's code loaded) is taken
 * over with its prefetched media; otherwise it is asked for here.
 */
export default function Watch() {
  const params = useParams<{ id: string }>();
  const [search] = useSearchParams<{ episode?: string; debug?: string; t?: string }>();
  const navigate = useNavigate();
  let stage!: HTMLDivElement;
  const debug = () => search.debug === "1";
  const episodeId = () => watchTarget(search).episodeId;
  const startAt = () => watchTarget(search).startAt;
  const backHref = () => `/title/${params.id}`;

  const titleBefore = document.title;
  onMount(() => {
    document.documentElement.classList.add("watching");
    // A play started from a Home row (a tile chosen there): the console's click-through.
    notePlayStarted(Number(params.id));
  });
  onCleanup(() => {
    document.documentElement.classList.remove("watching");
    document.title = titleBefore;
  });

  function goToEpisode(id: number, atSeconds?: number) {
    const q = new URLSearchParams({ episode: String(id) });
    if (atSeconds !== undefined) q.set("t", String(Math.floor(atSeconds)));
    if (debug()) q.set("debug", "1");
    navigate(`/watch/${params.id}?${q}`);
  }

  return (
    <div ref={stage} class="watch">
      <Show when={`${params.id}/${episodeId() ?? ""}/${startAt() ?? ""}`} keyed>
        {(_key) => (
          <ErrorBoundary fallback={(err, reset) => <ErrorScreen problem={apiProblem(err)} onRetry={reset} backHref={backHref()} />}>
            <Session
              titleId={params.id}
              episodeId={episodeId()}
              startAt={startAt()}
              debug={debug()}
              backHref={backHref()}
              stage={() => stage}
              onEpisode={goToEpisode}
            />
          </ErrorBoundary>
        )}
      </Show>
    </div>
  );
}

/** One playback session: the request for playback, then the player. */
function Session(props: {
  titleId: string;
  episodeId?: number;
  startAt?: number;
  debug: boolean;
  backHref: string;
  stage: () => HTMLElement;
  onEpisode: (id: number, atSeconds?: number) => void;
}) {
  const prepared = takePreparedPlayback(props.titleId, props.episodeId);
  const ask = () => startPlayback(props.titleId, props.episodeId);
  // A preparation that failed is asked for again here, so the refusal shows with its own reason.
  const playback = createAsync(() => (prepared ? prepared.playback.catch(ask) : ask()));
  return (
    <Suspense fallback={<div class="player-spinner" role="status" aria-label={t("player.loading")}><span class="player-spinner-ring" aria-hidden="true" /></div>}>
      <Show when={playback()}>
        {(p) => {
          const ep = p().episode;
          document.title = `${p().title}${ep ? ` · S${ep.seasonNumber}:E${ep.number}` : ""} · Marquee`;
          return (
            <Player
              playback={p()}
              titleId={props.titleId}
              episodeId={ep?.id ?? props.episodeId}
              debug={props.debug}
              startAt={props.startAt}
              backHref={props.backHref}
              heading={p().title}
              subheading={ep ? `S${ep.seasonNumber}:E${ep.number} · ${ep.name}` : undefined}
              fullscreenTarget={props.stage}
              onEpisode={props.onEpisode}
              prefetched={prepared?.media}
            />
          );
        }}
      </Show>
    </Suspense>
  );
}
