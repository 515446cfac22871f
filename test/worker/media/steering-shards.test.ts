/**
 * Steering with no hot object (docs/SCALING.md §6.5), inside workerd: a
 * region's leader pushes each new priority to its read copies, polls from one
 * isolate read a copy at most once a second (counted by the load meter), reports
 * reach the leader through several report shards and still demote, and the
 * steering routes take the playback token alone.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { verifyAccessToken, signAccessToken, ACCESS_TOKEN_TTL_SECONDS } from "../../../worker/auth/session-tokens.ts";
import { DEMOTE_AFTER_ERRORS, QUIET_PERIOD_MS, type PathwaySample } from "../../../worker/media/steering-policy.ts";
import { MAX_PER_PATHWAY, reduceSamples } from "../../../worker/media/steering-reports.ts";
import { readCopyCount, reportShardCount, roleOf, steeringCopy, steeringLeader, steeringReportShard } from "../../../worker/media/steering-shards.ts";
import { call, db } from "../helpers.ts";
import { seedAsset, seedTitles } from "../media-fixtures.ts";
import { TestBrowser } from "../session-client.ts";

const MOVIE = 7451;

beforeAll(async () => {
  await seedTitles(db(), [{ id: MOVIE }]);
  await seedAsset(db(), { id: "ss-movie", titleId: MOVIE, heights: [360] });
});

/** A report from its own account, network and (served) session. */
const error = (who: string, pathway = "a"): PathwaySample => ({ pathway, kind: "error", value: 0, reporter: `r-${who}`, network: `n-${who}`, session: `s-${who}` });
const servedMark = (who: string) => ({ session: `s-${who}`, untilMs: Date.now() + 3_600_000 });

interface Counts {
  objects: { className: string; instance: string; requests: number }[];
}
const loadCounts = async () => (await (await call("/api/dev/load")).json()) as Counts;

describe("the local configuration", () => {
  it("runs two read copies and two report shards, named by role", () => {
    expect(readCopyCount(env)).toBe(2);
    expect(reportShardCount(env)).toBe(2);
    expect(roleOf("US")).toEqual({ role: "leader", region: "US" });
    expect(roleOf("US:copy:1")).toEqual({ role: "copy", region: "US", index: 1 });
    expect(roleOf("US:reports:0")).toEqual({ role: "reports", region: "US", index: 0 });
  });
});

describe("read copies", () => {
  it("every copy gets the leader's new priority when it changes, without asking", async () => {
    const copies = Array.from({ length: readCopyCount(env) }, (_, i) => steeringCopy(env, "CA", i));
    // Each copy has read the priority once (from the leader, having none) and will not ask again for a minute.
    for (const copy of copies) expect(await copy.readPriority()).toEqual(["a", "b"]);
    const who = Array.from({ length: DEMOTE_AFTER_ERRORS }, (_, i) => `ca-${i}`);
    expect(await steeringLeader(env, "CA").observe(who.map((w) => error(w)), who.map(servedMark))).toEqual(["b", "a"]);
    for (const copy of copies) expect(await copy.readPriority()).toEqual(["b", "a"]);
  });

  it("a demotion sets the leader's alarm for the end of the quiet period, since no poll reaches the leader to re-promote", async () => {
    const who = Array.from({ length: DEMOTE_AFTER_ERRORS }, (_, i) => `cl-${i}`);
    expect(await steeringLeader(env, "CL").observe(who.map((w) => error(w)), who.map(servedMark))).toEqual(["b", "a"]);
    const lastErrorMs = (await steeringLeader(env, "CL").snapshot()).pathways.a!.lastErrorMs!;
    const alarm = await runInDurableObject(steeringLeader(env, "CL"), (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBe(lastErrorMs + QUIET_PERIOD_MS);
  });

  it("a copy keeps the newer of two pushes whatever order they arrive in", async () => {
    const copy = steeringCopy(env, "MX", 0);
    await copy.publish(["b", "a"], 20);
    await copy.publish(["a", "b"], 10);
    expect(await copy.readPriority()).toEqual(["b", "a"]);
  });

  it("many polls from one isolate cost at most one object call a second", async () => {
    // Warm: the region's copy has its priority, so what is counted below is the polls' own reads.
    expect((await call("/api/steering/FI")).status).toBe(200);
    await vi.waitFor(async () => expect((await loadCounts()).objects.some((o) => o.instance.startsWith("FI:copy:"))).toBe(true));
    expect((await call("/api/dev/load/reset", { method: "POST" })).status).toBe(200);
    const started = Date.now();
    let polls = 0;
    while (Date.now() - started < 2500 || polls < 200) {
      const res = await call("/api/steering/FI");
      expect(res.status).toBe(200);
      await res.json();
      polls++;
    }
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const calls = (await loadCounts()).objects.filter((o) => o.instance === "FI" || o.instance.startsWith("FI:")).reduce((n, o) => n + o.requests, 0);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(seconds + 1);
    expect(polls).toBeGreaterThan(calls * 10);
  });
});

describe("report shards", () => {
  it("reports spread over several shards reach the leader in their merges and demote the pathway", async () => {
    const shards = Array.from({ length: reportShardCount(env) }, (_, i) => steeringReportShard(env, "NZ", i));
    expect(shards.length).toBeGreaterThanOrEqual(2);
    const who = Array.from({ length: DEMOTE_AFTER_ERRORS }, (_, i) => `nz-${i}`);
    for (const [i, w] of who.entries()) await shards[i % shards.length]!.addReports([error(w)], [servedMark(w)]);
    // Waiting in the shards: the leader has heard nothing yet.
    expect((await steeringLeader(env, "NZ").snapshot()).pathways).toEqual({});
    for (const shard of shards) expect(await runDurableObjectAlarm(shard)).toBe(true);
    const health = await steeringLeader(env, "NZ").snapshot();
    expect(health.pathways.a?.demoted).toBe(true);
    expect(health.pathways.a?.errors).toHaveLength(DEMOTE_AFTER_ERRORS);
    // Merged once: the shards have nothing left to send.
    for (const shard of shards) expect(await runDurableObjectAlarm(shard)).toBe(false);
    expect(await steeringCopy(env, "NZ", 0).readPriority()).toEqual(["b", "a"]);
  });

  it("a report whose session was never served media is dropped by the leader, whichever shard brought the mark", async () => {
    const [one, two] = [steeringReportShard(env, "AU", 0), steeringReportShard(env, "AU", 1)];
    await one.addReports([], [servedMark("au-played")]);
    await two.addReports([error("au-played"), error("au-never")], []);
    await runDurableObjectAlarm(one);
    await runDurableObjectAlarm(two);
    expect((await steeringLeader(env, "AU").snapshot()).pathways.a?.errors.map((e) => e.reporter)).toEqual(["r-au-played"]);
  });

  it("a merge carries per pathway and kind the latest report of each source, at most MAX_PER_PATHWAY", () => {
    const many = Array.from({ length: MAX_PER_PATHWAY + 10 }, (_, i) => error(`m-${i}`));
    const repeated = [error("same"), { ...error("same"), network: "n-elsewhere" }];
    const merged = reduceSamples([...many, ...repeated, error("b-1", "b"), { ...error("t-1", "a"), kind: "throughput", value: 1e6 }]);
    const errorsOnA = merged.filter((s) => s.pathway === "a" && s.kind === "error");
    expect(errorsOnA).toHaveLength(MAX_PER_PATHWAY);
    expect(errorsOnA.filter((s) => s.reporter === "r-same")).toEqual([repeated[1]]);
    expect(errorsOnA.at(-1)).toEqual(repeated[1]);
    expect(merged.filter((s) => s.pathway === "b")).toHaveLength(1);
    expect(merged.filter((s) => s.kind === "throughput")).toHaveLength(1);
  });

  it("a served mark waiting in a shard survives the shard's restart", async () => {
    const shard = steeringReportShard(env, "ZA", 0);
    await shard.addReports([], [servedMark("za-0")]);
    // A new instance of the same object: what waited in memory is gone, what waited in storage is not.
    await runInDurableObject(shard, (_instance, state) => state.abort("a restart")).catch(() => undefined);
    expect(await runDurableObjectAlarm(steeringReportShard(env, "ZA", 0))).toBe(true);
    const who = ["za-0", "za-1", "za-2"];
    await steeringLeader(env, "ZA").observe(who.map((w) => error(w)), who.slice(1).map(servedMark));
    expect((await steeringLeader(env, "ZA").snapshot()).pathways.a?.errors).toHaveLength(3);
  });
});

describe("authenticated by the playback token only", () => {
  it("a poll and a report with an expired access token but a valid playback token are answered", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const play = await b.json(`/api/playback/${MOVIE}`, { method: "POST", headers: { "x-dev-country": "IS" } });
    expect(play.status).toBe(200);
    const token = play.body.token as string;
    // The access token of the same session, issued longer ago than its lifetime.
    const claims = await verifyAccessToken(env, b.value("mq_at")!);
    if (typeof claims === "string") throw new Error(claims);
    const expired = await signAccessToken(env, claims, Date.now() - (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    b.cookies.set("mq_at", { value: expired.token, path: "/api", attributes: [] });
    expect((await b.json("/api/auth/me")).body.error?.code).toBe("session_expired");

    const poll = await b.fetch(`/api/steering/IS?token=${token}&_HLS_pathway=a&_HLS_throughput=5000000`);
    expect(poll.status).toBe(200);
    expect(poll.headers.get("content-security-policy")).toBeTruthy();
    expect(poll.headers.get("cache-control")).toBe("no-store");
    const body = (await poll.json()) as Record<string, unknown>;
    expect(body["RELOAD-URI"]).toBe(`/api/steering/IS?token=${token}`);
    expect(body["PATHWAY-PRIORITY"]).toEqual(["a", "b"]);
    const report = await b.json("/api/steering/report", { method: "POST", body: { token, pathway: "a", kind: "error" } });
    expect(report.status).toBe(202);
    expect(report.body).toEqual({ accepted: 1 });
  });
});
