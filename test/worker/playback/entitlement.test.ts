import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../../worker/lib/viewer.ts";
import { continueEpisode, entitle } from "../../../worker/playback/entitlement.ts";
import { verifyPlaybackToken } from "../../../worker/media/tokens.ts";
import { viewerState } from "../../../worker/progress/stub.ts";
import { db } from "../helpers.ts";
import { seedAsset, seedEpisodes, seedTitles } from "../media-fixtures.ts";

// Entitlement called directly (playback.test.ts covers the same rules through HTTP).
const MOVIE = 9301;
const US_ONLY = 9302;
const LATER = 9303;
const ADULT = 9304;
const SERIES = 9305;
const NO_MEDIA = 9306;
let episodeIds: number[][] = [];

const viewer = (over: Partial<Viewer> = {}): Viewer => ({ viewerId: "acct-ent", country: "FR", nowMs: Date.now(), maxMaturityAge: 18, plan: "premium", ...over });

/** The 403/404 code entitlement refuses with, or "ok". */
async function outcome(titleId: number, v: Viewer, episodeId?: number, maxHeight?: number): Promise<string> {
  try {
    await entitle(env, v, titleId, episodeId, maxHeight);
    return "ok";
  } catch (err) {
    return `${(err as { status: number }).status} ${(err as { code: string }).code}`;
  }
}

beforeAll(async () => {
  const d = db();
  await seedTitles(d, [
    { id: MOVIE, maturityAge: 13 },
    { id: US_ONLY, regions: ["US"] },
    { id: LATER, window: { startDays: 5 } },
    { id: ADULT, maturityAge: 18 },
    { id: SERIES, type: "series" },
    { id: NO_MEDIA },
  ]);
  episodeIds = await seedEpisodes(d, SERIES, 9300, 93000, [3]);
  await seedAsset(d, { id: "ent-movie", titleId: MOVIE, heights: [360, 720, 1080, 2160] });
  await seedAsset(d, { id: "ent-us", titleId: US_ONLY, heights: [360] });
  await seedAsset(d, { id: "ent-later", titleId: LATER, heights: [360] });
  await seedAsset(d, { id: "ent-adult", titleId: ADULT, heights: [360] });
  for (const [i, id] of episodeIds[0]!.entries()) await seedAsset(d, { id: `ent-ep${i + 1}`, episodeId: id, heights: [360] });
});

describe("entitlement (worker/playback/entitlement.ts)", () => {
  it("refuses by region, window and maturity ceiling, each with its own code", async () => {
    expect(await outcome(US_ONLY, viewer())).toBe("403 region_restricted");
    expect(await outcome(US_ONLY, viewer({ country: "US" }))).toBe("ok");
    expect(await outcome(LATER, viewer())).toBe("403 outside_window");
    expect(await outcome(ADULT, viewer({ maxMaturityAge: 16 }))).toBe("403 maturity_restricted");
    expect(await outcome(ADULT, viewer({ maxMaturityAge: 18 }))).toBe("ok");
    expect(await outcome(NO_MEDIA, viewer())).toBe("404 no_media");
    expect(await outcome(9399, viewer())).toBe("404 title_not_found");
    expect(await outcome(MOVIE, viewer(), episodeIds[0]![0])).toBe("404 episode_not_found");
  });

  it("caps the quality at the plan, refuses a ceiling above it, and signs a token bound to the viewer and that height", async () => {
    const basic = await entitle(env, viewer({ plan: "basic" }), MOVIE, undefined, undefined);
    expect(basic.maxHeight).toBe(720);
    expect(basic.video.map((v) => v.height)).not.toContain(1080);
    expect(basic.base).toBe(`/cdn/a/${basic.token}/ent-movie/`);
    const claims = await verifyPlaybackToken(env, basic.token);
    expect(claims).toMatchObject({ sub: "acct-ent", mh: 720, pfx: "assets/ent-movie/" });
    expect(await outcome(MOVIE, viewer({ plan: "basic" }), undefined, 1080)).toBe("403 quality_not_in_plan");
    expect((await entitle(env, viewer({ plan: "premium" }), MOVIE, undefined, 1080)).maxHeight).toBe(1080);
  });

  it("plays a series' first episode with media unless one is named", async () => {
    expect((await entitle(env, viewer(), SERIES, undefined, undefined)).episode?.id).toBe(episodeIds[0]![0]);
    expect((await entitle(env, viewer(), SERIES, episodeIds[0]![2], undefined)).episode?.id).toBe(episodeIds[0]![2]);
  });

  it("continues a series with the episode in progress, or the one after a finished one", async () => {
    const accountId = `ent-${crypto.randomUUID()}`;
    const state = viewerState(env, accountId);
    expect(await continueEpisode(env, state, "p1", SERIES)).toBeUndefined();
    const write = (episodeId: number, positionSeconds: number, clientTime: number) =>
      state.write({ opId: crypto.randomUUID(), profileId: "p1", titleId: SERIES, episodeId, positionSeconds, durationSeconds: 600, clientTime, deviceId: "dev-ent-01", deviceName: "TV", creditsStartSeconds: null, country: "FR" });
    const t = Date.now() - 60_000;
    await write(episodeIds[0]![0]!, 120, t);
    expect(await continueEpisode(env, state, "p1", SERIES)).toBe(episodeIds[0]![0]);
    await write(episodeIds[0]![0]!, 600, t + 1000);
    expect(await continueEpisode(env, state, "p1", SERIES)).toBe(episodeIds[0]![1]);
  });
});
