/**
 * The D1 side of home-row click-through: the shards' day sums added in (additive
 * upserts, like the QoE rollups), the console's read, and retention (13 months).
 */
import { and, gte, lt, sql } from "drizzle-orm";
import { HOME_ROW_MIN_VIEWS } from "../../common/home-rows.ts";
import type { RowDayCell } from "../qoe/row-store.ts";
import { runBatch, type Db } from "./client.ts";
import { homeRowDays } from "./schema.ts";

/** Rows per INSERT (D1 binds at most 100 parameters per statement). */
const CELLS_PER_STATEMENT = 15;

/** Adds day sums into D1 in one batch. */
export async function addHomeRowDays(db: Db, cells: RowDayCell[]): Promise<void> {
  const statements = [];
  for (let i = 0; i < cells.length; i += CELLS_PER_STATEMENT) {
    const chunk = cells.slice(i, i + CELLS_PER_STATEMENT);
    statements.push(
      db
        .insert(homeRowDays)
        .values(chunk)
        .onConflictDoUpdate({
          target: [homeRowDays.day, homeRowDays.row, homeRowDays.device],
          set: {
            rowViews: sql.raw(`"row_views" + excluded."row_views"`),
            tileViews: sql.raw(`"tile_views" + excluded."tile_views"`),
            plays: sql.raw(`"plays" + excluded."plays"`),
          },
        })
        .getSQL(),
    );
  }
  if (statements.length > 0) await runBatch(db, statements);
}

export interface HomeRowCtr {
  row: string;
  rowViews: number;
  tileViews: number;
  plays: number;
  /** Plays started from the row ÷ times the row was shown, in %. */
  ctrPct: number;
  /** Plays ÷ tiles shown, in %. */
  tileCtrPct: number;
}

/** Each row kind's sums over days [fromDay, toDay), optionally on one device; kinds shown fewer than HOME_ROW_MIN_VIEWS times are left out. Best CTR first. */
export async function homeRowCtr(db: Db, fromDay: number, toDay: number, device?: string): Promise<HomeRowCtr[]> {
  const t = homeRowDays;
  const rows = await db
    .select({ row: t.row, rowViews: sql<number>`sum(${t.rowViews})`, tileViews: sql<number>`sum(${t.tileViews})`, plays: sql<number>`sum(${t.plays})` })
    .from(t)
    .where(and(gte(t.day, fromDay), lt(t.day, toDay), device === undefined ? undefined : sql`${t.device} = ${device}`))
    .groupBy(t.row)
    .having(sql`sum(${t.rowViews}) >= ${HOME_ROW_MIN_VIEWS}`)
    .all();
  return rows
    .map((r) => {
      const rowViews = Number(r.rowViews);
      const tileViews = Number(r.tileViews);
      const plays = Number(r.plays);
      return { row: r.row, rowViews, tileViews, plays, ctrPct: (100 * plays) / rowViews, tileCtrPct: tileViews > 0 ? (100 * plays) / tileViews : 0 };
    })
    .sort((a, b) => b.ctrPct - a.ctrPct || b.rowViews - a.rowViews);
}

/** Deletes days before `day` (retention). */
export async function deleteHomeRowDaysBefore(db: Db, day: number): Promise<void> {
  await db.delete(homeRowDays).where(lt(homeRowDays.day, day));
}
