/**
 * A QoeShard's home-row sums waiting for D1 (per day, row kind and device); the
 * shard's BatchLedger makes a retried batch count once. Taken and restored
 * like the minute rollups (rollup-store.ts).
 */
import type { HomeRowKind } from "../../common/home-rows.ts";
import type { QoeDeviceClass } from "../../common/qoe.ts";
import { SqlStore } from "../lib/sql-store.ts";
import type { RowIncrement } from "./home-rows.ts";

/** Batch ids are remembered this long (a retry comes within seconds; a day is generous). */
export const ROW_BATCH_RETENTION_MS = 24 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS home_row_cells (
  day INTEGER NOT NULL, row TEXT NOT NULL, device TEXT NOT NULL,
  row_views INTEGER NOT NULL, tile_views INTEGER NOT NULL, plays INTEGER NOT NULL,
  PRIMARY KEY (day, row, device)
);
`;
const ADD = `INSERT INTO home_row_cells (day, row, device, row_views, tile_views, plays) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (day, row, device) DO UPDATE SET row_views = row_views + excluded.row_views, tile_views = tile_views + excluded.tile_views, plays = plays + excluded.plays`;

/** One day's sums of a row kind on a device. */
export interface RowDayCell extends RowIncrement {
  day: number;
}

export class RowStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Adds a batch's sums to `day`. */
  add(day: number, increments: RowIncrement[]): void {
    for (const i of increments) this.sql.exec(ADD, day, i.row, i.device, i.rowViews, i.tileViews, i.plays);
  }

  pending(): boolean {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM home_row_cells").one().n > 0;
  }

  /** Takes every waiting cell (deleting it): put them back with `restore` if D1 refuses them. */
  take(): RowDayCell[] {
    const cells = this.sql
      .exec<{ day: number; row: string; device: string; row_views: number; tile_views: number; plays: number }>("SELECT * FROM home_row_cells")
      .toArray()
      .map((r) => ({ day: r.day, row: r.row as HomeRowKind, device: r.device as QoeDeviceClass, rowViews: r.row_views, tileViews: r.tile_views, plays: r.plays }));
    this.sql.exec("DELETE FROM home_row_cells");
    return cells;
  }

  restore(cells: RowDayCell[]): void {
    for (const c of cells) this.sql.exec(ADD, c.day, c.row, c.device, c.rowViews, c.tileViews, c.plays);
  }

  dump(): { rowCells: Record<string, unknown>[] } {
    return { rowCells: this.sql.exec("SELECT * FROM home_row_cells").toArray() };
  }
}
