/**
 * Each profile's home version, kept in the account's ViewerState object: the
 * number in the profile's cached-rows KV key (rows-cache.ts), bumped by every
 * event that changes taste (a new view, a finished title, a rating, My List,
 * onboarding, the profile's ceiling or language). It lived on D1's profile row
 * until the per-view `UPDATE profiles` made the one primary database's writes
 * grow with the audience (docs/SCALING.md §6.4, §7); here a view's bump is part
 * of the progress write the object applies anyway, and Home reads it from the
 * object it already calls. A profile with no row is at version 0; deleting a
 * profile forgets its row (its id is never reused).
 */
import { SqlStore } from "../lib/sql-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS home_versions (
  profile_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);`;

export class HomeVersionStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** The profile's current version (0 before its first taste event). */
  get(profileId: string): number {
    return this.sql.exec<{ version: number }>("SELECT version FROM home_versions WHERE profile_id = ?", profileId).toArray()[0]?.version ?? 0;
  }

  /** Moves the profile to a new version, so every device's cached rows miss on its next visit; returns it. */
  bump(profileId: string): number {
    return this.sql
      .exec<{ version: number }>(
        "INSERT INTO home_versions (profile_id, version) VALUES (?, 1) ON CONFLICT (profile_id) DO UPDATE SET version = version + 1 RETURNING version",
        profileId,
      )
      .one().version;
  }

  /** Drops a deleted profile's version. */
  forgetProfile(profileId: string): void {
    this.sql.exec("DELETE FROM home_versions WHERE profile_id = ?", profileId);
  }

  /** Every profile's version, for the privacy export. */
  exportAll(): { profileId: string; version: number }[] {
    return this.sql
      .exec<{ profile_id: string; version: number }>("SELECT profile_id, version FROM home_versions ORDER BY profile_id")
      .toArray()
      .map((r) => ({ profileId: r.profile_id, version: r.version }));
  }
}
