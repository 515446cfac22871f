/**
 * bench:scale's population half (docs/SCALING.md §7): a bounded synthetic
 * population driven against the real Worker, counting what each Durable
 * Object instance and each D1 binding sees (the Worker's development-only
 * counters, `/api/dev/load`, worker/lib/load-meter.ts).
 *
 * Each simulated account signs up through the real API, then follows §1's
 * per-start mix on a simulated clock: app load (`/me`, genres), Home, two
 * catalog reads, a search, a playback POST, then a progress write every 10 s,
 * a steering poll every 15 s and a refresh every 14 min of simulated time (at
 * a random phase of that cycle, as in a steady state);
 * one in ten accounts also signs in again and one in ten sends an error
 * report. Simulated time runs in 5 s ticks as fast as the machine answers
 * (each tick's requests `concurrency` at a time, an account's own in order),
 * so every figure is per *simulated* second. The run is bounded: accounts ×
 * simulated minutes fixes the request count. After the last tick it waits for
 * the objects' alarms (views to the statistics shards, their D1 writes), which
 * run on the real clock.
 */
import { random } from "../tools/seed/generate.ts";
import { round } from "./stats.ts";

export interface PopulationOptions {
  base: string;
  accounts: number;
  simulatedMinutes: number;
  concurrency: number;
  /** Titles the accounts play (each answers a playback POST). */
  titles: number[];
  /** A prefix unique to this population (e-mails, device ids). */
  label: string;
  /** Real seconds waited after the last tick for the objects' alarms. */
  settleSeconds: number;
}

export interface ObjectLoad {
  className: string;
  instance: string;
  requests: number;
}

export interface PopulationResult {
  accounts: number;
  simulatedSeconds: number;
  realSeconds: number;
  requests: number;
  failures: Record<string, number>;
  /** Every object instance's request count over the run. */
  objects: ObjectLoad[];
  databases: { binding: string; reads: number; writes: number; writesByTable: Record<string, number> }[];
}

const TICK_SECONDS = 5;
/** Where the accounts are: most in one region, as in §1 (the busiest steering object is the US one). */
export const COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "BR", "JP"];
const WORDS = ["the", "night", "love", "man", "war", "star", "city", "day"];


/** One simulated account: its cookies, country and playback. */
class Viewer {
  cookies = new Map<string, string>();
  token = "";
  position = 0;
  readonly base: string;
  readonly index: number;
  readonly email: string;
  readonly country: string;
  readonly titleId: number;
  readonly deviceId: string;
  constructor(base: string, index: number, email: string, country: string, titleId: number, deviceId: string) {
    this.base = base;
    this.index = index;
    this.email = email;
    this.country = country;
    this.titleId = titleId;
    this.deviceId = deviceId;
  }

  headers(json: boolean): Record<string, string> {
    return {
      ...(json ? { "content-type": "application/json" } : {}),
      origin: this.base,
      "x-dev-country": this.country,
      // Each account's own client network, so the sign-up limiter (10 an hour per network) sees households, not one machine.
      "cf-connecting-ip": `10.${(this.index >> 8) & 255}.${this.index & 255}.7`,
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    };
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, { method, headers: this.headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      const value = pair!.slice(at + 1);
      if (/max-age=0/i.test(c) || value === "") this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
    return res;
  }
}

type Step = (v: Viewer) => Promise<Response>;

/** The simulated steps of one account, by tick. */
function plan(v: Viewer, ticks: number, rnd: () => number, password: string): Map<number, { name: string; step: Step }[]> {
  const at = new Map<number, { name: string; step: Step }[]>();
  const add = (tick: number, name: string, step: Step) => {
    if (tick < ticks) at.set(tick, [...(at.get(tick) ?? []), { name, step }]);
  };
  const start = Math.floor(rnd() * (60 / TICK_SECONDS));
  const word = WORDS[Math.floor(rnd() * WORDS.length)]!;
  add(start, "app load", (x) => x.request("GET", "/api/auth/me"));
  add(start, "genres", (x) => x.request("GET", "/api/catalog/genres"));
  add(start, "home", (x) => x.request("GET", "/api/home?device=desktop&hour=20"));
  add(start, "browse", (x) => x.request("GET", "/api/catalog/titles?sort=popular&limit=24"));
  add(start, "title", (x) => x.request("GET", `/api/catalog/titles/${x.titleId}`));
  add(start, "search", (x) => x.request("GET", `/api/search?q=${word}`));
  add(start, "playback", async (x) => {
    const res = await x.request("POST", `/api/playback/${x.titleId}`, {});
    if (res.ok) x.token = ((await res.clone().json()) as { token: string }).token;
    return res;
  });
  for (let s = 10; s < ticks * TICK_SECONDS; s += 10) {
    add(start + s / TICK_SECONDS, "progress", (x) => {
      x.position += 10;
      return x.request("POST", "/api/progress", { opId: crypto.randomUUID(), titleId: x.titleId, positionSeconds: x.position, durationSeconds: 5400, clientTime: Date.now(), deviceId: x.deviceId, deviceName: "Bench TV" });
    });
  }
  for (let s = 15; s < ticks * TICK_SECONDS; s += 15) {
    add(start + s / TICK_SECONDS, "steering", (x) => x.request("GET", `/api/steering/${x.country}?token=${x.token}&_HLS_pathway=%22a%22&_HLS_throughput=${4_000_000 + x.index}`));
  }
  // The 15-minute session is refreshed every 14 min; in steady state an account's phase is anywhere in that cycle.
  const phase = Math.floor(rnd() * ((14 * 60) / TICK_SECONDS));
  for (let tick = start + phase; tick < ticks; tick += (14 * 60) / TICK_SECONDS) add(tick, "refresh", (x) => x.request("POST", "/api/auth/refresh", {}));
  if (rnd() < 0.1) add(Math.floor(rnd() * ticks), "sign-in", (x) => x.request("POST", "/api/auth/signin", { email: x.email, password }));
  if (rnd() < 0.1) add(start + 2 + Math.floor(rnd() * (ticks - start - 2)), "error report", (x) => x.request("POST", "/api/steering/report", { pathway: "a", kind: "error", token: x.token }));
  return at;
}

/** Runs `jobs` at most `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await job(items[next++]!);
  }));
}

async function load(base: string, path: string, method = "GET") {
  const res = await fetch(`${base}/api/dev/load${path}`, { method, headers: { origin: base } });
  if (!res.ok) throw new Error(`/api/dev/load${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { objects: ObjectLoad[]; databases: PopulationResult["databases"] };
}

/** Signs the population up, runs its simulated minutes, and answers what every object and database saw. */
export async function runPopulation(o: PopulationOptions): Promise<PopulationResult> {
  const rnd = random(21);
  const password = `bench-${o.label}-password`;
  const viewers = Array.from({ length: o.accounts }, (_, i) =>
    new Viewer(o.base, i, `${o.label}-${i}@bench.marquee.local`, COUNTRIES[i % COUNTRIES.length]!, o.titles[i % o.titles.length]!, `${o.label}-device-${i}`.replace(/[^A-Za-z0-9_-]/g, "-")));
  await pool(viewers, o.concurrency, async (v) => {
    const res = await v.request("POST", "/api/auth/signup", { email: v.email, password, plan: "premium" });
    if (res.status !== 201 && res.status !== 200) throw new Error(`sign-up of ${v.email} answered ${res.status}: ${await res.text()}`);
    const { profiles } = (await res.json()) as { profiles: { id: string }[] };
    const select = await v.request("POST", `/api/profiles/${profiles[0]!.id}/select`, {});
    if (!select.ok) throw new Error(`profile select answered ${select.status}: ${await select.text()}`);
  });
  const ticks = Math.round((o.simulatedMinutes * 60) / TICK_SECONDS);
  const plans = viewers.map((v) => plan(v, ticks, rnd, password));
  await load(o.base, "/reset", "POST");
  const failures: Record<string, number> = {};
  let requests = 0;
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const due = viewers.map((v, i) => ({ v, steps: plans[i]!.get(tick) ?? [] })).filter((d) => d.steps.length > 0);
    await pool(due, o.concurrency, async ({ v, steps }) => {
      for (const { name, step } of steps) {
        requests++;
        const res = await step(v);
        await res.arrayBuffer();
        if (!res.ok) failures[`${name} ${res.status}`] = (failures[`${name} ${res.status}`] ?? 0) + 1;
      }
    });
  }
  const realSeconds = (performance.now() - started) / 1000;
  // Views reach the statistics shards from each account's alarm (60 s), and D1 from the shards' (60 s more): real time.
  await new Promise((r) => setTimeout(r, o.settleSeconds * 1000));
  const counts = await load(o.base, "");
  return { accounts: o.accounts, simulatedSeconds: ticks * TICK_SECONDS, realSeconds: round(realSeconds, 1), requests, failures, ...counts };
}

/** Each class's busiest instance (requests per simulated second), busiest class first. */
export function busiestPerClass(r: PopulationResult, per: "simulated" | "real" = "simulated"): { className: string; instance: string; rps: number; instances: number }[] {
  const by = new Map<string, { className: string; instance: string; rps: number; instances: number }>();
  const seconds = per === "simulated" ? r.simulatedSeconds : r.realSeconds;
  for (const o of r.objects) {
    const rps = o.requests / seconds;
    const seen = by.get(o.className);
    if (!seen) by.set(o.className, { className: o.className, instance: o.instance, rps, instances: 1 });
    else {
      seen.instances++;
      if (rps > seen.rps) Object.assign(seen, { instance: o.instance, rps });
    }
  }
  return [...by.values()].sort((a, b) => b.rps - a.rps);
}
