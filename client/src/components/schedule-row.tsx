/**
 * Home's "Live now" and "Coming up": one tile per event, its backdrop with a LIVE
 * badge or its start ("Starts in 4:12" within the hour, else the day and time),
 * opening the title page (countdown, Watch live, Remind me).
 */
import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import type { ScheduleItem } from "../data/api.ts";
import { countdownText } from "../data/schedule.ts";
import { t } from "../i18n/index.ts";
import { formatDate } from "../i18n/format.ts";
import { Artwork } from "./artwork.tsx";
import { ScrollingRow } from "./tiles.tsx";

const HOUR_MS = 3_600_000;

/** When an upcoming event starts, as a tile says it. */
export function startsText(startsAt: number, now: number): string {
  return startsAt - now < HOUR_MS
    ? t("schedule.startsInTime", { time: countdownText(startsAt - now) })
    : t("schedule.startsAt", { when: formatDate(startsAt, { weekday: "short", hour: "numeric", minute: "2-digit" }) });
}

export function ScheduleRow(props: { heading: string; items: ScheduleItem[]; live: boolean; now: number }) {
  return (
    <ScrollingRow heading={props.heading} class={props.live ? "schedule-row live-row" : "schedule-row"}>
      <For each={props.items}>
        {(item) => (
          <A class="tile tile-backdrop event-tile" href={`/title/${item.title.id}`} data-title-id={item.title.id} data-event-id={item.id}>
            <Artwork id={item.title.id} title={item.title.title} kind="backdrop" src={item.title.backdropUrl} />
            <span class={props.live ? "event-badge event-badge-live" : "event-badge"}>
              {props.live ? t("schedule.live") : item.kind === "premiere" ? t("schedule.premiere") : t("schedule.liveEvent")}
            </span>
            <span class="tile-caption">
              <span class="tile-name" dir="auto">{item.title.title}</span>
              <span class="tile-meta">
                <Show when={props.live} fallback={startsText(item.startsAt, props.now)}>
                  {t("schedule.until", { time: formatDate(item.endsAt, { hour: "numeric", minute: "2-digit" }) })}
                </Show>
              </span>
            </span>
          </A>
        )}
      </For>
    </ScrollingRow>
  );
}
