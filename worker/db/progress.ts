/**
 * The D1 side of watch progress: checking what a write points at (a title the
 * profile may see, an episode of it, the asset's credits marker), and turning
 * the Durable Object's bare ids into title cards and episodes for the pages —
 * always through `visibleTo`, so a kids profile never sees a title above its
 * ceiling in continue watching or history either.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { AnyColumn, SQL } from "drizzle-orm";
import type { Viewer } from "../lib/viewer.ts";
import { titleCardColumns, toCard, visibleTo } from "./catalog.ts";
import type { Db } from "./client.ts";
import { assets, episodes, seasons, titles } from "./schema.ts";

export type ProgressTarget =
  | { ok: true; type: "movie" | "series"; creditsStartSeconds: number | null }
  | { ok: false; code: "title_not_found" | "episode_required" | "episode_not_found" | "not_an_episode" };

/** What a progress write for (title, episode) refers to, in one D1 round trip. */
export async function progressTarget(db: Db, viewer: Viewer, titleId: number, episodeId: number | null): Promise<ProgressTarget> {
  const id = sql`${titles}."id"`;
  const ownerMatch = episodeId === null ? sql`a.title_id = ${id}` : sql`a.episode_id = ${episodeId}`;
  const row = await db
    .select({
      type: titles.type,
      episodeOfTitle:
        episodeId === null
          ? sql<number>`0`
          : sql<number>`EXISTS (SELECT 1 FROM ${episodes} e WHERE e.id = ${episodeId} AND e.title_id = ${id})`,
      creditsStart: sql<number | null>`(SELECT a.credits_start_seconds FROM ${assets} a
        WHERE ${ownerMatch} AND a.status = 'ready' ORDER BY a.created_at DESC LIMIT 1)`,
    })
    .from(titles)
    .where(and(eq(titles.id, titleId), visibleTo(viewer, id)))
    .get();
  if (!row) return { ok: false, code: "title_not_found" };
  if (row.type === "movie" && episodeId !== null) return { ok: false, code: "not_an_episode" };
  if (row.type === "series" && episodeId === null) return { ok: false, code: "episode_required" };
  if (episodeId !== null && !row.episodeOfTitle) return { ok: false, code: "episode_not_found" };
  return { ok: true, type: row.type, creditsStartSeconds: row.creditsStart };
}

export type TitleCard = ReturnType<typeof toCard>;

/** Title cards of the ids the viewer may currently see, by id. */
export async function visibleCards(db: Db, viewer: Viewer, titleIds: number[]): Promise<Map<number, TitleCard>> {
  if (titleIds.length === 0) return new Map();
  const ids = [...new Set(titleIds)];
  const rows = await db
    .select(titleCardColumns)
    .from(titles)
    .where(and(sql`${titles.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`, visibleTo(viewer)))
    .all();
  return new Map(rows.map((r) => [r.id, toCard(r)]));
}

export interface EpisodeInfo {
  id: number;
  titleId: number;
  seasonNumber: number;
  number: number;
  name: string;
  runtimeMinutes: number | null;
  stillUrl: string | null;
}

/** Episodes by id. */
export async function episodesById(db: Db, episodeIds: number[]): Promise<Map<number, EpisodeInfo>> {
  if (episodeIds.length === 0) return new Map();
  const rows = await db
    .select({
      id: episodes.id,
      titleId: episodes.titleId,
      seasonNumber: seasons.number,
      number: episodes.number,
      name: episodes.name,
      runtimeMinutes: episodes.runtimeMinutes,
      stillUrl: episodes.stillUrl,
    })
    .from(episodes)
    .innerJoin(seasons, eq(seasons.id, episodes.seasonId))
    .where(inArray(episodes.id, [...new Set(episodeIds)]))
    .all();
  return new Map(rows.map((r) => [r.id, r]));
}

/** For each finished episode, the next episode of its series that has video (absent when it was the last). */
export async function nextEpisodesAfter(db: Db, episodeIds: number[]): Promise<Map<number, number>> {
  if (episodeIds.length === 0) return new Map();
  const rows = await db.all<{ after: number; next: number | null }>(sql`
    SELECT e.id AS after, ${nextEpisodeId(sql`e`, sql`s`)} AS next
    FROM json_each(${JSON.stringify([...new Set(episodeIds)])}) j
    JOIN ${episodes} e ON e.id = j.value
    JOIN ${seasons} s ON s.id = e.season_id`);
  return new Map(rows.filter((r) => r.next !== null).map((r) => [r.after, r.next!]));
}

/** The SQL of "the next episode with video after episode `e` of season `s`" (its id), for a correlated subquery. */
function nextEpisodeId(e: SQL, s: SQL): SQL {
  return sql`(SELECT e2.id FROM ${episodes} e2 JOIN ${seasons} s2 ON s2.id = e2.season_id
    WHERE e2.title_id = ${e}.title_id
      AND (s2.number > ${s}.number OR (s2.number = ${s}.number AND e2.number > ${e}.number))
      AND EXISTS (SELECT 1 FROM ${assets} a WHERE a.episode_id = e2.id AND a.status = 'ready')
    ORDER BY s2.number, e2.number LIMIT 1)`;
}

/**
 * An episode's card columns, each aliased: D1 answers a batch as objects, where
 * same-named columns of two tables (episodes.number, seasons.number) would collide.
 */
function episodeInfo(e: Record<"id" | "titleId" | "number" | "name" | "runtimeMinutes" | "stillUrl", AnyColumn>, s: { number: AnyColumn }, prefix: string) {
  return {
    id: sql<number>`${e.id}`.as(`${prefix}id`),
    titleId: sql<number>`${e.titleId}`.as(`${prefix}title_id`),
    seasonNumber: sql<number>`${s.number}`.as(`${prefix}season_number`),
    number: sql<number>`${e.number}`.as(`${prefix}number`),
    name: sql<string>`${e.name}`.as(`${prefix}name`),
    runtimeMinutes: sql<number | null>`${e.runtimeMinutes}`.as(`${prefix}runtime_minutes`),
    stillUrl: sql<string | null>`${e.stillUrl}`.as(`${prefix}still_url`),
  };
}

/**
 * Everything Continue Watching needs from D1 in one round trip: the visible
 * cards of `titleIds`, the episodes being resumed, and for each finished
 * episode the next one with video (keyed by the finished episode's id).
 */
export async function continueData(db: Db, viewer: Viewer, titleIds: number[], resumeEpisodeIds: number[], finishedEpisodeIds: number[]) {
  const inJson = (column: SQL | typeof titles.id | typeof episodes.id, ids: number[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(ids)])}))`;
  const next = alias(episodes, "next_episode");
  const nextSeason = alias(seasons, "next_season");
  const [cardRows, episodeRows, nextRows] = await db.batch([
    db.select(titleCardColumns).from(titles).where(and(inJson(titles.id, titleIds), visibleTo(viewer))),
    db
      .select(episodeInfo(episodes, seasons, "resume_"))
      .from(episodes)
      .innerJoin(seasons, eq(seasons.id, episodes.seasonId))
      .where(inJson(episodes.id, resumeEpisodeIds)),
    db
      .select({ after: sql<number>`${episodes.id}`.as("after_id"), ...episodeInfo(next, nextSeason, "next_") })
      .from(episodes)
      .innerJoin(seasons, eq(seasons.id, episodes.seasonId))
      .innerJoin(next, eq(next.id, nextEpisodeId(sql`${episodes}`, sql`${seasons}`)))
      .innerJoin(nextSeason, eq(nextSeason.id, next.seasonId))
      .where(inJson(episodes.id, finishedEpisodeIds)),
  ]);
  return {
    cards: new Map(cardRows.map((r) => [r.id, toCard(r)])),
    episodes: new Map<number, EpisodeInfo>(episodeRows.map((r) => [r.id, r])),
    next: new Map<number, EpisodeInfo>(nextRows.map(({ after, ...r }) => [after, r])),
  };
}
