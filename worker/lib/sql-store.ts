/**
 * The one storage idiom of Marquee's Durable Objects: an object is a thin
 * front that composes stores, and each store class owns its tables. A store
 * creates its tables lazily and idempotently (`CREATE … IF NOT EXISTS` on its
 * first use in an instance), not in the constructor: `storage.deleteAll()` — an
 * alarm freeing an idle object, an account's erasure — drops every table while
 * the instance lives on, so the object calls `wipeStorage`, which makes each
 * store create its tables again on the next use.
 */
/** A column a table gained after it first shipped: its table, name and type (`INTEGER`; nullable or with a default, as SQLite requires of an added column). */
export interface AddedColumn {
  table: string;
  column: string;
  definition: string;
}

export abstract class SqlStore {
  #ready = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    /** The store's tables and indexes, every statement `IF NOT EXISTS` (with every column, added ones too). */
    private readonly schema: string,
    /** Columns added since the tables first shipped, for objects whose tables predate them. */
    private readonly addedColumns: readonly AddedColumn[] = [],
  ) {}

  /** The object's SQL, with this store's tables created (and added columns added) first if this instance has not yet (or since a wipe). */
  protected get sql(): SqlStorage {
    if (!this.#ready) {
      this.storage.sql.exec(this.schema);
      for (const { table, column, definition } of this.addedColumns) {
        const has = this.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pragma_table_info(?) WHERE name = ?", table, column).one().n > 0;
        if (!has) this.storage.sql.exec(`ALTER TABLE "${table}" ADD COLUMN ${column} ${definition}`);
      }
      this.#ready = true;
    }
    return this.storage.sql;
  }

  /** The tables are gone (storage was wiped); the next use creates them again. */
  forgetSchema(): void {
    this.#ready = false;
  }
}

/** Deletes everything an object stores (its alarm too) and tells its stores their tables are gone. */
export async function wipeStorage(storage: DurableObjectStorage, stores: SqlStore[]): Promise<void> {
  await storage.deleteAlarm();
  await storage.deleteAll();
  for (const store of stores) store.forgetSchema();
}

/** Whether an object stores nothing: no alarm and no row in any table of its own (tests: deletion and expiry leave nothing). */
export async function storageIsEmpty(storage: DurableObjectStorage): Promise<boolean> {
  if ((await storage.getAlarm()) !== null) return false;
  const tables = storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
    .toArray();
  return tables.every((t) => storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t.name}"`).one().n === 0);
}
