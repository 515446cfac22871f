/**
 * CMCD on real media requests through the Worker's fetch (routes/media.ts →
 * qoe/cmcd-intake.ts → a real QoeShard → D1): a player that sends no beacons
 * is counted in the same rollups; our own player's CMCD, GPC and malformed
 * CMCD count nothing, nor does a token issued to an account that opted out,
 * and the media is served all the same. Nothing stored
 * holds the CMCD session id or the viewer.
 */
import { toCmcdQuery } from "@svta/cml-cmcd";
import { decodeJwt } from "jose";
import { CMCD_BEACONS_KEY } from "../../../common/qoe.ts";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../../worker/app.ts";
import { qoeMinutes } from "../../../worker/db/schema.ts";
import { keyedHash } from "../../../worker/media/steering-ids.ts";
import { signPlaybackToken } from "../../../worker/media/tokens.ts";
import { qoeShard } from "../../../worker/qoe/stub.ts";
import { db } from "../helpers.ts";
import { TestBrowser } from "../session-client.ts";
import { seedAsset, seedTitles } from "../media-fixtures.ts";

const ASSET = "cmcd-movie";
let title = 881_000;
const PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/140.0 Mobile Safari/537.36";

beforeAll(async () => {
  await seedTitles(db(), [{ id: 7301 }]);
  await seedAsset(db(), { id: ASSET, titleId: 7301, heights: [360, 720] });
});

/** A token as the playback route mints it, for `titleId` (rollups are read per title). */
async function token(titleId: number) {
  return (await signPlaybackToken(env, { sub: "cmcd-viewer", pfx: `assets/${ASSET}/`, mh: 1080, cc: "DE", tid: titleId }, 3600)).token;
}

/**
 * A media request on pathway b carrying `cmcd` as the CMCD query argument, through the app with an
 * execution context: it answers once the response and what it left running (waitUntil) are done.
 */
async function get(tok: string, path: string, cmcd: Record<string, unknown> | string, headers: Record<string, string> = {}) {
  const query = typeof cmcd === "string" ? cmcd : toCmcdQuery(cmcd as never, { version: 2 });
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://127.0.0.1/cdn/b/${tok}/${ASSET}/${path}?${query}`, { headers: { "user-agent": PHONE_UA, ...headers } }), env, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return res;
}

async function rows(titleId: number) {
  return db().select().from(qoeMinutes).where(sql`${qoeMinutes.titleId} = ${titleId}`).all();
}

async function flush(sid: string, viewer = "cmcd-viewer") {
  const viewId = `cmcd_${await keyedHash(env, "qoe-cmcd-view", `${viewer}\u0000assets/${ASSET}/\u0000${sid}`)}`;
  await qoeShard(env, viewId).sweep(Date.now());
  return viewId;
}

describe("CMCD on media requests", () => {
  it("counts a player that sends no beacons: its view, start and rebuffer, by title, pathway, rendition, country (the token's) and device class", async () => {
    const titleId = title++;
    const tok = await token(titleId);
    const sid = "6e2fb550-c457-11e9-bb97-0800200c9a66";
    const steps: [string, Record<string, unknown>][] = [
      ["master.m3u8", { sid, ot: "m", sta: "s", su: true }],
      ["video/720p/index.m3u8", { sid, ot: "m", sta: "s", su: true }],
      ["video/720p/seg_00001.m4s", { sid, ot: "v", br: [3000], d: 4000, sta: "s", su: true }],
      ["video/720p/seg_00001.m4s", { sid, ot: "v", br: [3000], d: 4000, sta: "p" }],
      ["video/720p/seg_00001.m4s", { sid, ot: "v", br: [3000], d: 4000, sta: "r", bs: true }],
      ["video/720p/seg_00001.m4s", { sid, ot: "v", br: [3000], d: 4000, sta: "p" }],
    ];
    for (const [path, cmcd] of steps) {
      const res = await get(tok, path, cmcd);
      expect(res.status).toBe(200);
    }
    const viewId = await flush(sid);
    const stored = await rows(titleId);
    const sum = (k: "views" | "started" | "stalls") => stored.reduce((s, r) => s + r[k], 0);
    expect({ views: sum("views"), started: sum("started"), stalls: sum("stalls") }).toEqual({ views: 1, started: 1, stalls: 1 });
    expect(stored.find((r) => r.started === 1)).toMatchObject({ pathway: "b", rendition: 720, country: "DE", device: "phone", player: "cmcd-v2" });
    // Anonymous: neither the CMCD session id nor the viewer is stored anywhere in the shard.
    const dump = JSON.stringify(await qoeShard(env, viewId).dump());
    expect(dump).toContain(viewId);
    expect(dump).not.toContain(sid);
    expect(dump).not.toContain("cmcd-viewer");
  });

  it("counts nothing for our own player (it beacons), with Global Privacy Control, or for malformed CMCD — and serves the media all the same", async () => {
    const titleId = title++;
    const tok = await token(titleId);
    const cases: [Record<string, unknown> | string, Record<string, string>, string][] = [
      [{ sid: "ours-000000000001", ot: "v", br: [3000], sta: "p", [CMCD_BEACONS_KEY]: true }, {}, "ours-000000000001"],
      [{ sid: "gpc-0000000000001", ot: "v", br: [3000], sta: "p" }, { "sec-gpc": "1" }, "gpc-0000000000001"],
      ['CMCD=sid%3D%22bad%22%2C%2C%3D%22', {}, "bad"],
    ];
    for (const [cmcd, headers, sid] of cases) {
      for (const path of ["master.m3u8", "video/720p/seg_00001.m4s"]) {
        const res = await get(tok, path, cmcd, headers);
        expect(res.status).toBe(200);
      }
      await flush(sid);
    }
    expect(await rows(titleId)).toEqual([]);
  });

  it("an account that opted out gets playback tokens marked nq, whose CMCD counts nothing; opted in, the mark is gone", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const play = async () => (await b.json("/api/playback/7301", { method: "POST", body: {} })).body.token as string;
    const cmcd = async (tok: string, sid: string) => {
      expect((await get(tok, "video/720p/seg_00001.m4s", { sid, ot: "v", br: [3000], sta: "p" })).status).toBe(200);
      await flush(sid, decodeJwt(tok).sub);
    };
    const plain = await play();
    expect(decodeJwt(plain).nq).toBeUndefined();
    await cmcd(plain, "optin-000000000001");
    const counted = await rows(7301);
    expect(counted.length).toBeGreaterThan(0);
    await b.json("/api/qoe/consent", { method: "PUT", body: { optOut: true } });
    const marked = await play();
    expect(decodeJwt(marked).nq).toBe(1);
    await cmcd(marked, "optout-00000000001");
    expect(await rows(7301)).toEqual(counted);
    await b.json("/api/qoe/consent", { method: "PUT", body: { optOut: false } });
    expect(decodeJwt(await play()).nq).toBeUndefined();
  });
});
