/**
 * The development fault switch: makes one pathway answer 503, hang, or slow
 * down, so steering and failover can be tried locally and tested. Faults live in
 * KV (shared by every isolate of `wrangler dev`) with a one-hour expiry so a
 * forgotten fault clears itself; the media route reads them through a one-second
 * per-isolate cache, and only in development.
 */
import { z } from "zod";
import { errorBody } from "../lib/errors.ts";
import { putAtMostOncePerSecond } from "../lib/kv-writes.ts";

/** What a faulty pathway does: answer 503, hang then 504, answer slowly, or behave ("off"). */
export const FAULT_MODES = ["503", "hang", "slow", "off"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface Fault {
  mode: Exclude<FaultMode, "off">;
  /** How long "hang" holds a request before giving up (504), or "slow" delays the first byte. */
  delayMs: number;
}

/** Body of `POST /api/dev/faults`. */
export const faultShape = z.object({
  pathway: z.string(),
  mode: z.enum(FAULT_MODES),
  delayMs: z.number().int().min(0).max(120_000).optional(),
});

const DEFAULT_DELAY_MS: Record<Fault["mode"], number> = { "503": 0, hang: 60_000, slow: 2_000 };
const FAULT_TTL_SECONDS = 3600;
const CACHE_MS = 1000;
const kvKey = (pathway: string) => `dev:fault:${pathway}`;

const cache = new Map<string, { fault: Fault | null; readAtMs: number }>();

/** Sets (or with mode "off", clears) a pathway's fault; takes effect at once in this isolate, within a second elsewhere. */
export async function setFault(kv: KVNamespace, pathway: string, mode: FaultMode, delayMs?: number): Promise<Fault | null> {
  const fault: Fault | null = mode === "off" ? null : { mode, delayMs: delayMs ?? DEFAULT_DELAY_MS[mode] };
  // A switch flipped twice within a second is written once, a second later, with the last state (KV's limit per key).
  await putAtMostOncePerSecond(kv, kvKey(pathway), fault ? JSON.stringify(fault) : null, { expirationTtl: FAULT_TTL_SECONDS });
  cache.set(pathway, { fault, readAtMs: Date.now() });
  return fault;
}

/** The pathway's current fault, if any. */
export async function faultFor(kv: KVNamespace, pathway: string): Promise<Fault | null> {
  const hit = cache.get(pathway);
  const nowMs = Date.now();
  if (hit && nowMs - hit.readAtMs < CACHE_MS) return hit.fault;
  const fault = await kv.get<Fault>(kvKey(pathway), "json");
  cache.set(pathway, { fault, readAtMs: nowMs });
  return fault;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Acts out a fault: "503" answers at once, "hang" holds the request for
 * `delayMs` and then answers 504, "slow" waits `delayMs` and lets the request
 * through (returns null).
 */
export async function actOutFault(fault: Fault, pathway: string): Promise<Response | null> {
  const headers = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };
  if (fault.mode === "503") {
    const body = errorBody("pathway_fault", `Pathway ${pathway} is failing on purpose (development fault switch).`);
    return new Response(JSON.stringify(body), { status: 503, headers: { ...headers, "Retry-After": "5" } });
  }
  await sleep(fault.delayMs);
  if (fault.mode === "hang") {
    const body = errorBody("pathway_fault", `Pathway ${pathway} hung on purpose (development fault switch).`);
    return new Response(JSON.stringify(body), { status: 504, headers });
  }
  return null;
}
