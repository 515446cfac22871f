/**
 * A QoeShard's raw per-view rows: each open or recent view's state and the
 * beacons it sent (for replay protection and inspection). Raw rows are deleted
 * 24 h after a view's last beacon (RAW_RETENTION_MS); only the minute rollups
 * live longer, in D1. Nothing here names a person: a random view id, a title,
 * a country, a device class and a player version.
 */
import type { QoeEvent } from "../../common/qoe.ts";
import { SqlStore } from "../lib/sql-store.ts";
import type { ViewState } from "./view-model.ts";

/** Raw per-view rows are kept this long after the view's last beacon. */
export const RAW_RETENTION_MS = 24 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS qoe_views (
  view_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  closed INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS qoe_views_open ON qoe_views (closed, last_seen_ms);
CREATE INDEX IF NOT EXISTS qoe_views_seen ON qoe_views (last_seen_ms);
CREATE TABLE IF NOT EXISTS qoe_beacons (
  view_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  received_ms INTEGER NOT NULL,
  events TEXT NOT NULL,
  PRIMARY KEY (view_id, seq)
);
CREATE INDEX IF NOT EXISTS qoe_beacons_received ON qoe_beacons (received_ms);
`;

export class ViewStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Records a beacon; false when this view's `seq` was already received (a retry). */
  recordBeacon(viewId: string, seq: number, events: QoeEvent[], nowMs: number): boolean {
    const inserted = this.sql.exec(
      "INSERT INTO qoe_beacons (view_id, seq, received_ms, events) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      viewId, seq, nowMs, JSON.stringify(events),
    ).rowsWritten;
    return inserted > 0;
  }

  view(viewId: string): ViewState | null {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM qoe_views WHERE view_id = ?", viewId).toArray()[0];
    return row ? (JSON.parse(row.state) as ViewState) : null;
  }

  save(viewId: string, state: ViewState, nowMs: number): void {
    this.sql.exec(
      "INSERT INTO qoe_views (view_id, state, closed, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (view_id) DO UPDATE SET state = excluded.state, closed = excluded.closed, last_seen_ms = excluded.last_seen_ms",
      viewId, JSON.stringify(state), state.closed ? 1 : 0, nowMs,
    );
  }

  /** Open views silent since before `beforeMs`. */
  idle(beforeMs: number): { viewId: string; state: ViewState }[] {
    return this.sql
      .exec<{ view_id: string; state: string }>("SELECT view_id, state FROM qoe_views WHERE closed = 0 AND last_seen_ms < ?", beforeMs)
      .toArray()
      .map((r) => ({ viewId: r.view_id, state: JSON.parse(r.state) as ViewState }));
  }

  /** Whether any view is still open. */
  anyOpen(): boolean {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM qoe_views WHERE closed = 0").one().n > 0;
  }

  /** Marks a view closed without touching when it was last seen. */
  markClosed(viewId: string, state: ViewState): void {
    this.sql.exec("UPDATE qoe_views SET state = ?, closed = 1 WHERE view_id = ?", JSON.stringify(state), viewId);
  }

  /** Deletes raw rows last touched before `beforeMs`; answers the oldest remaining time, or null. */
  prune(beforeMs: number): number | null {
    this.sql.exec("DELETE FROM qoe_beacons WHERE received_ms < ?", beforeMs);
    this.sql.exec("DELETE FROM qoe_views WHERE last_seen_ms < ?", beforeMs);
    const row = this.sql.exec<{ oldest: number | null }>(
      "SELECT min(t) AS oldest FROM (SELECT min(received_ms) AS t FROM qoe_beacons UNION ALL SELECT min(last_seen_ms) FROM qoe_views)",
    ).one();
    return row.oldest;
  }

  /** Every raw row, for the privacy scan and tests. */
  dump(): { views: Record<string, unknown>[]; beacons: Record<string, unknown>[] } {
    return {
      views: this.sql.exec("SELECT * FROM qoe_views").toArray(),
      beacons: this.sql.exec("SELECT * FROM qoe_beacons").toArray(),
    };
  }
}
