/**
 * The load meter's counters (worker/lib/load-meter.ts), as tests read them
 * through `/api/dev/load`: queries on the real `DB` binding since the last
 * reset, reads and writes, each by table, and calls to each account's object.
 * Read and reset signed out, so doing so calls no account's object.
 */
import { env } from "cloudflare:workers";
import { TestBrowser } from "./session-client.ts";

export interface D1Counts {
  reads: number;
  writes: number;
  readsByTable: Record<string, number>;
  writesByTable: Record<string, number>;
}

/** The `DB` binding's counts since the last reset (all zero when nothing was counted). */
export async function d1Counts(): Promise<D1Counts> {
  const { body } = await new TestBrowser().json<{ databases: (D1Counts & { binding: string })[] }>("/api/dev/load");
  return body.databases.find((d) => d.binding === "DB") ?? { reads: 0, writes: 0, readsByTable: {}, writesByTable: {} };
}

/** Starts counting afresh (D1 queries and object calls alike). */
export async function resetD1Counts(): Promise<void> {
  const res = await new TestBrowser().fetch("/api/dev/load/reset", { method: "POST" });
  if (!res.ok) throw new Error(`resetting the load counters failed: ${res.status}`);
}

/** Calls the account's ViewerState object answered since the last reset. */
export async function objectCalls(accountId: string): Promise<number> {
  const key = env.VIEWER_STATE.idFromName(`account:${accountId}`).toString();
  const { body } = await new TestBrowser().json<{ objects: { className: string; instance: string; requests: number }[] }>("/api/dev/load");
  return body.objects.find((o) => o.className === "ViewerState" && (o.instance === `account:${accountId}` || o.instance === key))?.requests ?? 0;
}
