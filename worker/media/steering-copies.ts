/**
 * The pathway priority as the leader published it (docs/SCALING.md §6.5): a
 * version that only grows, so a push that arrives late never replaces a newer
 * one. The leader keeps its own published row (and whether every copy has it);
 * each read copy keeps the latest it was given.
 */
import { SqlStore } from "../lib/sql-store.ts";

export interface PublishedPriority {
  priority: string[];
  /** Grows with every change (epoch ms at the change, or one more than the last). */
  version: number;
}

/** One row: the priority, its version, when it was stored and (leader) whether every copy has it. */
export class PublishedStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, "CREATE TABLE IF NOT EXISTS published (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, version INTEGER NOT NULL, at_ms INTEGER NOT NULL, pushed INTEGER NOT NULL DEFAULT 0)");
  }

  /** The stored priority with when it was stored and whether it reached every copy, or null. */
  read(): (PublishedPriority & { atMs: number; pushed: boolean }) | null {
    const row = this.sql.exec<{ json: string; version: number; at_ms: number; pushed: number }>("SELECT json, version, at_ms, pushed FROM published WHERE id = 1").toArray()[0];
    return row ? { priority: JSON.parse(row.json) as string[], version: row.version, atMs: row.at_ms, pushed: row.pushed === 1 } : null;
  }

  /** Keeps `p` unless a newer version is stored already; whether it was kept. */
  keep(p: PublishedPriority, nowMs: number, pushed = false): boolean {
    const current = this.read();
    if (current && current.version > p.version) return false;
    this.sql.exec("INSERT OR REPLACE INTO published (id, json, version, at_ms, pushed) VALUES (1, ?, ?, ?, ?)", JSON.stringify(p.priority), p.version, nowMs, pushed ? 1 : 0);
    return true;
  }

  /** Notes that every copy has version `version` (a newer one published meanwhile stays unpushed). */
  markPushed(version: number): void {
    this.sql.exec("UPDATE published SET pushed = 1 WHERE id = 1 AND version = ?", version);
  }
}

/** Whether two priorities list the same pathways in the same order. */
export function samePriority(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
