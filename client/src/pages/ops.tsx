/**
 * The operations console (/ops, operator accounts only; the API answers 403
 * `not_operator` to everyone else and this page says so): how playback is going,
 * with the industry's QoE metrics (common/qoe.ts QOE_METRICS, after Mux Data) as
 * totals against the design's targets and as charts over time (uPlot) — the last
 * hour by minute, refreshed every 15 s (the live view), 24 hours or 30 days —
 * filterable by title, pathway, country, device, player version and stream (live or VOD); top and
 * failing titles and breakdowns by pathway, country and device. Groups with
 * fewer than 5 views are never shown. Home rows' click-through (plays started
 * from a row ÷ times it was shown, the design's "recommendation CTR > 15 %") over
 * the last 7 days, rows shown fewer than 5 times left out. Alert rules (worker/qoe/alerts.ts) are
 * listed with their state and edited here. A lazy chunk of its own.
 */
import { createEffect, createResource, createSignal, For, onCleanup, Show } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { QOE_METRICS, type QoeMetricName } from "../../../common/qoe.ts";
import type { AlertRuleInput, AlertRuleRow } from "../../../worker/db/qoe-alerts.ts";
import type { BreakdownRow, ConsoleSeries } from "../../../worker/qoe/console.ts";
import type { HomeRowKind } from "../../../common/home-rows.ts";
import { ApiError, deleteOpsAlert, opsAlerts, opsBreakdown, opsHomeRows, opsSeries, saveOpsAlert, type OpsQuery } from "../data/api.ts";
import "./ops.css";

/** The live view refreshes this often (rollups are at most 20 s behind the player). */
const LIVE_REFRESH_MS = 15_000;
const RANGES = [
  { id: "1h", label: "Last hour (live)" },
  { id: "24h", label: "24 hours" },
  { id: "30d", label: "30 days" },
] as const;
const CHARTS: QoeMetricName[] = ["startupMs", "rebufferPct", "failurePct", "exitBeforeStartPct", "bitrateKbps", "completionPct"];
const TILES: QoeMetricName[] = ["startupMs", "failurePct", "exitBeforeStartPct", "rebufferPct", "bitrateKbps", "completionPct", "qualityScore"];

function format(name: QoeMetricName, v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  const unit = QOE_METRICS[name].unit;
  if (unit === "%") return `${v < 1 ? v.toFixed(2) : v.toFixed(1)} %`;
  if (unit === "ms") return `${Math.round(v)} ms`;
  if (unit === "kbps") return `${Math.round(v)} kbps`;
  return `${Math.round(v)}`;
}

const percent = (v: number) => `${v < 1 ? v.toFixed(2) : v.toFixed(1)} %`;

function Chart(props: { series: ConsoleSeries; metric: QoeMetricName }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;
  createEffect(() => {
    const s = props.series;
    const xs = s.points.map((p) => p.atMs / 1000);
    const ys = s.points.map((p) => (p.views === null ? null : ((p as Record<string, number | null>)[props.metric] ?? null)));
    plot?.destroy();
    plot = new uPlot(
      {
        width: Math.max(280, host.clientWidth || 420),
        height: 160,
        legend: { show: false },
        scales: { x: { time: true } },
        series: [{}, { label: QOE_METRICS[props.metric].label, stroke: "#e50914", width: 2, spanGaps: false, points: { show: s.points.length <= 60 } }],
        axes: [{ stroke: "#aaa", grid: { stroke: "#333" } }, { stroke: "#aaa", grid: { stroke: "#333" }, size: 60 }],
      },
      [xs, ys],
      host,
    );
  });
  // uPlot draws at a fixed width: follow the grid cell as the window (or a TV's layout) changes.
  const sizes = new ResizeObserver(() => host.clientWidth > 0 && plot?.setSize({ width: Math.max(280, host.clientWidth), height: 160 }));
  queueMicrotask(() => host && sizes.observe(host));
  onCleanup(() => (sizes.disconnect(), plot?.destroy()));
  return (
    <figure class="ops-chart" data-chart={props.metric}>
      <figcaption>
        {QOE_METRICS[props.metric].label} <span class="muted">({QOE_METRICS[props.metric].unit})</span>
      </figcaption>
      <div ref={host} />
    </figure>
  );
}

function Table(props: { title: string; rows: BreakdownRow[] | undefined; testId: string }) {
  return (
    <section class="panel ops-table" data-table={props.testId}>
      <h2>{props.title}</h2>
      <Show when={(props.rows?.length ?? 0) > 0} fallback={<p class="muted">Nothing with at least 5 views yet.</p>}>
        <div class="ops-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Views</th>
                <th scope="col">Startup</th>
                <th scope="col">Failures</th>
                <th scope="col">Rebuffer</th>
                <th scope="col">Bitrate</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.rows}>
                {(r) => (
                  <tr data-value={String(r.value)}>
                    <th scope="row">{r.name ?? (String(r.value) || "(unknown)")}</th>
                    <td>{r.metrics.views}</td>
                    <td>{format("startupMs", r.metrics.startupMs)}</td>
                    <td>{format("failurePct", r.metrics.failurePct)}</td>
                    <td>{format("rebufferPct", r.metrics.rebufferPct)}</td>
                    <td>{format("bitrateKbps", r.metrics.bitrateKbps)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}

/** The console's names for Home's row kinds (the viewer's headings are per profile and language). */
const ROW_NAMES: Record<HomeRowKind, string> = {
  hero: "Hero (featured)",
  continue: "Continue Watching",
  "my-list": "My List",
  "because-you-watched": "Because you watched/liked …",
  trending: "Trending now",
  top10: "Top 10 in a country",
  "new-releases": "New releases",
  genre: "Genre rows",
  "picked-for-you": "Picked for you",
  popular: "Popular on Marquee",
};
const CTR_DAYS = 7;
/** The design's target for recommendation CTR. */
const CTR_TARGET_PCT = 15;

/** Home rows' click-through over the last CTR_DAYS days (refreshed with the live view), best first. */
function HomeRows(props: { tick: number; device?: string }) {
  const [ctr] = createResource(
    () => ({ tick: props.tick, device: props.device }),
    (k) => opsHomeRows({ days: String(CTR_DAYS), device: k.device }),
  );
  return (
    <section class="panel ops-table" data-table="home-rows">
      <h2>Home rows: click-through (last {CTR_DAYS} days)</h2>
      <p class="muted">Plays started from a row ÷ times the row was shown; target &gt; {CTR_TARGET_PCT} %.</p>
      <Show when={(ctr.latest?.rows.length ?? 0) > 0} fallback={<p class="muted">No row shown at least 5 times yet.</p>}>
        <div class="ops-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Shown</th>
                <th scope="col">Tiles shown</th>
                <th scope="col">Plays</th>
                <th scope="col">CTR</th>
                <th scope="col">Plays per tile</th>
              </tr>
            </thead>
            <tbody>
              <For each={ctr.latest?.rows}>
                {(r) => (
                  <tr data-value={r.row} data-below-target={r.ctrPct < CTR_TARGET_PCT ? "" : undefined}>
                    <th scope="row">{ROW_NAMES[r.row as HomeRowKind] ?? r.row}</th>
                    <td>{r.rowViews}</td>
                    <td>{r.tileViews}</td>
                    <td>{r.plays}</td>
                    <td>{percent(r.ctrPct)}</td>
                    <td>{percent(r.tileCtrPct)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}

const NEW_RULE: AlertRuleInput = { name: "", metric: "rebufferPct", op: "above", threshold: 2, windowMinutes: 5, minViews: 5, titleId: null, pathway: null, country: null, device: null, enabled: true };

/** A rule's condition in words: "Rebuffer percentage above 2 % over 5 min". */
function conditionOf(r: AlertRuleInput): string {
  const m = QOE_METRICS[r.metric as QoeMetricName];
  return `${m?.label ?? r.metric} ${r.op} ${r.threshold} ${m?.unit ?? ""} over ${r.windowMinutes} min`;
}
function scopeOf(r: AlertRuleInput): string {
  return [r.titleId !== null ? `title ${r.titleId}` : "", r.pathway !== null ? `pathway ${r.pathway}` : "", r.country ?? "", r.device ?? ""].filter(Boolean).join(", ") || "everywhere";
}

/** Alert rules: listed with their state (refreshed with the live view), added, edited, paused and deleted. */
function Alerts(props: { tick: number }) {
  const [alerts, { refetch }] = createResource(() => props.tick, () => opsAlerts());
  const [draft, setDraft] = createSignal<AlertRuleInput>({ ...NEW_RULE });
  const [editing, setEditing] = createSignal<number | undefined>(undefined);
  const [error, setError] = createSignal<string | null>(null);
  const set = <K extends keyof AlertRuleInput>(key: K, value: AlertRuleInput[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const optional = (v: string) => v.trim() || null;
  const names = () => new Map((alerts.latest?.rules ?? []).map((r) => [r.id, r.name]));

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
      await refetch();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  const save = () =>
    act(async () => {
      await saveOpsAlert(draft(), editing());
      setDraft({ ...NEW_RULE });
      setEditing(undefined);
    });
  const edit = (r: AlertRuleRow) => {
    const { id, firing: _f, changedAt: _c, lastValue: _l, createdAt: _a, ...input } = r;
    setEditing(id);
    setDraft(input);
  };

  return (
    <section class="panel ops-alerts" aria-label="Alerts">
      <h2>Alerts</h2>
      <p class="muted" data-webhook={alerts.latest?.webhookConfigured ? "set" : "unset"}>
        Evaluated every minute over the rollups; each firing and resolution is posted once to{" "}
        {alerts.latest?.webhookConfigured ? "the configured webhook" : "a webhook once QOE_ALERT_WEBHOOK is set (none is)"}.
      </p>
      <Show when={(alerts.latest?.rules.length ?? 0) > 0} fallback={<p class="muted">No alert rules yet.</p>}>
        <div class="ops-scroll">
          <table class="ops-alert-rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Condition</th>
                <th scope="col">Where</th>
                <th scope="col">State</th>
                <th scope="col">Last value</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              <For each={alerts.latest?.rules}>
                {(r) => (
                  <tr data-rule={r.id} data-state={!r.enabled ? "paused" : r.firing ? "firing" : "ok"}>
                    <th scope="row">{r.name}</th>
                    <td>{conditionOf(r)}</td>
                    <td>{scopeOf(r)}</td>
                    <td>{!r.enabled ? "paused" : r.firing ? `FIRING since ${new Date(r.changedAt ?? 0).toLocaleTimeString()}` : "ok"}</td>
                    <td>{r.lastValue === null ? "—" : format(r.metric as QoeMetricName, r.lastValue)}</td>
                    <td class="ops-alert-actions">
                      <button type="button" class="button" onClick={() => edit(r)}>Edit</button>
                      <button type="button" class="button" onClick={() => act(() => deleteOpsAlert(r.id))}>Delete</button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <form
        class="ops-alert-form"
        aria-label={editing() === undefined ? "New alert rule" : "Edit alert rule"}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label class="field">
          <span>Name</span>
          <input name="name" required maxLength={80} value={draft().name} onInput={(e) => set("name", e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Metric</span>
          <select name="metric" value={draft().metric} onChange={(e) => set("metric", e.currentTarget.value)}>
            <For each={Object.keys(QOE_METRICS) as QoeMetricName[]}>{(m) => <option value={m}>{QOE_METRICS[m].label}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>Is</span>
          <select name="op" value={draft().op} onChange={(e) => set("op", e.currentTarget.value)}>
            <option value="above">above</option>
            <option value="below">below</option>
          </select>
        </label>
        <label class="field">
          <span>Threshold</span>
          <input name="threshold" type="number" step="any" required value={draft().threshold} onInput={(e) => set("threshold", e.currentTarget.valueAsNumber)} />
        </label>
        <label class="field">
          <span>For (minutes)</span>
          <input name="windowMinutes" type="number" min="1" max="60" required value={draft().windowMinutes} onInput={(e) => set("windowMinutes", e.currentTarget.valueAsNumber)} />
        </label>
        <label class="field">
          <span>Min. views</span>
          <input name="minViews" type="number" min="5" required value={draft().minViews} onInput={(e) => set("minViews", e.currentTarget.valueAsNumber)} />
        </label>
        <label class="field">
          <span>Pathway</span>
          <input name="pathway" value={draft().pathway ?? ""} onInput={(e) => set("pathway", optional(e.currentTarget.value))} />
        </label>
        <label class="field">
          <span>Country</span>
          <input name="country" maxLength={2} value={draft().country ?? ""} onInput={(e) => set("country", optional(e.currentTarget.value.toUpperCase()))} />
        </label>
        <label class="field">
          <span>Title id</span>
          <input name="titleId" inputMode="numeric" value={draft().titleId ?? ""} onInput={(e) => set("titleId", e.currentTarget.value.trim() ? Number(e.currentTarget.value) : null)} />
        </label>
        <label class="field">
          <span>Device</span>
          <select name="device" value={draft().device ?? ""} onChange={(e) => set("device", optional(e.currentTarget.value))}>
            <option value="">any</option>
            <option value="desktop">desktop</option>
            <option value="phone">phone</option>
            <option value="tv">tv</option>
          </select>
        </label>
        <label class="field ops-alert-enabled">
          <input name="enabled" type="checkbox" checked={draft().enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />
          <span>Enabled</span>
        </label>
        <button type="submit" class="button primary">{editing() === undefined ? "Add rule" : "Save rule"}</button>
        <Show when={editing() !== undefined}>
          <button
            type="button"
            class="button"
            onClick={() => {
              setEditing(undefined);
              setDraft({ ...NEW_RULE });
            }}
          >
            Cancel
          </button>
        </Show>
      </form>
      <Show when={error()}>
        <p class="form-error" role="alert">{error()}</p>
      </Show>
      <Show when={(alerts.latest?.events.length ?? 0) > 0}>
        <h3>Recent alerts</h3>
        <ul class="ops-alert-events">
          <For each={alerts.latest?.events}>
            {(e) => (
              <li data-event-state={e.state}>
                {new Date(e.at).toLocaleString()} — <strong>{e.state}</strong> {names().get(e.ruleId) ?? `rule ${e.ruleId}`}
                {e.value === null ? "" : ` (${Number(e.value.toFixed(3))})`}
                {e.deliveredAt ? " · posted" : alerts.latest?.webhookConfigured ? " · not posted yet" : ""}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

export default function OpsPage() {
  const [range, setRange] = createSignal<string>("1h");
  const [filters, setFilters] = createSignal<OpsQuery>({});
  const [tick, setTick] = createSignal(0);
  // The tick makes the live view refetch; it is not sent.
  const query = () => ({ q: { range: range(), ...filters() } as OpsQuery, tick: tick() });
  const strip = (k: { q: OpsQuery; tick: number }): OpsQuery => k.q;
  const [series] = createResource(query, (q) => opsSeries(strip(q)));
  const [top] = createResource(query, (q) => opsBreakdown({ ...strip(q), by: "title", limit: "10" }));
  const [failing] = createResource(query, (q) => opsBreakdown({ ...strip(q), by: "title", failing: "1", limit: "10" }));
  const [pathways] = createResource(query, (q) => opsBreakdown({ ...strip(q), by: "pathway" }));
  const [countries] = createResource(query, (q) => opsBreakdown({ ...strip(q), by: "country" }));
  const [devices] = createResource(query, (q) => opsBreakdown({ ...strip(q), by: "device" }));

  const timer = setInterval(() => range() === "1h" && document.visibilityState === "visible" && setTick((t) => t + 1), LIVE_REFRESH_MS);
  onCleanup(() => clearInterval(timer));

  const refused = () => {
    const e = series.error as unknown;
    return e instanceof ApiError && e.code === "not_operator";
  };
  const setFilter = (key: string, value: string) => setFilters((f) => ({ ...f, [key]: value.trim() || undefined }));
  const latest = () => (series.state === "ready" || series.state === "refreshing" ? series.latest : undefined);

  return (
    <div class="page ops-page">
      <h1>Operations</h1>
      <Show
        when={!refused()}
        fallback={
          <section class="panel" role="alert">
            <h2>Not an operator</h2>
            <p>The operations console is for operator accounts. An administrator can grant access with <code>npm run admin -- grant &lt;email&gt;</code>.</p>
          </section>
        }
      >
        <form class="ops-filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
          <label class="field">
            <span>Range</span>
            <select value={range()} onChange={(e) => setRange(e.currentTarget.value)}>
              <For each={RANGES}>{(r) => <option value={r.id}>{r.label}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span>Stream</span>
            <select name="stream" value={filters().stream ?? ""} onChange={(e) => setFilter("stream", e.currentTarget.value)}>
              <option value="">Live and VOD</option>
              <option value="vod">VOD</option>
              <option value="live">Live</option>
            </select>
          </label>
          <For each={[["title", "Title id"], ["pathway", "Pathway"], ["country", "Country"], ["device", "Device"], ["player", "Player version"]] as const}>
            {([key, label]) => (
              <label class="field">
                <span>{label}</span>
                <input name={key} value={filters()[key] ?? ""} onChange={(e) => setFilter(key, e.currentTarget.value)} />
              </label>
            )}
          </For>
        </form>
        <Show when={series.error && !refused()}>
          <p class="form-error" role="alert">{(series.error as Error).message}</p>
        </Show>
        <Show when={latest()}>
          {(s) => (
            <>
              <p class="muted" data-updated={s().toMs}>
                {s().totals ? `${s().totals!.views} views` : "Fewer than 5 views in this range: nothing is shown."} · updated {new Date().toLocaleTimeString()}
              </p>
              <section class="ops-tiles" aria-label="Totals">
                <For each={TILES}>
                  {(m) => (
                    <div class="ops-tile" data-metric={m} data-value={s().totals?.[m] ?? ""} title={QOE_METRICS[m].definition}>
                      <span class="ops-tile-label">{QOE_METRICS[m].label}</span>
                      <strong>{format(m, s().totals?.[m])}</strong>
                      <Show when={QOE_METRICS[m].target}>
                        <span class="muted">target {QOE_METRICS[m].target}</span>
                      </Show>
                    </div>
                  )}
                </For>
                <div class="ops-tile" data-metric="rebufferPerMinute" data-value={s().totals?.rebufferPerMinute ?? ""}>
                  <span class="ops-tile-label">Rebuffering events per minute</span>
                  <strong>{s().totals?.rebufferPerMinute == null ? "—" : s().totals!.rebufferPerMinute!.toFixed(2)}</strong>
                </div>
              </section>
              <section class="ops-charts" aria-label="Over time">
                <For each={CHARTS}>{(m) => <Chart series={s()} metric={m} />}</For>
              </section>
            </>
          )}
        </Show>
        {/* Only once the series answered: for a non-operator every other request fails too, and reading those first would throw past the "not an operator" answer. */}
        <Show when={latest()}>
          <div class="ops-tables">
            <Table title="Top titles" rows={top.latest?.rows} testId="top" />
            <Table title="Failing titles" rows={failing.latest?.rows} testId="failing" />
            <Table title="Pathways" rows={pathways.latest?.rows} testId="pathway" />
            <Table title="Countries" rows={countries.latest?.rows} testId="country" />
            <Table title="Devices" rows={devices.latest?.rows} testId="device" />
            <HomeRows tick={tick()} device={filters().device} />
          </div>
          <Alerts tick={tick()} />
        </Show>
      </Show>
    </div>
  );
}
