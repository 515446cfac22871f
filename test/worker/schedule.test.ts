/**
 * The schedule and premieres in workerd (real D1, R2, Cache API): operators
 * schedule, everyone else is refused, bad input is a 4xx JSON error; a premiere
 * plays live through /cdn with every viewer at the same position, nothing past
 * the live point served, and is ordinary VOD after its end; positions at several
 * clock times; "Live now" / "Coming up" flip when an event starts; "Remind me".
 */
import { env } from "cloudflare:workers";
import HLS from "hls-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { grantOperator } from "../../worker/db/qoe.ts";
import { currentEvents, forgetScheduleSnapshot, scheduleRows } from "../../worker/schedule/events.ts";
import { premierePlaylist } from "../../worker/schedule/premiere-edge.ts";
import { d1Counts, resetD1Counts } from "./d1-counts.ts";
import { call, db } from "./helpers.ts";
import { patternBytes, seedAsset, seedTitles } from "./media-fixtures.ts";
import { TestBrowser } from "./session-client.ts";

const LIVE = 9601; // premiering now (started 8.5 s ago)
const SERIES = 9602;
const NO_MEDIA = 9603;
const ENDED = 9605; // premiered 4 minutes ago, over
const SOON = 9606; // premieres in an hour
const ROWS = 9607; // for the rows' flip
const SEGMENTS = 10;
const SEGMENT_SECONDS = 4;

/** Ten 4-second segments: a 40 s film. */
function vodPlaylist(): string {
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:4", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD", '#EXT-X-MAP:URI="init.mp4"'];
  for (let i = 0; i < SEGMENTS; i++) lines.push(`#EXTINF:${SEGMENT_SECONDS}.000000,`, `seg_${String(i).padStart(5, "0")}.m4s`);
  return [...lines, "#EXT-X-ENDLIST", ""].join("\n");
}

async function seedFilm(titleId: number): Promise<void> {
  const id = `prem-${titleId}`;
  await seedAsset(db(), { id, titleId, heights: [360], audio: ["en"], subtitles: [], durationSeconds: SEGMENTS * SEGMENT_SECONDS });
  for (const dir of ["video/360p", "audio/en"]) {
    await env.MEDIA.put(`assets/${id}/${dir}/index.m3u8`, vodPlaylist());
    for (let i = 0; i < SEGMENTS; i++) await env.MEDIA.put(`assets/${id}/${dir}/seg_${String(i).padStart(5, "0")}.m4s`, patternBytes(512, i));
  }
}

let operator: TestBrowser;

beforeAll(async () => {
  await seedTitles(db(), [{ id: LIVE }, { id: SERIES, type: "series" }, { id: NO_MEDIA }, { id: ENDED }, { id: SOON }, { id: ROWS }]);
  for (const id of [LIVE, ENDED, SOON, ROWS]) await seedFilm(id);
  operator = new TestBrowser();
  const { email } = await operator.signUp();
  expect(await grantOperator(db(), email, Date.now())).toBe(true);
});

const schedule = (body: unknown, who: TestBrowser = operator) => who.json("/api/schedule", { method: "POST", body });

describe("scheduling (operators)", () => {
  it("refuses a viewer and a signed-out request with 403 not_operator", async () => {
    const viewer = new TestBrowser();
    await viewer.signUp();
    const body = { kind: "premiere", titleId: SOON, startsAt: Date.now() + 3_600_000 };
    const r = await schedule(body, viewer);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("not_operator");
    const anon = await call("/api/schedule", { method: "POST", headers: { "content-type": "application/json", origin: "http://127.0.0.1" }, body: JSON.stringify(body) });
    expect(anon.status).toBe(403);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe("not_operator");
  });

  it("answers bad input with a 4xx JSON error, never a 500", async () => {
    const later = Date.now() + 3_600_000;
    const cases: [unknown, number, string][] = [
      [{}, 400, "invalid_json"],
      [{ kind: "rerun", titleId: SOON, startsAt: later }, 400, "invalid_json"],
      [{ kind: "premiere", titleId: SOON, startsAt: "tomorrow" }, 400, "invalid_json"],
      [{ kind: "premiere", titleId: SOON, startsAt: later, extra: 1 }, 400, "invalid_json"],
      [{ kind: "premiere", titleId: -4, startsAt: later }, 400, "invalid_json"],
      [{ kind: "premiere", titleId: SOON, startsAt: later, loops: 0 }, 400, "invalid_json"],
      [{ kind: "premiere", titleId: SOON, startsAt: later, windowSeconds: 3 }, 400, "invalid_json"],
      [{ kind: "premiere", titleId: SOON, startsAt: Date.now() - 3_600_000 }, 400, "event_not_schedulable"],
      [{ kind: "premiere", titleId: SOON, startsAt: later, endsAt: later + 1000 }, 400, "event_not_schedulable"],
      [{ kind: "premiere", titleId: SERIES, startsAt: later }, 400, "event_not_schedulable"],
      [{ kind: "premiere", titleId: NO_MEDIA, startsAt: later }, 400, "event_not_schedulable"],
      [{ kind: "premiere", titleId: 987_654, startsAt: later }, 404, "title_not_found"],
      [{ kind: "premiere", titleId: SOON, startsAt: later, loops: 100_000 }, 400, "invalid_json"],
      [{ kind: "live", channel: "nowhere", startsAt: later }, 400, "event_not_schedulable"],
      [{ kind: "live", channel: "nowhere", startsAt: later, endsAt: later - 1 }, 400, "event_not_schedulable"],
      [{ kind: "live", channel: "nowhere", startsAt: later, endsAt: later + 60_000 }, 404, "unknown_channel"],
      [{ kind: "live", channel: "Not A Slug", startsAt: later, endsAt: later + 60_000 }, 400, "invalid_json"],
    ];
    for (const [body, status, code] of cases) {
      const r = await schedule(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.code, JSON.stringify(body)).toBe(code);
    }
    const notJson = await operator.json("/api/schedule", { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    for (const [path, status] of [["/api/schedule/abc", 400], ["/api/schedule/999999", 404]] as const) {
      const r = await operator.json(path, { method: "DELETE" });
      expect(r.status, path).toBe(status);
      expect(typeof r.body.error.code).toBe("string");
    }
  });

  it("schedules a premiere whose end follows from its media and its plays, given as an ISO date-time", async () => {
    const startsAt = Date.now() + 3_600_000;
    const r = await schedule({ kind: "premiere", titleId: SOON, startsAt: new Date(startsAt).toISOString(), loops: 3 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: "premiere", titleId: SOON, startsAt, endsAt: startsAt + 3 * SEGMENTS * SEGMENT_SECONDS * 1000, loops: 3, channelSlug: null });
    const title = await call(`/api/schedule/titles/${SOON}`).then((res) => res.json() as Promise<any>);
    expect(title.event).toMatchObject({ id: r.body.id, kind: "premiere", startsAt });
    expect(title.reminded).toBe(false);
  });
});

describe("a premiere", () => {
  it("does not play before its first premiere: 403 premiere_not_started", async () => {
    const r = await call(`/api/playback/${SOON}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(r.status).toBe(403);
    expect(((await r.json()) as any).error.code).toBe("premiere_not_started");
  });

  it("plays live from its start: the same live playlist for two viewers, nothing past the live point, no trickplay", async () => {
    const startsAt = Date.now() - 8_500;
    expect((await schedule({ kind: "premiere", titleId: LIVE, startsAt, windowSeconds: 12 })).status).toBe(201);
    const plays = await Promise.all(
      [0, 1].map(() => call(`/api/playback/${LIVE}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then((r) => r.json() as Promise<any>)),
    );
    for (const p of plays) {
      expect(p.live).toBe(true);
      expect(p.premiere).toMatchObject({ startsAt, endsAt: startsAt + SEGMENTS * SEGMENT_SECONDS * 1000 });
      expect(p.trickplay).toBeNull();
      expect(p.resume).toBeNull();
    }
    const base = (p: any) => new URL(p.masterUrl, "http://127.0.0.1").pathname.replace(/master\.m3u8$/, "");
    const [a, b] = await Promise.all(plays.map((p) => call(`${base(p)}video/360p/index.m3u8`)));
    expect(a!.status).toBe(200);
    const text = await a!.text();
    const now = Date.now();
    expect(await b!.text()).toBe(text); // every viewer: the same playlist, the same live point
    const playlist = HLS.parse(text) as HLS.types.MediaPlaylist;
    expect(playlist.endlist).toBe(false);
    expect(playlist.playlistType).toBeUndefined();
    // 8.5 s in (3.5 s to spare): segments 0 and 1 are out (they end at 4 s and 8 s), segment 2 ends at 12 s.
    expect(playlist.segments.map((s) => s.uri)).toEqual(["seg_00000.m4s", "seg_00001.m4s"]);
    expect(playlist.segments.map((s) => s.programDateTime!.getTime())).toEqual([startsAt, startsAt + 4000]);
    const last = playlist.segments.at(-1)!;
    expect(last.programDateTime!.getTime() + last.duration * 1000).toBeLessThanOrEqual(now);
    expect(Number(/max-age=(\d+)/.exec(a!.headers.get("cache-control")!)![1])).toBeLessThanOrEqual(SEGMENT_SECONDS);
    // The same ETag answers 304 (a CDN or browser may revalidate).
    expect((await call(`${base(plays[0])}video/360p/index.m3u8`, { headers: { "if-none-match": a!.headers.get("etag")! } })).status).toBe(304);

    const get = (path: string) => call(`${base(plays[1])}${path}`);
    expect((await get("video/360p/seg_00001.m4s")).status).toBe(200);
    expect((await get("video/360p/init.mp4")).status).toBe(200);
    for (const ahead of ["video/360p/seg_00002.m4s", "video/360p/seg_00009.m4s", "audio/en/seg_00005.m4s", "trickplay/sprite.jpg"]) {
      const r = await get(ahead);
      expect(r.status, ahead).toBe(403);
      expect(((await r.json()) as any).error.code, ahead).toBe("beyond_live_point");
    }
  });

  it("is ordinary VOD after its end", async () => {
    const startsAt = Date.now() - 4 * 60_000;
    expect((await schedule({ kind: "premiere", titleId: ENDED, startsAt })).status).toBe(201);
    const p = (await call(`/api/playback/${ENDED}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).then((r) => r.json())) as any;
    expect(p.live).toBe(false);
    expect(p.premiere).toBeNull();
    const base = new URL(p.masterUrl, "http://127.0.0.1").pathname.replace(/master\.m3u8$/, "");
    const playlist = HLS.parse(await call(`${base}video/360p/index.m3u8`).then((r) => r.text())) as HLS.types.MediaPlaylist;
    expect(playlist.endlist).toBe(true);
    expect(playlist.segments).toHaveLength(SEGMENTS);
    expect((await call(`${base}video/360p/seg_00009.m4s`)).status).toBe(200);
  });

  it("is at the right position at several clock times (window 12 s, 4 s segments, two plays)", async () => {
    const clock = { startMs: 2_000_000_000_000, loops: 2, windowSeconds: 12 };
    const key = `assets/prem-${ROWS}/video/360p/index.m3u8`;
    const at = async (seconds: number) => {
      const res = await premierePlaylist(env.MEDIA, clock, key, new Request("http://x/"), clock.startMs + seconds * 1000);
      return HLS.parse(await res.text()) as HLS.types.MediaPlaylist;
    };
    const expectations: [number, number, string[], boolean][] = [
      // [seconds after the start, media sequence, segments listed, ended]
      [0, 0, [], false],
      [3.999, 0, [], false],
      [4, 0, ["seg_00000.m4s"], false],
      [13, 0, ["seg_00000.m4s", "seg_00001.m4s", "seg_00002.m4s"], false],
      [21, 2, ["seg_00002.m4s", "seg_00003.m4s", "seg_00004.m4s"], false],
      [44, 8, ["seg_00008.m4s", "seg_00009.m4s", "seg_00000.m4s"], false], // the second play, after a discontinuity
      [80, 17, ["seg_00007.m4s", "seg_00008.m4s", "seg_00009.m4s"], true],
      [500, 17, ["seg_00007.m4s", "seg_00008.m4s", "seg_00009.m4s"], true],
    ];
    for (const [seconds, sequence, uris, ended] of expectations) {
      const playlist = await at(seconds);
      expect(playlist.mediaSequenceBase, `at ${seconds} s`).toBe(sequence);
      expect(playlist.segments.map((s) => s.uri), `at ${seconds} s`).toEqual(uris);
      expect(playlist.endlist, `at ${seconds} s`).toBe(ended);
      playlist.segments.forEach((s, k) => expect(s.programDateTime!.getTime()).toBe(clock.startMs + (sequence + k) * SEGMENT_SECONDS * 1000));
    }
    expect((await at(44)).segments[2]!.discontinuity).toBe(true);
    expect((await at(44)).discontinuitySequenceBase).toBe(0);
    expect((await at(80)).discontinuitySequenceBase).toBe(1);
    // Before the start there is no playlist to give.
    await expect(premierePlaylist(env.MEDIA, clock, key, new Request("http://x/"), clock.startMs - 1)).rejects.toMatchObject({ status: 403, code: "premiere_not_started" });
  });
});

describe("Live now and Coming up", () => {
  it("moves an event from Coming up to Live now at its start, and drops it at its end", async () => {
    const startsAt = Date.now() + 30 * 60_000;
    const created = await schedule({ kind: "premiere", titleId: ROWS, startsAt });
    expect(created.status).toBe(201);
    const viewer = (nowMs: number) => ({ viewerId: "demo", country: "NL", nowMs, maxMaturityAge: 18, plan: "premium" as const });
    const rowsAt = async (nowMs: number) => scheduleRows(env, viewer(nowMs), await currentEvents(db(), nowMs));
    const before = await rowsAt(startsAt - 1);
    expect(before.comingUp.map((e) => e.id)).toContain(created.body.id);
    expect(before.liveNow.map((e) => e.id)).not.toContain(created.body.id);
    // The isolate's snapshot holds only until the next start or end, so the start flips the rows at once.
    const during = await rowsAt(startsAt);
    expect(during.liveNow.map((e) => e.id)).toContain(created.body.id);
    expect(during.comingUp.map((e) => e.id)).not.toContain(created.body.id);
    expect(during.liveNow.find((e) => e.id === created.body.id)!.title).toMatchObject({ id: ROWS, title: `Title ${ROWS}` });
    const after = await rowsAt(created.body.endsAt);
    expect([...after.liveNow, ...after.comingUp].map((e) => e.id)).not.toContain(created.body.id);
  });

  it("shows the rows on Home and in GET /api/schedule, only titles the viewer may see", async () => {
    forgetScheduleSnapshot();
    const home = (await call("/api/home?device=desktop", { country: "NL" }).then((r) => r.json())) as any;
    expect(home.liveNow.map((e: any) => e.title.id)).toContain(LIVE);
    expect(home.comingUp.map((e: any) => e.title.id)).toEqual(expect.arrayContaining([SOON, ROWS]));
    const listed = (await call("/api/schedule", { country: "NL" }).then((r) => r.json())) as any;
    expect(listed.liveNow.map((e: any) => e.title.id)).toContain(LIVE);
    expect(typeof listed.serverTime).toBe("number");
    // Their cards are kept in the isolate under the catalog's epoch: the next Home reads none from D1.
    await resetD1Counts();
    const again = (await call("/api/home?device=desktop", { country: "NL" }).then((r) => r.json())) as any;
    expect(again.liveNow).toEqual(home.liveNow);
    expect(again.comingUp).toEqual(home.comingUp);
    const reads = (await d1Counts()).readsByTable;
    expect(reads.titles, "the schedule's cards came from the isolate's memory").toBeUndefined();
  });
});

describe("Remind me", () => {
  it("needs a signed-in profile, stores only the profile and event, and is listed until the event ends", async () => {
    const event = (await call(`/api/schedule/titles/${SOON}`).then((r) => r.json())) as any;
    const anon = await call(`/api/schedule/${event.event.id}/reminder`, { method: "PUT", headers: { origin: "http://127.0.0.1" } });
    expect(anon.status).toBe(401);
    const viewer = new TestBrowser();
    await viewer.signUp();
    expect((await viewer.json(`/api/schedule/${event.event.id}/reminder`, { method: "PUT" })).body).toEqual({ eventId: event.event.id, reminded: true });
    expect((await viewer.json(`/api/schedule/${event.event.id}/reminder`, { method: "PUT" })).status).toBe(200);
    expect((await viewer.json(`/api/schedule/titles/${SOON}`)).body.reminded).toBe(true);
    const reminders = await viewer.json("/api/schedule/reminders");
    expect(reminders.body.items.map((e: any) => e.id)).toEqual([event.event.id]);
    const exported = await viewer.json("/api/account/export");
    // The export holds it: the profile and the event, nothing else about the viewer.
    expect(exported.body.reminders.map((r: any) => Object.keys(r).sort())).toEqual([["createdAt", "eventId", "profileId"]]);
    expect(exported.body.reminders[0].eventId).toBe(event.event.id);
    expect((await viewer.json(`/api/schedule/${event.event.id}/reminder`, { method: "DELETE" })).body.reminded).toBe(false);
    expect((await viewer.json("/api/schedule/reminders")).body.items).toEqual([]);
    const missing = await viewer.json("/api/schedule/999999/reminder", { method: "PUT" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("event_not_found");
    expect((await viewer.json("/api/schedule/x/reminder", { method: "PUT" })).status).toBe(400);
  });
});

describe("downloads of a premiering film", () => {
  it("are refused before its first premiere and while it runs (403 premiere_not_started), and offered after it", async () => {
    const viewer = new TestBrowser();
    await viewer.signUp();
    for (const id of [SOON, LIVE]) {
      const r = await viewer.json(`/api/downloads/options/${id}`);
      expect(r.status, String(id)).toBe(403);
      expect(r.body.error.code).toBe("premiere_not_started");
    }
    expect((await viewer.json(`/api/downloads/options/${ENDED}`)).status).toBe(200);
  });
});
