/**
 * QoE alerts: threshold rules an operator writes on the console ("rebuffer % above 2
 * over the last 5 minutes on pathway b in DE"), evaluated every minute (the Worker's
 * cron, qoe/schedule.ts) against the minute rollups in D1, with the console's own
 * metric definitions (metrics.ts). A rule reports a change of state once — firing,
 * then resolved — never the same state again, and a window with too few views gives
 * no verdict (the rule keeps its state). Events wait in D1 until the webhook
 * (`QOE_ALERT_WEBHOOK`, a secret: its URL is never logged) takes them, retried on the
 * following minutes up to MAX_DELIVERY_ATTEMPTS times.
 */
import { QOE_METRICS, QOE_MIN_CELL_VIEWS, type QoeMetricName } from "../../common/qoe.ts";
import type { Db } from "../db/client.ts";
import { countersByStep, startupByStep, type QoeFilter } from "../db/qoe.ts";
import { alertRules, markAlertEvent, noteAlertValue, pendingAlertEvents, recordAlertTransition, type AlertEventRow, type AlertRuleRow } from "../db/qoe-alerts.ts";
import { metricsOf, type Metrics } from "./metrics.ts";

export const ALERT_METRICS = Object.keys(QOE_METRICS) as [QoeMetricName, ...QoeMetricName[]];
export const ALERT_OPS = ["above", "below"] as const;
export const MAX_ALERT_WINDOW_MINUTES = 60;
export const MAX_DELIVERY_ATTEMPTS = 5;
/** Events posted per run at most (the rest wait for the next minute). */
const DELIVERIES_PER_RUN = 20;
const WEBHOOK_TIMEOUT_MS = 5000;

/** The minutes a rule looks at: the last `windowMinutes` whole minutes before `nowMs` (the current one is still filling). */
export function alertWindow(nowMs: number, windowMinutes: number): { fromMinute: number; toMinute: number } {
  const toMinute = Math.floor(nowMs / 60_000);
  return { fromMinute: toMinute - windowMinutes, toMinute };
}

/** A rule's verdict on a window's metrics: breached or not, or null (too few views, or the metric has no value). */
export function alertVerdict(rule: Pick<AlertRuleRow, "metric" | "op" | "threshold" | "minViews">, metrics: Metrics | null): { breach: boolean | null; value: number | null } {
  if (!metrics || metrics.views < Math.max(rule.minViews, QOE_MIN_CELL_VIEWS)) return { breach: null, value: null };
  const value = metrics[rule.metric as QoeMetricName] ?? null;
  if (value === null || !Number.isFinite(value)) return { breach: null, value: null };
  return { breach: rule.op === "below" ? value < rule.threshold : value > rule.threshold, value };
}

/** What a rule watches, as the console's filter. */
function filterOf(rule: AlertRuleRow): QoeFilter {
  return { titleId: rule.titleId ?? undefined, pathway: rule.pathway ?? undefined, country: rule.country ?? undefined, device: rule.device ?? undefined };
}

/** The metrics of a rule's window (null when nothing was played there). */
async function windowMetrics(db: Db, rule: AlertRuleRow, nowMs: number): Promise<Metrics | null> {
  const { fromMinute, toMinute } = alertWindow(nowMs, rule.windowMinutes);
  const needsStartup = rule.metric === "startupMs" || rule.metric === "qualityScore";
  const [steps, histograms] = await Promise.all([
    countersByStep(db, fromMinute, toMinute, rule.windowMinutes, filterOf(rule)),
    needsStartup ? startupByStep(db, fromMinute, toMinute, rule.windowMinutes, filterOf(rule)) : Promise.resolve(new Map<number, Map<number, number>>()),
  ]);
  const step = steps[0];
  return step ? metricsOf(step.counters, histograms.get(0) ?? new Map()) : null;
}

/** Evaluates every enabled rule at `nowMs`; records each change of state once. Answers the changes. */
export async function evaluateAlerts(db: Db, nowMs: number): Promise<{ ruleId: number; firing: boolean; value: number | null }[]> {
  const changes: { ruleId: number; firing: boolean; value: number | null }[] = [];
  for (const rule of await alertRules(db)) {
    if (!rule.enabled) continue;
    const { breach, value } = alertVerdict(rule, await windowMetrics(db, rule, nowMs));
    if (breach === null) continue;
    if (breach !== rule.firing) {
      await recordAlertTransition(db, rule, breach, value, nowMs);
      changes.push({ ruleId: rule.id, firing: breach, value });
    } else if (value !== rule.lastValue) {
      await noteAlertValue(db, rule.id, value);
    }
  }
  return changes;
}

/** A rule's filters in words ("pathway b, DE"), for the webhook's text. */
function scopeOf(rule: AlertRuleRow): string {
  const parts = [rule.titleId !== null ? `title ${rule.titleId}` : "", rule.pathway !== null ? `pathway ${rule.pathway}` : "", rule.country ?? "", rule.device ?? ""].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "everywhere";
}

/** The webhook's JSON for one event: `text` for chat webhooks (Slack, Mattermost), `alert` for programs. */
export function alertPayload(event: AlertEventRow, rule: AlertRuleRow) {
  const metric = QOE_METRICS[rule.metric as QoeMetricName];
  const value = event.value === null ? "?" : Number(event.value.toFixed(3));
  return {
    text: `[${event.state.toUpperCase()}] ${rule.name}: ${metric?.label ?? rule.metric} ${value} ${metric?.unit ?? ""} (${rule.op} ${rule.threshold} over ${rule.windowMinutes} min, ${scopeOf(rule)})`,
    alert: {
      id: event.id,
      state: event.state,
      atMs: event.at,
      value: event.value,
      rule: { id: rule.id, name: rule.name, metric: rule.metric, op: rule.op, threshold: rule.threshold, windowMinutes: rule.windowMinutes, titleId: rule.titleId, pathway: rule.pathway, country: rule.country, device: rule.device },
    },
  };
}

/** Posts waiting events to the webhook, oldest first; stops at the first failure (order kept). Answers how many it delivered. */
export async function deliverAlerts(db: Db, webhookUrl: string | undefined, nowMs: number): Promise<number> {
  if (!webhookUrl) return 0;
  let delivered = 0;
  for (const { event, rule } of await pendingAlertEvents(db, MAX_DELIVERY_ATTEMPTS, DELIVERIES_PER_RUN)) {
    let ok = false;
    try {
      const res = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alertPayload(event, rule)),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.body?.cancel();
      ok = res.ok;
      // The status only: the URL is a secret (it often carries a token).
      if (!ok) console.warn(`qoe alert webhook answered ${res.status}`);
    } catch (err) {
      console.warn("qoe alert webhook unreachable:", err instanceof Error ? err.name : "error");
    }
    await markAlertEvent(db, event.id, ok ? nowMs : null);
    if (!ok) break;
    delivered++;
  }
  return delivered;
}
