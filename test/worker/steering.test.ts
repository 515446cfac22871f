import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app.ts";
import {
  DEMOTE_AFTER_ERRORS,
  emptyHealth,
  ERROR_WINDOW_MS,
  pathwayPriority,
  QUIET_PERIOD_MS,
  recordSample,
  SWITCH_RATIO,
  THROUGHPUT_REPORT_INTERVAL_MS,
} from "../../worker/media/steering-policy.ts";
import { signPlaybackToken } from "../../worker/media/tokens.ts";
import { call, db } from "./helpers.ts";
import { seedAsset, seedTitles } from "./media-fixtures.ts";
import { PASSWORD, TestBrowser, uniqueEmail } from "./session-client.ts";

const IDS = ["a", "b"] as const;
const ANY_MOVIE = 7402;

beforeAll(async () => {
  await seedTitles(db(), [{ id: ANY_MOVIE }]);
  await seedAsset(db(), { id: "st-any", titleId: ANY_MOVIE, heights: [360] });
});

/** Each token's client address: every viewer plays from a network of its own unless a test says otherwise. */
const addressOf = new Map<string, string>();
let networks = 0;
const newAddress = () => `198.51.${Math.floor(networks / 250) % 250}.${(networks++ % 250) + 1}`;

async function steering(region: string, query = "") {
  const token = new URLSearchParams(query).get("token");
  const address = token ? addressOf.get(token) : undefined;
  const res = await call(`/api/steering/${region}${query}`, { headers: address ? { "cf-connecting-ip": address } : {} });
  return { status: res.status, body: (await res.json()) as any, res };
}

/** Fetches one media segment with `token` from `address`, as a playing player does (its reports count from then on). */
async function fetchSegment(token: string, address: string, folder = "st-any"): Promise<void> {
  const res = await call(`/cdn/a/${token}/${folder}/video/360p/seg_00001.m4s`, { headers: { "cf-connecting-ip": address } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

/**
 * A playback token of viewer `sub` in region `cc` (reports and steering samples count only with one),
 * used from a network of its own, that has been served a segment (unless `played` is false or it is expired).
 */
async function tokenOf(sub: string, cc: string, ttlSeconds = 3600, played = true): Promise<string> {
  const token = (await signPlaybackToken(env, { sub, pfx: "assets/st-any/", mh: 1080, cc }, ttlSeconds)).token;
  addressOf.set(token, newAddress());
  if (played && ttlSeconds > 0) await fetchSegment(token, addressOf.get(token)!);
  return token;
}

function report(body: unknown, contentType = "application/json", address?: string) {
  const token = typeof body === "object" && body !== null ? (body as { token?: string }).token : undefined;
  const from = address ?? (token ? addressOf.get(token) : undefined);
  return call("/api/steering/report", {
    method: "POST",
    headers: { "content-type": contentType, ...(from ? { "cf-connecting-ip": from } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The region's leader: its health (the development diagnostics route). */
async function leader(region: string): Promise<any> {
  return (await call(`/api/dev/steering/${region}`)).json();
}

/**
 * Waits until `check` passes. Reports reach the region's leader through this
 * isolate's batch (≤ 1 s) and a report shard's merge (≤ 1 s), and a new priority
 * reaches the players through a read copy and the caches (≤ 1 s each), so what
 * a report changes shows a few seconds later (docs/SCALING.md §6.5).
 */
const eventually = <T>(check: () => Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 200 });

/**
 * The region's health once every report this isolate sent before has reached
 * the leader: a last report (an error on `pathway` with `token`, or a throughput
 * sample) goes after them through the same batches and shard, so once the leader
 * has it, it has them.
 */
async function flushed(region: string, token: string, pathway = "a", kind: "error" | "throughput" = "error"): Promise<any> {
  const seen = (h: any) => (kind === "error" ? h.health.pathways[pathway]?.lastErrorMs : h.health.pathways[pathway]?.lastThroughputMs) ?? null;
  const before = seen(await leader(region));
  expect((await report({ pathway, kind, token, ...(kind === "throughput" ? { value: 1_000_000 } : {}) })).status).toBe(202);
  return eventually(async () => {
    const after = await leader(region);
    expect(seen(after)).not.toBe(before);
    return after;
  });
}

/** Waits until players of `region` are answered `priority`. */
const steeredTo = (region: string, priority: string[]) => eventually(async () => expect((await steering(region)).body["PATHWAY-PRIORITY"]).toEqual(priority));

describe("steering manifest", () => {
  it("answers the HLS Content Steering shape with the configured pathways in order", async () => {
    const { status, body, res } = await steering("FR");
    expect(status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body).toEqual({ VERSION: 1, TTL: 15, "RELOAD-URI": "/api/steering/FR", "PATHWAY-PRIORITY": ["a", "b"] });
  });

  it("takes hls.js's _HLS_pathway and _HLS_throughput quoted or not, and ignores malformed ones", async () => {
    const token = await tokenOf("acct-be", "BE");
    for (const query of ['?_HLS_pathway="a"&_HLS_throughput="5000000"', "?_HLS_pathway=b&_HLS_throughput=4000000", "?_HLS_pathway=zz&_HLS_throughput=-5", "?_HLS_throughput=NaN", '?_HLS_pathway="&_HLS_throughput="']) {
      const { status, body } = await steering("BE", `${query}&token=${token}`);
      expect(status, query).toBe(200);
      expect(body["PATHWAY-PRIORITY"].sort(), query).toEqual(["a", "b"]);
    }
    const snapshot = await flushed("BE", token);
    expect(snapshot.health.pathways.a.throughputSamples).toBe(1);
    expect(snapshot.health.pathways.b.throughputSamples).toBe(1);
  });

  it("counts throughput only from a valid playback token of the region, and keeps that token on reloads", async () => {
    const token = await tokenOf("acct-lu", "LU");
    const elsewhere = await tokenOf("acct-lu", "FR");
    const expired = await tokenOf("acct-lu", "LU", -600);
    for (const t of ["", "&token=not-a-token", `&token=${elsewhere}`, `&token=${expired}`]) {
      const { status, body } = await steering("LU", `?_HLS_pathway=b&_HLS_throughput=9000000${t}`);
      expect(status, t).toBe(200);
      expect(body["RELOAD-URI"], t).toBe("/api/steering/LU");
    }
    expect((await flushed("LU", token)).health.pathways.b).toBeUndefined();
    const { body } = await steering("LU", `?token=${token}&_HLS_pathway=b&_HLS_throughput=9000000`);
    expect(body["RELOAD-URI"]).toBe(`/api/steering/LU?token=${token}`);
    expect((await flushed("LU", token)).health.pathways.b.throughputSamples).toBe(1);
  });

  it("refuses a malformed region with 400", async () => {
    expect((await steering("FRA")).status).toBe(400);
    expect((await steering("1A")).status).toBe(400);
  });

  it("demotes a pathway once several viewers report errors, only in their tokens' region, so players move to the other", async () => {
    const viewers = await Promise.all(Array.from({ length: DEMOTE_AFTER_ERRORS }, (_, i) => tokenOf(`acct-de-${i}`, "DE")));
    for (const token of viewers.slice(0, -2)) expect((await report({ pathway: "a", kind: "error", token })).status).toBe(202);
    // The last but one report waits until the ones before it reached the leader.
    expect((await flushed("DE", viewers.at(-2)!)).health.pathways.a.errors).toHaveLength(DEMOTE_AFTER_ERRORS - 1);
    expect((await steering("DE")).body["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
    await report({ pathway: "a", kind: "error", token: viewers.at(-1) });
    await steeredTo("DE", ["b", "a"]);
    // Other regions are unaffected.
    expect((await steering("IT")).body["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
  });

  it("one viewer cannot demote a pathway however many errors it reports, nor report for another region", async () => {
    const token = await tokenOf("acct-ch", "CH");
    for (let i = 0; i < 9; i++) expect((await report({ pathway: "a", kind: "error", token })).status).toBe(202);
    expect((await flushed("CH", token)).health.pathways.a.errors).toHaveLength(1);
    expect((await steering("CH")).body["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
    // A region named in the body is not the reporter's to choose: the token's region is used.
    await report({ pathway: "b", kind: "error", token, region: "DK" });
    await eventually(async () => expect((await leader("CH")).health.pathways.b?.errors).toHaveLength(1));
    expect((await leader("DK")).health.pathways).toEqual({});
  });

  it("counts throughput reported on steering reloads and error reports into the region's health", async () => {
    const [one, other] = [await tokenOf("acct-nl-1", "NL"), await tokenOf("acct-nl-2", "NL")];
    await steering("NL", `?_HLS_pathway="b"&_HLS_throughput=6000000&token=${one}`);
    await report({ token: other, reports: [{ pathway: "a", kind: "error" }, { pathway: "b", kind: "throughput", value: 5_000_000 }] });
    const snapshot = await eventually(async () => {
      const s = await leader("NL");
      expect(s.health.pathways.b?.throughputSamples).toBe(2);
      return s;
    });
    // The reporter and its network are stored as keyed hashes, never the account id or the address.
    expect(snapshot.health.pathways.a.errors).toEqual([{ atMs: expect.any(Number), reporter: expect.stringMatching(/^[0-9a-f]{32}$/), network: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(JSON.stringify(snapshot)).not.toMatch(/acct-nl|198\.51\./);
    expect(snapshot.health.pathways.b.throughputSamples).toBe(2);
    expect(snapshot.health.pathways.b.throughputBps).toBeGreaterThan(5_000_000);
  });

  it("never answers 429: a burst of 400 concurrent reloads all get a priority", async () => {
    const statuses = await Promise.all(Array.from({ length: 400 }, (_, i) => call(`/api/steering/SE?_HLS_pathway=a&_HLS_throughput=${1_000_000 + i}`).then(async (r) => (await r.json(), r.status))));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("answers the last known priority when the steering state fails", async () => {
    const broken = {
      ...env,
      STEERING: {
        idFromName: () => ({}),
        get: () => ({ readPriority: () => Promise.reject(new Error("Durable Object is overloaded")) }),
      },
    } as unknown as Env;
    const res = await app.fetch(new Request("http://x/api/steering/PL"), broken);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any)["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
    const hung = { ...broken, STEERING: { idFromName: () => ({}), get: () => ({ readPriority: () => new Promise(() => {}) }) } } as unknown as Env;
    const started = Date.now();
    const slow = await app.fetch(new Request("http://x/api/steering/PT"), hung);
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("only viewers who play count, one network as one", () => {
  /** A real account from `address`: signed up, then given a playback token in region GR. */
  async function account(address: string): Promise<string> {
    const browser = new TestBrowser();
    await browser.json("/api/auth/signup", { method: "POST", body: { email: uniqueEmail("st"), password: PASSWORD }, headers: { "cf-connecting-ip": address } });
    const play = await browser.json(`/api/playback/${ANY_MOVIE}`, { method: "POST", headers: { "cf-connecting-ip": address, "x-dev-country": "GR" } });
    expect(play.status).toBe(200);
    return play.body.token as string;
  }
  const errorsOn = async (region: string) => (await leader(region)).health.pathways.a?.errors ?? [];
  /** Every report sent so far reached GR's leader (a played viewer's throughput on b, sent last, has). */
  const settledGR = async () => flushed("GR", await tokenOf(`acct-gr-${networks}`, "GR"), "b", "throughput");

  it("three fresh accounts from one network that never fetched media do not demote a pathway, nor once they have (one network)", async () => {
    const address = "2001:db8:5eed::1";
    const tokens = await Promise.all(Array.from({ length: DEMOTE_AFTER_ERRORS }, () => account(address)));
    for (const [i, token] of tokens.entries()) expect((await report({ pathway: "a", kind: "error", token }, "application/json", `2001:db8:5eed::${i + 10}`)).status).toBe(202);
    await settledGR();
    expect(await errorsOn("GR")).toEqual([]);
    expect((await steering("GR")).body["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
    // Played now, but all from one /64: they weigh as one reporter.
    for (const [i, token] of tokens.entries()) await fetchSegment(token, `2001:db8:5eed::${i + 20}`);
    for (const [i, token] of tokens.entries()) expect((await report({ pathway: "a", kind: "error", token }, "application/json", `2001:db8:5eed:0:${i}::1`)).status).toBe(202);
    await settledGR();
    expect(await errorsOn("GR")).toHaveLength(1);
    expect((await steering("GR")).body["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
  });

  it("three real players from distinct networks still demote it", async () => {
    const addresses = ["203.0.113.7", "2001:db8:beef:1::7", "2001:db8:beef:2::7"];
    const tokens = await Promise.all(addresses.map((address) => account(address)));
    for (const [i, token] of tokens.entries()) await fetchSegment(token, addresses[i]!);
    for (const [i, token] of tokens.entries()) expect((await report({ pathway: "a", kind: "error", token }, "application/json", addresses[i])).status).toBe(202);
    await steeredTo("GR", ["b", "a"]);
  });

  it("throughput of a session never served media is not counted", async () => {
    const token = await tokenOf("acct-ie", "IE", 3600, false);
    await steering("IE", `?token=${token}&_HLS_pathway=b&_HLS_throughput=9000000`);
    expect((await flushed("IE", await tokenOf("acct-ie-2", "IE"))).health.pathways.b).toBeUndefined();
  });
});

describe("player reports", () => {
  it("accepts sendBeacon's text/plain bodies and batches", async () => {
    const token = await tokenOf("acct-at", "AT");
    const res = await report(JSON.stringify({ pathway: "b", kind: "throughput", value: 3_000_000, token }), "text/plain;charset=UTF-8");
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1 });
    const batch = await report({ token, reports: [{ pathway: "a", kind: "error" }, { pathway: "zz", kind: "error" }] });
    expect(await batch.json()).toEqual({ accepted: 1 });
  });

  it("refuses malformed or oversized reports with 4xx", async () => {
    const token = await tokenOf("acct-x", "AT");
    const malformed = ["not json", "{}", JSON.stringify({ pathway: "a", kind: "bogus", token }), JSON.stringify({ pathway: "a", kind: "throughput", value: -1, token }), JSON.stringify({ token, reports: [] })];
    for (const body of malformed) {
      const res = await report(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as any).error.code).toBe("invalid_json");
    }
    expect((await report("x".repeat(5000))).status).toBe(413);
  });

  it("refuses a report without a valid playback token (missing 400, forged or expired 403), counting nothing", async () => {
    const missing = await report({ pathway: "a", kind: "error" });
    expect(missing.status).toBe(400);
    const forged = (await tokenOf("acct-se", "SE")).replace(/.$/, (ch) => (ch === "A" ? "B" : "A"));
    for (const [token, code] of [[forged, "invalid_token"], [await tokenOf("acct-se", "SE", -600), "token_expired"]] as const) {
      const res = await report({ pathway: "a", kind: "error", token });
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).error.code).toBe(code);
    }
    expect(((await (await call("/api/dev/steering/SE")).json()) as any).health.pathways.a).toBeUndefined();
  });
});

describe("hysteresis", () => {
  const t0 = 1_000_000;
  let reporters = 0;
  /** An error from a new reporter (on a network of its own) each time, unless one is named. */
  const error = (pathway: string, reporter = `viewer-${reporters++}`, network = `net-${reporter}`) => ({ pathway, kind: "error" as const, value: 0, reporter, network, session: reporter });
  const throughput = (pathway: string, value: number, reporter = `viewer-${reporters++}`, network = `net-${reporter}`) => ({ pathway, kind: "throughput" as const, value, reporter, network, session: reporter });

  it("does not demote on errors spread wider than the window", () => {
    const state = emptyHealth();
    for (let i = 0; i < 10; i++) recordSample(state, IDS, error("a"), t0 + i * (ERROR_WINDOW_MS / 2 + 1));
    expect(pathwayPriority(state, IDS, t0 + 10 * ERROR_WINDOW_MS)).toEqual(["a", "b"]);
  });

  it("re-promotes a demoted pathway only after a quiet period, and new errors restart the wait", () => {
    const state = emptyHealth();
    for (let i = 0; i < DEMOTE_AFTER_ERRORS; i++) recordSample(state, IDS, error("a"), t0 + i);
    expect(pathwayPriority(state, IDS, t0 + 10)).toEqual(["b", "a"]);
    expect(pathwayPriority(state, IDS, t0 + QUIET_PERIOD_MS - 100)).toEqual(["b", "a"]);
    recordSample(state, IDS, error("a"), t0 + QUIET_PERIOD_MS - 50);
    expect(pathwayPriority(state, IDS, t0 + QUIET_PERIOD_MS + 10)).toEqual(["b", "a"]);
    expect(pathwayPriority(state, IDS, t0 + 2 * QUIET_PERIOD_MS)).toEqual(["a", "b"]);
    // One new error after re-promotion does not demote it again at once.
    recordSample(state, IDS, error("a"), t0 + 2 * QUIET_PERIOD_MS + 1);
    expect(pathwayPriority(state, IDS, t0 + 2 * QUIET_PERIOD_MS + 2)).toEqual(["a", "b"]);
  });

  it("does not flap between pathways whose throughput alternates within the switch ratio", () => {
    const state = emptyHealth();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const now = t0 + i * 1000;
      recordSample(state, IDS, throughput("a", i % 2 ? 5_000_000 : 4_000_000), now);
      recordSample(state, IDS, throughput("b", i % 2 ? 4_000_000 : 5_500_000), now);
      seen.add(pathwayPriority(state, IDS, now)[0]!);
    }
    expect([...seen]).toEqual(["a"]);
  });

  it("moves the lead to a pathway that is clearly faster, and keeps it there", () => {
    const state = emptyHealth();
    let now = t0;
    for (let i = 0; i < 5; i++) {
      recordSample(state, IDS, throughput("a", 2_000_000), (now += 1000));
      recordSample(state, IDS, throughput("b", 2_000_000 * SWITCH_RATIO * 1.2), now);
    }
    expect(pathwayPriority(state, IDS, now)).toEqual(["b", "a"]);
    // a recovers to only slightly faster than b: b stays in the lead.
    for (let i = 0; i < 10; i++) {
      recordSample(state, IDS, throughput("a", 4_000_000), (now += 1000));
      recordSample(state, IDS, throughput("b", 3_800_000), now);
    }
    expect(pathwayPriority(state, IDS, now)).toEqual(["b", "a"]);
  });

  it("needs several samples before throughput moves the lead", () => {
    const state = emptyHealth();
    recordSample(state, IDS, throughput("a", 1_000_000), t0);
    recordSample(state, IDS, throughput("b", 50_000_000), t0);
    expect(pathwayPriority(state, IDS, t0)).toEqual(["a", "b"]);
  });

  it("counts one reporter's errors once inside the window, however many it sends", () => {
    const state = emptyHealth();
    for (let i = 0; i < 50; i++) recordSample(state, IDS, error("a", "same-viewer"), t0 + i * 100);
    expect(pathwayPriority(state, IDS, t0 + 5000)).toEqual(["a", "b"]);
    expect(state.pathways.a!.errors).toHaveLength(1);
    for (let i = 1; i < DEMOTE_AFTER_ERRORS; i++) recordSample(state, IDS, error("a"), t0 + 5000 + i);
    expect(pathwayPriority(state, IDS, t0 + 5100)).toEqual(["b", "a"]);
  });

  it("counts one reporter's throughput once per interval, so a client in a loop cannot take the lead", () => {
    const state = emptyHealth();
    for (let i = 0; i < 5; i++) recordSample(state, IDS, throughput("a", 4_000_000), t0 + i * 1000);
    for (let i = 0; i < 100; i++) recordSample(state, IDS, throughput("b", 1e11, "loud-viewer"), t0 + i * 50);
    expect(state.pathways.b!.throughputSamples).toBe(1);
    expect(pathwayPriority(state, IDS, t0 + 5000)).toEqual(["a", "b"]);
    recordSample(state, IDS, throughput("b", 5_000_000, "loud-viewer"), t0 + THROUGHPUT_REPORT_INTERVAL_MS);
    expect(state.pathways.b!.throughputSamples).toBe(2);
  });

  it("errors from one network weigh as one whatever the accounts, and one account's errors from many networks as one", () => {
    const state = emptyHealth();
    for (let i = 0; i < 10; i++) recordSample(state, IDS, error("a", `bulk-account-${i}`, "one-network"), t0 + i);
    expect(pathwayPriority(state, IDS, t0 + 20)).toEqual(["a", "b"]);
    for (let i = 0; i < 10; i++) recordSample(state, IDS, error("a", "roaming-account", `network-${i}`), t0 + 20 + i);
    expect(pathwayPriority(state, IDS, t0 + 40)).toEqual(["a", "b"]);
    // Two sources: the bulk accounts' network and the roaming account.
    expect(state.pathways.a!.errors).toHaveLength(2);
    for (let i = 2; i < DEMOTE_AFTER_ERRORS; i++) recordSample(state, IDS, error("a"), t0 + 50 + i);
    expect(pathwayPriority(state, IDS, t0 + 60)).toEqual(["b", "a"]);
  });

  it("one network's throughput counts once per interval, whatever the accounts", () => {
    const state = emptyHealth();
    for (let i = 0; i < 20; i++) recordSample(state, IDS, throughput("b", 9e9, `bulk-${i}`, "one-network"), t0 + i);
    expect(state.pathways.b!.throughputSamples).toBe(1);
  });

  it("reads a state saved before errors were counted per reporter", () => {
    const state = { pathways: { a: { errorTimesMs: [t0], lastErrorMs: t0, demoted: false, changedAtMs: null, throughputBps: null, throughputSamples: 0, lastThroughputMs: null } }, leader: null } as any;
    for (let i = 0; i < DEMOTE_AFTER_ERRORS; i++) recordSample(state, IDS, error("a"), t0 + 10 + i);
    expect(pathwayPriority(state, IDS, t0 + 20)).toEqual(["b", "a"]);
  });

  it("lists demoted pathways last rather than dropping them", () => {
    const state = emptyHealth();
    for (const p of IDS) for (let i = 0; i < DEMOTE_AFTER_ERRORS; i++) recordSample(state, IDS, error(p), t0 + i);
    expect(pathwayPriority(state, IDS, t0 + 5)).toEqual(["a", "b"]);
  });
});

describe("fault switch", () => {
  const MOVIE = 7401;
  let token = "";
  beforeAll(async () => {
    await seedTitles(db(), [{ id: MOVIE }]);
    await seedAsset(db(), { id: "st-movie", titleId: MOVIE, heights: [360] });
    token = (await signPlaybackToken(env, { sub: "demo", pfx: "assets/st-movie/", mh: 2160, cc: "FR" }, 3600)).token;
  });
  const segment = (pathway: string) => call(`/cdn/${pathway}/${token}/st-movie/video/360p/seg_00001.m4s`);
  const setFault = (body: unknown) => call("/api/dev/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("makes one pathway answer 503 while the other keeps serving, until switched off", async () => {
    expect((await setFault({ pathway: "b", mode: "503" })).status).toBe(200);
    const failing = await segment("b");
    expect(failing.status).toBe(503);
    expect(((await failing.json()) as any).error.code).toBe("pathway_fault");
    expect(failing.headers.get("access-control-allow-origin")).toBeTruthy();
    expect((await segment("a")).status).toBe(200);
    const listed = (await (await call("/api/dev/faults")).json()) as any;
    expect(listed.items).toEqual([{ pathway: "a", fault: null }, { pathway: "b", fault: { mode: "503", delayMs: 0 } }]);
    await setFault({ pathway: "b", mode: "off" });
    expect((await segment("b")).status).toBe(200);
  });

  it("makes a pathway hang (then 504) or slow down (then serve)", async () => {
    await setFault({ pathway: "a", mode: "hang", delayMs: 300 });
    let started = Date.now();
    const hung = await segment("a");
    expect(hung.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await setFault({ pathway: "a", mode: "slow", delayMs: 300 });
    started = Date.now();
    const slow = await segment("a");
    expect(slow.status).toBe(200);
    expect((await slow.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await setFault({ pathway: "a", mode: "off" });
  });

  it("refuses unknown pathways and modes", async () => {
    expect((await setFault({ pathway: "zz", mode: "503" })).status).toBe(404);
    expect((await setFault({ pathway: "a", mode: "explode" })).status).toBe(400);
    expect((await setFault({ pathway: "a", mode: "slow", delayMs: 10_000_000 })).status).toBe(400);
  });

  it("is refused in production with 403 dev_only, and a production pathway ignores stored faults", async () => {
    await setFault({ pathway: "b", mode: "503" });
    const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
    const res = await app.fetch(new Request("http://x/api/dev/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pathway: "b", mode: "off" }) }), production);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe("dev_only");
    expect((await app.fetch(new Request(`http://x/cdn/b/${token}/st-movie/video/360p/seg_00001.m4s`), production)).status).toBe(200);
    await setFault({ pathway: "b", mode: "off" });
  });
});
