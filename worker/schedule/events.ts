/**
 * The schedule's rules: what may be scheduled (a premiere needs a film with
 * media; a live event needs a channel), a premiere's end (its start plus the
 * asset's duration times its plays), whether a title plays as a premiere now,
 * and the Home rows "Live now" and "Coming up".
 */
import type { Db } from "../db/client.ts";
import { channelBySlug } from "../db/live.ts";
import { readyAsset } from "../db/playback.ts";
import { eventsNotOver, insertEvent, titleSchedule, localisedVisibleCards, type ScheduleEventRow } from "../db/schedule.ts";
import type { EventKind } from "../db/schema.ts";
import { titles } from "../db/schema.ts";
import { eq } from "drizzle-orm";
import { AppError } from "../lib/errors.ts";
import type { Viewer } from "../lib/viewer.ts";
import type { LocalisedCard } from "../db/catalog.ts";
import { DEFAULT_CATALOG_LOCALE } from "../catalog/localise.ts";
import { keptUnderEpoch } from "../catalog/epoch-kept.ts";
import { database } from "../db/client.ts";
import { HotCache } from "../lib/hot-cache.ts";

/** A live event lasts at most a day; a premiere at most a day of plays. */
export const MAX_EVENT_MS = 24 * 3_600_000;
/** How far back a premiere's viewers may go unless the operator says otherwise. */
export const DEFAULT_WINDOW_SECONDS = 1800;
/** "Coming up" looks a week ahead. */
export const COMING_UP_MS = 7 * 24 * 3_600_000;
const ROW_MAX = 20;

export interface NewEvent {
  kind: EventKind;
  /** A premiere's film. */
  titleId?: number;
  /** A live event's channel. */
  channel?: string;
  startsAt: number;
  /** A live event's end; a premiere's follows from its media. */
  endsAt?: number;
  loops?: number;
  windowSeconds?: number;
}

const notSchedulable = (message: string) => new AppError(400, "event_not_schedulable", message);

/** Adds an event after checking what it points at; a premiere's end is derived from its asset's duration. */
export async function scheduleEvent(db: Db, input: NewEvent, nowMs: number): Promise<ScheduleEventRow> {
  const windowSeconds = input.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  if (input.kind === "premiere") {
    if (input.titleId === undefined || input.channel !== undefined || input.endsAt !== undefined) {
      throw notSchedulable("A premiere names a titleId (a film), and no channel or endsAt: it ends when its media does.");
    }
    const title = await db.select({ type: titles.type }).from(titles).where(eq(titles.id, input.titleId)).get();
    if (!title) throw new AppError(404, "title_not_found", "No such title.");
    if (title.type !== "movie") throw notSchedulable("Only a film can premiere (a series' episodes play on their own).");
    const asset = await readyAsset(db, { titleId: input.titleId });
    if (!asset || !(asset.durationSeconds > 0)) throw notSchedulable("This film has no finished video to premiere.");
    const loops = input.loops ?? 1;
    const endsAt = input.startsAt + Math.ceil(asset.durationSeconds * 1000) * loops;
    if (endsAt - input.startsAt > MAX_EVENT_MS) throw notSchedulable("A premiere lasts at most 24 hours (fewer loops).");
    return insertEvent(db, { kind: "premiere", titleId: input.titleId, channelSlug: null, startsAt: input.startsAt, endsAt, loops, windowSeconds, createdAt: nowMs });
  }
  if (input.channel === undefined || input.endsAt === undefined || input.titleId !== undefined || input.loops !== undefined) {
    throw notSchedulable("A live event names a channel and its endsAt (its title is the channel's).");
  }
  if (input.endsAt <= input.startsAt) throw notSchedulable("endsAt must be after startsAt.");
  if (input.endsAt - input.startsAt > MAX_EVENT_MS) throw notSchedulable("A live event lasts at most 24 hours.");
  const channel = await channelBySlug(db, input.channel);
  if (!channel) throw new AppError(404, "unknown_channel", `No channel "${input.channel}".`);
  return insertEvent(db, {
    kind: "live",
    titleId: channel.titleId,
    channelSlug: channel.slug,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    loops: 1,
    windowSeconds: input.windowSeconds ?? channel.dvrWindowSeconds,
    createdAt: nowMs,
  });
}

/** A premiere's clock for a playback token, with its end. */
export interface PremiereGrant {
  ps: number;
  pl: number;
  pw: number;
  endsAtMs: number;
}

/**
 * Whether this title plays as a premiere at `nowMs`: its clock while one is on;
 * 403 `premiere_not_started` before its first premiere (nobody sees a film
 * before its premiere); undefined otherwise (ordinary VOD, e.g. between re-runs).
 */
export async function premiereFor(db: Db, titleId: number, nowMs: number): Promise<PremiereGrant | undefined> {
  const { event, premiered } = await titleSchedule(db, titleId, nowMs);
  if (!event || event.kind !== "premiere") return undefined;
  if (event.startsAt <= nowMs) return { ps: event.startsAt, pl: event.loops, pw: event.windowSeconds, endsAtMs: event.endsAt };
  if (!premiered) throw new AppError(403, "premiere_not_started", "This film premieres soon: it plays from its scheduled start.");
  return undefined;
}

/** Downloads wait for the end of a premiere (and for the first one): a download would let its holder skip ahead. */
export async function checkDownloadable(db: Db, titleId: number, nowMs: number): Promise<void> {
  const { event, premiered } = await titleSchedule(db, titleId, nowMs);
  if (event?.kind === "premiere" && (event.startsAt <= nowMs || !premiered)) {
    throw new AppError(403, "premiere_not_started", "This film is premiering: it can be downloaded after its premiere.");
  }
}

/** An event as the SPA shows it. */
export interface ScheduleItem {
  id: number;
  kind: EventKind;
  startsAt: number;
  endsAt: number;
  title: LocalisedCard;
}

/** Events not over, read once per isolate until the next start or end (at most 30 s), so Home costs no D1 read per request for them. */
let snapshot: { events: ScheduleEventRow[]; validUntilMs: number } | undefined;
const SNAPSHOT_MAX_MS = 30_000;

/** The events not over at `nowMs`, from the isolate's snapshot while it holds (no start or end has passed since it was read). */
export async function currentEvents(db: Db, nowMs: number): Promise<ScheduleEventRow[]> {
  if (snapshot && nowMs < snapshot.validUntilMs) return snapshot.events;
  const events = await eventsNotOver(db, nowMs);
  const boundaries = events.flatMap((e) => [e.startsAt, e.endsAt]).filter((t) => t > nowMs);
  snapshot = { events, validUntilMs: Math.min(nowMs + SNAPSHOT_MAX_MS, ...boundaries) };
  return events;
}

/** Forgets the isolate's snapshot (an event was added or removed here). */
export function forgetScheduleSnapshot(): void {
  snapshot = undefined;
}

/** How long an isolate keeps a schedule card of the catalog (the epoch and its next window edge end it sooner). */
const SCHEDULE_CARDS_TTL_MS = 30_000;
const scheduleCards = new HotCache<LocalisedCard | null>(1024 * 1024);

/** "Live now" and "Coming up" for this viewer: only titles it may see, soonest first; their cards from the isolate's memory (catalog/epoch-kept.ts). */
export async function scheduleRows(env: Env, viewer: Viewer, events: ScheduleEventRow[]): Promise<{ liveNow: ScheduleItem[]; comingUp: ScheduleItem[] }> {
  const now = viewer.nowMs;
  const live = events.filter((e) => e.startsAt <= now && e.endsAt > now).slice(0, ROW_MAX);
  const upcoming = events.filter((e) => e.startsAt > now && e.startsAt - now <= COMING_UP_MS).slice(0, ROW_MAX);
  const locale = viewer.locale ?? DEFAULT_CATALOG_LOCALE;
  const ids = [...new Set([...live, ...upcoming].map((e) => String(e.titleId)))];
  const kept = ids.length === 0 ? new Map<string, LocalisedCard>() : await keptUnderEpoch(env, viewer, scheduleCards, locale, ids, async (missing) => {
    const read = await localisedVisibleCards(database(env.DB), viewer, missing.map(Number));
    return new Map([...read].map(([id, card]) => [String(id), card]));
  }, SCHEDULE_CARDS_TTL_MS);
  const cards = new Map([...kept].map(([id, card]) => [Number(id), card]));
  const item = (e: ScheduleEventRow): ScheduleItem[] => {
    const title = cards.get(e.titleId);
    return title ? [{ id: e.id, kind: e.kind, startsAt: e.startsAt, endsAt: e.endsAt, title }] : [];
  };
  return { liveNow: live.flatMap(item), comingUp: upcoming.flatMap(item) };
}
