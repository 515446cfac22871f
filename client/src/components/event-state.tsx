/**
 * A title's scheduled event on its page: before the start a countdown (on the
 * server's clock) with "Remind me" for a signed-in profile; from the start a
 * LIVE badge and "Watch live". The page hides its own Play while a first
 * premiere has not started (the server would refuse it).
 */
import { A } from "@solidjs/router";
import { createResource, createSignal, Show } from "solid-js";
import { fetchTitleSchedule, setReminder, type TitleSchedule } from "../data/api.ts";
import { countdownText, isLive, noteReminderChanged, noteServerTime, useNow } from "../data/schedule.ts";
import { currentProfile } from "../data/session.ts";
import { t } from "../i18n/index.ts";
import { formatDate, formatRelative } from "../i18n/format.ts";

const DAY_MS = 86_400_000;

/** The title's event (refetched when the title changes); undefined while loading or without one. */
export function useTitleSchedule(titleId: () => string) {
  const [schedule] = createResource(titleId, (id) =>
    fetchTitleSchedule(id).then(
      (s) => (noteServerTime(s.serverTime), s),
      () => undefined, // the page works without it: no countdown, Play as usual
    ),
  );
  return schedule;
}

/** What the page shows for an event at `now`: nothing, a countdown, or live. */
export function eventPhase(schedule: TitleSchedule | undefined, now: number): "none" | "upcoming" | "live" {
  const event = schedule?.event;
  if (!event || now >= event.endsAt) return "none";
  return isLive(event, now) ? "live" : "upcoming";
}

export function EventState(props: { titleId: number; schedule: TitleSchedule }) {
  const now = useNow();
  const event = () => props.schedule.event!;
  const [reminded, setReminded] = createSignal(props.schedule.reminded);
  const [problem, setProblem] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  async function toggle() {
    setBusy(true);
    setProblem("");
    try {
      setReminded((await setReminder(event().id, !reminded())).reminded);
      noteReminderChanged();
    } catch {
      setProblem(t("schedule.reminderFailed"));
    } finally {
      setBusy(false);
    }
  }
  const phase = () => eventPhase(props.schedule, now());
  return (
    <Show when={phase() !== "none"}>
      <Show
        when={phase() === "upcoming"}
        fallback={
          <div class="event-state" data-state="live">
            <span class="event-badge event-badge-live">{t("schedule.live")}</span>
            <A class="button button-primary watch-live" href={`/watch/${props.titleId}`}>
              <span aria-hidden="true">▶ </span>{t("schedule.watchLive")}
            </A>
            <span class="event-when">{t("schedule.until", { time: formatDate(event().endsAt, { hour: "numeric", minute: "2-digit" }) })}</span>
          </div>
        }
      >
        <div class="event-state" data-state="upcoming">
          <p class="event-kind">{event().kind === "premiere" ? t("schedule.premiere") : t("schedule.liveEvent")}</p>
          <p class="countdown">
            <span>{event().kind === "premiere" ? t("schedule.premieresIn") : t("schedule.startsIn")}</span>{" "}
            <time class="countdown-clock" datetime={new Date(event().startsAt).toISOString()} aria-label={t("schedule.countdownLabel")}>
              {event().startsAt - now() < DAY_MS ? countdownText(event().startsAt - now()) : formatRelative(event().startsAt, now())}
            </time>
          </p>
          <p class="event-when">{formatDate(event().startsAt, { dateStyle: "full", timeStyle: "short" })}</p>
          <Show when={currentProfile()}>
            <button type="button" class="button button-outline remind-me" data-tv-autofocus aria-pressed={reminded()} disabled={busy()} onClick={toggle}>
              {reminded() ? `✓ ${t("schedule.reminderSet")}` : t("schedule.remindMe")}
            </button>
            <Show when={reminded()}><span class="muted remind-hint">{t("schedule.reminderHint")}</span></Show>
          </Show>
          <p class="status" role="status" aria-live="polite">{problem()}</p>
        </div>
      </Show>
    </Show>
  );
}
