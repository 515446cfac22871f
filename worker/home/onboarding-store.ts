/**
 * Each profile's onboarding picks ("pick three you like"), kept in the
 * account's ViewerState object beside its home version, so Home learns both
 * in the one object call it makes anyway and a Home hit reads no D1 row
 * (docs/SCALING.md §6.4). D1's `profiles.onboarding` stays the record (the
 * privacy export reads it there); this is the copy Home reads.
 *
 * A profile the object has no row for is unknown here (its picks were made
 * before they were kept here, or it was never asked): Home reads D1 once and
 * `fill`s it in, which never overwrites picks `set` meanwhile (a fill that
 * read D1 before a new choice cannot undo it). A row with no picks means D1
 * has none either: not asked yet.
 */
import type { OnboardingPicks } from "../db/schema.ts";
import { SqlStore } from "../lib/sql-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS onboarding_picks (
  profile_id TEXT PRIMARY KEY,
  picks TEXT
);`;

/** What the object knows of a profile's picks: known (null: not asked yet), or not yet (read D1 once, then fill). */
export type OnboardingState = { known: true; picks: OnboardingPicks | null } | { known: false };

export class OnboardingStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  get(profileId: string): OnboardingState {
    const row = this.sql.exec<{ picks: string | null }>("SELECT picks FROM onboarding_picks WHERE profile_id = ?", profileId).toArray()[0];
    return row ? { known: true, picks: row.picks === null ? null : (JSON.parse(row.picks) as OnboardingPicks) } : { known: false };
  }

  /** The profile chose (or skipped: no titles) at onboarding; replaces whatever was known. */
  set(profileId: string, picks: OnboardingPicks): void {
    this.sql.exec("INSERT INTO onboarding_picks (profile_id, picks) VALUES (?, ?) ON CONFLICT (profile_id) DO UPDATE SET picks = excluded.picks", profileId, JSON.stringify(picks));
  }

  /** What D1 said for a profile unknown here; a row set meanwhile wins. */
  fill(profileId: string, picks: OnboardingPicks | null): void {
    this.sql.exec("INSERT INTO onboarding_picks (profile_id, picks) VALUES (?, ?) ON CONFLICT (profile_id) DO NOTHING", profileId, picks === null ? null : JSON.stringify(picks));
  }

  /** Drops a deleted profile's picks. */
  forgetProfile(profileId: string): void {
    this.sql.exec("DELETE FROM onboarding_picks WHERE profile_id = ?", profileId);
  }

  /** Every profile's picks as kept here, for the privacy export. */
  exportAll(): { profileId: string; picks: OnboardingPicks | null }[] {
    return this.sql
      .exec<{ profile_id: string; picks: string | null }>("SELECT profile_id, picks FROM onboarding_picks ORDER BY profile_id")
      .toArray()
      .map((r) => ({ profileId: r.profile_id, picks: r.picks === null ? null : (JSON.parse(r.picks) as OnboardingPicks) }));
  }
}
