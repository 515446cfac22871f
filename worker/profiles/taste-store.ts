/**
 * Each profile's My List and ratings, kept in the account's ViewerState
 * object: the object is the record (docs/SCALING.md §6.1). They lived in D1's
 * `my_list` and `ratings` tables, where every change was a write to the one
 * primary database and the rows (≈ 600 GB at design size) could never fit in
 * its 10 GB; here a change is a write to the account's own object, which the
 * account's personal routes call anyway.
 *
 * The list keeps D1's semantics: a title is appended at the end, a title
 * already there keeps its place, at most `maxItems` titles, a reorder must name
 * exactly the titles on the list. A rating is one value per title, replaced by
 * the next one.
 *
 * Migration without a flag day: a profile this object has not seen yet (no
 * `taste_profiles` row) is unknown here, and the Worker reads D1's rows for it
 * once and `fill`s them in (worker/profiles/taste.ts). A fill for a profile
 * known already does nothing, so a fill that read D1 before a change made
 * meanwhile (on another device) cannot undo the change.
 */
import type { LegacyTasteRows } from "../db/my-list.ts";
import type { RatingValue } from "../db/schema.ts";
import { SqlStore } from "../lib/sql-store.ts";

export type { RatingValue };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS taste_profiles (
  profile_id TEXT PRIMARY KEY,
  known_since INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS list_entries (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id)
);
CREATE INDEX IF NOT EXISTS list_entries_order ON list_entries (profile_id, position);
CREATE TABLE IF NOT EXISTS title_ratings (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  value INTEGER NOT NULL,
  rated_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id)
);`;

/** A title on a profile's list (the list is returned in its order). */
export interface ListEntry {
  titleId: number;
  addedAt: number;
}

/** A profile's rating of a title. */
export interface TitleRating {
  titleId: number;
  value: RatingValue;
  ratedAt: number;
}

/** A profile's list, in its order, and its ratings, newest first. */
export interface Taste {
  myList: ListEntry[];
  ratings: TitleRating[];
}

/** What D1 held for a profile before the object was its record: list rows with their positions (any gaps), and ratings. */
export type LegacyTaste = LegacyTasteRows;

/** Adding a title: now on the list (added, or there already), or refused because the list is full. */
export type AddOutcome = "added" | "present" | "full";

export class TasteStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Whether this object holds the profile's list and ratings (false: D1's rows have not been read into it yet). */
  known(profileId: string): boolean {
    return this.sql.exec("SELECT 1 FROM taste_profiles WHERE profile_id = ?", profileId).toArray().length > 0;
  }

  /** Takes in what D1 held for a profile unknown here (in D1's order); false, and nothing changes, when the profile is known already. */
  fill(profileId: string, legacy: LegacyTaste, nowMs: number): boolean {
    if (this.known(profileId)) return false;
    this.sql.exec("INSERT INTO taste_profiles (profile_id, known_since) VALUES (?, ?)", profileId, nowMs);
    const ordered = [...legacy.myList].sort((a, b) => a.position - b.position || a.titleId - b.titleId);
    for (const [i, entry] of ordered.entries()) {
      this.sql.exec("INSERT OR IGNORE INTO list_entries (profile_id, title_id, position, added_at) VALUES (?, ?, ?, ?)", profileId, entry.titleId, i + 1, entry.addedAt);
    }
    for (const r of legacy.ratings) {
      this.sql.exec("INSERT OR IGNORE INTO title_ratings (profile_id, title_id, value, rated_at) VALUES (?, ?, ?, ?)", profileId, r.titleId, r.value, r.ratedAt);
    }
    return true;
  }

  /** A profile's list in its order and its ratings, newest first. */
  taste(profileId: string): Taste {
    return { myList: this.list(profileId), ratings: this.ratings(profileId) };
  }

  /** The profile's list in its order. */
  list(profileId: string): ListEntry[] {
    return this.sql
      .exec<{ title_id: number; added_at: number }>("SELECT title_id, added_at FROM list_entries WHERE profile_id = ? ORDER BY position, title_id", profileId)
      .toArray()
      .map((r) => ({ titleId: r.title_id, addedAt: r.added_at }));
  }

  /** Appends a title at the end of the list; a title already there keeps its place; refused when the list holds `maxItems` already. */
  add(profileId: string, titleId: number, nowMs: number, maxItems: number): AddOutcome {
    if (this.sql.exec("SELECT 1 FROM list_entries WHERE profile_id = ? AND title_id = ?", profileId, titleId).toArray().length > 0) return "present";
    const { n, last } = this.sql.exec<{ n: number; last: number | null }>("SELECT count(*) AS n, max(position) AS last FROM list_entries WHERE profile_id = ?", profileId).one();
    if (n >= maxItems) return "full";
    this.sql.exec("INSERT INTO list_entries (profile_id, title_id, position, added_at) VALUES (?, ?, ?, ?)", profileId, titleId, (last ?? 0) + 1, nowMs);
    return "added";
  }

  /** Removes a title from the list; false when it was not there. */
  remove(profileId: string, titleId: number): boolean {
    return this.sql.exec("DELETE FROM list_entries WHERE profile_id = ? AND title_id = ? RETURNING title_id", profileId, titleId).toArray().length > 0;
  }

  /**
   * Gives each title its index in `titleIds` as its position. The new order must name exactly the
   * titles on the list (false, and nothing changes, otherwise), so a stale client cannot drop or resurrect any.
   */
  reorder(profileId: string, titleIds: number[]): boolean {
    const current = new Set(this.list(profileId).map((e) => e.titleId));
    if (titleIds.length !== current.size || new Set(titleIds).size !== titleIds.length || titleIds.some((id) => !current.has(id))) return false;
    for (const [i, titleId] of titleIds.entries()) {
      this.sql.exec("UPDATE list_entries SET position = ? WHERE profile_id = ? AND title_id = ?", i + 1, profileId, titleId);
    }
    return true;
  }

  /** The profile's ratings, newest first. */
  ratings(profileId: string): TitleRating[] {
    return this.sql
      .exec<{ title_id: number; value: number; rated_at: number }>("SELECT title_id, value, rated_at FROM title_ratings WHERE profile_id = ? ORDER BY rated_at DESC, title_id", profileId)
      .toArray()
      .map((r) => ({ titleId: r.title_id, value: r.value as RatingValue, ratedAt: r.rated_at }));
  }

  /** Sets (or replaces) the profile's rating of a title. */
  rate(profileId: string, titleId: number, value: RatingValue, nowMs: number): void {
    this.sql.exec(
      "INSERT INTO title_ratings (profile_id, title_id, value, rated_at) VALUES (?, ?, ?, ?) ON CONFLICT (profile_id, title_id) DO UPDATE SET value = excluded.value, rated_at = excluded.rated_at",
      profileId,
      titleId,
      value,
      nowMs,
    );
  }

  /** Removes the profile's rating of a title; false when there was none. */
  unrate(profileId: string, titleId: number): boolean {
    return this.sql.exec("DELETE FROM title_ratings WHERE profile_id = ? AND title_id = ? RETURNING title_id", profileId, titleId).toArray().length > 0;
  }

  /** Drops a deleted profile's list, ratings and the mark that they are kept here. */
  forgetProfile(profileId: string): void {
    this.sql.exec("DELETE FROM list_entries WHERE profile_id = ?", profileId);
    this.sql.exec("DELETE FROM title_ratings WHERE profile_id = ?", profileId);
    this.sql.exec("DELETE FROM taste_profiles WHERE profile_id = ?", profileId);
  }

  /** Every profile's list and ratings as kept here, and since when each profile's are kept here, for the privacy export. */
  exportAll() {
    return {
      profiles: this.sql
        .exec<{ profile_id: string; known_since: number }>("SELECT profile_id, known_since FROM taste_profiles ORDER BY profile_id")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, keptHereSince: r.known_since })),
      myList: this.sql
        .exec<{ profile_id: string; title_id: number; position: number; added_at: number }>("SELECT profile_id, title_id, position, added_at FROM list_entries ORDER BY profile_id, position")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id, position: r.position, addedAt: r.added_at })),
      ratings: this.sql
        .exec<{ profile_id: string; title_id: number; value: number; rated_at: number }>("SELECT profile_id, title_id, value, rated_at FROM title_ratings ORDER BY profile_id, rated_at DESC")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id, value: r.value, ratedAt: r.rated_at })),
    };
  }
}

/** The object's answer for a profile unknown here: read D1's rows for it and call again with them. */
export interface Unfilled {
  unfilled: true;
}

export const UNFILLED: Unfilled = { unfilled: true };

/** Whether an answer of the object is `UNFILLED`. */
export function isUnfilled(answer: unknown): answer is Unfilled {
  return typeof answer === "object" && answer !== null && (answer as Partial<Unfilled>).unfilled === true;
}
