import { A } from "@solidjs/router";
import { createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { TitleCard } from "../data/api.ts";
import { direction, t } from "../i18n/index.ts";
import { Artwork } from "./artwork.tsx";

/** What a row reports about its tiles (Home's click-through, data/home-rows.ts): each tile as it mounts, and a tile chosen. */
export interface TileReport {
  tile(el: HTMLElement, titleId: number): void;
  chosen(titleId: number): void;
}

/** One title tile: artwork plus name, opening the title page. */
export function TitleTile(props: { title: TitleCard; eager?: boolean; kind?: "poster" | "backdrop"; report?: TileReport }) {
  const kind = () => props.kind ?? "poster";
  return (
    <A
      class={`tile tile-${kind()}`}
      href={`/title/${props.title.id}`}
      data-title-id={props.title.id}
      ref={(el) => props.report?.tile(el, props.title.id)}
      onClick={() => props.report?.chosen(props.title.id)}
    >
      <Artwork id={props.title.id} title={props.title.title} kind={kind()} src={kind() === "poster" ? props.title.posterUrl : props.title.backdropUrl} eager={props.eager} />
      <span class="tile-caption">
        <span class="tile-name" dir="auto">{props.title.title}</span>
        <span class="tile-meta">
          {props.title.releaseYear} · {props.title.maturity.label}
          <Show when={props.title.type === "series"}> · {t("title.series")}</Show>
        </span>
      </span>
    </A>
  );
}

/**
 * A horizontally scrolling row: a heading, its tiles, and arrow buttons that
 * move it a page at a time — shown only while the tiles overflow the row (a
 * one-tile row has nothing to scroll). Touch, trackpads and keyboard focus
 * scroll it natively.
 */
export function ScrollingRow(props: { heading: string; class?: string; children: JSX.Element }) {
  let scroller!: HTMLDivElement;
  const [overflows, setOverflows] = createSignal(false);
  // Forward is leftwards in a right-to-left row (its scrollLeft runs from 0 to negative).
  const page = (forward: 1 | -1) => scroller.scrollBy({ left: forward * (direction() === "rtl" ? -1 : 1) * scroller.clientWidth * 0.9, behavior: "smooth" });
  onMount(() => {
    const measure = () => setOverflows(scroller.scrollWidth > scroller.clientWidth + 1);
    // The row's width and its tiles both decide: watch the scroller and each tile as they come and go.
    const sizes = new ResizeObserver(measure);
    const watchTiles = () => {
      sizes.disconnect();
      sizes.observe(scroller);
      for (const tile of scroller.children) sizes.observe(tile);
    };
    const tiles = new MutationObserver(watchTiles);
    tiles.observe(scroller, { childList: true });
    watchTiles();
    onCleanup(() => (sizes.disconnect(), tiles.disconnect()));
  });
  return (
    <section class={`row${props.class ? ` ${props.class}` : ""}`} aria-label={props.heading}>
      <div class="row-head">
        <h2>{props.heading}</h2>
        <Show when={overflows()}>
          <div class="row-nav">
            <button type="button" class="row-back" aria-label={t("row.scrollBack", { row: props.heading })} onClick={() => page(-1)}>‹</button>
            <button type="button" class="row-forward" aria-label={t("row.scrollForward", { row: props.heading })} onClick={() => page(1)}>›</button>
          </div>
        </Show>
      </div>
      <div class="row-scroller" ref={scroller}>
        {props.children}
      </div>
    </section>
  );
}

/** A row of title tiles (ScrollingRow). */
export function Row(props: { heading: string; titles: TitleCard[]; eager?: boolean; kind?: "poster" | "backdrop"; report?: TileReport }) {
  return (
    <ScrollingRow heading={props.heading}>
      <For each={props.titles}>{(t, i) => <TitleTile title={t} eager={props.eager && i() < 6} kind={props.kind} report={props.report} />}</For>
    </ScrollingRow>
  );
}

/** Placeholder shapes while a row loads (skeletons, not spinners). */
export function RowSkeleton(props: { count?: number }) {
  return (
    <section class="row" aria-hidden="true">
      <div class="row-head"><span class="skeleton skeleton-text" /></div>
      <div class="row-scroller">
        <For each={Array.from({ length: props.count ?? 8 })}>{() => <span class="tile tile-poster skeleton" />}</For>
      </div>
    </section>
  );
}

/** A responsive grid of tiles. */
export function Grid(props: { titles: TitleCard[]; children?: JSX.Element }) {
  return (
    <div class="grid">
      <For each={props.titles}>{(t, i) => <TitleTile title={t} eager={i() < 12} />}</For>
      {props.children}
    </div>
  );
}

export function GridSkeleton(props: { count?: number }) {
  return (
    <div class="grid" aria-hidden="true">
      <For each={Array.from({ length: props.count ?? 12 })}>{() => <span class="tile tile-poster skeleton" />}</For>
    </div>
  );
}
