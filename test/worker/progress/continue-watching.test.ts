import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../../worker/lib/viewer.ts";
import { continueWatching, isResumable, MIN_RESUME_SECONDS } from "../../../worker/progress/continue-watching.ts";
import type { ProgressEntry } from "../../../worker/progress/model.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { db } from "../helpers.ts";
import { seedAsset, seedEpisodes, seedTitles } from "../media-fixtures.ts";

// Continue watching called directly (progress.test.ts and home.test.ts cover it through HTTP).
const MOVIE = 9401;
const BARELY = 9402;
const DONE = 9403;
const SERIES = 9404;
const US_ONLY = 9405;
let episodeIds: number[][] = [];

const viewer = (over: Partial<Viewer> = {}): Viewer => ({ viewerId: "acct-cw", country: "FR", nowMs: Date.now(), maxMaturityAge: 18, plan: "premium", ...over });

const entry = (positionSeconds: number, durationSeconds: number, finished = false): ProgressEntry => ({
  profileId: "p",
  titleId: 1,
  episodeId: null,
  positionSeconds,
  durationSeconds,
  updatedAt: 0,
  deviceId: "dev-cw-0001",
  deviceName: "TV",
  finished,
});

beforeAll(async () => {
  const d = db();
  await seedTitles(d, [{ id: MOVIE }, { id: BARELY }, { id: DONE }, { id: SERIES, type: "series" }, { id: US_ONLY, regions: ["US"] }]);
  episodeIds = await seedEpisodes(d, SERIES, 9400, 94000, [2]);
  // The next episode is offered only when it has video.
  for (const [i, id] of episodeIds[0]!.entries()) await seedAsset(d, { id: `cw-ep${i + 1}`, episodeId: id, heights: [360] });
});

describe("the resumable rule (worker/progress/continue-watching.ts)", () => {
  it("offers a started, unfinished title: past 10 s, or 5 % of a short video", () => {
    expect(isResumable(entry(MIN_RESUME_SECONDS, 5400))).toBe(true);
    expect(isResumable(entry(MIN_RESUME_SECONDS - 1, 5400))).toBe(false);
    expect(isResumable(entry(3, 60))).toBe(true); // 5 % of 60 s
    expect(isResumable(entry(2, 60))).toBe(false);
    expect(isResumable(entry(3000, 5400, true))).toBe(false);
  });
});

describe("continue watching (worker/progress/continue-watching.ts)", () => {
  it("lists in-progress titles most recent first, a finished episode as the next one, and skips barely started, finished and invisible titles", async () => {
    const accountId = `cw-${crypto.randomUUID()}`;
    const state = viewerState(env, accountId);
    let clock = Date.now() - 3_600_000;
    const write = (titleId: number, episodeId: number | null, positionSeconds: number) =>
      state.write({ opId: crypto.randomUUID(), profileId: "p1", titleId, episodeId, positionSeconds, durationSeconds: 600, clientTime: (clock += 1000), deviceId: "dev-cw-0001", deviceName: "Laptop", creditsStartSeconds: null, country: "FR" });
    await write(MOVIE, null, 120);
    await write(BARELY, null, 2);
    await write(DONE, null, 600);
    await write(US_ONLY, null, 300);
    await write(SERIES, episodeIds[0]![0]!, 600);

    const items = await continueWatching(env, viewer(), accountId, "p1");
    expect(items.map((i) => [i.kind, i.title.id, i.episode?.id ?? null])).toEqual([
      ["next_episode", SERIES, episodeIds[0]![1]],
      ["resume", MOVIE, null],
    ]);
    expect(items[1]).toMatchObject({ positionSeconds: 120, durationSeconds: 600, deviceName: "Laptop" });
    expect(items[0]).toMatchObject({ positionSeconds: 0, durationSeconds: 600 });

    // Seen from the US, the US-only title is there too; another profile has nothing.
    expect((await continueWatching(env, viewer({ country: "US" }), accountId, "p1")).map((i) => i.title.id)).toContain(US_ONLY);
    expect(await continueWatching(env, viewer(), accountId, "p2")).toEqual([]);
    expect(await continueWatching(env, viewer(), accountId, "p1", 1)).toHaveLength(1);
  });
});

describe("the latest entries per title (worker/progress/progress-store.ts)", () => {
  it("are kept between reads, and never outlive a write, a removal, a forgotten profile or an erasure", async () => {
    const state = viewerState(env, `latest-${crypto.randomUUID()}`);
    let clock = Date.now() - 3_600_000;
    const write = (profileId: string, titleId: number, positionSeconds: number) =>
      state.write({ opId: crypto.randomUUID(), profileId, titleId, episodeId: null, positionSeconds, durationSeconds: 600, clientTime: (clock += 1000), deviceId: "dev-cw-0002", deviceName: "Phone", creditsStartSeconds: null, country: "FR" });
    const titles = async (profileId: string, limit = 60) => (await state.latestPerTitle(profileId, limit)).map((e) => [e.titleId, e.positionSeconds]);
    await write("a", MOVIE, 100);
    await write("b", MOVIE, 50);
    expect(await titles("a")).toEqual([[MOVIE, 100]]);
    // A write shows at once, most recent first; another profile's list is its own.
    await write("a", SERIES, 30);
    expect(await titles("a")).toEqual([[SERIES, 30], [MOVIE, 100]]);
    await write("a", MOVIE, 200);
    expect(await titles("a")).toEqual([[MOVIE, 200], [SERIES, 30]]);
    expect(await titles("a", 1)).toEqual([[MOVIE, 200]]);
    expect(await titles("b")).toEqual([[MOVIE, 50]]);
    // A stale write changes nothing; a removal, a forgotten profile and an erasure empty the list.
    await state.write({ opId: crypto.randomUUID(), profileId: "a", titleId: MOVIE, episodeId: null, positionSeconds: 5, durationSeconds: 600, clientTime: clock - 60_000, deviceId: "dev-cw-0002", deviceName: "Phone", creditsStartSeconds: null, country: "FR" });
    expect(await titles("a")).toEqual([[MOVIE, 200], [SERIES, 30]]);
    await state.removeHistory("a", SERIES);
    expect(await titles("a")).toEqual([[MOVIE, 200]]);
    await state.forgetProfile("a");
    expect(await titles("a")).toEqual([]);
    expect(await titles("b")).toEqual([[MOVIE, 50]]);
    await state.erase();
    expect(await titles("b")).toEqual([]);
  });
});
