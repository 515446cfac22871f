/**
 * A statistics shard's minute: the day cells added up and the watch events
 * received since its last D1 write (the shard's BatchLedger makes a batch sent
 * again count once). Everything is in the object's storage, so a
 * restart loses nothing; what was written to D1 is removed only after D1
 * took it (`settle`), and batches arriving during the write are kept.
 */
import { SqlStore } from "../lib/sql-store.ts";
import type { DailyCount, StatisticsBatch, Watched } from "../recs/signals.ts";

/**
 * Batch ids are remembered this long. A retry follows a lost answer within
 * seconds (the outbox's backoff reaches an hour only after eight failures in a
 * row); at production's ~100 batches a second per shard that is ~2 M rows.
 */
export const BATCH_RETENTION_MS = 6 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stat_daily (
  title_id INTEGER NOT NULL, country TEXT NOT NULL, day INTEGER NOT NULL,
  views INTEGER NOT NULL, completions INTEGER NOT NULL,
  PRIMARY KEY (title_id, country, day)
);
CREATE TABLE IF NOT EXISTS stat_watched (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id TEXT NOT NULL, title_id INTEGER NOT NULL, at_ms INTEGER NOT NULL
);
`;

/** What one D1 write takes: the sums and events, and the last event id (to settle exactly these). */
export interface MinuteTaken extends StatisticsBatch {
  lastWatchedId: number;
}

export class MinuteStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Adds one batch's sums and events. */
  add(batch: StatisticsBatch): void {
    for (const d of batch.daily) {
      this.sql.exec(
        `INSERT INTO stat_daily (title_id, country, day, views, completions) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET views = views + excluded.views, completions = completions + excluded.completions`,
        d.titleId, d.country, d.day, d.views, d.completions,
      );
    }
    for (const w of batch.watched) this.sql.exec("INSERT INTO stat_watched (profile_id, title_id, at_ms) VALUES (?, ?, ?)", w.profileId, w.titleId, w.atMs);
  }

  pending(): boolean {
    return this.sql.exec<{ n: number }>("SELECT (SELECT count(*) FROM stat_daily) + (SELECT count(*) FROM stat_watched) AS n").one().n > 0;
  }

  /** Everything waiting, without removing it (settle does, once D1 took it). */
  peek(): MinuteTaken {
    const daily = this.sql
      .exec<{ title_id: number; country: string; day: number; views: number; completions: number }>("SELECT * FROM stat_daily")
      .toArray()
      .map((r): DailyCount => ({ titleId: r.title_id, country: r.country, day: r.day, views: r.views, completions: r.completions }));
    const rows = this.sql.exec<{ id: number; profile_id: string; title_id: number; at_ms: number }>("SELECT * FROM stat_watched ORDER BY id").toArray();
    const watched = rows.map((r): Watched => ({ profileId: r.profile_id, titleId: r.title_id, atMs: r.at_ms }));
    return { daily, watched, lastWatchedId: rows.at(-1)?.id ?? 0 };
  }

  /** Removes what a D1 write took: its sums are subtracted (later batches' stay) and its events deleted. */
  settle(taken: MinuteTaken): void {
    for (const d of taken.daily) {
      this.sql.exec(
        "UPDATE stat_daily SET views = views - ?, completions = completions - ? WHERE title_id = ? AND country = ? AND day = ?",
        d.views, d.completions, d.titleId, d.country, d.day,
      );
    }
    this.sql.exec("DELETE FROM stat_daily WHERE views = 0 AND completions = 0");
    this.sql.exec("DELETE FROM stat_watched WHERE id <= ?", taken.lastWatchedId);
  }
}
