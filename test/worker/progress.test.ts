import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CLOCK_SKEW_MS, isNewer, type ProgressWrite } from "../../worker/progress/model.ts";
import { viewerState } from "../../worker/progress/stub.ts";
import { random } from "../../tools/seed/generate.ts";
import { db } from "./helpers.ts";
import { seedAsset, seedEpisodes, seedTitles } from "./media-fixtures.ts";
import { PASSWORD, TestBrowser } from "./session-client.ts";

// Ids unique to this file.
const MOVIE = 7601;
const ADULT_MOVIE = 7602;
const SERIES = 7603;
const NO_MEDIA_MOVIE = 7604;
let EPISODES: number[][] = [];

beforeAll(async () => {
  await seedTitles(db(), [
    { id: MOVIE, title: "Lanternfall" },
    { id: ADULT_MOVIE, title: "Lanternfall: Reckoning", maturityAge: 18 },
    { id: SERIES, title: "Lanternfall Tales", type: "series" },
    { id: NO_MEDIA_MOVIE, title: "Lanternfall Unmade" },
  ]);
  EPISODES = await seedEpisodes(db(), SERIES, 7610, 76100, [3, 2]);
  await seedAsset(db(), { id: "pg-movie", titleId: MOVIE, heights: [360], durationSeconds: 600 }); // credits at 570 s
  await seedAsset(db(), { id: "pg-adult", titleId: ADULT_MOVIE, heights: [360] });
  // Every episode but the last of season 1's second has video, so "next episode" must skip it.
  for (const [i, id] of EPISODES.flat().entries()) {
    if (id !== EPISODES[0]![1]) await seedAsset(db(), { id: `pg-ep-${i}`, episodeId: id, heights: [360], durationSeconds: 600 });
  }
});

let deviceCounter = 0;
function write(over: Record<string, unknown> = {}) {
  return {
    opId: crypto.randomUUID(),
    titleId: MOVIE,
    positionSeconds: 120,
    durationSeconds: 600,
    clientTime: Date.now(),
    deviceId: `device-${(deviceCounter++).toString().padStart(4, "0")}`,
    deviceName: "Test TV",
    ...over,
  };
}

async function signedIn(): Promise<TestBrowser> {
  const b = new TestBrowser();
  await b.signUp();
  return b;
}

describe("progress writes", () => {
  it("saves from JSON and text/plain (sendBeacon) bodies and reads them back", async () => {
    const b = await signedIn();
    const first = await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 100 }) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ applied: true, entry: { titleId: MOVIE, episodeId: null, positionSeconds: 100, finished: false } });
    const beacon = await b.json("/api/progress", {
      method: "POST",
      body: JSON.stringify(write({ positionSeconds: 130, clientTime: Date.now() + 1 })),
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(beacon.status).toBe(200);
    expect(beacon.body.applied).toBe(true);
    const read = await b.json(`/api/progress/title/${MOVIE}`);
    expect(read.status).toBe(200);
    expect(read.body.latest).toMatchObject({ positionSeconds: 130, deviceName: "Test TV" });
    expect(read.body.latest.profileId).toBeUndefined();
  });

  it("ignores replays and older writes, lets a later rewind win and clamps clocks that run ahead", async () => {
    const b = await signedIn();
    const now = Date.now();
    const w = write({ positionSeconds: 300, clientTime: now });
    expect((await b.json("/api/progress", { method: "POST", body: w })).body.applied).toBe(true);
    // A retry of the same operation: nothing changes.
    const replay = await b.json("/api/progress", { method: "POST", body: { ...w, positionSeconds: 10 } });
    expect(replay.body).toMatchObject({ applied: false, entry: { positionSeconds: 300 } });
    // A write observed earlier that arrives late (reordered): never moves progress backwards.
    const late = await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 50, clientTime: now - 1000 }) });
    expect(late.body).toMatchObject({ applied: false, entry: { positionSeconds: 300 } });
    // A deliberate rewind, observed later: wins.
    const rewind = await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 20, clientTime: now + 1000 }) });
    expect(rewind.body).toMatchObject({ applied: true, entry: { positionSeconds: 20 } });
    // A clock an hour ahead is believed only up to server time plus the skew.
    const ahead = await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 400, clientTime: Date.now() + 3_600_000 }) });
    expect(ahead.body.applied).toBe(true);
    expect(ahead.body.entry.updatedAt).toBeLessThanOrEqual(Date.now() + CLOCK_SKEW_MS);
  });

  it("breaks exact time ties by device id, the same way whatever the arrival order", async () => {
    const t = Date.now() - 5000;
    for (const order of [["device-aaaa", "device-bbbb"], ["device-bbbb", "device-aaaa"]]) {
      const b = await signedIn();
      for (const deviceId of order) {
        await b.json("/api/progress", { method: "POST", body: write({ clientTime: t, deviceId, positionSeconds: deviceId === "device-aaaa" ? 11 : 22 }) });
      }
      expect((await b.json(`/api/progress/title/${MOVIE}`)).body.latest).toMatchObject({ deviceId: "device-bbbb", positionSeconds: 22 });
    }
  });

  it("refuses what it cannot store with a 4xx JSON error", async () => {
    const b = await signedIn();
    const cases: [unknown, number, string, Record<string, string>?][] = [
      ["{not json", 400, "invalid_json", { "content-type": "text/plain" }],
      [write({ positionSeconds: 700 }), 400, "invalid_json"],
      [write({ positionSeconds: -1 }), 400, "invalid_json"],
      [write({ durationSeconds: 0 }), 400, "invalid_json"],
      [write({ opId: "x" }), 400, "invalid_json"],
      [write({ clientTime: 12 }), 400, "invalid_json"],
      [write({ deviceName: "TV\u0000" }), 400, "invalid_json"],
      [write({ titleId: 999_999 }), 404, "title_not_found"],
      [write({ titleId: SERIES }), 400, "episode_required"],
      [write({ episodeId: EPISODES[0]![0] }), 400, "not_an_episode"],
      [write({ titleId: SERIES, episodeId: 424242 }), 404, "episode_not_found"],
      [write(), 415, "unsupported_media_type", { "content-type": "application/x-www-form-urlencoded" }],
      [JSON.stringify({ ...write(), pad: "x".repeat(5000) }), 413, "payload_too_large"],
    ];
    for (const [body, status, code, headers] of cases) {
      const r = await b.json("/api/progress", { method: "POST", body, headers });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
    }
  });

  it("needs a session with a profile, and keeps a kids profile to its ceiling", async () => {
    const anonymous = new TestBrowser();
    expect((await anonymous.json("/api/progress", { method: "POST", body: write() })).status).toBe(401);
    expect((await anonymous.json("/api/progress/continue")).status).toBe(401);
    const b = await signedIn();
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" });
    const refused = await b.json("/api/progress", { method: "POST", body: write({ titleId: ADULT_MOVIE }) });
    expect(refused.status).toBe(404);
    expect((await b.json(`/api/progress/title/${ADULT_MOVIE}`)).status).toBe(404);
  });

  it("fuzzed bodies never get a 5xx", async () => {
    const b = await signedIn();
    const field = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    const body = fc.oneof(
      fc.record({ opId: field, titleId: field, episodeId: field, positionSeconds: field, durationSeconds: field, clientTime: field, deviceId: field, deviceName: field, event: field }, { requiredKeys: [] }),
      fc
        .record({ key: fc.constantFrom("opId", "titleId", "episodeId", "positionSeconds", "durationSeconds", "clientTime", "deviceId", "deviceName", "event"), value: field })
        .map(({ key, value }) => ({ ...write(), [key]: value })),
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("application/json", "text/plain"), async (payload, type) => {
        const r = await b.json("/api/progress", { method: "POST", body: typeof payload === "string" ? payload : JSON.stringify(payload), headers: { "content-type": type } });
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) expect(typeof r.body.error.code).toBe("string");
      }),
      { numRuns: 150 },
    );
  });
});

describe("history and continue watching", () => {
  it("finishes at the credits, lists history, offers the next episode with video, and removes history", async () => {
    const b = await signedIn();
    const [s1e1, s1e2, s1e3] = EPISODES[0]!;
    const t = Date.now() - 10_000;
    // Movie: past the credits marker (570 s of 600), below 95%: finished.
    const movie = await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 571, clientTime: t }) });
    expect(movie.body.entry.finished).toBe(true);
    // Series: episode 1 finished → continue watching offers episode 3 (episode 2 has no video).
    await b.json("/api/progress", { method: "POST", body: write({ titleId: SERIES, episodeId: s1e1, positionSeconds: 590, clientTime: t + 1 }) });
    let cont = await b.json("/api/progress/continue");
    expect(cont.status).toBe(200);
    expect(cont.body.items).toHaveLength(1);
    expect(cont.body.items[0]).toMatchObject({ kind: "next_episode", title: { id: SERIES }, episode: { id: s1e3, seasonNumber: 1, number: 3 } });
    expect(s1e2).not.toBe(s1e3);
    // Halfway through episode 3: resume it; a movie barely started is not offered.
    await b.json("/api/progress", { method: "POST", body: write({ titleId: SERIES, episodeId: s1e3, positionSeconds: 200, clientTime: t + 2 }) });
    await b.json("/api/progress", { method: "POST", body: write({ titleId: NO_MEDIA_MOVIE, positionSeconds: 3, clientTime: t + 3 }) });
    cont = await b.json("/api/progress/continue");
    expect(cont.body.items.map((i: any) => [i.kind, i.title.id, i.episode?.id ?? null, i.positionSeconds])).toEqual([["resume", SERIES, s1e3, 200]]);
    expect(cont.body.items[0].episode).toMatchObject({ seasonNumber: 1, number: 3, name: "Episode 3", titleId: SERIES });

    const history = await b.json("/api/history");
    expect(history.body.items.map((i: any) => [i.title.id, i.episode?.id ?? null])).toEqual([[SERIES, s1e1], [MOVIE, null]]);
    const page1 = await b.json("/api/history?limit=1");
    expect(page1.body.items).toHaveLength(1);
    const page2 = await b.json(`/api/history?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items[0].title.id).toBe(MOVIE);
    expect((await b.json("/api/history?cursor=abc")).status).toBe(400);

    expect((await b.fetch(`/api/history/${SERIES}`, { method: "DELETE" })).status).toBe(204);
    expect((await b.json("/api/progress/continue")).body.items).toEqual([]);
    // A beacon observed before the removal, arriving after it, cannot bring the title back.
    const lateBeacon = await b.json("/api/progress", { method: "POST", body: write({ titleId: SERIES, episodeId: s1e3, positionSeconds: 250, clientTime: Date.now() - 1000 }) });
    expect(lateBeacon.body).toEqual({ applied: false, entry: null });
    expect((await b.fetch("/api/history", { method: "DELETE" })).status).toBe(204);
    expect((await b.json("/api/history")).body.items).toEqual([]);
  });

  it("keeps profiles apart and forgets a deleted profile's progress", async () => {
    const b = await signedIn();
    const me = await b.json("/api/auth/me");
    const adult = me.body.profileId as string;
    const other = await b.json("/api/profiles", { method: "POST", body: { name: "Second" } });
    await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 222 }) });
    await b.json(`/api/profiles/${other.body.id}/select`, { method: "POST" });
    expect((await b.json(`/api/progress/title/${MOVIE}`)).body.latest).toBeNull();
    await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 333 }) });
    await b.json(`/api/profiles/${adult}/select`, { method: "POST" });
    expect((await b.json(`/api/progress/title/${MOVIE}`)).body.latest.positionSeconds).toBe(222);
    expect((await b.fetch(`/api/profiles/${other.body.id}`, { method: "DELETE" })).status).toBe(204);
    const exported = await b.json("/api/account/export");
    expect(exported.body.viewerState.progress.map((e: any) => e.profileId)).toEqual([adult]);
  });
});

describe("playback resumes", () => {
  it("offers the saved position and continues a series with the next episode", async () => {
    const b = await signedIn();
    const [s1e1, , s1e3] = EPISODES[0]!;
    const t = Date.now() - 10_000;
    expect((await b.json(`/api/playback/${MOVIE}`, { method: "POST", body: {} })).body.resume).toBeNull();
    await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 200, clientTime: t, deviceName: "Living room TV" }) });
    const movie = await b.json(`/api/playback/${MOVIE}`, { method: "POST", body: {} });
    expect(movie.body.resume).toMatchObject({ positionSeconds: 200, deviceName: "Living room TV" });
    // Finished episode 1: opening the series plays episode 3 (the next with video) from the start.
    await b.json("/api/progress", { method: "POST", body: write({ titleId: SERIES, episodeId: s1e1, positionSeconds: 595, clientTime: t + 1 }) });
    const series = await b.json(`/api/playback/${SERIES}`, { method: "POST", body: {} });
    expect(series.body.episode.id).toBe(s1e3);
    expect(series.body.resume).toBeNull();
    // Halfway through episode 3: opening the series resumes it.
    await b.json("/api/progress", { method: "POST", body: write({ titleId: SERIES, episodeId: s1e3, positionSeconds: 300, clientTime: t + 2 }) });
    const again = await b.json(`/api/playback/${SERIES}`, { method: "POST", body: {} });
    expect([again.body.episode.id, again.body.resume?.positionSeconds]).toEqual([s1e3, 300]);
    // Asking for an episode explicitly still plays that one.
    const explicit = await b.json(`/api/playback/${SERIES}?episode=${s1e1}`, { method: "POST", body: {} });
    expect(explicit.body.episode.id).toBe(s1e1);
  });
});

describe("conflicts under retries, reordering and eviction", () => {
  it("3 devices, 10,000 interleaved writes: the final state is the newest write, nothing acknowledged is lost, replays change nothing", async () => {
    const accountId = `conflict-${crypto.randomUUID()}`;
    const stub = viewerState(env, accountId);
    const profileId = "p1";
    const base = Date.now() - 86_400_000; // every device clock is behind the server: no clamping here (tested above)
    const devices = ["dev-tv-0001", "dev-phone-02", "dev-laptop-3"];
    const titles = [MOVIE, SERIES];
    const rng = random(20261124);
    // Each device observes positions on its own (monotonic, skewed) clock.
    const clocks = devices.map((_, i) => base + i * 37);
    const all: ProgressWrite[] = [];
    for (let i = 0; i < 10_000; i++) {
      const d = Math.floor(rng() * devices.length);
      clocks[d]! += 1 + Math.floor(rng() * 900);
      const titleId = titles[Math.floor(rng() * titles.length)]!;
      all.push({
        opId: `op-${i.toString().padStart(6, "0")}`,
        profileId,
        titleId,
        episodeId: titleId === SERIES ? EPISODES[0]![0]! : null,
        positionSeconds: Math.floor(rng() * 590),
        durationSeconds: 600,
        clientTime: clocks[d]!,
        deviceId: devices[d]!,
        deviceName: devices[d]!,
        creditsStartSeconds: null,
        country: "GB",
      });
    }
    // Delivery: each write is sent once, some twice (a retry after a lost answer), in a locally shuffled order
    // (writes overtake each other within a window), in concurrent bursts, with the object evicted every ~1,000 deliveries.
    const deliveries: ProgressWrite[] = [];
    for (const w of all) {
      deliveries.push(w);
      if (rng() < 0.15) deliveries.push(w);
    }
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.max(0, i - Math.floor(rng() * 40));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const acknowledged: ProgressWrite[] = [];
    for (let i = 0; i < deliveries.length; i += 25) {
      const burst = deliveries.slice(i, i + 25);
      const results = await Promise.all(burst.map((w) => stub.write(w)));
      results.forEach((r, k) => r.applied && acknowledged.push(burst[k]!));
      if (Math.floor((i + 25) / 1000) > Math.floor(i / 1000)) await evictDurableObject(stub as unknown as DurableObjectStub);
    }
    const stamp = (w: ProgressWrite) => ({ updatedAt: w.clientTime, deviceId: w.deviceId });
    for (const titleId of titles) {
      const ofTitle = all.filter((w) => w.titleId === titleId);
      const newest = ofTitle.reduce((a, b) => (isNewer(stamp(b), stamp(a)) ? b : a));
      const stored = (await stub.titleEntries(profileId, titleId))[0]!;
      expect({ position: stored.positionSeconds, updatedAt: stored.updatedAt, deviceId: stored.deviceId }).toEqual({
        position: newest.positionSeconds,
        updatedAt: newest.clientTime,
        deviceId: newest.deviceId,
      });
      // No acknowledged write is lost: each is the stored one or older than it.
      for (const w of acknowledged.filter((a) => a.titleId === titleId)) {
        expect(isNewer(stamp(w), { updatedAt: stored.updatedAt, deviceId: stored.deviceId })).toBe(false);
      }
    }
    // Replays of any earlier operation change nothing.
    const before = await stub.exportAll();
    for (let i = 0; i < 500; i++) {
      const w = all[Math.floor(rng() * all.length)]!;
      expect((await stub.write({ ...w, positionSeconds: 1 })).applied).toBe(false);
    }
    const after = await stub.exportAll();
    expect(after.progress).toEqual(before.progress);
    expect(after.history).toEqual(before.history);
  }, 240_000); // 10,000 DO round trips: ~20 s on a quiet machine, over 60 s on a loaded one
});

describe("privacy", () => {
  it("exports everything of the account, then deletion erases D1 rows and the object's storage", async () => {
    const b = await signedIn();
    const me = (await b.json("/api/auth/me")).body;
    await b.json("/api/progress", { method: "POST", body: write({ positionSeconds: 590 }) });
    await b.fetch(`/api/my-list/${MOVIE}`, { method: "PUT" });
    await b.json(`/api/ratings/${MOVIE}`, { method: "PUT", body: { value: 2 } });
    const exported = await b.json("/api/account/export");
    expect(exported.status).toBe(200);
    expect(exported.res.headers.get("content-disposition")).toMatch(/attachment/);
    const doc = exported.body;
    expect(doc.account.email).toBe(me.account.email);
    expect(JSON.stringify(doc)).not.toMatch(/password|pinHash|refreshHash/i);
    expect(doc.profiles).toHaveLength(1);
    // This session's record is its family in the account's object (sign-in writes no D1 sessions row).
    expect(doc.sessions).toEqual([]);
    expect(doc.viewerState.refreshFamilies.length).toBeGreaterThan(0);
    expect(doc.viewerState.taste.myList.map((r: any) => r.titleId)).toEqual([MOVIE]);
    expect(doc.viewerState.taste.ratings.map((r: any) => [r.titleId, r.value])).toEqual([[MOVIE, 2]]);
    expect(doc.viewerState.progress.map((e: any) => e.positionSeconds)).toEqual([590]);
    expect(doc.viewerState.history).toHaveLength(1);

    expect((await b.json("/api/account", { method: "DELETE", body: { password: "wrong password!" } })).status).toBe(403);
    expect((await b.json("/api/account", { method: "DELETE", body: {} })).status).toBe(400);
    const del = await b.fetch("/api/account", { method: "DELETE", body: { password: PASSWORD } });
    expect(del.status).toBe(204);
    expect(await viewerState(env, me.account.id).isEmpty()).toBe(true);
    // The same live instance, asked again after the erase (a late request), answers empty instead of failing.
    expect(await viewerState(env, me.account.id).latestPerTitle("any-profile", 10)).toEqual([]);
    const d1 = env.DB;
    for (const [table, column, id] of [["accounts", "id", me.account.id], ["profiles", "account_id", me.account.id], ["sessions", "account_id", me.account.id]] as const) {
      expect((await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).bind(id).first<{ n: number }>())!.n).toBe(0);
    }
    for (const table of ["my_list", "ratings"]) {
      expect((await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE profile_id = ?`).bind(me.profileId).first<{ n: number }>())!.n).toBe(0);
    }
    // The cookies are gone and the old session no longer works.
    expect((await b.json("/api/auth/me")).status).toBe(401);
  });

  it("is refused from a kids profile and across sites", async () => {
    const b = await signedIn();
    expect((await b.json("/api/account", { method: "DELETE", body: { password: "x" }, origin: "https://evil.example" })).status).toBe(403);
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" });
    expect((await b.json("/api/account/export")).body.error.code).toBe("kids_profile");
  });
});

describe("live sync", () => {
  function openSocket(b: TestBrowser, origin = "http://127.0.0.1") {
    return b.fetch("/api/progress/live", { headers: { upgrade: "websocket", origin } });
  }

  /** Opens and accepts a socket; `next()` answers its next message, or "closed" once the server closed it. */
  async function live(b: TestBrowser) {
    const res = await openSocket(b);
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    ws.accept();
    const events: string[] = [];
    const waiters: (() => void)[] = [];
    const push = (e: string) => {
      events.push(e);
      waiters.splice(0).forEach((w) => w());
    };
    ws.addEventListener("message", (e) => push(e.data as string));
    ws.addEventListener("close", () => push("closed"));
    const next = async (): Promise<string> => {
      while (events.length === 0) await new Promise<void>((r) => waiters.push(r));
      return events.shift()!;
    };
    return { ws, next };
  }

  it("pushes a saved position to the account's other devices on the same profile, not to other profiles", async () => {
    const phone = await signedIn();
    const me = (await phone.json("/api/auth/me")).body;
    const other = (await phone.json("/api/profiles", { method: "POST", body: { name: "Other" } })).body;
    async function device(profileId: string) {
      const b = new TestBrowser();
      await b.json("/api/auth/signin", { method: "POST", body: { email: me.account.email, password: PASSWORD } });
      await b.json(`/api/profiles/${profileId}/select`, { method: "POST" });
      return live(b);
    }
    const tv = await device(me.profileId);
    const laptop = await device(other.id);
    const saved = await phone.json("/api/progress", { method: "POST", body: write({ positionSeconds: 454, deviceName: "Phone" }) });
    expect(saved.status).toBe(200);
    expect(JSON.parse(await tv.next())).toMatchObject({ type: "progress", entry: { titleId: MOVIE, positionSeconds: 454, deviceName: "Phone", profileId: me.profileId } });
    // The other profile's socket got nothing: its first message is the answer to its own ping (the runtime's auto-response).
    laptop.ws.send("ping");
    expect(await laptop.next()).toBe("pong");
    tv.ws.close(1000, "done");
    laptop.ws.close(1000, "done");
  });

  it("revoking a family for refresh-token reuse closes its sockets, as sign-out does", async () => {
    /** What comes first after a ping: "pong" while the socket is open, "closed" once the server closed it. */
    async function probeOf(b: TestBrowser) {
      const { ws, next } = await live(b);
      return (): Promise<string> => {
        try {
          ws.send("ping");
        } catch {
          return Promise.resolve("closed");
        }
        return next();
      };
    }
    const stolen = await signedIn();
    const probe = await probeOf(stolen);
    expect(await probe()).toBe("pong");
    const copy = stolen.value("mq_rt")!;
    // The owner refreshes; the thief then presents the copied (now old) token: the family is revoked.
    expect((await stolen.json("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    const thief = new TestBrowser();
    thief.cookies.set("mq_rt", { value: copy, path: "/api/auth", attributes: [] });
    expect((await thief.json("/api/auth/refresh", { method: "POST" })).body.error.code).toBe("refresh_reused");
    expect(await probe()).toBe("closed");

    const leaving = await signedIn();
    const other = await probeOf(leaving);
    expect(await other()).toBe("pong");
    expect((await leaving.fetch("/api/auth/signout", { method: "POST" })).status).toBe(204);
    expect(await other()).toBe("closed");
  });

  it("refuses a socket without a session, across sites, or without an upgrade", async () => {
    expect((await openSocket(new TestBrowser())).status).toBe(401);
    const b = await signedIn();
    expect((await openSocket(b, "https://evil.example")).status).toBe(403);
    expect((await b.json("/api/progress/live")).status).toBe(426);
  });
});
