/**
 * A ViewerState's watch progress (worker/progress/viewer-state.ts): per profile,
 * the position in every movie and episode, the history of finished ones,
 * operation ids seen (idempotency) and tombstones of removed history. It
 * applies writes last-writer-wins by (clamped client time, device id).
 */
import { SqlStore } from "../lib/sql-store.ts";
import { clampClientTime, isFinished, isNewer, NEW_VIEW_GAP_MS, type ProgressEntry, type ProgressWrite } from "./model.ts";

/** Operation ids are remembered this long (a client retries within seconds; a beacon within minutes). */
const OP_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface HistoryItem {
  titleId: number;
  episodeId: number | null;
  finishedAt: number;
}

interface ProgressRow extends Record<string, SqlStorageValue> {
  profile_id: string;
  title_id: number;
  episode_id: number;
  position: number;
  duration: number;
  updated_at: number;
  device_id: string;
  device_name: string;
  finished: number;
  server_at: number;
}

function toEntry(row: ProgressRow): ProgressEntry {
  return {
    profileId: row.profile_id,
    titleId: row.title_id,
    episodeId: row.episode_id === 0 ? null : row.episode_id,
    positionSeconds: row.position,
    durationSeconds: row.duration,
    updatedAt: row.updated_at,
    deviceId: row.device_id,
    deviceName: row.device_name,
    finished: row.finished === 1,
  };
}

/** What applying one write did: the stored entry afterwards, and which signals it produces. */
export interface AppliedWrite {
  applied: boolean;
  entry: ProgressEntry | null;
  /** The write finished the title just now (history entry, a completion). */
  finishedNow: boolean;
  /** The write starts a new view (none before, a long gap, or watching again after finishing). */
  newView: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS progress (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  episode_id INTEGER NOT NULL,
  position REAL NOT NULL,
  duration REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  finished INTEGER NOT NULL,
  server_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id, episode_id)
);
CREATE INDEX IF NOT EXISTS progress_recent ON progress (profile_id, updated_at DESC);
CREATE TABLE IF NOT EXISTS history (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  episode_id INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id, episode_id)
);
CREATE INDEX IF NOT EXISTS history_recent ON history (profile_id, finished_at DESC);
CREATE TABLE IF NOT EXISTS ops (op_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ops_at ON ops (at);
CREATE TABLE IF NOT EXISTS tombstones (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL, -- 0: every title of the profile
  removed_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id)
);
`;

/** Progress, history, operation ids and tombstones of one account's profiles. */
export class ProgressStore extends SqlStore {
  /**
   * Each profile's latest entries per title as the window query last answered them (the longest
   * list asked for), until a change to that profile's progress: Home asks for them on every visit
   * (Continue Watching), and they change only when the profile watches something.
   */
  readonly #latest = new Map<string, { limit: number; entries: ProgressEntry[] }>();

  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** The tables are gone: so is every list read from them. */
  override forgetSchema(): void {
    super.forgetSchema();
    this.#latest.clear();
  }

  private row(profileId: string, titleId: number, episodeId: number | null): ProgressRow | undefined {
    return this.sql
      .exec<ProgressRow>("SELECT * FROM progress WHERE profile_id = ? AND title_id = ? AND episode_id = ?", profileId, titleId, episodeId ?? 0)
      .toArray()[0];
  }

  /** When history of this title (or all of the profile's) was last removed; writes observed before then are void. */
  private removedAt(profileId: string, titleId: number): number {
    const row = this.sql
      .exec<{ at: number | null }>("SELECT max(removed_at) AS at FROM tombstones WHERE profile_id = ? AND title_id IN (0, ?)", profileId, titleId)
      .one();
    return row.at ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Applies one progress write: a replayed operation id or a write older than
   * the stored one (by clamped client time, then device id) changes nothing and
   * answers the current state. An applied write may finish the title (history).
   */
  apply(w: ProgressWrite, nowMs: number): AppliedWrite {
    const sql = this.sql;
    const current = this.row(w.profileId, w.titleId, w.episodeId);
    const seen = sql.exec("SELECT 1 FROM ops WHERE op_id = ?", w.opId).toArray().length > 0;
    const updatedAt = clampClientTime(w.clientTime, nowMs);
    const stamp = { updatedAt, deviceId: w.deviceId };
    const stale = (current !== undefined && !isNewer(stamp, { updatedAt: current.updated_at, deviceId: current.device_id })) || updatedAt <= this.removedAt(w.profileId, w.titleId);
    if (seen || stale) {
      if (!seen) sql.exec("INSERT INTO ops (op_id, at) VALUES (?, ?)", w.opId, nowMs);
      return { applied: false, entry: current ? toEntry(current) : null, finishedNow: false, newView: false };
    }
    this.#latest.delete(w.profileId);
    const position = Math.min(w.positionSeconds, w.durationSeconds);
    const finished = isFinished(position, w.durationSeconds, w.creditsStartSeconds);
    sql.exec(
      `INSERT INTO progress (profile_id, title_id, episode_id, position, duration, updated_at, device_id, device_name, finished, server_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (profile_id, title_id, episode_id) DO UPDATE SET
         position = excluded.position, duration = excluded.duration, updated_at = excluded.updated_at,
         device_id = excluded.device_id, device_name = excluded.device_name, finished = excluded.finished, server_at = excluded.server_at`,
      w.profileId, w.titleId, w.episodeId ?? 0, position, w.durationSeconds, updatedAt, w.deviceId, w.deviceName, finished ? 1 : 0, nowMs,
    );
    sql.exec("INSERT INTO ops (op_id, at) VALUES (?, ?)", w.opId, nowMs);
    const finishedNow = finished && current?.finished !== 1;
    if (finishedNow) {
      sql.exec(
        `INSERT INTO history (profile_id, title_id, episode_id, finished_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET finished_at = excluded.finished_at`,
        w.profileId, w.titleId, w.episodeId ?? 0, updatedAt,
      );
    }
    const newView = !current || nowMs - current.server_at > NEW_VIEW_GAP_MS || (current.finished === 1 && !finished);
    return { applied: true, entry: toEntry(this.row(w.profileId, w.titleId, w.episodeId)!), finishedNow, newView };
  }

  /** The stored entry of one movie or episode. */
  entry(profileId: string, titleId: number, episodeId: number | null): ProgressEntry | null {
    const row = this.row(profileId, titleId, episodeId);
    return row ? toEntry(row) : null;
  }

  /** Every entry of one title (a movie's one, or a series' episodes), most recent first. */
  titleEntries(profileId: string, titleId: number): ProgressEntry[] {
    return this.sql
      .exec<ProgressRow>("SELECT * FROM progress WHERE profile_id = ? AND title_id = ? ORDER BY updated_at DESC, device_id DESC", profileId, titleId)
      .toArray()
      .map(toEntry);
  }

  /** The most recent entry of each title of a profile (a series' latest episode), most recent first. */
  latestPerTitle(profileId: string, limit: number): ProgressEntry[] {
    const kept = this.#latest.get(profileId);
    // A longer list read before holds this one: the same order, cut shorter.
    if (kept && kept.limit >= limit) return kept.entries.slice(0, limit);
    const entries = this.sql
      .exec<ProgressRow>(
        `SELECT * FROM (
           SELECT *, row_number() OVER (PARTITION BY title_id ORDER BY updated_at DESC, device_id DESC) AS rank
           FROM progress WHERE profile_id = ?)
         WHERE rank = 1 ORDER BY updated_at DESC, device_id DESC LIMIT ?`,
        profileId, limit,
      )
      .toArray()
      .map(toEntry);
    this.#latest.set(profileId, { limit, entries });
    return entries.slice();
  }

  /** Finished titles and episodes, most recent first, from before `before` (keyset pagination). */
  history(profileId: string, limit: number, before?: { finishedAt: number; titleId: number; episodeId: number }): HistoryItem[] {
    const rows = before
      ? this.sql.exec<{ title_id: number; episode_id: number; finished_at: number }>(
          `SELECT title_id, episode_id, finished_at FROM history WHERE profile_id = ?
             AND (finished_at, title_id, episode_id) < (?, ?, ?)
           ORDER BY finished_at DESC, title_id DESC, episode_id DESC LIMIT ?`,
          profileId, before.finishedAt, before.titleId, before.episodeId, limit,
        )
      : this.sql.exec<{ title_id: number; episode_id: number; finished_at: number }>(
          "SELECT title_id, episode_id, finished_at FROM history WHERE profile_id = ? ORDER BY finished_at DESC, title_id DESC, episode_id DESC LIMIT ?",
          profileId, limit,
        );
    return rows.toArray().map((r) => ({ titleId: r.title_id, episodeId: r.episode_id === 0 ? null : r.episode_id, finishedAt: r.finished_at }));
  }

  /**
   * Removes a title (all its episodes) from a profile's history and continue
   * watching, or everything of the profile when `titleId` is null. A tombstone
   * voids writes observed before now that arrive later (a delayed beacon).
   * Returns how many entries went.
   */
  removeHistory(profileId: string, titleId: number | null, nowMs: number): number {
    const sql = this.sql;
    const where = titleId === null ? "profile_id = ?" : "profile_id = ? AND title_id = ?";
    const args = titleId === null ? [profileId] : [profileId, titleId];
    this.#latest.delete(profileId);
    const removed = sql.exec(`DELETE FROM progress WHERE ${where}`, ...args).rowsWritten + sql.exec(`DELETE FROM history WHERE ${where}`, ...args).rowsWritten;
    sql.exec(
      "INSERT INTO tombstones (profile_id, title_id, removed_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET removed_at = excluded.removed_at",
      profileId, titleId ?? 0, nowMs + 5_000,
    );
    return removed;
  }

  /** Drops everything of one profile (the profile was deleted). */
  forgetProfile(profileId: string): void {
    this.#latest.delete(profileId);
    for (const table of ["progress", "history", "tombstones"]) this.sql.exec(`DELETE FROM ${table} WHERE profile_id = ?`, profileId);
  }

  /** Forgets operation ids older than the retention. */
  pruneOps(nowMs: number): number {
    return this.sql.exec("DELETE FROM ops WHERE at < ?", nowMs - OP_RETENTION_MS).rowsWritten;
  }

  /** How many operation ids are remembered. */
  opsCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM ops").one().n;
  }

  /** Everything stored, for the privacy export. */
  exportAll() {
    const sql = this.sql;
    return {
      progress: sql.exec<ProgressRow>("SELECT * FROM progress ORDER BY profile_id, updated_at DESC").toArray().map(toEntry),
      history: sql
        .exec<{ profile_id: string; title_id: number; episode_id: number; finished_at: number }>("SELECT * FROM history ORDER BY profile_id, finished_at DESC")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id, episodeId: r.episode_id === 0 ? null : r.episode_id, finishedAt: r.finished_at })),
      removedHistory: sql
        .exec<{ profile_id: string; title_id: number; removed_at: number }>("SELECT * FROM tombstones ORDER BY profile_id")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id === 0 ? null : r.title_id, removedAt: r.removed_at })),
      operationIdsRemembered: this.opsCount(),
    };
  }
}
