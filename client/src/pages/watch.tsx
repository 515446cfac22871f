import { A, createAsync, useParams, useSearchParams } from "@solidjs/router";
import { Show } from "solid-js";
import { startPlayback } from "../data/api.ts";
import { Player } from "../player/player.tsx";

/** Watch: asks for playback (entitlement, token) and plays the title or episode. */
export default function Watch() {
  const params = useParams<{ id: string }>();
  const [search] = useSearchParams<{ episode?: string; debug?: string }>();
  const episodeId = () => (search.episode ? Number(search.episode) : undefined);
  const playback = createAsync(() => startPlayback(params.id, episodeId()));
  return (
    <div class="watch">
      <Show when={playback()}>
        {(p) => (
          <>
            <div class="watch-head">
              <A href={`/title/${params.id}`} class="back" aria-label="Back to title">‹ Back</A>
              <h1>
                {p().title}
                <Show when={p().episode}>{(ep) => <span class="watch-episode"> · S{ep().seasonNumber}:E{ep().number} {ep().name}</span>}</Show>
              </h1>
            </div>
            <Player playback={p()} titleId={params.id} episodeId={p().episode?.id} debug={search.debug === "1"} />
            <Show when={p().nextEpisode}>
              {(next) => (
                <p class="next-episode">
                  Next: <A href={`/watch/${params.id}?episode=${next().id}`}>S{next().seasonNumber}:E{next().number} {next().name}</A>
                </p>
              )}
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
