/**
 * Live views apart from VOD (workerd, real channel object, QoeShard and D1): a
 * live channel's media requests count their CMCD under the live player version,
 * the console's `stream` filter splits live from VOD, and a live view writes no
 * resume position.
 */
import { toCmcdQuery } from "@svta/cml-cmcd";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { livePlayer } from "../../../common/qoe.ts";
import { app } from "../../../worker/app.ts";
import { addRollups, countersBy } from "../../../worker/db/qoe.ts";
import { qoeMinutes } from "../../../worker/db/schema.ts";
import { keyedHash } from "../../../worker/media/steering-ids.ts";
import { signPlaybackToken } from "../../../worker/media/tokens.ts";
import { qoeShard } from "../../../worker/qoe/stub.ts";
import { zeroCounters } from "../../../worker/qoe/view-model.ts";
import { db } from "../helpers.ts";
import { createChannel, ingest, putInit, putPart, start } from "../live/channel-client.ts";
import { TestBrowser } from "../session-client.ts";

describe("live views in QoE", () => {
  it("counts a live channel's CMCD (a player that sends no beacons) under the live player version", async () => {
    const secret = await createChannel("qoe-live", 16501);
    const { folder } = await start("qoe-live", secret, { partsPerSegment: 2 });
    await putInit("qoe-live", secret);
    await putPart("qoe-live", secret, 0, 0);
    const tok = (await signPlaybackToken(env, { sub: "live-viewer", pfx: `assets/${folder}/`, mh: 1080, cc: "DE", tid: 16501 }, 3600)).token;
    const sid = "5f1c0a2e-live-4c2b-9d0e-000000000001";
    for (const [path, cmcd] of [
      ["video/360p/index.m3u8", { sid, ot: "m", sta: "s", su: true }],
      ["video/360p/0.0.m4s", { sid, ot: "v", br: [800], d: 1000, sta: "p" }],
    ] as const) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`http://127.0.0.1/cdn/a/${tok}/${folder}/${path}?${toCmcdQuery(cmcd as never, { version: 2 })}`), env, ctx);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      await waitOnExecutionContext(ctx);
    }
    const viewId = `cmcd_${await keyedHash(env, "qoe-cmcd-view", `live-viewer\u0000assets/${folder}/\u0000${sid}`)}`;
    await qoeShard(env, viewId).sweep(Date.now());
    const rows = await db().select().from(qoeMinutes).where(sql`${qoeMinutes.titleId} = 16501`).all();
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.player))).toEqual(new Set(["cmcd-v2-live"]));
    expect(rows.reduce((n, r) => n + r.started, 0)).toBe(1);
  });

  it("the console's stream filter splits live views from VOD views", async () => {
    const cell = (player: string, views: number) => ({ minute: 2000, titleId: 16502, rendition: 360, pathway: "a", country: "FR", device: "desktop" as const, player, counters: { ...zeroCounters(), views } });
    await addRollups(db(), [cell("web-1+hls1.6.0", 7), cell(livePlayer("web-1+hls1.6.0"), 6), cell("cmcd-v2-live", 5)], []);
    const views = async (stream?: "live" | "vod") =>
      (await countersBy(db(), "player", 2000, 2001, { titleId: 16502, stream }, 10)).map((r) => [r.value, r.counters.views]).sort();
    expect(await views("live")).toEqual([["cmcd-v2-live", 5], ["web-1+hls1.6.0-live", 6]]);
    expect(await views("vod")).toEqual([["web-1+hls1.6.0", 7]]);
    expect((await views()).length).toBe(3);
    expect(livePlayer("x".repeat(40))).toHaveLength(40);
    expect(livePlayer("web-live")).toBe("web-live");
  });

  it("a live view writes no resume position; the recording, once the broadcast ends, does", async () => {
    const secret = await createChannel("no-resume", 16503);
    await start("no-resume", secret);
    await putInit("no-resume", secret);
    await putPart("no-resume", secret, 0, 0);
    const b = new TestBrowser();
    await b.signUp();
    const report = (opId: string) => ({ opId, titleId: 16503, positionSeconds: 30, durationSeconds: 60, clientTime: Date.now(), deviceId: "dev-live-test" });
    const live = await b.json("/api/progress", { method: "POST", body: report("op-live-1") });
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ applied: false, entry: null });
    expect((await b.json("/api/progress/title/16503")).body.latest).toBeNull();
    expect((await ingest("no-resume/end", secret, { method: "POST", contentType: "application/json" })).status).toBe(200);
    const vod = await b.json("/api/progress", { method: "POST", body: report("op-vod-1") });
    expect(vod.body.applied).toBe(true);
    expect((await b.json("/api/progress/title/16503")).body.latest).toMatchObject({ positionSeconds: 30 });
  });
});
