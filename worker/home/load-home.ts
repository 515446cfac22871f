/**
 * A viewer's Home: the cached rows (rows-cache.ts) or, on a miss, rows built
 * afresh (rows.ts) and stored; Continue Watching is never cached — it is read
 * from the account's ViewerState object on every request and merged in.
 *
 * A signed-in Home makes one call to the account's object (`sessionHomeState`):
 * the session's standing (the session guard leaves this route to it, so a
 * revoked or stale session is refused here), and the profile's home version
 * (the KV key), its onboarding picks and its latest entries. The token states
 * the rest of the profile (id, ceiling), so a KV hit reads no D1 row
 * (docs/SCALING.md §6.4); only a miss needs the picks, the list and the ratings
 * (a second object call, for the list and ratings), and reads D1 once for
 * a profile whose picks (its profile row) or whose list and ratings (the old
 * `my_list`/`ratings` rows, worker/profiles/taste.ts) the object has not seen,
 * then keeps them there. A profile deleted since the token was issued is
 * caught by that standing (its deletion changed the account's facts), and
 * on a miss by that D1 read too. The KV read does not wait for the object: it
 * starts at once under the home version this isolate saw last, and is used only
 * when the object answers that same version (a hit then costs the longer of the
 * two, not their sum).
 */
import type { Session } from "../app-env.ts";
import { sessionProblemError } from "../auth/session.ts";
import { callCheckingSession, sessionProblem } from "../auth/session-standing.ts";
import { profileOf } from "../db/accounts.ts";
import { database, type Db } from "../db/client.ts";
import { AppError } from "../lib/errors.ts";
import { HotCache } from "../lib/hot-cache.ts";
import type { Viewer } from "../lib/viewer.ts";
import type { OnboardingPicks } from "../db/schema.ts";
import { CONTINUE_SCAN, continueFrom, type ContinueItem } from "../progress/continue-watching.ts";
import { viewerState } from "../progress/stub.ts";
import type { HomeState, SessionHomeResult } from "../progress/viewer-state.ts";
import { tasteForHome } from "../profiles/taste.ts";
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

/**
 * Each profile's home version as this isolate last had it from the account's object: a Home
 * request reads the rows under it while the object answers, and uses that read only when the
 * object's version is the same (else it reads again). A guess never decides what is shown.
 */
const lastHomeVersions = new HotCache<number>(1024 * 1024);
const HOME_VERSION_MEMO_MS = 10 * 60_000;

/** The Home for this viewer (signed out: the shared home for the region, ceiling, device and part of day). */
export async function loadHome(env: Env, req: HomeRequest): Promise<Home> {
  const { viewer, session, device, localHour } = req;
  const db = database(env.DB);
  // The token names the profile and its ceiling; the account's object answers the rest in one call.
  const profile = session?.profile ?? null;
  const state = session && profile ? viewerState(env, session.account.id) : null;
  // The rows' key needs the object's home version; the version this isolate saw last is read meanwhile.
  const guess = profile && !req.skipCache ? lastHomeVersions.get(profile.id, viewer.nowMs) : undefined;
  const guessKey = profile && guess !== undefined ? homeCacheKey({ id: profile.id, homeVersion: guess }, viewer, device, localHour) : null;
  const early = guessKey ? readCachedHome(env.ROWS, guessKey, viewer.nowMs) : null;
  early?.catch(() => {});
  const profileHome = await checkedHomeState(env, session, state, profile?.id);
  if (profile && profileHome) lastHomeVersions.set(profile.id, profileHome.homeVersion, 64, HOME_VERSION_MEMO_MS, viewer.nowMs);
  const key = homeCacheKey(profile && profileHome && { id: profile.id, homeVersion: profileHome.homeVersion }, viewer, device, localHour);
  const [cached, continuing, schedule] = await Promise.all([
    req.skipCache ? Promise.resolve(null) : early && guessKey === key ? early : readCachedHome(env.ROWS, key, viewer.nowMs),
    profileHome ? continueFrom(env, viewer, profileHome.latest) : Promise.resolve([] as ContinueItem[]),
    currentEvents(db, viewer.nowMs).then((events) => scheduleRows(env, viewer, events)),
  ]);
  if (cached) return { home: cached, continueWatching: continuing, schedule, cache: "hit" };
  let signals: ProfileSignals = { maxMaturityAge: viewer.maxMaturityAge, watched: [], ratings: [], myList: [], onboarding: null };
  if (session && state && profile && profileHome) {
    const [onboarding, watched, taste] = await Promise.all([
      onboardingOf(db, state, session.account.id, profile.id, profileHome),
      state.latestPerTitle(profile.id, 200),
      tasteForHome(env, state, profile.id),
    ]);
    signals = profileSignals({ maxMaturityAge: profile.maxMaturityAge, onboarding }, watched, taste);
  }
  const home = await buildHomeRows(db, viewer, signals, device, localHour, profile !== null && !hasSignals(signals));
  // Written after the answer is sent; a failed write only costs the next visitor a rebuild.
  req.waitUntil(writeCachedHome(env.ROWS, key, home));
  return { home, continueWatching: continuing, schedule, cache: "miss" };
}

/**
 * The session's standing and the profile's home state, in one call to the account's object (the
 * session guard leaves `GET /api/home` to this): a revoked or stale session is refused here with
 * the guard's own 401. A session with no profile chosen still has its standing checked (the guard's
 * call), and has no home state.
 */
async function checkedHomeState(env: Env, session: Session | undefined, state: ReturnType<typeof viewerState> | null, profileId: string | undefined): Promise<HomeState | null> {
  if (!session) return null;
  if (!state || profileId === undefined) {
    const problem = await sessionProblem(env, session);
    if (problem) throw sessionProblemError(problem);
    return null;
  }
  const answer = await callCheckingSession<SessionHomeResult>(env, session, (check) => state.sessionHomeState(check, profileId, CONTINUE_SCAN), sessionProblemError);
  return answer.home;
}

/**
 * The profile's onboarding picks: the object's copy, or — for a profile whose picks it has not
 * seen — D1's profile row, read once and filled in. A profile gone from D1 was deleted since the
 * token was issued: the client refreshes and gets the account's state as it is now.
 */
async function onboardingOf(db: Db, state: ReturnType<typeof viewerState>, accountId: string, profileId: string, home: { onboarding: HomeState["onboarding"] }): Promise<OnboardingPicks | null> {
  if (home.onboarding.known) return home.onboarding.picks;
  const row = await profileOf(db, accountId, profileId);
  if (!row) throw new AppError(401, "session_expired", "Your profile changed; refresh the session.");
  await state.fillOnboarding(profileId, row.onboarding ?? null);
  return row.onboarding ?? null;
}
