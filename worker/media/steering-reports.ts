/**
 * A report shard's waiting second (docs/SCALING.md §6.5), reduced into one
 * merge for the leader: per pathway and kind at most MAX_PER_PATHWAY samples,
 * the latest of each source (account or network: the leader counts one per
 * source anyway), so a merge stays small however many players report during an
 * incident. The samples wait in memory (health is best-effort: a restart loses
 * at most a second of them); the served marks wait in storage, because a lost
 * mark would silence that session's reports until its token is renewed.
 */
import { SqlStore } from "../lib/sql-store.ts";
import type { PathwaySample } from "./steering-policy.ts";
import type { ServedMark } from "./steering-ids.ts";

/** Per pathway and kind, the samples one merge carries (the policy remembers 64 error reporters per pathway). */
export const MAX_PER_PATHWAY = 64;
/** Marks kept while the leader cannot be reached (oldest dropped first). */
const MAX_WAITING_MARKS = 50_000;

/** The served marks waiting for the next merge. */
export class WaitingMarkStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, "CREATE TABLE IF NOT EXISTS waiting_served (id INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT NOT NULL, until_ms INTEGER NOT NULL)");
  }

  add(marks: ServedMark[]): void {
    for (const m of marks) this.sql.exec("INSERT INTO waiting_served (session, until_ms) VALUES (?, ?)", m.session, m.untilMs);
    if (marks.length) this.sql.exec("DELETE FROM waiting_served WHERE id <= (SELECT max(id) FROM waiting_served) - ?", MAX_WAITING_MARKS);
  }

  /** Every waiting mark and the last id read (to drop them once merged). */
  waiting(): { marks: ServedMark[]; lastId: number } {
    const rows = this.sql.exec<{ id: number; session: string; until_ms: number }>("SELECT id, session, until_ms FROM waiting_served ORDER BY id").toArray();
    return { marks: rows.map((r) => ({ session: r.session, untilMs: r.until_ms })), lastId: rows.at(-1)?.id ?? 0 };
  }

  /** Drops the marks up to `lastId` (merged). */
  drop(lastId: number): void {
    this.sql.exec("DELETE FROM waiting_served WHERE id <= ?", lastId);
  }
}

/** Per pathway and kind, the latest sample of each source (later samples win), at most MAX_PER_PATHWAY of them. */
export function reduceSamples(samples: readonly PathwaySample[]): PathwaySample[] {
  const groups = new Map<string, PathwaySample[]>();
  for (const sample of samples) {
    const key = `${sample.kind}\u0000${sample.pathway}`;
    const kept = (groups.get(key) ?? []).filter((s) => s.reporter !== sample.reporter && s.network !== sample.network);
    kept.push(sample);
    if (kept.length > MAX_PER_PATHWAY) kept.shift();
    groups.set(key, kept);
  }
  return [...groups.values()].flat();
}
