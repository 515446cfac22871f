/**
 * The schedule on the client: the server's clock (every schedule answer carries
 * `serverTime`, so a countdown does not depend on the device's clock being
 * right), one ticking "now" for every countdown on the page, and which events
 * are live at that now — so Home's rows and the title page flip at the start
 * without asking the server again.
 */
import { createRoot, createSignal, onCleanup } from "solid-js";

/** Server time minus device time (ms), from the latest schedule answer. */
let offsetMs = 0;

/** Notes the server's time from an answer (round trip ignored: a countdown to the second needs no better). */
export function noteServerTime(serverTime: number): void {
  if (Number.isFinite(serverTime)) offsetMs = serverTime - Date.now();
}

/** Now on the server's clock. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

const [tick, setTick] = createRoot(() => createSignal(serverNow()));
const [reminderChanges, setReminderChanges] = createRoot(() => createSignal(0));

/** Bumped when this tab sets or clears a reminder, so the in-app notice reads the reminders again. */
export { reminderChanges };
export const noteReminderChanged = () => setReminderChanges((n) => n + 1);
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** A signal of the server's now, ticking every second while some component uses it. */
export function useNow(): () => number {
  if (users++ === 0) {
    setTick(serverNow());
    timer = setInterval(() => setTick(serverNow()), 1000);
  }
  onCleanup(() => {
    if (--users === 0) clearInterval(timer);
  });
  return tick;
}

/** Whether an event is on at `now`. */
export function isLive(event: { startsAt: number; endsAt: number }, now: number): boolean {
  return event.startsAt <= now && now < event.endsAt;
}

/** Live now and coming up at `now`, from the events an answer held (an event that ended drops out). */
export function partitionEvents<E extends { startsAt: number; endsAt: number }>(events: E[], now: number): { liveNow: E[]; comingUp: E[] } {
  return { liveNow: events.filter((e) => isLive(e, now)), comingUp: events.filter((e) => e.startsAt > now) };
}

/** "1:02:03" until the start, for a countdown (days are said by `formatRelative` instead). */
export function countdownText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = String(Math.floor(total / 60) % 60).padStart(h > 0 ? 2 : 1, "0");
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${m}:${s}` : `${m}:${s}`;
}
