/**
 * The recommendation engine's input and output shapes. Everything here is plain
 * data: the engine (worker/recs/home.ts) reads no binding, so the Worker, the
 * tests and bench/recs.ts feed it the same way.
 */
import type { CoWatchCounts } from "./cowatch.ts";
import type { FeatureIndex } from "./features.ts";

/** Where and when a title may be watched: `region` is an ISO country code or "WW"; the window is [startsAtMs, endsAtMs). */
export interface AvailabilityWindow {
  region: string;
  startsAtMs: number;
  endsAtMs: number | null;
}

/** A catalog title as the engine needs it: content features plus the fields the rules check. */
export interface RecTitle {
  id: number;
  title: string;
  type: "movie" | "series";
  /** Genre names (or slugs), as shown in row headings. */
  genres: string[];
  /** Cast in billing order: person ids as strings, or names. */
  cast: string[];
  /** Crew (directors, writers…): person ids as strings, or names. */
  crew: string[];
  description: string;
  releaseYear: number;
  runtimeMinutes: number | null;
  /** Catalog popularity 0..1 (the fallback when viewing statistics are thin). */
  popularity: number;
  /** When the title joined the catalog (epoch ms). */
  addedAtMs: number;
  maturityAge: number;
  availability: AvailabilityWindow[];
  /** false when the title has no backdrop art (never chosen as the hero then); default true. */
  hasBackdrop?: boolean;
}

/** A profile's own signals: what it watched (ViewerState), rated, listed and picked at onboarding. */
export interface ProfileSignals {
  /** The profile's maturity ceiling on the MATURITY_AGES scale. */
  maxMaturityAge: number;
  /** Titles the profile has started: last activity, share watched 0..1, and whether it is finished (hidden from every row). */
  watched: { titleId: number; atMs: number; progress: number; finished: boolean }[];
  /** Thumbs: -1 down (never recommended, pushes similar titles down), 1 up, 2 double up. */
  ratings: { titleId: number; value: -1 | 1 | 2; atMs: number }[];
  /** My List in the profile's order. */
  myList: { titleId: number; addedAtMs: number }[];
  /** "Pick three you like" at onboarding; seeds affinity until real signals take over. */
  onboarding: { titleIds: number[]; atMs: number } | null;
}

/** A title with a score, best first. */
export interface ScoredTitle {
  titleId: number;
  score: number;
}

/** Viewing statistics from D1 (worker/recs/signals.ts readers). */
export interface HomeStats {
  /** Time-decayed views in the viewer's region, best first (readTrending). */
  trending: ScoredTitle[];
  /** Views over the last days in the viewer's country, best first (readTopTitles); the Top 10 row is dropped when fewer than 3 are eligible. */
  top: ScoredTitle[];
  /** Co-watch counts around the profile's seed titles (readCoWatch on seedTitleIds(profile, nowMs)). */
  coWatch: CoWatchCounts;
}

export type DeviceClass = "tv" | "desktop" | "phone";

/** The request's context: it nudges row order (worker/recs/context.ts). */
export interface HomeContext {
  /** The viewer's ISO country (region rules, Trending, Top 10); "ZZ" when unknown. */
  country: string;
  /** Local hour of day 0..23 (from request.cf.timezone). */
  localHour: number;
  device: DeviceClass;
}

export interface HomeInput {
  /** Candidate titles; the rules are applied here, so the whole catalog (or a popular/new/co-watched slice) may be passed. */
  titles: RecTitle[];
  /** buildFeatureIndex(titles), when the caller keeps one per isolate; built on the fly otherwise. */
  features?: FeatureIndex;
  profile: ProfileSignals;
  stats: HomeStats;
  context: HomeContext;
  nowMs: number;
}

export type RowKind = "my-list" | "because-you-watched" | "trending" | "top10" | "new-releases" | "genre" | "picked-for-you" | "popular";

export interface HomeRow {
  /** Stable id: "my-list", "byw-<titleId>", "trending", "top10-<CC>", "new-releases", "genre-<slug>", "picked-for-you", "popular". */
  id: string;
  kind: RowKind;
  heading: string;
  titleIds: number[];
  /** The seed of a "Because you watched" row, and whether it was watched or liked. */
  seedTitleId?: number;
  reason?: "watched" | "liked";
  /** The genre of a genre row. */
  genre?: string;
}

export interface Home {
  /** The hero title (never repeated in the rows above the fold); null when nothing is eligible. */
  hero: number | null;
  rows: HomeRow[];
  /** How many of `rows` are above the fold (the fold is counted with Continue Watching on top when the profile has titles in progress). */
  aboveFold: number;
}
