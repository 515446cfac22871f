/** A profile's My List and ratings in D1. */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Viewer } from "../lib/viewer.ts";
import { titleCardColumns, toCard, visibleTo } from "./catalog.ts";
import { runBatch, type Db } from "./client.ts";
import { myList, ratings, titles } from "./schema.ts";

/** The list's entries the viewer may currently see, in the profile's order, as title cards. */
export async function listMyList(db: Db, viewer: Viewer, profileId: string) {
  const rows = await db
    .select({ ...titleCardColumns, position: myList.position, addedAt: myList.addedAt })
    .from(myList)
    .innerJoin(titles, eq(titles.id, myList.titleId))
    .where(and(eq(myList.profileId, profileId), visibleTo(viewer)))
    .orderBy(asc(myList.position), asc(myList.titleId))
    .all();
  return rows.map(({ position, addedAt, ...card }) => ({ ...toCard(card), addedAt }));
}

/** Whether a title exists and the viewer may see it (maturity, region, window). */
export async function titleVisible(db: Db, viewer: Viewer, titleId: number): Promise<boolean> {
  const row = await db.select({ id: titles.id }).from(titles).where(and(eq(titles.id, titleId), visibleTo(viewer))).get();
  return row !== undefined;
}

/**
 * Appends a title at the end of the list (a title already there keeps its
 * place); refused (false) when the list already holds `maxItems`.
 */
export async function addToMyList(db: Db, profileId: string, titleId: number, nowMs: number, maxItems: number): Promise<boolean> {
  const result = await db.run(sql`
    INSERT INTO ${myList} (profile_id, title_id, position, added_at)
    SELECT ${profileId}, ${titleId}, coalesce((SELECT max(position) FROM ${myList} WHERE profile_id = ${profileId}), 0) + 1, ${nowMs}
    WHERE (SELECT count(*) FROM ${myList} WHERE profile_id = ${profileId}) < ${maxItems}
    ON CONFLICT (profile_id, title_id) DO NOTHING`);
  if (result.meta.changes > 0) return true;
  const present = await db.select({ t: myList.titleId }).from(myList).where(and(eq(myList.profileId, profileId), eq(myList.titleId, titleId))).get();
  return present !== undefined;
}

/** Removes a title from the list; false if it was not there. */
export async function removeFromMyList(db: Db, profileId: string, titleId: number): Promise<boolean> {
  const row = await db.delete(myList).where(and(eq(myList.profileId, profileId), eq(myList.titleId, titleId))).returning({ t: myList.titleId }).get();
  return row !== undefined;
}

/** The title ids on a profile's list, whatever their visibility. */
export async function myListTitleIds(db: Db, profileId: string): Promise<number[]> {
  const rows = await db.select({ t: myList.titleId }).from(myList).where(eq(myList.profileId, profileId)).all();
  return rows.map((r) => r.t);
}

/** Gives each title its index in `titleIds` as its position, in one transaction. */
export async function reorderMyList(db: Db, profileId: string, titleIds: number[]): Promise<void> {
  await runBatch(db, [
    sql`UPDATE ${myList} SET position = j.key + 1 FROM json_each(${JSON.stringify(titleIds)}) AS j
        WHERE ${myList.profileId} = ${profileId} AND ${myList.titleId} = j.value`,
  ]);
}

/** Sets (or replaces) a profile's rating of a title. */
export async function setRating(db: Db, profileId: string, titleId: number, value: number, nowMs: number): Promise<void> {
  await db
    .insert(ratings)
    .values({ profileId, titleId, value, ratedAt: nowMs })
    .onConflictDoUpdate({ target: [ratings.profileId, ratings.titleId], set: { value, ratedAt: nowMs } });
}

/** Removes a rating; false if there was none. */
export async function deleteRating(db: Db, profileId: string, titleId: number): Promise<boolean> {
  const row = await db.delete(ratings).where(and(eq(ratings.profileId, profileId), eq(ratings.titleId, titleId))).returning({ t: ratings.titleId }).get();
  return row !== undefined;
}

/** All of a profile's ratings, newest first. */
export async function listRatings(db: Db, profileId: string) {
  return db
    .select({ titleId: ratings.titleId, value: ratings.value, ratedAt: ratings.ratedAt })
    .from(ratings)
    .where(eq(ratings.profileId, profileId))
    .orderBy(sql`${ratings.ratedAt} DESC`)
    .all();
}
