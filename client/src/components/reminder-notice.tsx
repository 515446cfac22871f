/**
 * "Remind me", in the app: the profile's reminders are read when a profile is
 * chosen, when this tab sets one, and every few minutes; when one of their events is live (it started
 * while the site was open, or was live when it opened), a notice says so with a
 * Watch link, once per event per tab (dismissed ones stay dismissed).
 */
import { A } from "@solidjs/router";
import { createEffect, createSignal, For, on, onCleanup } from "solid-js";
import { fetchReminders, type ScheduleItem } from "../data/api.ts";
import { isLive, noteServerTime, reminderChanges, useNow } from "../data/schedule.ts";
import { currentProfile } from "../data/session.ts";
import { t } from "../i18n/index.ts";

const REFRESH_MS = 5 * 60_000;
const DISMISSED_KEY = "marquee.reminders.dismissed";

function dismissedIds(): number[] {
  try {
    return JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? "[]") as number[];
  } catch {
    return [];
  }
}

export function ReminderNotice() {
  const now = useNow();
  const [items, setItems] = createSignal<ScheduleItem[]>([]);
  const [dismissed, setDismissed] = createSignal<number[]>(dismissedIds());
  createEffect(
    on(
      () => [currentProfile()?.id, reminderChanges()] as const,
      ([profileId]) => {
        if (!profileId) return void setItems([]);
        const load = () =>
          fetchReminders().then(
            (r) => (noteServerTime(r.serverTime), setItems(r.items)),
            () => {}, // the next refresh tries again
          );
        void load();
        const timer = setInterval(load, REFRESH_MS);
        onCleanup(() => clearInterval(timer));
      },
    ),
  );
  const dismiss = (id: number) => {
    const next = [...dismissed(), id];
    setDismissed(next);
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
  };
  const showing = () => items().filter((e) => isLive(e, now()) && !dismissed().includes(e.id));
  return (
    <div class="reminder-notices" role="status" aria-live="polite">
      <For each={showing()}>
        {(event) => (
          <div class="reminder-notice" data-event-id={event.id}>
            <span class="event-badge event-badge-live">{t("schedule.live")}</span>
            <span class="reminder-text">{t("schedule.nowLive", { title: event.title.title })}</span>
            <A class="button button-primary" href={`/watch/${event.title.id}`} onClick={() => dismiss(event.id)}>{t("schedule.watchLive")}</A>
            <button type="button" class="reminder-dismiss" aria-label={t("schedule.dismiss")} onClick={() => dismiss(event.id)}>×</button>
          </div>
        )}
      </For>
    </div>
  );
}
