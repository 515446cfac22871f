import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { database } from "../../worker/db/client.ts";
import { statisticsShardByIndex, statisticsShardCount } from "../../worker/stats/stub.ts";

/** Sends a request through the Worker's own fetch handler (inside workerd). */
export function call(path: string, init?: RequestInit & { country?: string }): Promise<Response> {
  const headers = new Headers(init?.headers);
  if (init?.country) headers.set("x-dev-country", init.country);
  const worker = (exports as unknown as { default: { fetch(req: Request): Promise<Response> } }).default;
  return worker.fetch(new Request(`http://127.0.0.1${path}`, { ...init, headers }));
}

/** GET + JSON, asserting nothing: tests check status and body themselves. */
export async function getJson<T = any>(path: string, country?: string): Promise<{ status: number; body: T; res: Response }> {
  const res = await call(path, { country });
  return { status: res.status, body: (await res.json()) as T, res };
}

export const db = () => database(env.DB);

/** Writes every statistics shard's waiting minute into D1 now (what their alarms do once a minute). */
export async function flushStatistics(): Promise<void> {
  for (let i = 0; i < statisticsShardCount(env); i++) await statisticsShardByIndex(env, i).sweep(Date.now());
}
