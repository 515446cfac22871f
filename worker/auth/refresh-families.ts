/**
 * The account's refresh families, kept in its ViewerState object so a refresh
 * writes nothing to D1 (docs/SCALING.md §6.1; `bench:scale` counted a D1
 * `UPDATE sessions` per refresh, one primary database for every account).
 * Each family holds the SHA-256 of its current refresh token, when it expires
 * (30 days after its last use) and the facts its access tokens state: the plan,
 * the chosen profile and the account's QoE opt-out, with when they were read. The object also knows when
 * the account's facts last changed (session-registry.ts), so a refresh states
 * the stored facts unless they changed since — then the Worker reads them from
 * D1 once and stores them again: a D1 read after a change, not per refresh.
 *
 * Rotation is one synchronous step in the single-threaded object: two uses of
 * one token cannot both win, and presenting one of the family's earlier tokens
 * revokes the family (RFC 6819 §5.2.2.3). The family keeps the hashes of its
 * last PREVIOUS_KEPT tokens for that: a token that was never the family's (a
 * guess that names a family id) is refused like any invalid token and revokes
 * nothing, so knowing a family id is not enough to sign its device out. A revoked family's row is deleted
 * (its tokens then find nothing); the session registry remembers the revocation.
 * The family is the session's record: sign-in writes no D1 row (D1's `sessions`
 * rows remain only for sessions signed in before, the session guard's fallback).
 */
import type { Plan } from "../../common/plans.ts";
import { SqlStore } from "../lib/sql-store.ts";
import { constantTimeEqual } from "./passwords.ts";
import type { ProfileFacts } from "./session-tokens.ts";

/** The facts a family's access tokens state (what `liveSession` read from D1 on every refresh before). */
export interface FamilyFacts {
  plan: Plan;
  profile: ProfileFacts | null;
  /** The account opted out of QoE collection (the beacon route and entitlement read it from the token, not D1). */
  qoeOptOut: boolean;
}

/** A refresh's outcome: rotated (with the stored facts, or null when they must be read again), reused (the family is revoked), or unknown/expired. */
export type RotateResult =
  | { outcome: "rotated"; profileId: string | null; facts: FamilyFacts | null }
  | { outcome: "reused" }
  | { outcome: "invalid" };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS refresh_families (
  session_id TEXT PRIMARY KEY,
  refresh_hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  rotated_at INTEGER NOT NULL,
  plan TEXT NOT NULL,
  profile_id TEXT,
  profile TEXT,
  facts_at INTEGER NOT NULL,
  qoe_opt_out INTEGER,
  previous_hashes TEXT
);`;

/** How many of a family's earlier token hashes it keeps to recognise a replay (a stolen token used after its owner refreshed). */
export const PREVIOUS_KEPT = 16;

/**
 * Columns added after families were first stored; older rows have NULL. No opt-out: the
 * next refresh reads the facts again. No earlier hashes: any token not the current one
 * revokes the family, as before.
 */
const ADDED_COLUMNS = [
  { table: "refresh_families", column: "qoe_opt_out", definition: "INTEGER" },
  { table: "refresh_families", column: "previous_hashes", definition: "TEXT" },
] as const;

type FamilyRow = {
  session_id: string;
  refresh_hash: string;
  expires_at: number;
  rotated_at: number;
  plan: string;
  profile_id: string | null;
  profile: string | null;
  facts_at: number;
  qoe_opt_out: number | null;
  /** JSON array of earlier token hashes, newest first. */
  previous_hashes: string | null;
};

const bytes = (text: string) => new TextEncoder().encode(text);

export class RefreshFamilyStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA, ADDED_COLUMNS);
  }

  /** Starts (or takes over, for a family signed in before this store) a family holding `refreshHash`, with the facts read at `factsAtMs`. */
  start(sessionId: string, refreshHash: string, expiresAtMs: number, facts: FamilyFacts, factsAtMs: number, nowMs: number): void {
    this.prune(nowMs);
    this.sql.exec(
      `INSERT INTO refresh_families (session_id, refresh_hash, expires_at, rotated_at, plan, profile_id, profile, facts_at, qoe_opt_out, previous_hashes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')
       ON CONFLICT (session_id) DO UPDATE SET refresh_hash = excluded.refresh_hash, expires_at = excluded.expires_at, rotated_at = excluded.rotated_at,
         plan = excluded.plan, profile_id = excluded.profile_id, profile = excluded.profile, facts_at = excluded.facts_at, qoe_opt_out = excluded.qoe_opt_out,
         previous_hashes = excluded.previous_hashes`,
      sessionId, refreshHash, expiresAtMs, nowMs, facts.plan, facts.profile?.id ?? null, facts.profile ? JSON.stringify(facts.profile) : null, factsAtMs, facts.qoeOptOut ? 1 : 0,
    );
  }

  /**
   * Swaps the family's current hash `presentedHash` for `nextHash` and extends it to `expiresAtMs`.
   * `factsChangedAtS` is when the account's facts last changed (whole seconds): facts read in or
   * before that second are answered as null, to be read again — as are a family's stored before
   * the QoE opt-out was one of them.
   */
  rotate(sessionId: string, presentedHash: string, nextHash: string, expiresAtMs: number, factsChangedAtS: number | null, nowMs: number): RotateResult {
    const row = this.row(sessionId);
    if (!row || row.expires_at <= nowMs) return { outcome: "invalid" };
    const previous = row.previous_hashes === null ? null : (JSON.parse(row.previous_hashes) as string[]);
    if (!constantTimeEqual(bytes(row.refresh_hash), bytes(presentedHash))) {
      // An earlier token of this family: it was copied (RFC 6819 §5.2.2.3). Anything else is just not a token of ours.
      const replayed = previous === null || previous.some((h) => constantTimeEqual(bytes(h), bytes(presentedHash)));
      return { outcome: replayed ? "reused" : "invalid" };
    }
    const kept = JSON.stringify([row.refresh_hash, ...(previous ?? [])].slice(0, PREVIOUS_KEPT));
    this.sql.exec(
      "UPDATE refresh_families SET refresh_hash = ?, expires_at = ?, rotated_at = ?, previous_hashes = ? WHERE session_id = ?",
      nextHash, expiresAtMs, nowMs, kept, sessionId,
    );
    const current = row.qoe_opt_out !== null && (factsChangedAtS === null || Math.floor(row.facts_at / 1000) > factsChangedAtS);
    return { outcome: "rotated", profileId: row.profile_id, facts: current ? factsOf(row) : null };
  }

  /** Stores facts read again at `readAtMs` for the profile the family had then; a profile chosen meanwhile keeps its own. */
  refreshFacts(sessionId: string, profileId: string | null, facts: FamilyFacts, readAtMs: number): void {
    this.sql.exec(
      "UPDATE refresh_families SET plan = ?, profile_id = ?, profile = ?, facts_at = ?, qoe_opt_out = ? WHERE session_id = ? AND profile_id IS ?",
      facts.plan, facts.profile?.id ?? null, facts.profile ? JSON.stringify(facts.profile) : null, readAtMs, facts.qoeOptOut ? 1 : 0, sessionId, profileId,
    );
  }

  /** The device chose a profile (its facts just read from D1): later refreshes state it. False when the family is not held here. */
  chooseProfile(sessionId: string, profile: ProfileFacts | null): boolean {
    const cursor = this.sql.exec(
      "UPDATE refresh_families SET profile_id = ?, profile = ? WHERE session_id = ?",
      profile?.id ?? null, profile ? JSON.stringify(profile) : null, sessionId,
    );
    return cursor.rowsWritten > 0;
  }

  /** Whether `hash` is the family's current refresh-token hash (sign-out by refresh cookie), compared in constant time. */
  isCurrent(sessionId: string, hash: string, nowMs: number): boolean {
    const row = this.row(sessionId);
    return row !== null && row.expires_at > nowMs && constantTimeEqual(bytes(row.refresh_hash), bytes(hash));
  }

  /** The family ended (sign-out, reuse, a password change): its tokens find nothing from now on. False when there was no such family. */
  forget(sessionId: string): boolean {
    return this.sql.exec("DELETE FROM refresh_families WHERE session_id = ?", sessionId).rowsWritten > 0;
  }

  /** Every family held (a password change ends all but one). */
  sessionIds(): string[] {
    return this.sql.exec<{ session_id: string }>("SELECT session_id FROM refresh_families").toArray().map((r) => r.session_id);
  }

  /** The families, without their hashes (a secret, not personal data), for the privacy export. */
  exportAll() {
    return this.sql
      .exec<FamilyRow>("SELECT * FROM refresh_families ORDER BY session_id")
      .toArray()
      .map((r) => ({ sessionId: r.session_id, profileId: r.profile_id, plan: r.plan, rotatedAt: r.rotated_at, expiresAt: r.expires_at }));
  }

  private row(sessionId: string): FamilyRow | null {
    return this.sql.exec<FamilyRow>("SELECT * FROM refresh_families WHERE session_id = ?", sessionId).toArray()[0] ?? null;
  }

  /** Families past their idle life go (their tokens are refused either way). */
  private prune(nowMs: number): void {
    this.sql.exec("DELETE FROM refresh_families WHERE expires_at <= ?", nowMs);
  }
}

function factsOf(row: FamilyRow): FamilyFacts {
  return { plan: row.plan as Plan, profile: row.profile ? (JSON.parse(row.profile) as ProfileFacts) : null, qoeOptOut: row.qoe_opt_out === 1 };
}
