import { A, createAsync } from "@solidjs/router";
import { For, Show, Suspense } from "solid-js";
import { Artwork } from "../components/artwork.tsx";
import { Row, RowSkeleton } from "../components/tiles.tsx";
import { getGenres, getTitles, type TitleFilter } from "../data/api.ts";

function TitleRow(props: { heading: string; filter: TitleFilter; eager?: boolean; kind?: "poster" | "backdrop" }) {
  const page = createAsync(() => getTitles({ limit: 16, ...props.filter }));
  return (
    <Suspense fallback={<RowSkeleton />}>
      <Show when={(page()?.items.length ?? 0) > 0}>
        <Row heading={props.heading} titles={page()!.items} eager={props.eager} kind={props.kind} />
      </Show>
    </Suspense>
  );
}

function Hero() {
  const top = createAsync(() => getTitles({ sort: "popular", limit: 12 }));
  const hero = () => top()?.items[0];
  return (
    <Suspense fallback={<div class="hero skeleton" aria-hidden="true" />}>
      <Show when={hero()}>
        {(t) => (
          <section class="hero" aria-label="Featured">
            <Artwork id={t().id} title={t().title} kind="backdrop" src={t().backdropUrl} eager textless />
            <div class="hero-body">
              <p class="eyebrow">{t().type === "series" ? "Series" : "Film"} · {t().releaseYear} · {t().maturity.label}</p>
              <h1>{t().title}</h1>
              <Show when={t().tagline}><p class="tagline">{t().tagline}</p></Show>
              <p class="hero-description">{t().description}</p>
              <A class="button button-primary" href={`/title/${t().id}`}>More info</A>
            </div>
          </section>
        )}
      </Show>
    </Suspense>
  );
}

/** Home: a hero and rows (popular, newest, series, films, then one per genre). */
export default function Home() {
  const genres = createAsync(() => getGenres());
  return (
    <div class="home">
      <Hero />
      <TitleRow heading="Popular on Marquee" filter={{ sort: "popular" }} eager />
      <TitleRow heading="New on Marquee" filter={{ sort: "newest" }} kind="backdrop" />
      <TitleRow heading="Series" filter={{ type: "series", sort: "popular" }} />
      <TitleRow heading="Films" filter={{ type: "movie", sort: "popular" }} />
      <Suspense fallback={<RowSkeleton />}>
        <For each={genres()}>{(g) => <TitleRow heading={g.name} filter={{ genre: g.slug, sort: "popular" }} />}</For>
      </Suspense>
    </div>
  );
}
