/**
 * The home-rows cache in KV: one entry per profile under a versioned key
 *   home:v3:<profileId>:<homeVersion>:<country>:<locale>:<device>:<dayPart>
 * with a one-hour TTL (the cards' texts are in the locale: worker/catalog/localise.ts). Events that change taste (a new view, finishing a title,
 * a rating, My List, onboarding, the profile's ceiling) bump the profile's
 * home version in the account's object (home-version-store.ts); the version is in every device's key, so
 * each device's next visit misses and rebuilds. Signed-out visitors
 * share one entry per country, ceiling, device and part of the day, kept in
 * the Cache API of each location rather than KV: every isolate that misses
 * would write that one shared key, far beyond KV's one write per second per
 * key; a profile's keys go through lib/kv-writes.ts. An entry
 * read back drops cards whose window has closed since. KV failures only cost a
 * rebuild.
 *
 * Each isolate also keeps the profiles' entries it read or wrote for a minute
 * (`remembered`), so a Home served from it costs no KV read (docs/SCALING.md
 * §6.4): a key read where it was not read lately goes to KV's central store,
 * while a shared home is in this location's cache already. The key is
 * versioned, so a taste event moves every device to a new key at once and a
 * remembered entry never stands for anything stale. Account deletion forgets
 * the profiles' entries in this isolate; other isolates drop theirs within the
 * minute, unreachable meanwhile (the account's sessions are refused).
 */
import { DEFAULT_CATALOG_LOCALE } from "../catalog/localise.ts";
import type { LocalisedCard } from "../db/catalog.ts";
import { putAtMostOncePerSecond } from "../lib/kv-writes.ts";
import type { Viewer } from "../lib/viewer.ts";
import { dayPart } from "../recs/context.ts";
import { isAvailable } from "../recs/rules.ts";
import type { DeviceClass } from "../recs/types.ts";
import type { CachedHome } from "./rows.ts";
import { edgeCache } from "../lib/data-centre-cache.ts";
import { HotCache } from "../lib/hot-cache.ts";

/** How long cached rows live; taste events invalidate sooner through the version. */
export const HOME_TTL_SECONDS = 3600;
/**
 * v2: cards carry localised texts and the original title, so the key has the locale.
 * v3: the home version comes from the account's object, whose count starts again at 0 (D1's could be anywhere).
 */
const HOME_KEY_VERSION = "v3";

/** The KV key of one home: per profile and its version, or shared by signed-out viewers alike. */
export function homeCacheKey(profile: { id: string; homeVersion: number } | null, viewer: Viewer, device: DeviceClass, localHour: number): string {
  const locale = viewer.locale ?? DEFAULT_CATALOG_LOCALE;
  return profile
    ? `home:${HOME_KEY_VERSION}:${profile.id}:${profile.homeVersion}:${viewer.country}:${locale}:${device}:${dayPart(localHour)}`
    : `home:${HOME_KEY_VERSION}:anon:${viewer.maxMaturityAge}:${viewer.country}:${locale}:${device}:${dayPart(localHour)}`;
}

/** Signed-out homes are shared by everyone: they live in the Cache API, under this made-up origin. */
const SHARED_HOME_ORIGIN = "https://home-cache.marquee.internal/";

/** The Cache API URL of a signed-out (shared) home's key; null for a profile's key (KV). */
export function sharedHomeUrl(key: string): string | null {
  return key.startsWith(`home:${HOME_KEY_VERSION}:anon:`) ? `${SHARED_HOME_ORIGIN}${encodeURIComponent(key)}` : null;
}

/**
 * A profile's entry as this isolate keeps it: as built, and as last shown — the
 * cards still available then, the same object until the next edge of one of
 * their windows, so a repeat visit filters nothing and the route makes its
 * answer's JSON of it once (routes/home.ts).
 */
interface Kept {
  home: CachedHome;
  shown?: { home: CachedHome; fromMs: number; untilMs: number };
}

/**
 * Profiles' entries this isolate read or wrote lately, by key, each for a minute: 4 MB of their JSON
 * (a home is some 30 KB). Held, an entry takes more than its JSON — the parsed object, the copy last
 * shown and the route's encoded rows — roughly 3× by estimate (not measured): ~12 MB of 128 MB.
 */
const remembered = new HotCache<Kept>(4 * 1024 * 1024);
const REMEMBER_MS = 60_000;

/** The cached home under `key`, still available at `nowMs`; null on a miss, a broken entry or a cache failure. */
export async function readCachedHome(kv: KVNamespace, key: string, nowMs: number): Promise<CachedHome | null> {
  const shared = sharedHomeUrl(key);
  const kept = shared ? undefined : remembered.get(key, nowMs);
  if (kept) return shownAt(kept, nowMs);
  const text = await (shared ? edgeCache().match(shared).then((res) => res?.text() ?? null) : kv.get(key, "text")).catch((err: unknown) => {
    console.error("home cache read failed", err);
    return null;
  });
  const cached = text === null ? null : parsedHome(text);
  if (!cached) return null;
  if (!shared) {
    const entry: Kept = { home: cached };
    remembered.set(key, entry, text!.length, REMEMBER_MS, nowMs);
    return shownAt(entry, nowMs);
  }
  return stillAvailable(cached, nowMs);
}

/** The kept entry's cards available at `nowMs`: the object shown last while no window edge has passed since. */
function shownAt(kept: Kept, nowMs: number): CachedHome {
  const last = kept.shown;
  if (last && last.fromMs <= nowMs && nowMs < last.untilMs) return last.home;
  const home = stillAvailable(kept.home, nowMs);
  kept.shown = { home, fromMs: nowMs, untilMs: nextWindowEdge(kept.home, nowMs) };
  return home;
}

/** The first start or end of a card's window after `nowMs` (Infinity: none), before which stillAvailable drops and adds nothing. */
export function nextWindowEdge(home: CachedHome, nowMs: number): number {
  let next = Infinity;
  for (const windows of Object.values(home.windows)) {
    for (const [startsAtMs, endsAtMs] of windows) {
      if (startsAtMs > nowMs && startsAtMs < next) next = startsAtMs;
      if (endsAtMs !== null && endsAtMs > nowMs && endsAtMs < next) next = endsAtMs;
    }
  }
  return next;
}

/** Stores a freshly built home (a profile's at most once per second per key); a failed write is logged (the next visitor rebuilds). */
export async function writeCachedHome(kv: KVNamespace, key: string, home: CachedHome): Promise<void> {
  const shared = sharedHomeUrl(key);
  const body = JSON.stringify(home);
  if (!shared) remembered.set(key, { home }, body.length, REMEMBER_MS);
  await (shared
    ? edgeCache().put(shared, new Response(body, { headers: { "Content-Type": "application/json", "Cache-Control": `public, max-age=${HOME_TTL_SECONDS}` } }))
    : putAtMostOncePerSecond(kv, key, body, { expirationTtl: HOME_TTL_SECONDS })
  ).catch((err: unknown) => console.error("home cache write failed", err));
}

/** Drops cards whose window closed (or has not opened) since the entry was built; rows left empty go. */
export function stillAvailable(home: CachedHome, nowMs: number): CachedHome {
  const ok = (card: LocalisedCard) => {
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

/** The entry's JSON as a home; null when it is not JSON or not a home. */
function parsedHome(text: string): CachedHome | null {
  try {
    const value: unknown = JSON.parse(text);
    return isCachedHome(value) ? value : null;
  } catch {
    return null;
  }
}

function isCachedHome(value: unknown): value is CachedHome {
  const v = value as CachedHome | null;
  return v !== null && typeof v === "object" && Array.isArray(v.rows) && typeof v.windows === "object" && typeof v.builtAt === "number";
}

/** Deletes every cached home of these profiles (account deletion: the rows are derived from its data). */
export async function forgetCachedHomes(kv: KVNamespace, profileIds: string[]): Promise<void> {
  const prefixes = profileIds.map((id) => `home:${HOME_KEY_VERSION}:${id}:`);
  remembered.forget((key) => prefixes.some((p) => key.startsWith(p)));
  for (const profileId of profileIds) {
    let cursor: string | undefined;
    do {
      const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix: `home:${HOME_KEY_VERSION}:${profileId}:`, cursor });
      await Promise.all(page.keys.map((k) => putAtMostOncePerSecond(kv, k.name, null)));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  }
}
