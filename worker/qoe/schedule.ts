/**
 * The Worker's minute cron (wrangler.toml `[triggers]`): QoE alert rules are
 * evaluated against the rollups and their events posted to the webhook, and
 * each region's pathway QoE feeds content steering. Each part fails on its own
 * (logged), so one never stops the other.
 */
import { database } from "../db/client.ts";
import { alertWebhook } from "../lib/environment.ts";
import { deliverAlerts, evaluateAlerts } from "./alerts.ts";
import { feedSteering } from "./steering-quality.ts";

/** One run of the schedule at `nowMs`. */
export async function runQoeSchedule(env: Env, nowMs: number): Promise<void> {
  const db = database(env.DB);
  await evaluateAlerts(db, nowMs).catch((err) => console.error("qoe alert evaluation failed", err));
  await deliverAlerts(db, alertWebhook(env), nowMs).catch((err) => console.error("qoe alert delivery failed", err instanceof Error ? err.name : "error"));
  await feedSteering(env, db, nowMs).catch((err) => console.error("qoe steering feed failed", err));
}
