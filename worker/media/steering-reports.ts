/**
 * A report shard's waiting second (docs/SCALING.md §6.5): the batches isolates
 * sent since the last merge, stored so a restart loses none, and reduced into
 * one merge for the leader — per pathway at most MAX_PER_PATHWAY errors and as
 * many throughput samples, the latest of each source (account or network: the
 * leader counts one per source anyway), and every served mark.
 */
import { SqlStore } from "../lib/sql-store.ts";
import type { PathwaySample } from "./steering-policy.ts";
import type { ServedMark } from "./steering-state.ts";

/** Per pathway and kind, the samples one merge carries (the policy remembers 64 error reporters per pathway). */
export const MAX_PER_PATHWAY = 64;
/** Batches kept while the leader cannot be reached (oldest dropped first): health is best-effort. */
const MAX_WAITING_BATCHES = 2000;

export interface ReportBatch {
  samples: PathwaySample[];
  served: ServedMark[];
}

/** The batches waiting for the next merge. */
export class ReportStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, "CREATE TABLE IF NOT EXISTS waiting (id INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)");
  }

  add(batch: ReportBatch): void {
    this.sql.exec("INSERT INTO waiting (json) VALUES (?)", JSON.stringify(batch));
    this.sql.exec("DELETE FROM waiting WHERE id <= (SELECT max(id) FROM waiting) - ?", MAX_WAITING_BATCHES);
  }

  /** Every waiting batch and the last id read (to drop them once merged). */
  waiting(): { batches: ReportBatch[]; lastId: number } {
    const rows = this.sql.exec<{ id: number; json: string }>("SELECT id, json FROM waiting ORDER BY id").toArray();
    return { batches: rows.map((r) => JSON.parse(r.json) as ReportBatch), lastId: rows.at(-1)?.id ?? 0 };
  }

  /** Drops the batches up to `lastId` (merged). */
  drop(lastId: number): void {
    this.sql.exec("DELETE FROM waiting WHERE id <= ?", lastId);
  }
}

/** One merge from many batches: served marks first (all), then per pathway and kind the latest sample of each source, at most MAX_PER_PATHWAY. */
export function reduceBatches(batches: readonly ReportBatch[]): ReportBatch {
  const served = batches.flatMap((b) => b.served);
  const groups = new Map<string, PathwaySample[]>();
  for (const sample of batches.flatMap((b) => b.samples)) {
    const key = `${sample.kind}\u0000${sample.pathway}`;
    const kept = (groups.get(key) ?? []).filter((s) => s.reporter !== sample.reporter && s.network !== sample.network);
    kept.push(sample);
    if (kept.length > MAX_PER_PATHWAY) kept.shift();
    groups.set(key, kept);
  }
  return { samples: [...groups.values()].flat(), served };
}
