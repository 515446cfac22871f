/**
 * Bulk loading for seeds, ingest and tests: rows travel as one JSON parameter per
 * statement (`INSERT … SELECT … FROM json_each(?)`), which keeps far inside D1's
 * 100-bound-parameter limit and needs one round trip per few hundred rows.
 */
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { runBatch, type Db } from "./client.ts";

/** Rows per statement; small enough for D1's statement and parameter size limits. */
export const BULK_ROWS = 250;

/** Statements for inserting `rows` into `table` (INSERT OR REPLACE when `replace`). */
export function bulkInsertStatements<T extends SQLiteTable>(
  table: T,
  rows: T["$inferInsert"][],
  replace = false,
): SQL[] {
  const { name } = getTableConfig(table);
  const columns = Object.entries(getTableColumns(table));
  const statements: SQL[] = [];
  for (let i = 0; i < rows.length; i += BULK_ROWS) {
    const chunk = rows.slice(i, i + BULK_ROWS).map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, column] of columns) {
        let value = (row as Record<string, unknown>)[key];
        if (value === undefined) {
          if (column.hasDefault && column.default !== undefined && !(column.default instanceof Object)) value = column.default;
          else if (column.hasDefault) continue;
          else value = null;
        }
        if (column.columnType === "SQLiteTextJson" && value !== null) value = JSON.stringify(value);
        if (typeof value === "boolean") value = value ? 1 : 0;
        out[column.name] = value;
      }
      return out;
    });
    const present = columns.filter(([, c]) => chunk.some((r) => c.name in r));
    const names = sql.raw(present.map(([, c]) => `"${c.name}"`).join(", "));
    const values = sql.raw(present.map(([, c]) => `value->>'$."${c.name}"'`).join(", "));
    const verb = sql.raw(replace ? "INSERT OR REPLACE INTO" : "INSERT INTO");
    statements.push(sql`${verb} ${sql.raw(`"${name}"`)} (${names}) SELECT ${values} FROM json_each(${JSON.stringify(chunk)})`);
  }
  return statements;
}

/** Inserts rows in chunks; `statementsPerBatch` statements share one D1 batch (one transaction). */
export async function bulkInsert<T extends SQLiteTable>(db: Db, table: T, rows: T["$inferInsert"][], replace = false) {
  const statements = bulkInsertStatements(table, rows, replace);
  for (let i = 0; i < statements.length; i += 20) await runBatch(db, statements.slice(i, i + 20));
}
