/**
 * `GET /api/home`: the hero and the rows of the current profile's Home.
 *
 * The rows are expensive (signals from the profile's ViewerState object and D1,
 * a candidate slice of the catalog, ranking, diversifying, rules) and read on
 * every visit, so they are cached in KV per profile under a versioned key:
 *   home:v1:<profileId>:<homeVersion>:<country>:<device>:<dayPart>
 * with a one-hour TTL. Events that change taste (finishing a title, a rating,
 * My List, onboarding, the profile's ceiling) bump the profile's `home_version`
 * in D1 — read with the session at no extra cost — so the next visit misses and
 * rebuilds. Signed-out visitors share one entry per country, ceiling, device
 * and part of the day. `X-Home-Cache: hit|miss` says which it was.
 *
 * Continue Watching is never cached: it is read from the ViewerState object on
 * every request, in parallel with the KV read, and merged in. A cached entry
 * carries each card's availability windows for the viewer's country, so a title
 * whose window closed since is dropped at read time instead of becoming a
 * broken tile.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { requireProfile } from "../auth/session.ts";
import { database, type Db } from "../db/client.ts";
import type { TitleCard } from "../db/catalog.ts";
import { setOnboarding } from "../db/home.ts";
import type { AppEnv, Viewer } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { isDevelopment } from "../lib/environment.ts";
import { viewerState } from "../progress/stub.ts";
import { dayPart } from "../recs/context.ts";
import { buildHome, onboardingChoices } from "../recs/home.ts";
import { loadCandidates, profileSignals } from "../recs/load.ts";
import { isAvailable } from "../recs/rules.ts";
import { readCoWatch, readTopTitles, readTrending } from "../recs/signals.ts";
import { seedTitleIds } from "../recs/affinity.ts";
import type { DeviceClass, ProfileSignals } from "../recs/types.ts";
import { continueWatching, deviceLabel, type ContinueItem } from "./progress.ts";

/** How long cached rows live; taste events invalidate sooner through the version. */
export const HOME_TTL_SECONDS = 3600;
const HOME_KEY_VERSION = "v1";
/** Affinity half-life for choosing co-watch seeds (the engine uses its own). */
const SEED_HALF_LIFE_DAYS = 30;
const ONBOARDING_CHOICES = 12;

const homeQuery = z.object({
  device: z.enum(["tv", "desktop", "phone"]).optional(),
  /** Development only (benchmarks): `miss` skips the cache read, so the rows are built (and stored) again. */
  cache: z.literal("miss").optional(),
  /** Local hour (0-23) from the client's clock; otherwise from request.cf.timezone. */
  hour: z.coerce.number().int().min(0).max(23).optional(),
});
const onboardingBody = z.object({
  titleIds: z
    .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
    .max(10)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat a title"),
});

interface CachedRow {
  id: string;
  kind: string;
  heading: string;
  items: TitleCard[];
}

/** What KV holds for one home. */
interface CachedHome {
  builtAt: number;
  hero: TitleCard | null;
  rows: CachedRow[];
  aboveFold: number;
  /** Availability windows in the viewer's country (and worldwide) per title: [startsAt, endsAt | null][]. */
  windows: Record<string, [number, number | null][]>;
  onboarding: TitleCard[] | null;
}

/** The device class: the client says (it knows when TV mode is forced); else the User-Agent. */
function deviceClass(c: Context<AppEnv>, asked: DeviceClass | undefined): DeviceClass {
  if (asked) return asked;
  const label = deviceLabel(c.req.header("user-agent"));
  return label === "TV" ? "tv" : label === "Phone" ? "phone" : "desktop";
}

/** Local hour of the viewer: asked, or from Cloudflare's timezone of the client, or UTC. */
function localHour(c: Context<AppEnv>, asked: number | undefined, nowMs: number): number {
  if (asked !== undefined) return asked;
  const tz = (c.req.raw.cf as { timezone?: unknown } | undefined)?.timezone;
  if (typeof tz === "string") {
    try {
      return Number(new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: tz }).format(nowMs)) % 24;
    } catch {
      // an unknown zone: fall through to UTC
    }
  }
  return new Date(nowMs).getUTCHours();
}

function hasSignals(p: ProfileSignals): boolean {
  return p.watched.length > 0 || p.ratings.length > 0 || p.myList.length > 0 || p.onboarding !== null;
}

/** Builds a home from scratch (a cache miss). */
async function build(db: Db, viewer: Viewer, profile: ProfileSignals, device: DeviceClass, hour: number, withOnboarding: boolean): Promise<CachedHome> {
  const seeds = seedTitleIds(profile, viewer.nowMs, SEED_HALF_LIFE_DAYS);
  const [trending, top, coWatch] = await Promise.all([
    readTrending(db, { country: viewer.country, nowMs: viewer.nowMs }),
    readTopTitles(db, { country: viewer.country, nowMs: viewer.nowMs }),
    readCoWatch(db, seeds),
  ]);
  const named = [
    ...profile.watched.map((w) => w.titleId),
    ...profile.ratings.map((r) => r.titleId),
    ...profile.myList.map((m) => m.titleId),
    ...(profile.onboarding?.titleIds ?? []),
    ...trending.map((t) => t.titleId),
    ...top.map((t) => t.titleId),
    ...[...coWatch.pairs.values()].flatMap((m) => [...m.keys()]),
  ];
  const { titles, cards } = await loadCandidates(db, viewer, named);
  const home = buildHome({
    titles,
    profile,
    stats: { trending, top, coWatch },
    context: { country: viewer.country, localHour: hour, device },
    nowMs: viewer.nowMs,
  });
  // Every title the entry shows, so its windows travel with it.
  const included = new Set<number>(home.hero === null ? [] : [home.hero]);
  const cardsOf = (ids: number[]) => ids.flatMap((id) => (included.add(id), cards.has(id) ? [cards.get(id)!] : []));
  const rows = home.rows.map((r) => ({ id: r.id, kind: r.kind, heading: r.heading, items: cardsOf(r.titleIds) }));
  const onboarding = withOnboarding
    ? cardsOf(onboardingChoices(titles, trending, { country: viewer.country, nowMs: viewer.nowMs, maxMaturityAge: viewer.maxMaturityAge }, ONBOARDING_CHOICES))
    : null;
  const windows: CachedHome["windows"] = {};
  for (const t of titles) {
    if (!included.has(t.id)) continue;
    windows[t.id] = t.availability.filter((a) => a.region === viewer.country || a.region === "WW").map((a) => [a.startsAtMs, a.endsAtMs]);
  }
  return { builtAt: viewer.nowMs, hero: home.hero === null ? null : (cards.get(home.hero) ?? null), rows, aboveFold: home.aboveFold, windows, onboarding };
}

/** Drops cards whose window closed (or has not opened) since the entry was built; rows left empty go. */
function stillAvailable(home: CachedHome, nowMs: number): CachedHome {
  const ok = (card: TitleCard) => {
    const windows = home.windows[card.id];
    return windows !== undefined && isAvailable({ availability: windows.map(([startsAtMs, endsAtMs]) => ({ region: "WW", startsAtMs, endsAtMs })) }, "WW", nowMs);
  };
  return {
    ...home,
    hero: home.hero && ok(home.hero) ? home.hero : null,
    rows: home.rows.map((r) => ({ ...r, items: r.items.filter(ok) })).filter((r) => r.items.length > 0),
    onboarding: home.onboarding?.filter(ok) ?? null,
  };
}

function isCachedHome(value: unknown): value is CachedHome {
  const v = value as CachedHome | null;
  return v !== null && typeof v === "object" && Array.isArray(v.rows) && typeof v.windows === "object" && typeof v.builtAt === "number";
}

/** The current profile's Home (signed out: the shared home for the region), and its onboarding step. */
export const homeRoutes = new Hono<AppEnv>()
  .get("/", validate("query", homeQuery), async (c) => {
    const viewer = c.get("viewer");
    const query = c.req.valid("query");
    const device = deviceClass(c, query.device);
    const hour = localHour(c, query.hour, viewer.nowMs);
    const session = c.get("session");
    const profile = session?.profile ?? null;
    const db = database(c.env.DB);
    const key = profile
      ? `home:${HOME_KEY_VERSION}:${profile.id}:${profile.homeVersion}:${viewer.country}:${device}:${dayPart(hour)}`
      : `home:${HOME_KEY_VERSION}:anon:${viewer.maxMaturityAge}:${viewer.country}:${device}:${dayPart(hour)}`;
    const state = session && profile ? viewerState(c.env, session.account.id) : null;
    if (query.cache === "miss" && !isDevelopment(c.env)) throw new AppError(403, "dev_only", "Skipping the cache is only available in local development.");
    const [cached, continuing] = await Promise.all([
      (query.cache === "miss" ? Promise.resolve(null) : c.env.ROWS.get(key, "json")).catch((err: unknown) => {
        console.error("home cache read failed", err);
        return null;
      }),
      session && profile ? continueWatching(c, session.account.id, profile.id) : Promise.resolve([] as ContinueItem[]),
    ]);
    let home: CachedHome;
    if (isCachedHome(cached)) {
      home = stillAvailable(cached, viewer.nowMs);
      c.header("X-Home-Cache", "hit");
    } else {
      const watched = state && profile ? await state.latestPerTitle(profile.id, 200) : [];
      const signals: ProfileSignals = profile
        ? await profileSignals(db, profile, watched)
        : { maxMaturityAge: viewer.maxMaturityAge, watched: [], ratings: [], myList: [], onboarding: null };
      home = await build(db, viewer, signals, device, hour, profile !== null && !hasSignals(signals));
      c.header("X-Home-Cache", "miss");
      // Written after the answer is sent; a failed write only costs the next visitor a rebuild.
      c.executionCtx.waitUntil(
        c.env.ROWS.put(key, JSON.stringify(home), { expirationTtl: HOME_TTL_SECONDS }).catch((err: unknown) => console.error("home cache write failed", err)),
      );
    }
    return c.json({
      hero: home.hero,
      continueWatching: continuing,
      rows: home.rows,
      aboveFold: home.aboveFold,
      onboarding: home.onboarding && home.onboarding.length > 0 ? { choices: home.onboarding } : null,
      device,
      builtAt: home.builtAt,
    });
  })
  // Onboarding: "pick three you like" (or skip with an empty list); the next home is personal at once.
  .post("/onboarding", validate("json", onboardingBody), async (c) => {
    const { profile } = requireProfile(c);
    const { titleIds } = c.req.valid("json");
    if (titleIds.length > 0 && titleIds.length < 3) throw new AppError(400, "invalid_json", "titleIds: pick at least three titles, or none to skip.");
    await setOnboarding(database(c.env.DB), profile.id, { titleIds, atMs: Date.now() });
    return c.json({ titleIds });
  });
