/**
 * The dev site's D1 load counters (`/api/dev/load`, worker/lib/load-meter.ts), for tests that
 * check which databases a request reads or writes. Read and reset signed out: no account's
 * object is called, so the reading itself counts nothing.
 */
import { TestBrowser } from "./session-client.ts";

export interface DatabaseCounts {
  binding: string;
  reads: number;
  writes: number;
  writesByTable: Record<string, number>;
  readsByTable: Record<string, number>;
  sessionsByStart: Record<string, number>;
}

/** Every D1 binding's counters since the last reset. */
export const databaseCounts = async (): Promise<DatabaseCounts[]> => (await new TestBrowser().json<{ databases: DatabaseCounts[] }>("/api/dev/load")).body.databases;

/** One binding's counters since the last reset (all zero when it was not touched). */
export const countsOf = async (binding: string): Promise<DatabaseCounts> =>
  (await databaseCounts()).find((d) => d.binding === binding) ?? { binding, reads: 0, writes: 0, writesByTable: {}, readsByTable: {}, sessionsByStart: {} };

/** Sets every counter back to zero. */
export const resetCounters = () => new TestBrowser().fetch("/api/dev/load/reset", { method: "POST" });
