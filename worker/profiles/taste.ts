/**
 * A profile's My List and ratings, for the routes and Home. The account's
 * ViewerState object is their record (taste-store.ts, docs/SCALING.md §6.1):
 * a read or a change is one call to the object, and a change writes no D1 row
 * (the object moves the profile's home version in the same call, so Home's
 * cached rows go stale without a second one). D1 is read for the catalog only:
 * whether a title may be listed or rated, and the cards of the listed ids the
 * viewer may see now, in the list's order.
 *
 * Migration without a flag day: the object answers UNFILLED for a profile it
 * has not seen; D1's old rows for it are read once, passed in with the same
 * call again (a fill never overwrites a change another request made
 * meanwhile), and deleted from D1 once the object holds them.
 */
import { database } from "../db/client.ts";
import { dropLegacyTaste, legacyTaste, titleVisible } from "../db/my-list.ts";
import { visibleCards } from "../db/progress.ts";
import type { RatingValue } from "../db/schema.ts";
import { AppError } from "../lib/errors.ts";
import type { Viewer } from "../lib/viewer.ts";
import { viewerState } from "../progress/stub.ts";
import { isUnfilled, type LegacyTaste, type ListEntry, type Taste, type TitleRating, type Unfilled } from "./taste-store.ts";

/** Titles one profile's list may hold. */
export const MY_LIST_MAX_ITEMS = 500;

/** The profile whose list or ratings are meant, and the account whose object holds them. */
export interface TasteOwner {
  accountId: string;
  profileId: string;
}

type State = ReturnType<typeof viewerState>;
/** An answer of the object other than UNFILLED. */
type Filled<R> = Exclude<R, Unfilled>;

/** One call to the object about the profile's list or ratings; for a profile it has not seen, D1's rows are read in first (once). */
async function withTaste<R>(env: Env, profileId: string, call: (legacy?: LegacyTaste) => Promise<R>): Promise<Filled<R>> {
  const answer = await call();
  return isUnfilled(answer) ? fillThen(env, profileId, call) : (answer as Filled<R>);
}

/** Reads D1's rows for a profile the object has not seen, makes the call again with them, then deletes them from D1. */
async function fillThen<R>(env: Env, profileId: string, call: (legacy: LegacyTaste) => Promise<R>): Promise<Filled<R>> {
  const db = database(env.DB);
  const legacy = await legacyTaste(db, profileId);
  const answer = await call(legacy);
  if (isUnfilled(answer)) throw new Error("the account's object did not take in the profile's D1 rows");
  // Only now: the object holds them (or held the profile already), so no later read needs D1's copy.
  if (legacy.myList.length > 0 || legacy.ratings.length > 0) await dropLegacyTaste(db, profileId);
  return answer as Filled<R>;
}

/** Home's taste on a miss (a hit needs none, so Home's one call leaves it out): the object's, or for a profile it has not seen, D1's rows read in once. */
export async function tasteForHome(env: Env, state: State, profileId: string): Promise<Taste> {
  return withTaste(env, profileId, async (legacy) => await state.taste(profileId, legacy));
}

/** Cards of the listed titles the viewer may see now, in the list's order, each with when it was added. */
async function listCards(env: Env, viewer: Viewer, entries: ListEntry[]) {
  const cards = await visibleCards(database(env.DB), viewer, entries.map((e) => e.titleId));
  return entries.flatMap((e) => {
    const card = cards.get(e.titleId);
    return card ? [{ ...card, addedAt: e.addedAt }] : [];
  });
}

/** A title this profile may not see (maturity, region, window) cannot be listed or rated: the same 404 as the catalog's. */
async function requireVisible(env: Env, viewer: Viewer, titleId: number): Promise<void> {
  if (!(await titleVisible(database(env.DB), viewer, titleId))) throw new AppError(404, "title_not_found", "No such title here.");
}

/** The profile's list as the viewer may see it now, in its order. */
export async function myList(env: Env, viewer: Viewer, owner: TasteOwner) {
  const state = viewerState(env, owner.accountId);
  const taste = await withTaste(env, owner.profileId, async (legacy) => await state.taste(owner.profileId, legacy));
  return listCards(env, viewer, taste.myList);
}

/** Appends a title the viewer may see to the list (a title there keeps its place); 409 when the list is full. */
export async function addToMyList(env: Env, viewer: Viewer, owner: TasteOwner, titleId: number): Promise<void> {
  await requireVisible(env, viewer, titleId);
  const state = viewerState(env, owner.accountId);
  const outcome = await withTaste(env, owner.profileId, async (legacy) => await state.addToMyList(owner.profileId, titleId, MY_LIST_MAX_ITEMS, legacy));
  if (outcome === "full") throw new AppError(409, "list_full", `My List holds at most ${MY_LIST_MAX_ITEMS} titles.`);
}

/** Removes a title from the list; 404 when it was not there. */
export async function removeFromMyList(env: Env, owner: TasteOwner, titleId: number): Promise<void> {
  const state = viewerState(env, owner.accountId);
  if (!(await withTaste(env, owner.profileId, async (legacy) => await state.removeFromMyList(owner.profileId, titleId, legacy)))) {
    throw new AppError(404, "not_in_list", "That title is not in My List.");
  }
}

/** Puts the list in the given order and answers it; 409 unless the order names exactly the titles on the list (a stale client cannot drop or resurrect any). */
export async function reorderMyList(env: Env, viewer: Viewer, owner: TasteOwner, titleIds: number[]) {
  const state = viewerState(env, owner.accountId);
  const entries = await withTaste(env, owner.profileId, async (legacy) => await state.reorderMyList(owner.profileId, titleIds, legacy));
  if (entries === null) throw new AppError(409, "list_changed", "My List changed meanwhile; reload it and reorder again.");
  return listCards(env, viewer, entries);
}

/** The profile's ratings, newest first. */
export async function ratings(env: Env, owner: TasteOwner): Promise<TitleRating[]> {
  const state = viewerState(env, owner.accountId);
  return (await withTaste(env, owner.profileId, async (legacy) => await state.taste(owner.profileId, legacy))).ratings;
}

/** Sets (or replaces) the profile's rating of a title the viewer may see. */
export async function rateTitle(env: Env, viewer: Viewer, owner: TasteOwner, titleId: number, value: RatingValue): Promise<void> {
  await requireVisible(env, viewer, titleId);
  const state = viewerState(env, owner.accountId);
  await withTaste(env, owner.profileId, async (legacy) => await state.rateTitle(owner.profileId, titleId, value, legacy));
}

/** Removes the profile's rating of a title; 404 when there was none. */
export async function unrateTitle(env: Env, owner: TasteOwner, titleId: number): Promise<void> {
  const state = viewerState(env, owner.accountId);
  if (!(await withTaste(env, owner.profileId, async (legacy) => await state.unrateTitle(owner.profileId, titleId, legacy)))) {
    throw new AppError(404, "not_rated", "This profile has not rated that title.");
  }
}
