/**
 * A viewer's Home: the cached rows (rows-cache.ts) or, on a miss, rows built
 * afresh (rows.ts) and stored; Continue Watching is never cached — it is read
 * from the account's ViewerState object on every request, in parallel with the
 * KV read, and merged in.
 */
import type { Session } from "../app-env.ts";
import { profileOf } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import { AppError } from "../lib/errors.ts";
import type { Viewer } from "../lib/viewer.ts";
import { continueWatching, type ContinueItem } from "../progress/continue-watching.ts";
import { viewerState } from "../progress/stub.ts";
import { profileSignals } from "../recs/load.ts";
import type { DeviceClass, ProfileSignals } from "../recs/types.ts";
import { currentEvents, scheduleRows, type ScheduleItem } from "../schedule/events.ts";
import { homeCacheKey, readCachedHome, writeCachedHome } from "./rows-cache.ts";
import { buildHomeRows, hasSignals, type CachedHome } from "./rows.ts";

export interface HomeRequest {
  viewer: Viewer;
  /** The signed-in session, if any; its chosen profile personalises the rows. */
  session: Session | undefined;
  device: DeviceClass;
  /** The viewer's local hour (0-23), for the part of the day. */
  localHour: number;
  /** Skip the cache read (benchmarks): the rows are built and stored again. */
  skipCache?: boolean;
  /** Keeps the cache write alive after the answer is sent (the request's ExecutionContext). */
  waitUntil: (promise: Promise<unknown>) => void;
}

export interface Home {
  home: CachedHome;
  continueWatching: ContinueItem[];
  /** "Live now" and "Coming up": never in the cached rows, so an event starting flips them at once (schedule/events.ts). */
  schedule: { liveNow: ScheduleItem[]; comingUp: ScheduleItem[] };
  cache: "hit" | "miss";
}

/** The Home for this viewer (signed out: the shared home for the region, ceiling, device and part of day). */
export async function loadHome(env: Env, req: HomeRequest): Promise<Home> {
  const { viewer, session, device, localHour } = req;
  const db = database(env.DB);
  // The token names the profile; its onboarding picks are the profile's own row (read from a replica), its
  // home version is in the account's object (no D1 write per taste event), read alongside.
  const state = session?.profile ? viewerState(env, session.account.id) : null;
  const [row, homeVersion] = session?.profile && state
    ? await Promise.all([profileOf(db, session.account.id, session.profile.id), state.homeVersion(session.profile.id)])
    : [undefined, 0];
  const profile = row ?? null;
  // Deleted since the token was issued: the client refreshes and gets the account's state as it is now.
  if (session?.profile && !profile) throw new AppError(401, "session_expired", "Your profile changed; refresh the session.");
  const key = homeCacheKey(profile && { id: profile.id, homeVersion }, viewer, device, localHour);
  const [cached, continuing, schedule] = await Promise.all([
    req.skipCache ? Promise.resolve(null) : readCachedHome(env.ROWS, key, viewer.nowMs),
    session && profile ? continueWatching(env, viewer, session.account.id, profile.id) : Promise.resolve([] as ContinueItem[]),
    currentEvents(db, viewer.nowMs).then((events) => scheduleRows(db, viewer, events)),
  ]);
  if (cached) return { home: cached, continueWatching: continuing, schedule, cache: "hit" };
  const watched = state && profile ? await state.latestPerTitle(profile.id, 200) : [];
  const signals: ProfileSignals = profile
    ? await profileSignals(db, profile, watched)
    : { maxMaturityAge: viewer.maxMaturityAge, watched: [], ratings: [], myList: [], onboarding: null };
  const home = await buildHomeRows(db, viewer, signals, device, localHour, profile !== null && !hasSignals(signals));
  // Written after the answer is sent; a failed write only costs the next visitor a rebuild.
  req.waitUntil(writeCachedHome(env.ROWS, key, home));
  return { home, continueWatching: continuing, schedule, cache: "miss" };
}
