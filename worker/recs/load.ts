/**
 * Feeding the engine from the bindings: the profile's signals (what it watched,
 * its ratings, My List and onboarding picks, all from its account's ViewerState
 * object, with D1's profile row for picks the object has not seen) and
 * a candidate slice of the catalog with the features and rule fields the engine
 * needs. The slice, not the whole catalog, keeps a cache miss bounded at any
 * catalog size: the most popular and the newest titles the viewer may see, plus
 * every title the profile's signals, trending, Top 10 and co-watching name.
 */
import { asc, eq, sql } from "drizzle-orm";
import { titleCardColumns, toCard, visibleTo, type TitleCard } from "../db/catalog.ts";
import type { Db } from "../db/client.ts";
import { availability, credits, genres, titleGenres, titles } from "../db/schema.ts";
import type { Viewer } from "../lib/viewer.ts";
import type { ProgressEntry } from "../progress/model.ts";
import type { Taste } from "../profiles/taste-store.ts";
import type { ProfileSignals, RecTitle } from "./types.ts";

/** Popular and newest titles in every candidate slice. */
const POPULAR_SLICE = 400;
const NEWEST_SLICE = 100;
/** Cast members and crew jobs that count as content features. */
const CAST_FEATURES = 5;
const CREW_JOBS = ["Director", "Writer", "Screenplay", "Creator", "Showrunner"];

/** What the engine knows of a profile, from its watched entries (latest per title), its ratings and My List, and its onboarding picks. */
export function profileSignals(
  profile: { maxMaturityAge: number; onboarding: { titleIds: number[]; atMs: number } | null },
  watched: ProgressEntry[],
  taste: Taste,
): ProfileSignals {
  return {
    maxMaturityAge: profile.maxMaturityAge,
    watched: watched.map((e) => ({
      titleId: e.titleId,
      atMs: e.updatedAt,
      progress: Math.min(1, e.positionSeconds / e.durationSeconds),
      // A series is "finished" per episode; only a finished film leaves the rows.
      finished: e.finished && e.episodeId === null,
    })),
    ratings: taste.ratings.map((r) => ({ titleId: r.titleId, value: r.value, atMs: r.ratedAt })),
    myList: taste.myList.map((l) => ({ titleId: l.titleId, addedAtMs: l.addedAt })),
    onboarding: profile.onboarding,
  };
}

/** The engine's titles and the cards the response shows, for a candidate slice. */
export interface Candidates {
  titles: RecTitle[];
  cards: Map<number, TitleCard>;
}

/** Loads the candidate slice: popular and newest titles the viewer may see, plus `extraIds` (whatever their visibility; the engine's rules decide). */
export async function loadCandidates(db: Db, viewer: Viewer, extraIds: number[]): Promise<Candidates> {
  const id = sql`${titles}."id"`;
  const idRows = await db.all<{ id: number }>(sql`
    SELECT id FROM (SELECT ${titles.id} AS id FROM ${titles} WHERE ${visibleTo(viewer, id)} ORDER BY ${titles.popularity} DESC, ${titles.id} LIMIT ${POPULAR_SLICE})
    UNION
    SELECT id FROM (SELECT ${titles.id} AS id FROM ${titles} WHERE ${visibleTo(viewer, id)} ORDER BY ${titles.addedAt} DESC, ${titles.id} LIMIT ${NEWEST_SLICE})
    UNION
    SELECT value FROM json_each(${JSON.stringify([...new Set(extraIds)])})`);
  const ids = JSON.stringify(idRows.map((r) => r.id));
  const inSlice = (column: typeof titles.id | typeof titleGenres.titleId | typeof credits.titleId | typeof availability.titleId) =>
    sql`${column} IN (SELECT value FROM json_each(${ids}))`;
  const [titleRows, genreRows, creditRows, windowRows] = await db.batch([
    db
      .select({ ...titleCardColumns, addedAt: titles.addedAt })
      .from(titles)
      .where(inSlice(titles.id)),
    db.select({ titleId: titleGenres.titleId, name: genres.name }).from(titleGenres).innerJoin(genres, eq(genres.id, titleGenres.genreId)).where(inSlice(titleGenres.titleId)),
    db
      .select({ titleId: credits.titleId, personId: credits.personId, role: credits.role })
      .from(credits)
      .where(
        sql`${inSlice(credits.titleId)} AND ((${credits.role} = 'cast' AND ${credits.billingOrder} < ${CAST_FEATURES})
          OR (${credits.role} = 'crew' AND ${credits.job} IN (SELECT value FROM json_each(${JSON.stringify(CREW_JOBS)}))))`,
      )
      .orderBy(asc(credits.titleId), asc(credits.billingOrder)),
    db.select({ titleId: availability.titleId, region: availability.region, startsAt: availability.startsAt, endsAt: availability.endsAt }).from(availability).where(inSlice(availability.titleId)),
  ]);
  const group = <T extends { titleId: number }>(rows: T[]) => {
    const out = new Map<number, T[]>();
    for (const r of rows) out.set(r.titleId, [...(out.get(r.titleId) ?? []), r]);
    return out;
  };
  const genresOf = group(genreRows);
  const creditsOf = group(creditRows);
  const windowsOf = group(windowRows);
  const cards = new Map<number, TitleCard>();
  const recTitles = titleRows.map((t): RecTitle => {
    const { addedAt, ...card } = t;
    cards.set(t.id, toCard(card));
    const people = creditsOf.get(t.id) ?? [];
    return {
      id: t.id,
      title: t.title,
      type: t.type,
      genres: (genresOf.get(t.id) ?? []).map((g) => g.name),
      cast: people.filter((p) => p.role === "cast").map((p) => String(p.personId)),
      crew: people.filter((p) => p.role === "crew").map((p) => String(p.personId)),
      description: t.description,
      releaseYear: t.releaseYear,
      runtimeMinutes: t.runtimeMinutes,
      popularity: t.popularity,
      addedAtMs: addedAt,
      maturityAge: t.maturityAge,
      availability: (windowsOf.get(t.id) ?? []).map((w) => ({ region: w.region, startsAtMs: w.startsAt, endsAtMs: w.endsAt })),
      hasBackdrop: t.backdropUrl !== null,
    };
  });
  return { titles: recTitles, cards };
}
