/**
 * The account's sessions as its ViewerState object knows them, so personal
 * routes can refuse a revoked session at once without a D1 read per request
 * (docs/SCALING.md §6.1): each refresh family is `live` (admitted at sign-in,
 * or after one D1 check for a family the object has not seen) or `revoked`
 * (sign-out, refresh-token reuse, a password change). A revoked row is kept
 * only as long as an access token of that family can be valid; a live one as
 * long as the family could live without a refresh, after which one D1 check
 * admits it again. The account also keeps when its facts last changed (plan,
 * a profile's name, kids flag or ceiling, a profile deleted): tokens issued
 * before then carry stale facts and are sent to refresh.
 *
 * An erased account's object has no rows, so its sessions are unknown, and the
 * D1 check (no account, no session) refuses them.
 */
import { SqlStore } from "../lib/sql-store.ts";
import { ACCESS_TOKEN_TTL_SECONDS } from "./session-tokens.ts";

/** How long after a revocation one of the family's access tokens can still verify (its lifetime plus clock skew). */
export const REVOKED_MEMORY_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;

/** What the object knows of a session for a token issued at a given time. */
export type SessionStanding = "live" | "revoked" | "stale" | "unknown";

/** A request's session, as a call that checks its own standing passes it: the family, when its access token was issued and, after the Worker's D1 check of an unknown session, until when to admit it. */
export interface SessionCheck {
  sessionId: string;
  issuedAtMs: number;
  admitUntilMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS session_states (
  session_id TEXT PRIMARY KEY,
  revoked INTEGER NOT NULL,
  forget_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS account_facts (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  changed_at_s INTEGER NOT NULL
);`;

export class SessionRegistry extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Records a live family until `forgetAtMs`; never turns a revoked one live again (a D1 check racing a sign-out cannot undo it). */
  admit(sessionId: string, forgetAtMs: number, nowMs: number): void {
    this.prune(nowMs);
    this.sql.exec(
      `INSERT INTO session_states (session_id, revoked, forget_at) VALUES (?, 0, ?)
       ON CONFLICT (session_id) DO UPDATE SET forget_at = max(forget_at, excluded.forget_at) WHERE revoked = 0`,
      sessionId,
      forgetAtMs,
    );
  }

  /** Records a revoked family for as long as its access tokens can still verify. */
  revoke(sessionId: string, nowMs: number): void {
    this.prune(nowMs);
    this.sql.exec(
      `INSERT INTO session_states (session_id, revoked, forget_at) VALUES (?, 1, ?)
       ON CONFLICT (session_id) DO UPDATE SET revoked = 1, forget_at = excluded.forget_at`,
      sessionId,
      nowMs + REVOKED_MEMORY_MS,
    );
  }

  /** The account's session facts changed at `nowMs`: tokens issued in an earlier second are stale. */
  factsChanged(nowMs: number): void {
    this.sql.exec(
      "INSERT INTO account_facts (id, changed_at_s) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET changed_at_s = max(changed_at_s, excluded.changed_at_s)",
      Math.floor(nowMs / 1000),
    );
  }

  /** When the account's session facts last changed (whole seconds), or null if they never did. */
  factsChangedAtS(): number | null {
    return this.sql.exec<{ changed_at_s: number }>("SELECT changed_at_s FROM account_facts WHERE id = 1").toArray()[0]?.changed_at_s ?? null;
  }

  /**
   * How a token of `sessionId` issued at `issuedAtMs` stands. Compared in whole
   * seconds (a token's `iat`): the token minted in the same second as a change,
   * in the response that made it, is current.
   */
  standing(sessionId: string, issuedAtMs: number, nowMs: number): SessionStanding {
    const row = this.sql.exec<{ revoked: number; forget_at: number }>("SELECT revoked, forget_at FROM session_states WHERE session_id = ?", sessionId).toArray()[0];
    if (row?.revoked === 1) return "revoked";
    if (!row || row.forget_at <= nowMs) return "unknown";
    const changedAtS = this.factsChangedAtS();
    return changedAtS !== null && Math.floor(issuedAtMs / 1000) < changedAtS ? "stale" : "live";
  }

  /** The sessions recorded live now (a password change ends them). */
  liveSessionIds(nowMs: number): string[] {
    return this.sql.exec<{ session_id: string }>("SELECT session_id FROM session_states WHERE revoked = 0 AND forget_at > ?", nowMs).toArray().map((r) => r.session_id);
  }

  /** Every session row and the facts' change time, for the privacy export. */
  exportAll() {
    const sessions = this.sql
      .exec<{ session_id: string; revoked: number; forget_at: number }>("SELECT session_id, revoked, forget_at FROM session_states ORDER BY session_id")
      .toArray()
      .map((r) => ({ sessionId: r.session_id, revoked: r.revoked === 1, forgetAt: r.forget_at }));
    const facts = this.sql.exec<{ changed_at_s: number }>("SELECT changed_at_s FROM account_facts WHERE id = 1").toArray()[0];
    return { sessions, factsChangedAt: facts ? facts.changed_at_s * 1000 : null };
  }

  /** Forgets rows past their time: revoked families whose tokens all expired, live ones idle past their family's life. */
  private prune(nowMs: number): void {
    this.sql.exec("DELETE FROM session_states WHERE forget_at <= ?", nowMs);
  }
}
