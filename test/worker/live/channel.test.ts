/**
 * The live channel object through real pushes (workerd, R2, SQLite): every
 * playlist it serves parses with hls-parser and is valid LL-HLS — media
 * sequence and discontinuity sequence never go back, parts within PART-TARGET,
 * segments within TARGETDURATION, the DVR window kept, delta updates equal to
 * the full playlist minus the skipped segments — also across evictions of the
 * object; blocking reloads answer only with the requested part; viewers reach
 * the object about once per part through the edge cache.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import fc from "fast-check";
import HLS from "hls-parser";
import { describe, expect, it } from "vitest";
import { app } from "../../../worker/app.ts";
import { channelStub } from "../../../worker/live/edge.ts";
import { call } from "../helpers.ts";
import { createChannel, ingest, putInit, putPart, start, viewerToken } from "./channel-client.ts";

type Media = HLS.types.MediaPlaylist;

// Every rule hls-parser knows (parts only near the end, skip boundary, hold-backs…) fails the test instead of logging.
HLS.setOptions({ strictMode: true });

const parse = (text: string) => {
  const p = HLS.parse(text);
  if (p.isMasterPlaylist) throw new Error("expected a media playlist");
  return p as Media;
};

/** The segments a playlist lists (hls-parser puts a PRELOAD-HINT after a closed segment into a segment of its own). */
const listed = (p: Media) => p.segments.filter((s) => s.uri || s.parts.some((x) => !x.hint));
/** Every published part URI of a playlist. */
const partUris = (p: Media) => p.segments.flatMap((s) => s.parts.filter((x) => !x.hint).map((x) => x.uri));
const hintUri = (p: Media) => p.segments.flatMap((s) => s.parts.filter((x) => x.hint).map((x) => x.uri))[0];

/** Checks one served playlist against the LL-HLS rules that do not depend on history; returns it parsed. */
function checkPlaylist(text: string, partsPerSegment: number): Media {
  const p = parse(text);
  expect(p.version).toBe(9);
  expect(p.partTargetDuration).toBe(1);
  expect(p.lowLatencyCompatibility?.canBlockReload).toBe(true);
  expect(p.lowLatencyCompatibility?.partHoldBack).toBeGreaterThanOrEqual(3 * p.partTargetDuration!);
  listed(p).forEach((s, i) => {
    expect(s.mediaSequenceNumber).toBe(p.mediaSequenceBase! + (p.skip ?? 0) + i);
    expect(s.programDateTime).toBeInstanceOf(Date);
    if (s.duration !== undefined) expect(Math.round(s.duration)).toBeLessThanOrEqual(p.targetDuration);
    const parts = s.parts.filter((x) => !x.hint);
    expect(parts.length).toBeLessThanOrEqual(partsPerSegment);
    for (const part of parts) expect(part.duration).toBeLessThanOrEqual(p.partTargetDuration!);
  });
  return p;
}

type Action = "part" | "next" | "restart";

describe("live channel playlists", () => {
  it("every playlist a channel serves parses and is valid LL-HLS, through evictions", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 4, max: 30 }),
        fc.array(fc.constantFrom<Action>("part", "part", "next", "restart"), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 0, max: 23 }),
        async (partsPerSegment, dvrWindowSeconds, actions, evictAt) => {
          const slug = `prop-${n}`;
          const secret = await createChannel(slug, 16100 + n++, { dvrWindowSeconds });
          await start(slug, secret, { partsPerSegment });
          expect((await putInit(slug, secret)).status).toBe(201);
          const stub = channelStub(env, slug);
          let msn = 0;
          let part = -1;
          let last = { mediaSequence: 0, discontinuitySequence: 0 };
          for (const [i, action] of actions.entries()) {
            if (action === "restart") {
              expect((await putInit(slug, secret)).status).toBe(201);
              if (part >= 0) {
                msn++;
                part = -1;
              }
            }
            // "part" continues the open segment when it has room; "next" (or a full segment) opens the next one.
            if (action === "next" && part >= 0) {
              msn++;
              part = -1;
            }
            if (part + 1 >= partsPerSegment) {
              msn++;
              part = -1;
            }
            part++;
            expect((await putPart(slug, secret, msn, part)).status).toBe(201);
            if (i === evictAt) await evictDurableObject(stub as unknown as DurableObjectStub);

            const full = await stub.playlist("360p");
            const delta = await stub.playlist("360p", { skip: true });
            const blocked = await stub.playlist("360p", { msn, part });
            if (!full.ok || !delta.ok || !blocked.ok) throw new Error("playlist refused");
            expect(blocked.reached).toBe(true);
            const p = checkPlaylist(full.text, partsPerSegment);
            const d = checkPlaylist(delta.text, partsPerSegment);
            checkPlaylist(blocked.text, partsPerSegment);
            // Never backwards, across evictions too.
            expect(p.mediaSequenceBase!).toBeGreaterThanOrEqual(last.mediaSequence);
            expect(p.discontinuitySequenceBase!).toBeGreaterThanOrEqual(last.discontinuitySequence);
            last = { mediaSequence: p.mediaSequenceBase!, discontinuitySequence: p.discontinuitySequenceBase! };
            // The newest part is the one just pushed, and the hint names the next one.
            expect(listed(p).at(-1)!.mediaSequenceNumber).toBe(msn);
            expect(partUris(p).at(-1)).toBe(`${msn}.${part}.m4s`);
            expect(hintUri(p)).toBe(part + 1 < partsPerSegment ? `${msn}.${part + 1}.m4s` : `${msn + 1}.0.m4s`);
            // A segment is listed whole (EXTINF) as soon as its last part is published.
            expect(listed(p).at(-1)!.uri).toBe(part + 1 === partsPerSegment ? `${msn}.m4s` : "");
            // The DVR window: closed segments before the newest one start within the window (plus one segment).
            const closed = listed(p).filter((s) => s.duration !== undefined);
            const listedSeconds = closed.reduce((sum, s) => sum + s.duration, 0);
            expect(listedSeconds).toBeLessThanOrEqual(dvrWindowSeconds + partsPerSegment);
            // A delta update is the full playlist with its oldest segments replaced by EXT-X-SKIP.
            expect(d.mediaSequenceBase).toBe(p.mediaSequenceBase);
            expect((d.skip ?? 0) + listed(d).length).toBe(listed(p).length);
            expect(listed(d).map((s) => s.uri)).toEqual(listed(p).slice(d.skip ?? 0).map((s) => s.uri));
            if (d.skip) expect(d.lowLatencyCompatibility?.canSkipUntil).toBeGreaterThan(0);
          }
          // The end: ENDLIST, the same media sequence, and the recording as VOD.
          expect((await ingest(`${slug}/end`, secret, { method: "POST" })).status).toBe(200);
          const ended = await stub.playlist("360p");
          if (!ended.ok) throw new Error("playlist refused");
          const e = parse(ended.text);
          expect(e.endlist).toBe(true);
          expect(e.mediaSequenceBase).toBe(last.mediaSequence);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("a blocking reload answers only once the requested part exists, and many viewers cost one object call", async () => {
    const secret = await createChannel("blocking", 16201);
    const { folder } = await start("blocking", secret, { partsPerSegment: 2 });
    await putInit("blocking", secret);
    await putPart("blocking", secret, 0, 0);
    const token = await viewerToken(folder);
    const url = `/cdn/a/${token}/${folder}/video/360p/index.m3u8?_HLS_msn=0&_HLS_part=1`;
    const stub = channelStub(env, "blocking");
    const callsBefore = await stub.viewerCallCount();
    // 40 viewers ask for the part that does not exist yet; then it is pushed.
    const waiting = Array.from({ length: 40 }, () => call(url));
    expect((await putPart("blocking", secret, 0, 1)).status).toBe(201);
    const answers = await Promise.all(waiting);
    for (const res of answers) {
      expect(res.status).toBe(200);
      const p = parse(new TextDecoder().decode(await res.arrayBuffer()));
      expect(partUris(p)).toContain("0.1.m4s");
    }
    // Viewers with other tokens, later, get the cached answer.
    const later = await call(`/cdn/b/${await viewerToken(folder)}/${folder}/video/360p/index.m3u8?_HLS_msn=0&_HLS_part=1`);
    expect(later.status).toBe(200);
    expect(await stub.viewerCallCount()).toBe(callsBefore + 1);

    // The hinted part waits for its push too, then streams from R2 (and the edge cache).
    const partUrl = `/cdn/a/${token}/${folder}/video/360p/1.0.m4s`;
    const partWaiting = Array.from({ length: 10 }, () => call(partUrl));
    expect((await putPart("blocking", secret, 1, 0)).status).toBe(201);
    for (const res of await Promise.all(partWaiting)) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("video/iso.segment");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    // The closed segment 0 is its two parts, concatenated.
    const seg = await call(`/cdn/a/${token}/${folder}/video/360p/0.m4s`);
    expect(seg.status).toBe(200);
    const part0 = await (await call(`/cdn/a/${token}/${folder}/video/360p/0.0.m4s`)).arrayBuffer();
    expect((await seg.arrayBuffer()).byteLength).toBe(2 * part0.byteLength);
  });

  it("a player joining before the first segment is complete is held until it is, not given an empty playlist", async () => {
    const secret = await createChannel("joining", 16206);
    const { folder } = await start("joining", secret, { partsPerSegment: 2 });
    await putInit("joining", secret);
    await putPart("joining", secret, 0, 0);
    const url = `/cdn/a/${await viewerToken(folder)}/${folder}/video/360p/index.m3u8`;
    // Only a part of segment 0 is published: the plain request reaches the channel and waits there.
    const stub = channelStub(env, "joining");
    const callsBefore = await stub.viewerCallCount();
    const joining = call(url);
    while ((await stub.viewerCallCount()) === callsBefore) await scheduler.wait(10);
    expect((await putPart("joining", secret, 0, 1)).status).toBe(201);
    const res = await joining;
    expect(res.status).toBe(200);
    const p = checkPlaylist(await res.text(), 2);
    // hls.js needs a whole segment (an EXTINF) in its first playlist of a level.
    expect(p.segments.filter((s) => s.uri).map((s) => s.uri)).toEqual(["0.m4s"]);
  });

  it("refuses bad blocking requests with 400 and a token for another asset with 403", async () => {
    const secret = await createChannel("blocking-bad", 16202);
    const { folder } = await start("blocking-bad", secret);
    await putInit("blocking-bad", secret);
    await putPart("blocking-bad", secret, 0, 0);
    const token = await viewerToken(folder);
    const base = `/cdn/a/${token}/${folder}/video/360p/index.m3u8`;
    for (const q of ["?_HLS_part=1", "?_HLS_msn=-1", "?_HLS_msn=x", "?_HLS_msn=9", "?_HLS_msn=0&_HLS_part=1000", "?_HLS_skip=NO"]) {
      const res = await call(base + q);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    }
    const other = await viewerToken("live-blocking-bad-zzzz");
    expect((await call(`/cdn/a/${other}/${folder}/video/360p/index.m3u8`)).status).toBe(403);
    expect((await call(`/cdn/a/${await viewerToken(folder, 240)}/${folder}/video/360p/index.m3u8`)).status).toBe(403);
  });

  it("an encoder restart resumes the broadcast after a discontinuity with a new init", async () => {
    const secret = await createChannel("restart", 16203);
    const first = await start("restart", secret, { partsPerSegment: 2 });
    await putInit("restart", secret);
    await putPart("restart", secret, 0, 0);
    const again = await start("restart", secret, { partsPerSegment: 2, resume: true });
    expect(again).toEqual({ folder: first.folder, nextMsn: 1, resumed: true });
    await putInit("restart", secret);
    expect((await putPart("restart", secret, 1, 0)).status).toBe(201);
    const out = await channelStub(env, "restart").playlist("360p");
    if (!out.ok) throw new Error("refused");
    const p = parse(out.text);
    expect(listed(p).map((s) => [s.mediaSequenceNumber, s.discontinuity ?? false, s.map?.uri])).toEqual([
      [0, false, "init-0.mp4"],
      [1, true, "init-1.mp4"],
    ]);
  });

  it("a standard broadcast (lowLatency false) serves segment playlists without parts or blocking reload", async () => {
    const secret = await createChannel("standard", 16204);
    const { folder } = await start("standard", secret, { partsPerSegment: 1, lowLatency: false });
    await putInit("standard", secret);
    await putPart("standard", secret, 0, 0);
    await putPart("standard", secret, 1, 0);
    const res = await call(`/cdn/a/${await viewerToken(folder)}/${folder}/video/360p/index.m3u8`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/CAN-BLOCK-RELOAD|#EXT-X-PART|PRELOAD-HINT/);
    expect(parse(text).segments.map((s) => s.uri)).toEqual(["0.m4s", "1.m4s"]);
    // An LL-HLS restart does not resume a standard broadcast: a new one starts.
    expect((await start("standard", secret, { partsPerSegment: 1, resume: true })).resumed).toBe(false);
  });

  it("counts viewer calls on a development-only route, 404 in production", async () => {
    const secret = await createChannel("counted", 16205);
    const { folder } = await start("counted", secret);
    await putInit("counted", secret);
    await putPart("counted", secret, 0, 0);
    const count = async () => ((await (await call("/api/live/counted/object-calls")).json()) as { calls: number }).calls;
    const before = await count();
    expect((await call(`/cdn/a/${await viewerToken(folder)}/${folder}/video/360p/index.m3u8?_HLS_msn=0&_HLS_part=0`)).status).toBe(200);
    expect(await count()).toBe(before + 1);
    const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
    const res = await app.fetch(new Request("http://x/api/live/counted/object-calls"), production);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
