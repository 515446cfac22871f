/**
 * Catalog queries. Every function that returns titles applies the viewer's
 * rules (region, availability window, maturity ceiling) in SQL, so no caller can
 * forget them.
 */
import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { byLocalName, localisedGenreName } from "../catalog/genre-names.ts";
import { DEFAULT_CATALOG_LOCALE, localiseTitles, sortLocale, type Localised } from "../catalog/localise.ts";
import type { Viewer } from "../lib/viewer.ts";
import type { Db } from "./client.ts";
import { assets, availability, credits, episodes, genres, people, renditions, seasons, subtitleTracks, titleGenres, titles, titleSortKeys } from "./schema.ts";

export const MATURITY_LABELS: Record<number, string> = { 0: "All ages", 7: "7+", 13: "13+", 16: "16+", 18: "18+" };

/** Title names by id (the ops console's titles, a stream lease not yet named); ids without a title are absent. */
export async function titleNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: titles.id, title: titles.title })
    .from(titles)
    .where(sql`${titles.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
    .all();
  return new Map(rows.map((r) => [r.id, r.title]));
}

/** `{ age, label }` for a maturity age. */
export function maturity(age: number) {
  return { age, label: MATURITY_LABELS[age] ?? `${age}+` };
}

/** SQL condition: the title in `titleId` may be shown to `viewer` (region, window, maturity). */
export function visibleTo(viewer: Viewer, titleId: SQL | typeof titles.id = titles.id, maturityAge: SQL | typeof titles.maturityAge = titles.maturityAge): SQL {
  return sql`(${maturityAge} <= ${viewer.maxMaturityAge} AND EXISTS (
    SELECT 1 FROM ${availability} a
    WHERE a.title_id = ${titleId} AND a.region IN (${viewer.country}, 'WW')
      AND a.starts_at <= ${viewer.nowMs} AND (a.ends_at IS NULL OR a.ends_at > ${viewer.nowMs})))`;
}

/** Columns of a title card (lists, rows, search results). */
export const titleCardColumns = {
  id: titles.id,
  type: titles.type,
  title: titles.title,
  releaseYear: titles.releaseYear,
  runtimeMinutes: titles.runtimeMinutes,
  maturityAge: titles.maturityAge,
  popularity: titles.popularity,
  tagline: titles.tagline,
  description: titles.description,
  posterUrl: titles.posterUrl,
  backdropUrl: titles.backdropUrl,
  logoUrl: titles.logoUrl,
};

export type TitleCardRow = {
  id: number;
  type: "movie" | "series";
  title: string;
  releaseYear: number;
  runtimeMinutes: number | null;
  maturityAge: number;
  popularity: number;
  tagline: string | null;
  description: string;
  posterUrl: string | null;
  backdropUrl: string | null;
  logoUrl: string | null;
};

/** The public shape of a title card. */
export function toCard(row: TitleCardRow) {
  const { maturityAge, ...rest } = row;
  return { ...rest, maturity: maturity(maturityAge) };
}
export type TitleCard = ReturnType<typeof toCard>;
/** A card as responses carry it: its texts in the viewer's locale (catalog/localise.ts). */
export type LocalisedCard = Localised<TitleCard>;

/** All genres with their names in `locale`, in that locale's alphabetical order. */
export async function listGenres(db: Db, locale: string = DEFAULT_CATALOG_LOCALE) {
  const rows = await db.select({ id: genres.id, slug: genres.slug, name: localisedGenreName(locale) }).from(genres).all();
  return byLocalName(rows, locale);
}

export const TITLE_SORTS = ["popular", "newest", "year", "title"] as const;
export type TitleSort = (typeof TITLE_SORTS)[number];

/**
 * The position after the last item of a page: the sort key and the id that breaks
 * ties; A–Z keys are the viewer's locale's, so an A–Z cursor names its locale.
 */
export type Cursor = { sort: TitleSort; key: number | string; id: number; locale?: string };

export interface ListTitlesQuery {
  genre?: string;
  type?: "movie" | "series";
  year?: number;
  sort: TitleSort;
  cursor?: Cursor;
  limit: number;
}

/** The other sorts' columns, each highest first (indexed with the id: titles_popularity, titles_added, titles_year). */
const SORT_COLUMNS = {
  popular: titles.popularity,
  newest: titles.addedAt,
  year: titles.releaseYear,
} as const;

/**
 * The query of one page of titles visible to the viewer, keyset-paginated on
 * (sort key, id). A–Z reads the stored keys of the viewer's locale
 * (`title_sort_keys`, the name the viewer is shown along its fallback chain) as
 * one range of their index, in any locale, and joins each title by its id.
 */
export function listTitlesQuery(db: Db, viewer: Viewer, q: ListTitlesQuery) {
  const locale = viewer.locale ?? DEFAULT_CATALOG_LOCALE;
  const conditions: SQL[] = [visibleTo(viewer)];
  if (q.type) conditions.push(eq(titles.type, q.type));
  if (q.year !== undefined) conditions.push(eq(titles.releaseYear, q.year));
  if (q.genre) {
    conditions.push(
      inArray(
        titles.id,
        db
          .select({ id: titleGenres.titleId })
          .from(titleGenres)
          .innerJoin(genres, eq(genres.id, titleGenres.genreId))
          .where(eq(genres.slug, q.genre)),
      ),
    );
  }
  const limit = q.limit + 1;
  if (q.sort === "title") {
    conditions.push(sql`${titleSortKeys.locale} = ${sortLocale(locale)}`);
    if (q.cursor) conditions.push(sql`(${titleSortKeys.sortKey}, ${titleSortKeys.titleId}) > (${q.cursor.key}, ${q.cursor.id})`);
    return db
      .select({ ...titleCardColumns, sortKey: sql<number | string>`${titleSortKeys.sortKey}` })
      .from(titleSortKeys)
      .innerJoin(titles, eq(titles.id, titleSortKeys.titleId))
      .where(and(...conditions))
      .orderBy(asc(titleSortKeys.sortKey), asc(titleSortKeys.titleId))
      .limit(limit);
  }
  const column = sql<number | string>`${SORT_COLUMNS[q.sort]}`;
  if (q.cursor) conditions.push(or(lt(column, q.cursor.key), and(eq(column, q.cursor.key), lt(titles.id, q.cursor.id)))!);
  return db
    .select({ ...titleCardColumns, sortKey: column })
    .from(titles)
    .where(and(...conditions))
    .orderBy(desc(column), desc(titles.id))
    .limit(limit);
}

/** One page of titles visible to the viewer, keyset-paginated on (sort key, id), in the viewer's locale. */
export async function listTitles(db: Db, viewer: Viewer, q: ListTitlesQuery) {
  const locale = viewer.locale ?? DEFAULT_CATALOG_LOCALE;
  const rows = await listTitlesQuery(db, viewer, q);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor: Cursor | null =
    rows.length > q.limit && last ? { sort: q.sort, key: last.sortKey, id: last.id, ...(q.sort === "title" ? { locale } : {}) } : null;
  const items = await localiseTitles(db, page.map(({ sortKey: _sortKey, ...row }) => toCard(row)), locale);
  return { items, nextCursor };
}

/** Whether a genre slug exists (so an unknown genre is a 404, not an empty list). */
export async function genreExists(db: Db, slug: string): Promise<boolean> {
  const row = await db.select({ id: genres.id }).from(genres).where(eq(genres.slug, slug)).get();
  return row !== undefined;
}

/**
 * The ready asset a plain Play starts: a movie's newest, or the newest of a
 * series' first episode (by season, then number) that has one; null when none.
 */
async function playableAsset(db: Db, titleId: number, type: "movie" | "series"): Promise<{ id: string; durationSeconds: number } | null> {
  const ready = eq(assets.status, "ready");
  const columns = { id: assets.id, durationSeconds: assets.durationSeconds };
  const row =
    type === "movie"
      ? await db.select(columns).from(assets).where(and(eq(assets.titleId, titleId), ready)).orderBy(desc(assets.createdAt)).limit(1).get()
      : await db
          .select(columns)
          .from(assets)
          .innerJoin(episodes, eq(episodes.id, assets.episodeId))
          .innerJoin(seasons, eq(seasons.id, episodes.seasonId))
          .where(and(eq(episodes.titleId, titleId), ready))
          .orderBy(asc(seasons.number), asc(episodes.number), desc(assets.createdAt))
          .limit(1)
          .get();
  return row ?? null;
}

/**
 * What the media that will play has — the audio and subtitle languages of the
 * asset a plain Play starts (its renditions and subtitle tracks, defaults
 * first) and its length — so a title page promises only that. A title without
 * media promises no language and states no media length.
 */
export async function playableMedia(db: Db, titleId: number, type: "movie" | "series"): Promise<{ audioLanguages: string[]; subtitleLanguages: string[]; mediaSeconds: number | null }> {
  const asset = await playableAsset(db, titleId, type);
  if (!asset) return { audioLanguages: [], subtitleLanguages: [], mediaSeconds: null };
  const assetId = asset.id;
  const [audioRows, subtitleRows] = await db.batch([
    db
      .select({ language: renditions.language })
      .from(renditions)
      .where(and(eq(renditions.assetId, assetId), eq(renditions.kind, "audio")))
      .orderBy(desc(renditions.isDefault), asc(renditions.id)),
    db
      .select({ language: subtitleTracks.language })
      .from(subtitleTracks)
      .where(and(eq(subtitleTracks.assetId, assetId), eq(subtitleTracks.isForced, false)))
      .orderBy(desc(subtitleTracks.isDefault), asc(subtitleTracks.id)),
  ]);
  const distinct = (rows: { language: string | null }[]) => [...new Set(rows.flatMap((r) => (r.language ? [r.language] : [])))];
  return { audioLanguages: distinct(audioRows), subtitleLanguages: distinct(subtitleRows), mediaSeconds: asset.durationSeconds };
}

/** Full detail of one visible title: genres, seasons with episodes, credits and availability; undefined when hidden or unknown. */
export async function getTitleDetail(db: Db, viewer: Viewer, id: number) {
  const title = await db
    .select()
    .from(titles)
    .where(and(eq(titles.id, id), visibleTo(viewer)))
    .get();
  if (!title) return undefined;
  const media = playableMedia(db, id, title.type);
  const locale = viewer.locale ?? DEFAULT_CATALOG_LOCALE;
  const [genreRows, seasonRows, episodeRows, creditRows, windowRows] = await db.batch([
    db
      .select({ slug: genres.slug, name: localisedGenreName(locale) })
      .from(titleGenres)
      .innerJoin(genres, eq(genres.id, titleGenres.genreId))
      .where(eq(titleGenres.titleId, id)),
    db.select().from(seasons).where(eq(seasons.titleId, id)).orderBy(asc(seasons.number)),
    db
      .select({ ...getTableColumns(episodes), mediaSeconds: sql<number | null>`(SELECT max(a.duration_seconds) FROM ${assets} a WHERE a.episode_id = ${episodes}."id" AND a.status = 'ready')` })
      .from(episodes)
      .where(eq(episodes.titleId, id))
      .orderBy(asc(episodes.seasonId), asc(episodes.number)),
    db
      .select({
        personId: people.id,
        name: people.name,
        photoUrl: people.photoUrl,
        role: credits.role,
        character: credits.character,
        job: credits.job,
        billingOrder: credits.billingOrder,
      })
      .from(credits)
      .innerJoin(people, eq(people.id, credits.personId))
      .where(eq(credits.titleId, id))
      .orderBy(asc(credits.role), asc(credits.billingOrder)),
    db
      .select({ region: availability.region, startsAt: availability.startsAt, endsAt: availability.endsAt })
      .from(availability)
      .where(
        and(
          eq(availability.titleId, id),
          sql`${availability.region} IN (${viewer.country}, 'WW')`,
          sql`${availability.startsAt} <= ${viewer.nowMs}`,
          sql`(${availability.endsAt} IS NULL OR ${availability.endsAt} > ${viewer.nowMs})`,
        ),
      ),
  ]);
  const episodesBySeason = new Map<number, typeof episodeRows>();
  for (const ep of episodeRows) {
    const list = episodesBySeason.get(ep.seasonId) ?? [];
    list.push(ep);
    episodesBySeason.set(ep.seasonId, list);
  }
  const { maturityAge, sortTitle: _sortTitle, ...rest } = title;
  // The latest end among the windows that apply now: when the title leaves (null = no end).
  const ends = windowRows.map((w) => w.endsAt);
  const availableUntil = ends.includes(null) ? null : Math.max(...(ends as number[]));
  const [texts] = await localiseTitles(db, [rest], viewer.locale ?? DEFAULT_CATALOG_LOCALE);
  return {
    ...texts!,
    // The catalog's language columns describe the work; a page promises only what its media has.
    ...(await media),
    maturity: maturity(maturityAge),
    genres: byLocalName(genreRows, locale),
    seasons:
      title.type === "series"
        ? seasonRows.map((s) => ({
            id: s.id,
            number: s.number,
            name: s.name,
            overview: s.overview,
            releaseYear: s.releaseYear,
            posterUrl: s.posterUrl,
            episodes: (episodesBySeason.get(s.id) ?? []).map(({ seasonId: _s, titleId: _t, ...ep }) => ep),
          }))
        : undefined,
    cast: creditRows
      .filter((c) => c.role === "cast")
      .map(({ personId, name, photoUrl, character, billingOrder }) => ({ personId, name, photoUrl, character, billingOrder })),
    crew: creditRows
      .filter((c) => c.role === "crew")
      .map(({ personId, name, photoUrl, job }) => ({ personId, name, photoUrl, job })),
    availability: {
      country: viewer.country,
      regions: [...new Set(windowRows.map((w) => w.region))],
      availableUntil,
    },
  };
}

/**
 * The maturity age of a title hidden from `viewer` by its ceiling alone (in
 * region and window); undefined when it is hidden for any other reason or not
 * at all, so a refusal can say "above this profile's limit" without telling
 * anyone about titles outside their region or window.
 */
export async function ceilingHides(db: Db, viewer: Viewer, id: number): Promise<number | undefined> {
  const row = await db
    .select({ maturityAge: titles.maturityAge })
    .from(titles)
    .where(and(eq(titles.id, id), visibleTo(viewer, titles.id, sql`0`), gt(titles.maturityAge, viewer.maxMaturityAge)))
    .get();
  return row?.maturityAge;
}

/** A person and the visible titles they are credited on, most popular first. */
export async function getPerson(db: Db, viewer: Viewer, id: number) {
  const person = await db.select().from(people).where(eq(people.id, id)).get();
  if (!person) return undefined;
  const rows = await db
    .select({ ...titleCardColumns, role: credits.role, character: credits.character, job: credits.job })
    .from(credits)
    .innerJoin(titles, eq(titles.id, credits.titleId))
    .where(and(eq(credits.personId, id), visibleTo(viewer)))
    .orderBy(desc(titles.popularity), desc(titles.id));
  const byTitle = new Map<number, { card: TitleCard; roles: { role: string; character: string | null; job: string | null }[] }>();
  for (const { role, character, job, ...card } of rows) {
    const entry = byTitle.get(card.id) ?? { card: toCard(card), roles: [] };
    entry.roles.push({ role, character, job });
    byTitle.set(card.id, entry);
  }
  return {
    ...person,
    titles: await localiseTitles(db, [...byTitle.values()].map(({ card, roles }) => ({ ...card, roles })), viewer.locale ?? DEFAULT_CATALOG_LOCALE),
  };
}
