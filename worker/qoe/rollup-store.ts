/**
 * A QoeShard's minute rollups waiting for D1: counters summed per cell
 * (minute × dims) and startup histogram buckets. The alarm takes them all
 * (read and deleted in one synchronous step, so increments arriving during
 * the D1 write start new rows) and puts them back if the write fails.
 */
import { histogramBucket } from "../../common/qoe.ts";
import type { HistogramRow, RollupRow } from "../db/qoe.ts";
import { SqlStore } from "../lib/sql-store.ts";
import { QOE_COUNTERS, type Counters, type Increment } from "./view-model.ts";

const column = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const COLUMNS = QOE_COUNTERS.map(column);
const DIMS = "minute, title_id, rendition, pathway, country, device, player";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS qoe_cells (
  minute INTEGER NOT NULL, title_id INTEGER NOT NULL, rendition INTEGER NOT NULL, pathway TEXT NOT NULL,
  country TEXT NOT NULL, device TEXT NOT NULL, player TEXT NOT NULL,
  ${COLUMNS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(", ")},
  PRIMARY KEY (${DIMS})
);
CREATE TABLE IF NOT EXISTS qoe_cell_startup (
  minute INTEGER NOT NULL, title_id INTEGER NOT NULL, rendition INTEGER NOT NULL, pathway TEXT NOT NULL,
  country TEXT NOT NULL, device TEXT NOT NULL, player TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (${DIMS}, bucket)
);
`;

const ADD_CELL = `INSERT INTO qoe_cells (${DIMS}, ${COLUMNS.join(", ")}) VALUES (${Array(7 + COLUMNS.length).fill("?").join(", ")})
  ON CONFLICT (${DIMS}) DO UPDATE SET ${COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ")}`;
const ADD_BUCKET = `INSERT INTO qoe_cell_startup (${DIMS}, bucket, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (${DIMS}, bucket) DO UPDATE SET count = count + excluded.count`;

interface CellRow {
  minute: number;
  title_id: number;
  rendition: number;
  pathway: string;
  country: string;
  device: string;
  player: string;
  [counter: string]: number | string;
}

/** A stored row's minute and dims. */
function cellOf(r: CellRow): Omit<RollupRow, "counters"> {
  return { minute: r.minute, titleId: r.title_id, rendition: r.rendition, pathway: r.pathway, country: r.country, device: r.device as RollupRow["device"], player: r.player };
}

export class RollupStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Adds increments to the cells of `minute`. */
  add(minute: number, increments: Increment[]): void {
    for (const inc of increments) {
      const d = inc.dims;
      const dims = [minute, d.titleId, d.rendition, d.pathway, d.country, d.device, d.player];
      this.sql.exec(ADD_CELL, ...dims, ...QOE_COUNTERS.map((k) => Math.round(inc.counters[k] ?? 0)));
      if (inc.startupMs !== undefined) this.sql.exec(ADD_BUCKET, ...dims, histogramBucket(inc.startupMs), 1);
    }
  }

  /** Whether anything waits for D1. */
  pending(): boolean {
    return this.sql.exec<{ n: number }>("SELECT (SELECT count(*) FROM qoe_cells) + (SELECT count(*) FROM qoe_cell_startup) AS n").one().n > 0;
  }

  /** Takes every waiting row (deleting it): put it back with `restore` if D1 refuses it. */
  take(): { cells: RollupRow[]; buckets: HistogramRow[] } {
    const cells = this.sql.exec<CellRow>("SELECT * FROM qoe_cells").toArray().map((r) => ({
      ...cellOf(r),
      counters: Object.fromEntries(QOE_COUNTERS.map((k, i) => [k, Number(r[COLUMNS[i]!])])) as Counters,
    }));
    const buckets = this.sql
      .exec<CellRow & { bucket: number; count: number }>("SELECT * FROM qoe_cell_startup")
      .toArray()
      .map((r) => ({ ...cellOf(r), bucket: r.bucket, count: r.count }));
    this.sql.exec("DELETE FROM qoe_cells");
    this.sql.exec("DELETE FROM qoe_cell_startup");
    return { cells, buckets };
  }

  /** Puts taken rows back (added to whatever arrived since). */
  restore(taken: { cells: RollupRow[]; buckets: HistogramRow[] }): void {
    for (const c of taken.cells) {
      const dims = [c.minute, c.titleId, c.rendition, c.pathway, c.country, c.device, c.player];
      this.sql.exec(ADD_CELL, ...dims, ...QOE_COUNTERS.map((k) => c.counters[k]));
    }
    for (const b of taken.buckets) this.sql.exec(ADD_BUCKET, b.minute, b.titleId, b.rendition, b.pathway, b.country, b.device, b.player, b.bucket, b.count);
  }

  /** Every waiting row, for the privacy scan and tests. */
  dump(): { cells: Record<string, unknown>[]; buckets: Record<string, unknown>[] } {
    return { cells: this.sql.exec("SELECT * FROM qoe_cells").toArray(), buckets: this.sql.exec("SELECT * FROM qoe_cell_startup").toArray() };
  }
}
