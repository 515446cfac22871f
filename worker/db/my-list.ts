/**
 * What D1 still holds of profiles' My List and ratings. The account's
 * ViewerState object is their record now (worker/profiles/taste-store.ts,
 * docs/SCALING.md §6.1): D1's `my_list` and `ratings` rows are read once per
 * profile, when its object has not seen the profile yet, and deleted once the
 * object holds them. Nothing writes new rows.
 */
import { and, asc, eq } from "drizzle-orm";
import type { Viewer } from "../lib/viewer.ts";
import { visibleTo } from "./catalog.ts";
import type { Db } from "./client.ts";
import { myList, ratings, titles, type RatingValue } from "./schema.ts";

/** A profile's rows from before the object was their record: the list with D1's positions, and the ratings. */
export interface LegacyTasteRows {
  myList: { titleId: number; position: number; addedAt: number }[];
  ratings: { titleId: number; value: RatingValue; ratedAt: number }[];
}

/** Whether a title exists and the viewer may see it (maturity, region, window). */
export async function titleVisible(db: Db, viewer: Viewer, titleId: number): Promise<boolean> {
  const row = await db.select({ id: titles.id }).from(titles).where(and(eq(titles.id, titleId), visibleTo(viewer))).get();
  return row !== undefined;
}

/** A profile's D1 rows of My List and ratings, in one batch (read once, for a profile its object has not seen). */
export async function legacyTaste(db: Db, profileId: string): Promise<LegacyTasteRows> {
  const [listRows, ratingRows] = await db.batch([
    db.select({ titleId: myList.titleId, position: myList.position, addedAt: myList.addedAt }).from(myList).where(eq(myList.profileId, profileId)).orderBy(asc(myList.position), asc(myList.titleId)),
    db.select({ titleId: ratings.titleId, value: ratings.value, ratedAt: ratings.ratedAt }).from(ratings).where(eq(ratings.profileId, profileId)),
  ]);
  return { myList: listRows, ratings: ratingRows.map((r) => ({ ...r, value: r.value as RatingValue })) };
}

/** Deletes a profile's D1 rows of My List and ratings, once its object holds them. */
export async function dropLegacyTaste(db: Db, profileId: string): Promise<void> {
  await db.batch([db.delete(myList).where(eq(myList.profileId, profileId)), db.delete(ratings).where(eq(ratings.profileId, profileId))]);
}
