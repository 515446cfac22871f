/**
 * CMCD samples as QoE events (worker/qoe/cmcd.ts), applied by the view state
 * machine with hand-chosen times: what a v2 player's states and a v1 player's
 * `su`/`bs` flags add to the rollups, and which samples are not counted.
 */
import { toCmcdQuery } from "@svta/cml-cmcd";
import { describe, expect, it } from "vitest";
import { CMCD_BEACONS_KEY } from "../../../common/qoe.ts";
import { cmcdEvents, countableSession, deviceClassOf, readCmcd, type CmcdObject } from "../../../worker/qoe/cmcd.ts";
import { applyEvents, newView, zeroCounters, type Counters, type Increment } from "../../../worker/qoe/view-model.ts";

const SEGMENT: CmcdObject = { pathway: "b", videoHeightPx: 720, segment: true };
const PLAYLIST: CmcdObject = { pathway: "b", videoHeightPx: null, segment: false };

function request(cmcd: Record<string, unknown>, headers: Record<string, string> = {}): Request {
  return new Request(`http://x/cdn/b/tok/a/video/720p/seg_00001.m4s?${toCmcdQuery(cmcd as never, { version: cmcd.v === 2 ? 2 : 1 })}`, { headers });
}

/** Applies samples (each with its time) to one view and sums what they add. */
function run(samples: [t: number, cmcd: Record<string, unknown>, object: CmcdObject][]): { total: Counters; incs: Increment[] } {
  const view = newView({ titleId: 1, country: "DE", device: "desktop", player: "cmcd-v2" });
  const incs: Increment[] = [];
  for (const [t, cmcd, object] of samples) {
    const data = readCmcd(request(cmcd));
    expect(data).not.toBeNull();
    incs.push(...applyEvents(view, cmcdEvents(data!, object, t)));
  }
  const total = zeroCounters();
  for (const inc of incs) for (const [k, n] of Object.entries(inc.counters)) total[k as keyof Counters] += n;
  return { total, incs };
}

describe("CMCD as QoE events", () => {
  it("counts a v2 player's start, a rebuffer and its bitrate from its states, on the pathway and rendition it asked for", () => {
    const { total, incs } = run([
      [0, { v: 2, sid: "s1", ot: "m", sta: "s" }, PLAYLIST],
      [400, { v: 2, sid: "s1", ot: "v", br: [3000], d: 4000, sta: "s" }, SEGMENT],
      [1000, { v: 2, sid: "s1", ot: "v", br: [3000], d: 4000, sta: "p" }, SEGMENT],
      [5000, { v: 2, sid: "s1", ot: "v", br: [3000], d: 4000, sta: "r", bs: true }, SEGMENT],
      [6500, { v: 2, sid: "s1", ot: "v", br: [3000], d: 4000, sta: "p" }, SEGMENT],
      [8500, { v: 2, sid: "s1", ot: "v", br: [3000], d: 4000, sta: "e" }, SEGMENT],
    ]);
    expect(total).toMatchObject({ views: 1, started: 1, startupMs: 1000, stalls: 1, rebufferMs: 1500, playingMs: 6000, watchMs: 8500, completed: 1 });
    expect(total.kbpsMs / total.ratedMs).toBe(3000);
    expect(incs.find((i) => i.startupMs !== undefined)?.dims).toMatchObject({ pathway: "b", rendition: 720 });
  });

  it("reads a v1 player's startup flag and buffer starvation: playing once a segment is asked for without su, a stall on bs", () => {
    const { total } = run([
      [0, { sid: "s2", ot: "m", su: true }, PLAYLIST],
      [300, { sid: "s2", ot: "v", br: 800, d: 4000, su: true }, SEGMENT],
      [700, { sid: "s2", ot: "v", br: 800, d: 4000 }, SEGMENT],
      [4700, { sid: "s2", ot: "v", br: 800, d: 4000, bs: true, su: true }, SEGMENT],
      [5200, { sid: "s2", ot: "v", br: 800, d: 4000 }, SEGMENT],
    ]);
    expect(total).toMatchObject({ views: 1, started: 1, startupMs: 700, stalls: 1, rebufferMs: 500, playingMs: 4000 });
  });

  it("counts a fatal error state as a failed view with a code of its own", () => {
    const view = newView({ titleId: 1, country: "DE", device: "desktop", player: "cmcd-v2" });
    applyEvents(view, cmcdEvents(readCmcd(request({ v: 2, sid: "s3", sta: "s" }))!, PLAYLIST, 0));
    const incs = applyEvents(view, cmcdEvents(readCmcd(request({ v: 2, sid: "s3", sta: "f", ec: ["fragLoadError"] }))!, SEGMENT, 900));
    expect(incs.some((i) => i.counters.errors === 1)).toBe(true);
    const closing = applyEvents(view, cmcdEvents(readCmcd(request({ v: 2, sid: "s3", sta: "q" }))!, PLAYLIST, 1000));
    expect(closing.map((i) => i.counters)).toContainEqual({ views: 1, failed: 1 });
  });

  it("leaves out samples that cannot be counted: no session, a session id too long, our own player (it beacons), malformed CMCD", () => {
    expect(countableSession(readCmcd(request({ v: 2, sta: "p" }))!)).toBeNull();
    expect(countableSession(readCmcd(request({ v: 2, sid: "x".repeat(65) }))!)).toBeNull();
    expect(countableSession(readCmcd(request({ v: 2, sid: "s4", [CMCD_BEACONS_KEY]: true }))!)).toBeNull();
    expect(countableSession(readCmcd(request({ v: 2, sid: "s4" }))!)).toBe("s4");
    expect(readCmcd(new Request("http://x/seg.m4s?CMCD=%22%2C%2C%3D"))).toBeNull();
    expect(readCmcd(new Request("http://x/seg.m4s"))).toBeNull();
  });

  it("reads CMCD from headers too, and keeps only a device class of the user agent", () => {
    const data = readCmcd(new Request("http://x/seg.m4s", { headers: { "CMCD-Session": 'sid="h1"', "CMCD-Object": "br=2000,d=4000,ot=v" } }));
    expect(data).toMatchObject({ sid: "h1", br: 2000, ot: "v" });
    expect(deviceClassOf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148")).toBe("phone");
    expect(deviceClassOf("Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0")).toBe("desktop");
    expect(deviceClassOf(null)).toBe("desktop");
  });
});
