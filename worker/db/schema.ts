/**
 * The catalog in D1. This file is the single source of truth for table shapes:
 * migrations are generated from it (drizzle-kit) and the worker, seed and ingest
 * tools all import it. Full-text search tables are virtual FTS5 tables that
 * drizzle cannot describe; they live in a hand-written migration (see
 * migrations/0001_search.sql) and are queried through worker/db/search.ts.
 */
import { sql } from "drizzle-orm";
import type { SubtitlePrefs } from "../../common/subtitles.ts";
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** Age-based maturity scale: the minimum age a title is suitable for. */
export const MATURITY_AGES = [0, 7, 13, 16, 18] as const;
export type MaturityAge = (typeof MATURITY_AGES)[number];

export const titles = sqliteTable(
  "titles",
  {
    id: integer("id").primaryKey(),
    type: text("type", { enum: ["movie", "series"] }).notNull(),
    title: text("title").notNull(),
    originalTitle: text("original_title"),
    /** Lower-cased, accent-folded title used for alphabetical ordering. */
    sortTitle: text("sort_title").notNull(),
    /** The original title's sort key in the original language (lib/text.ts localeSortKey): A–Z where a viewer sees the original title. */
    originalSortTitle: text("original_sort_title"),
    tagline: text("tagline"),
    description: text("description").notNull().default(""),
    releaseYear: integer("release_year").notNull(),
    /** Movie runtime, or the typical episode runtime of a series. */
    runtimeMinutes: integer("runtime_minutes"),
    originalLanguage: text("original_language").notNull().default("en"),
    /** BCP 47 language tags, JSON array. */
    audioLanguages: text("audio_languages", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    subtitleLanguages: text("subtitle_languages", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    maturityAge: integer("maturity_age").notNull().default(0),
    /** 0..1, blended into ranking; refreshed from viewing statistics. */
    popularity: real("popularity").notNull().default(0),
    /** When the title joined the catalog (epoch ms); "newest" sorts by it. */
    addedAt: integer("added_at").notNull(),
    posterUrl: text("poster_url"),
    backdropUrl: text("backdrop_url"),
    logoUrl: text("logo_url"),
  },
  (t) => [
    check("titles_maturity_age", sql`${t.maturityAge} IN (0, 7, 13, 16, 18)`),
    index("titles_popularity").on(t.popularity, t.id),
    index("titles_added").on(t.addedAt, t.id),
    index("titles_year").on(t.releaseYear, t.id),
    index("titles_sort_title").on(t.sortTitle, t.id),
    index("titles_type_popularity").on(t.type, t.popularity, t.id),
  ],
);

export const genres = sqliteTable("genres", {
  id: integer("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
});

/**
 * A genre's name in one locale ("fr", "ja", "pt-BR"); `genres.name` is the
 * catalog's own (English) name and ends every fallback chain (catalog/genre-names.ts).
 */
export const genreLocalisations = sqliteTable(
  "genre_localisations",
  {
    genreId: integer("genre_id").notNull().references(() => genres.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.genreId, t.locale] })],
);

export const titleGenres = sqliteTable(
  "title_genres",
  {
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    genreId: integer("genre_id").notNull().references(() => genres.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.titleId, t.genreId] }), index("title_genres_genre").on(t.genreId, t.titleId)],
);

/**
 * Where and when a title may be watched. `region` is an ISO 3166-1 alpha-2 code
 * or "WW" for worldwide; a title is available when any row matches the viewer's
 * country and the current time lies in [startsAt, endsAt).
 */
export const availability = sqliteTable(
  "availability",
  {
    id: integer("id").primaryKey(),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    region: text("region").notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at"),
  },
  (t) => [
    index("availability_title").on(t.titleId, t.region),
    check("availability_region", sql`length(${t.region}) = 2 AND ${t.region} = upper(${t.region})`),
  ],
);

/**
 * A title's name, tagline and description in one locale (BCP 47: "fr", "fr-CA", "ja").
 * Each field may be missing; readers resolve every field on its own along a fallback
 * chain (worker/catalog/localise.ts). The `titles` row is the catalog's own (English) text.
 */
export const titleLocalisations = sqliteTable(
  "title_localisations",
  {
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    title: text("title"),
    /** `title`'s sort key in this locale's language (lib/text.ts localeSortKey): Browse's A–Z in this language. */
    sortTitle: text("sort_title"),
    tagline: text("tagline"),
    description: text("description"),
  },
  (t) => [primaryKey({ columns: [t.titleId, t.locale] }), index("title_localisations_locale").on(t.locale, t.titleId)],
);

/**
 * The locales whose A–Z keys are stored (title_sort_keys): "en", "*" (a locale the
 * catalog has no text in: the original title, else English), every locale a
 * title has text in, and every original language with a region ("pt-BR"). Any
 * other locale sorts exactly as its language does, or as "*" (catalog/localise.ts
 * sortLocale). Kept by triggers
 * (migrations/0017_title_sort_keys.sql): a locale added here gets every title's key.
 */
export const sortLocales = sqliteTable("sort_locales", {
  locale: text("locale").primaryKey(),
});

/**
 * Each title's A–Z key in each stored locale: the key of the name a viewer in that
 * locale is shown, along the name's fallback chain (catalog/localise.ts), so A–Z in
 * any locale is one range of `title_sort_keys_order`. Written by triggers on
 * `titles` and `title_localisations` from the view `title_sort_key_source`, which
 * holds the chain (migrations/0017_title_sort_keys.sql); no writer computes it.
 */
export const titleSortKeys = sqliteTable(
  "title_sort_keys",
  {
    locale: text("locale").notNull(),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    sortKey: text("sort_key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.locale, t.titleId] }), index("title_sort_keys_order").on(t.locale, t.sortKey, t.titleId)],
);

export const seasons = sqliteTable(
  "seasons",
  {
    id: integer("id").primaryKey(),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    name: text("name").notNull(),
    overview: text("overview").notNull().default(""),
    releaseYear: integer("release_year"),
    posterUrl: text("poster_url"),
  },
  (t) => [uniqueIndex("seasons_title_number").on(t.titleId, t.number)],
);

export const episodes = sqliteTable(
  "episodes",
  {
    id: integer("id").primaryKey(),
    seasonId: integer("season_id").notNull().references(() => seasons.id, { onDelete: "cascade" }),
    /** Denormalised series id so "episodes of a title" needs no join. */
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    name: text("name").notNull(),
    overview: text("overview").notNull().default(""),
    runtimeMinutes: integer("runtime_minutes"),
    airDate: text("air_date"),
    stillUrl: text("still_url"),
  },
  (t) => [uniqueIndex("episodes_season_number").on(t.seasonId, t.number), index("episodes_title").on(t.titleId)],
);

export const people = sqliteTable("people", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  bio: text("bio"),
  photoUrl: text("photo_url"),
});

/** Cast (with character and billing order) and crew (with job) of a title. */
export const credits = sqliteTable(
  "credits",
  {
    id: integer("id").primaryKey(),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    personId: integer("person_id").notNull().references(() => people.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["cast", "crew"] }).notNull(),
    character: text("character"),
    job: text("job"),
    billingOrder: integer("billing_order").notNull().default(0),
  },
  (t) => [index("credits_title").on(t.titleId, t.role, t.billingOrder), index("credits_person").on(t.personId)],
);

/**
 * One encoded video (a movie or one episode). Rows are written by the ingest
 * tool only after every object is in R2; `status` flips to "ready" last, so a
 * half-written asset is never visible.
 */
export const assets = sqliteTable(
  "assets",
  {
    id: text("id").primaryKey(),
    titleId: integer("title_id").references(() => titles.id, { onDelete: "cascade" }),
    episodeId: integer("episode_id").references(() => episodes.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "ready", "retired"] }).notNull().default("pending"),
    /** R2 key prefix, e.g. "assets/<assetId>/". */
    keyPrefix: text("key_prefix").notNull(),
    masterKey: text("master_key").notNull(),
    durationSeconds: real("duration_seconds").notNull(),
    segmentSeconds: real("segment_seconds").notNull(),
    sizeBytes: integer("size_bytes").notNull().default(0),
    /** sha256 of the multivariant playlist; each object has its own below. */
    checksumSha256: text("checksum_sha256"),
    introStartSeconds: real("intro_start_seconds"),
    introEndSeconds: real("intro_end_seconds"),
    creditsStartSeconds: real("credits_start_seconds"),
    /**
     * How the ladder was chosen (JSON): `{"method":"fixed"}`, or a per-title
     * ladder's probes, upper convex hull and rungs (tools/ingest/per-title.ts).
     */
    ladderJson: text("ladder_json"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    check("assets_owner", sql`(${t.titleId} IS NULL) <> (${t.episodeId} IS NULL)`),
    index("assets_title").on(t.titleId, t.status),
    index("assets_episode").on(t.episodeId, t.status),
  ],
);

export const renditions = sqliteTable(
  "renditions",
  {
    id: integer("id").primaryKey(),
    assetId: text("asset_id").notNull().references(() => assets.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["video", "audio"] }).notNull(),
    width: integer("width"),
    height: integer("height"),
    frameRate: real("frame_rate"),
    /** Peak and average bits per second, measured from the written segments. */
    bandwidthBps: integer("bandwidth_bps").notNull(),
    averageBandwidthBps: integer("average_bandwidth_bps").notNull(),
    codecs: text("codecs").notNull(),
    format: text("format", { enum: ["cmaf", "ts"] }).notNull().default("cmaf"),
    language: text("language"),
    label: text("label"),
    channels: integer("channels"),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    playlistKey: text("playlist_key").notNull(),
    sizeBytes: integer("size_bytes").notNull().default(0),
  },
  (t) => [index("renditions_asset").on(t.assetId, t.kind)],
);

export const subtitleTracks = sqliteTable(
  "subtitle_tracks",
  {
    id: integer("id").primaryKey(),
    assetId: text("asset_id").notNull().references(() => assets.id, { onDelete: "cascade" }),
    language: text("language").notNull(),
    label: text("label").notNull(),
    format: text("format", { enum: ["webvtt"] }).notNull().default("webvtt"),
    playlistKey: text("playlist_key").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    isForced: integer("is_forced", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("subtitle_tracks_asset").on(t.assetId)],
);

/** Seek-bar preview thumbnails: sprite sheets plus a WebVTT track of `#xywh=` cues. */
export const trickplay = sqliteTable("trickplay", {
  assetId: text("asset_id").primaryKey().references(() => assets.id, { onDelete: "cascade" }),
  intervalSeconds: real("interval_seconds").notNull(),
  tileWidth: integer("tile_width").notNull(),
  tileHeight: integer("tile_height").notNull(),
  columns: integer("columns").notNull(),
  rows: integer("rows").notNull(),
  vttKey: text("vtt_key").notNull(),
});

/** Every R2 object of an asset, with its size and checksum, so D1 and R2 can be reconciled. */
export const assetObjects = sqliteTable(
  "asset_objects",
  {
    assetId: text("asset_id").notNull().references(() => assets.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    contentType: text("content_type").notNull(),
  },
  (t) => [primaryKey({ columns: [t.assetId, t.key] })],
);

/**
 * Content keys: one per asset folder (several assets may share one) and quality
 * tier, written by ingest, wrapped with AES-GCM under a key-encryption key from
 * the `CONTENT_KEKS` secret (worker/lib/content-keys.ts). `kek_id` names that
 * KEK, so a rotation re-wraps row by row without touching the media.
 */
export const contentKeys = sqliteTable(
  "content_keys",
  {
    /** The asset folder's R2 prefix, "assets/<folder>/". */
    keyPrefix: text("key_prefix").notNull(),
    tier: text("tier", { enum: ["SD", "HD", "UHD"] }).notNull(),
    /** The key id (KID) in the media's `tenc` box and the playlists' KEYID, 32 hex digits. */
    keyId: text("key_id").notNull(),
    /** base64url of IV ‖ AES-GCM ciphertext ‖ tag. */
    wrappedKey: text("wrapped_key").notNull(),
    kekId: text("kek_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyPrefix, t.tier] }), uniqueIndex("content_keys_key_id").on(t.keyId), index("content_keys_kek").on(t.kekId)],
);

/*
 * Accounts, sessions, profiles, My List and ratings. Ids of accounts, sessions
 * and profiles are random UUIDs (never guessable, never reused); every query
 * that touches a profile is scoped by its account.
 */

/** Subscription plans, as common/plans.ts names them. */
const PLAN_NAMES = ["basic", "standard", "premium"] as const;

/** A paying account: the e-mail (stored lower-cased) signs in with a PBKDF2-SHA256 password hash. */
export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    /** base64 of the PBKDF2-SHA256 output, its 16-byte salt and the iteration count used. */
    passwordHash: text("password_hash").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    plan: text("plan", { enum: PLAN_NAMES }).notNull().default("basic"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("accounts_email").on(t.email),
    check("accounts_email_lower", sql`${t.email} = lower(${t.email})`),
    check("accounts_plan", sql`${t.plan} IN ('basic', 'standard', 'premium')`),
  ],
);

/**
 * One signed-in device: a refresh-token family. Only the SHA-256 of the family's
 * current refresh token is kept; presenting an older one (reuse) revokes the family.
 * The profile chosen on this device lives here, server-side, so it cannot be forged.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    refreshHash: text("refresh_hash").notNull(),
    profileId: text("profile_id").references(() => profiles.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    rotatedAt: integer("rotated_at").notNull(),
    revokedAt: integer("revoked_at"),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_account").on(t.accountId)],
);

/** A profile's onboarding picks. */
export interface OnboardingPicks {
  titleIds: number[];
  atMs: number;
}

/** Up to five viewers per account (enforced by the route), each with its own maturity ceiling and settings. */
export const profiles = sqliteTable(
  "profiles",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    avatar: text("avatar").notNull().default("default"),
    isKids: integer("is_kids", { mode: "boolean" }).notNull().default(false),
    /** Highest title maturity age this profile may see, on the MATURITY_AGES scale. */
    maxMaturityAge: integer("max_maturity_age").notNull().default(18),
    language: text("language").notNull().default("en"),
    autoplay: integer("autoplay", { mode: "boolean" }).notNull().default(true),
    subtitles: text("subtitles", { mode: "json" })
      .$type<SubtitlePrefs>()
      .notNull()
      .default(sql`'{"language":null,"size":"medium","background":"semi"}'`),
    /** PBKDF2 hash of the 4-digit profile PIN ("<iterations>:<salt>:<hash>", base64); adult profiles only. */
    pinHash: text("pin_hash"),
    createdAt: integer("created_at").notNull(),
    /** Part of the profile's cached home rows' KV key; taste events bump it (worker/home/rows-cache.ts). */
    homeVersion: integer("home_version").notNull().default(0),
    /** "Pick three you like" at onboarding (an empty list: skipped); null until asked. */
    onboarding: text("onboarding", { mode: "json" }).$type<OnboardingPicks>(),
  },
  (t) => [
    index("profiles_account").on(t.accountId, t.createdAt),
    uniqueIndex("profiles_account_name").on(t.accountId, t.name),
    check("profiles_max_maturity_age", sql`${t.maxMaturityAge} IN (0, 7, 13, 16, 18)`),
    check("profiles_kids_pin", sql`NOT (${t.isKids} AND ${t.pinHash} IS NOT NULL)`),
  ],
);

/** A profile's My List, in the profile's own order (`position`, ascending). */
export const myList = sqliteTable(
  "my_list",
  {
    profileId: text("profile_id").notNull().references(() => profiles.id, { onDelete: "cascade" }),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    addedAt: integer("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.titleId] }), index("my_list_order").on(t.profileId, t.position)],
);

/** Thumbs: -1 down, 1 up, 2 double up. */
export const RATING_VALUES = [-1, 1, 2] as const;
export type RatingValue = (typeof RATING_VALUES)[number];

/** A profile's rating of a title. */
export const ratings = sqliteTable(
  "ratings",
  {
    profileId: text("profile_id").notNull().references(() => profiles.id, { onDelete: "cascade" }),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    value: integer("value").notNull(),
    ratedAt: integer("rated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.titleId] }),
    index("ratings_title").on(t.titleId),
    check("ratings_value", sql`${t.value} IN (-1, 1, 2)`),
  ],
);

/*
 * Viewing statistics for recommendations (worker/recs/signals.ts writes them in
 * batches from the ViewerState objects' alarms; never one write per view).
 */

/** Views and completions per title, viewer country ("ZZ" unknown) and UTC day (days since the epoch). */
export const titleStatsDaily = sqliteTable(
  "title_stats_daily",
  {
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    country: text("country").notNull(),
    day: integer("day").notNull(),
    views: integer("views").notNull().default(0),
    completions: integer("completions").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.titleId, t.country, t.day] }),
    index("title_stats_daily_country_day").on(t.country, t.day),
    index("title_stats_daily_day").on(t.day),
  ],
);

/**
 * Co-watching: how many profiles watched both titles within a window of recent
 * titles (worker/recs/cowatch.ts). One row per unordered pair (titleA < titleB);
 * the diagonal (titleA = titleB) holds the title's distinct viewers.
 */
export const coWatch = sqliteTable(
  "co_watch",
  {
    titleA: integer("title_a").notNull().references(() => titles.id, { onDelete: "cascade" }),
    titleB: integer("title_b").notNull().references(() => titles.id, { onDelete: "cascade" }),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.titleA, t.titleB] }),
    index("co_watch_b").on(t.titleB, t.titleA),
    check("co_watch_order", sql`${t.titleA} <= ${t.titleB}`),
  ],
);

/** Each profile's most recently viewed distinct titles (at most RECENT_TITLES), the window co-watch pairs are counted in. */
export const profileRecentTitles = sqliteTable(
  "profile_recent_titles",
  {
    profileId: text("profile_id").notNull().references(() => profiles.id, { onDelete: "cascade" }),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    lastAt: integer("last_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.titleId] }), index("profile_recent_titles_last").on(t.profileId, t.lastAt)],
);

/**
 * QoE minute rollups (worker/qoe/): one row per minute × title × rendition ×
 * pathway × country × device class × player version, summed counters flushed
 * from the QoeShard objects (additive upserts). No account, profile, IP or
 * user agent: nothing here identifies a person. Kept 13 months.
 */
const qoeDims = {
  /** Epoch minute (ms / 60 000). */
  minute: integer("minute").notNull(),
  titleId: integer("title_id").notNull(),
  /** Rendition height (px); 0 before one was known. */
  rendition: integer("rendition").notNull(),
  pathway: text("pathway").notNull(),
  country: text("country").notNull(),
  device: text("device").notNull(),
  player: text("player").notNull(),
};
/** A table of summed QoE counters per cell, at one time grain (minutes, or hours for long ranges). */
function qoeCounterTable<N extends string>(name: N) {
  return sqliteTable(
    name,
    {
      ...qoeDims,
      views: integer("views").notNull().default(0),
      started: integer("started").notNull().default(0),
      startupMs: integer("startup_ms").notNull().default(0),
      failed: integer("failed").notNull().default(0),
      exitsBeforeStart: integer("exits_before_start").notNull().default(0),
      completed: integer("completed").notNull().default(0),
      stalls: integer("stalls").notNull().default(0),
      watchMs: integer("watch_ms").notNull().default(0),
      rebufferMs: integer("rebuffer_ms").notNull().default(0),
      playingMs: integer("playing_ms").notNull().default(0),
      ratedMs: integer("rated_ms").notNull().default(0),
      kbpsMs: integer("kbps_ms").notNull().default(0),
      errors: integer("errors").notNull().default(0),
    },
    (t) => [
      primaryKey({ columns: [t.minute, t.titleId, t.rendition, t.pathway, t.country, t.device, t.player] }),
      index(`${name}_title`).on(t.titleId, t.minute),
    ],
  );
}

/** Video startup time histograms per rollup cell: log buckets (common/qoe.ts histogramBucket) and their counts. */
function qoeHistogramTable<N extends string>(name: N) {
  return sqliteTable(
    name,
    {
      ...qoeDims,
      bucket: integer("bucket").notNull(),
      count: integer("count").notNull(),
    },
    (t) => [primaryKey({ columns: [t.minute, t.titleId, t.rendition, t.pathway, t.country, t.device, t.player, t.bucket] })],
  );
}

export const qoeMinutes = qoeCounterTable("qoe_minutes");
export const qoeStartupHistogram = qoeHistogramTable("qoe_startup_histogram");
/**
 * The same rollups summed per hour (`minute` is the hour's first minute),
 * written with the minutes: the console's 30-day range reads 60× fewer rows.
 */
export const qoeHours = qoeCounterTable("qoe_hours");
export const qoeStartupHours = qoeHistogramTable("qoe_startup_hours");

/**
 * Home-row click-through, per UTC day (epoch day), row kind and device class: how often a row was
 * shown (`rowViews`, once per Home visit), its tiles shown (`tileViews`), and plays started from it.
 * Summed by the QoeShard objects like the minute rollups (worker/qoe/row-store.ts); nothing per viewer.
 */
export const homeRowDays = sqliteTable(
  "home_row_days",
  {
    day: integer("day").notNull(),
    row: text("row").notNull(),
    device: text("device").notNull(),
    rowViews: integer("row_views").notNull().default(0),
    tileViews: integer("tile_views").notNull().default(0),
    plays: integer("plays").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.row, t.device] })],
);

/** Accounts that opted out of QoE collection (account page); beacons from their sessions are dropped. */
export const qoeOptOuts = sqliteTable("qoe_opt_outs", {
  accountId: text("account_id").primaryKey().references(() => accounts.id, { onDelete: "cascade" }),
  optedOutAt: integer("opted_out_at").notNull(),
});

/**
 * QoE alert rules (the operations console): "metric above/below threshold over the last
 * window minutes", optionally only for one title, pathway, country or device class. Each rule
 * keeps whether it fires now, so a state change is reported once (worker/qoe/alerts.ts).
 */
export const qoeAlertRules = sqliteTable("qoe_alert_rules", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  metric: text("metric").notNull(),
  /** "above" or "below" the threshold. */
  op: text("op").notNull(),
  threshold: real("threshold").notNull(),
  windowMinutes: integer("window_minutes").notNull(),
  /** Fewer views than this in the window: no verdict (the rule keeps its state). */
  minViews: integer("min_views").notNull(),
  titleId: integer("title_id"),
  pathway: text("pathway"),
  country: text("country"),
  device: text("device"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  firing: integer("firing", { mode: "boolean" }).notNull().default(false),
  /** When `firing` last changed (epoch ms). */
  changedAt: integer("changed_at"),
  /** The metric's value at the last evaluation with a verdict. */
  lastValue: real("last_value"),
  createdAt: integer("created_at").notNull(),
});

/** What alert rules did: each firing and each resolution, once, and whether the webhook took it. */
export const qoeAlertEvents = sqliteTable(
  "qoe_alert_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleId: integer("rule_id").notNull().references(() => qoeAlertRules.id, { onDelete: "cascade" }),
    /** "firing" or "resolved". */
    state: text("state").notNull(),
    value: real("value"),
    at: integer("at").notNull(),
    /** When the webhook accepted it (epoch ms); null while it waits (or no webhook is configured). */
    deliveredAt: integer("delivered_at"),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("qoe_alert_events_pending").on(t.deliveredAt, t.id), index("qoe_alert_events_at").on(t.at)],
);

/** Operator accounts: they may open the operations console (/ops); `npm run admin -- grant <email>`. */
export const operators = sqliteTable("operators", {
  accountId: text("account_id").primaryKey().references(() => accounts.id, { onDelete: "cascade" }),
  grantedAt: integer("granted_at").notNull(),
});

/**
 * Live channels (issue 16): one per slug, each broadcasting as a catalog title
 * (entitlement, regions and ceilings exactly as for VOD). The ingest secret is
 * never stored: `secretHash` is HMAC-SHA256 keyed by the channel's own random
 * `secretSalt` (both base64url), compared in constant time (worker/live/secret.ts).
 * Each broadcast is an ordinary asset row whose folder starts with `live-`.
 */
export const liveChannels = sqliteTable("live_channels", {
  slug: text("slug").primaryKey(),
  titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
  secretSalt: text("secret_salt").notNull(),
  secretHash: text("secret_hash").notNull(),
  /** How far back viewers may seek while live (the DVR window). */
  dvrWindowSeconds: integer("dvr_window_seconds").notNull().default(7200),
  createdAt: integer("created_at").notNull(),
});

/**
 * One counter that every change to what catalog and search responses show
 * bumps, through triggers (migrations/0009_catalog_version.sql) on titles,
 * availability, genres, people, credits, seasons, episodes, assets, renditions
 * and subtitle tracks: whatever writes the catalog — the Worker, seed or ingest
 * tools — invalidates the edge-cached responses (worker/catalog/edge-cache.ts),
 * whose key carries the version.
 */
export const catalogVersion = sqliteTable("catalog_version", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull(),
});

/** What a scheduled event is: a live channel's broadcast, or a VOD title premiering as a live stream. */
export const EVENT_KINDS = ["live", "premiere"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * The schedule (issue 16): live broadcasts and premieres, each pointing at the
 * catalog title viewers open (a channel's title for `live`, with its slug; the
 * film itself for `premiere`). A premiere serves the title's VOD asset as a live
 * stream from `startsAt` (worker/schedule/premiere-playlist.ts), `loops` times in
 * a row, ending at `endsAt` (derived from the asset's duration when created), with
 * `windowSeconds` of it to go back in. Times are epoch ms.
 */
export const scheduleEvents = sqliteTable(
  "schedule_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: EVENT_KINDS }).notNull(),
    titleId: integer("title_id").notNull().references(() => titles.id, { onDelete: "cascade" }),
    channelSlug: text("channel_slug").references(() => liveChannels.slug, { onDelete: "cascade" }),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    loops: integer("loops").notNull().default(1),
    windowSeconds: integer("window_seconds").notNull().default(1800),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("schedule_events_ends_idx").on(t.endsAt),
    index("schedule_events_title_idx").on(t.titleId, t.startsAt),
    check("schedule_events_times", sql`${t.endsAt} > ${t.startsAt}`),
    check("schedule_events_channel", sql`(${t.kind} = 'live') = (${t.channelSlug} IS NOT NULL)`),
  ],
);

/**
 * "Remind me": a profile asked to hear when an event starts (shown in-app).
 * Only the profile id and the event: nothing else about the viewer.
 */
export const eventReminders = sqliteTable(
  "event_reminders",
  {
    profileId: text("profile_id").notNull().references(() => profiles.id, { onDelete: "cascade" }),
    eventId: integer("event_id").notNull().references(() => scheduleEvents.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.profileId, t.eventId] }), index("event_reminders_event_idx").on(t.eventId)],
);
