/**
 * A Home built from scratch (a cache miss): the profile's signals, the region's
 * statistics and a candidate slice of the catalog go through the recs engine
 * (worker/recs/home.ts); the result is what the rows cache stores — cards, and
 * each card's availability windows in the viewer's country so a cached entry
 * can drop a title whose window has closed since.
 */
import type { Db } from "../db/client.ts";
import { genreNamesIn } from "../catalog/genre-names.ts";
import { DEFAULT_CATALOG_LOCALE, localiseTitles } from "../catalog/localise.ts";
import type { LocalisedCard } from "../db/catalog.ts";
import type { Viewer } from "../lib/viewer.ts";
import { seedTitleIds } from "../recs/affinity.ts";
import { buildHome, onboardingChoices } from "../recs/home.ts";
import { loadCandidates } from "../recs/load.ts";
import { readCoWatch, readTopTitles, readTrending } from "../recs/signals.ts";
import type { DeviceClass, ProfileSignals } from "../recs/types.ts";

/** Affinity half-life for choosing co-watch seeds (the engine uses its own). */
const SEED_HALF_LIFE_DAYS = 30;
/** Titles offered by the "pick three you like" step. */
const ONBOARDING_CHOICES = 12;

export interface CachedRow {
  id: string;
  kind: string;
  heading: string;
  items: LocalisedCard[];
  /** A "Because you watched/liked" row: why, and its seed's name in the viewer's locale (the SPA words the heading). */
  reason?: "watched" | "liked";
  seedTitle?: string;
}

/** What KV holds for one home. */
export interface CachedHome {
  builtAt: number;
  hero: LocalisedCard | null;
  rows: CachedRow[];
  aboveFold: number;
  /** Availability windows in the viewer's country (and worldwide) per title: [startsAt, endsAt | null][]. */
  windows: Record<string, [number, number | null][]>;
  onboarding: LocalisedCard[] | null;
}

/** Whether a profile has told us anything yet (else it is offered onboarding). */
export function hasSignals(p: ProfileSignals): boolean {
  return p.watched.length > 0 || p.ratings.length > 0 || p.myList.length > 0 || p.onboarding !== null;
}

/** Builds a home from scratch (a cache miss). */
export async function buildHomeRows(db: Db, viewer: Viewer, profile: ProfileSignals, device: DeviceClass, hour: number, withOnboarding: boolean): Promise<CachedHome> {
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
  const onboardingIds = withOnboarding
    ? onboardingChoices(titles, trending, { country: viewer.country, nowMs: viewer.nowMs, maxMaturityAge: viewer.maxMaturityAge }, ONBOARDING_CHOICES)
    : null;
  // Every title the entry shows (its windows travel with it), in the viewer's locale: one query for all of them.
  const seedIds = home.rows.flatMap((r) => (r.seedTitleId === undefined ? [] : [r.seedTitleId]));
  const included = new Set<number>([...(home.hero === null ? [] : [home.hero]), ...home.rows.flatMap((r) => r.titleIds), ...(onboardingIds ?? [])]);
  const wanted = [...new Set([...included, ...seedIds])].flatMap((id) => (cards.has(id) ? [cards.get(id)!] : []));
  const locale = viewer.locale ?? DEFAULT_CATALOG_LOCALE;
  const [localisedCards, genreNames] = await Promise.all([
    localiseTitles(db, wanted, locale),
    // A genre row is headed by its genre's name (the engine works in the catalog's English names).
    home.rows.some((r) => r.kind === "genre") ? genreNamesIn(db, locale) : Promise.resolve(new Map<string, string>()),
  ]);
  const localised = new Map(localisedCards.map((c) => [c.id, c]));
  const cardsOf = (ids: number[]) => ids.flatMap((id) => (localised.has(id) ? [localised.get(id)!] : []));
  const rows = home.rows.map((r): CachedRow => ({
    id: r.id,
    kind: r.kind,
    heading: r.kind === "genre" ? (genreNames.get(r.heading) ?? r.heading) : r.heading,
    items: cardsOf(r.titleIds),
    ...(r.reason && r.seedTitleId !== undefined && localised.has(r.seedTitleId) ? { reason: r.reason, seedTitle: localised.get(r.seedTitleId)!.title } : {}),
  }));
  const onboarding = onboardingIds ? cardsOf(onboardingIds) : null;
  const windows: CachedHome["windows"] = {};
  for (const t of titles) {
    if (!included.has(t.id)) continue;
    windows[t.id] = t.availability.filter((a) => a.region === viewer.country || a.region === "WW").map((a) => [a.startsAtMs, a.endsAtMs]);
  }
  return { builtAt: viewer.nowMs, hero: home.hero === null ? null : (localised.get(home.hero) ?? null), rows, aboveFold: home.aboveFold, windows, onboarding };
}
