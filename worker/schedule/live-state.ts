/**
 * Whether a title is live or coming up now, for answers cached without it
 * (search is edge-cached for up to an hour; an event starts or ends in the
 * meantime): added to each answer after the cache, from the isolate's schedule
 * snapshot and the channels broadcasting (read at most every few seconds per
 * isolate), so it costs no D1 read per search.
 */
import type { Db } from "../db/client.ts";
import { titlesBroadcasting } from "../db/live.ts";
import type { EventKind } from "../db/schema.ts";
import { recheckInterval } from "../lib/environment.ts";
import { COMING_UP_MS, currentEvents } from "./events.ts";

export interface LiveState {
  state: "live" | "upcoming";
  /** A premiere, a scheduled live event, or "live" for a channel broadcasting without an event. */
  kind: EventKind;
  startsAt: number;
  /** null: a channel broadcasting with no scheduled end. */
  endsAt: number | null;
}

/** How often an isolate re-reads which channels broadcast (a broadcast's start or end shows within this). */
export const BROADCAST_RECHECK_MS = 10_000;

/** This isolate's broadcast recheck (`BROADCAST_RECHECK_MS`; at once in local development, where the browser suite starts a channel and searches). */
export function broadcastRecheckMs(env: Env): number {
  return recheckInterval(env, "BROADCAST_RECHECK_MS", BROADCAST_RECHECK_MS);
}
let broadcasting: { rows: { titleId: number; startedAt: number }[]; readAtMs: number } | undefined;

/** Live and upcoming (within a week) titles at `nowMs`: a title's event on now, else its next, else its channel's broadcast. */
export async function liveStates(db: Db, nowMs: number, recheckMs = BROADCAST_RECHECK_MS): Promise<Map<number, LiveState>> {
  const states = new Map<number, LiveState>();
  // Soonest first: a title's event on now comes before its next one.
  for (const e of await currentEvents(db, nowMs)) {
    if (states.has(e.titleId)) continue;
    if (e.startsAt <= nowMs) states.set(e.titleId, { state: "live", kind: e.kind, startsAt: e.startsAt, endsAt: e.endsAt });
    else if (e.startsAt - nowMs <= COMING_UP_MS) states.set(e.titleId, { state: "upcoming", kind: e.kind, startsAt: e.startsAt, endsAt: e.endsAt });
  }
  if (!broadcasting || nowMs - broadcasting.readAtMs >= recheckMs || nowMs < broadcasting.readAtMs) {
    broadcasting = { rows: await titlesBroadcasting(db), readAtMs: nowMs };
  }
  for (const b of broadcasting.rows) {
    if (states.get(b.titleId)?.state !== "live") states.set(b.titleId, { state: "live", kind: "live", startsAt: b.startedAt, endsAt: null });
  }
  return states;
}

/** Items with their title's live state (`live`), the others as they are. */
export function withLiveStates<T extends { id: number }>(items: T[], states: Map<number, LiveState>): (T & { live?: LiveState })[] {
  return items.map((item) => {
    const live = states.get(item.id);
    return live ? { ...item, live } : item;
  });
}
