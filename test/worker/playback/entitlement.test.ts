import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../../worker/lib/viewer.ts";
import { forgetCatalogEpochs } from "../../../worker/catalog/edge-cache.ts";
import { startCatalogEpoch } from "../../../worker/db/content-keys.ts";
import { continueEpisode, entitle, entitleStream } from "../../../worker/playback/entitlement.ts";
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
const UHD_ONLY = 9307;
const TIED = 9308;
const EMPTY_SERIES = 9309;
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
    { id: UHD_ONLY },
    { id: TIED },
    { id: EMPTY_SERIES, type: "series" },
  ]);
  episodeIds = await seedEpisodes(d, SERIES, 9300, 93000, [3]);
  await seedEpisodes(d, EMPTY_SERIES, 9310, 93100, [2]);
  await seedAsset(d, { id: "ent-movie", titleId: MOVIE, heights: [360, 720, 1080, 2160] });
  await seedAsset(d, { id: "ent-us", titleId: US_ONLY, heights: [360] });
  await seedAsset(d, { id: "ent-later", titleId: LATER, heights: [360] });
  await seedAsset(d, { id: "ent-adult", titleId: ADULT, heights: [360] });
  for (const [i, id] of episodeIds[0]!.entries()) await seedAsset(d, { id: `ent-ep${i + 1}`, episodeId: id, heights: [360] });
  // A series' own (title-level) asset, newest of all: playback never picks it, episodes play.
  await seedAsset(d, { id: "ent-series-extra", titleId: SERIES, heights: [360], createdAt: Date.now() + 60_000 });
  await seedAsset(d, { id: "ent-uhd", titleId: UHD_ONLY, heights: [2160] });
  // Two ready assets published in the same millisecond, and an older one.
  const at = Date.now();
  await seedAsset(d, { id: "ent-tied-b", titleId: TIED, heights: [360], createdAt: at });
  await seedAsset(d, { id: "ent-tied-a", titleId: TIED, heights: [360], createdAt: at });
  await seedAsset(d, { id: "ent-tied-old", titleId: TIED, heights: [360], createdAt: at - 1000 });
});

/** A D1 binding that counts its round trips: each batch, and each statement run on its own. */
function countingD1(d1: D1Database): { d1: D1Database; roundTrips: () => number } {
  let n = 0;
  const counted = (s: D1PreparedStatement): D1PreparedStatement => {
    const { bind, all, first, run, raw } = s;
    return Object.assign(s, {
      bind: (...values: unknown[]) => counted(bind.apply(s, values)),
      all: (...a: []) => (n++, all.apply(s, a)),
      first: (...a: []) => (n++, first.apply(s, a)),
      run: (...a: []) => (n++, run.apply(s, a)),
      raw: (...a: []) => (n++, raw.apply(s, a as never)),
    });
  };
  const proxy = { prepare: (q: string) => counted(d1.prepare(q)), batch: (s: D1PreparedStatement[]) => (n++, d1.batch(s)) };
  return { d1: proxy as unknown as D1Database, roundTrips: () => n };
}

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

  it("a stream's re-check (entitleStream) refuses and admits exactly as entitle does, and picks the same asset", async () => {
    const play = async (f: () => Promise<{ asset: { id: string }; maxHeight: number }>) => {
      try {
        const e = await f();
        return `ok ${e.asset.id} ${e.maxHeight}p`;
      } catch (err) {
        return `${(err as { status: number }).status} ${(err as { code: string }).code}`;
      }
    };
    const [ep1, , ep3] = episodeIds[0]!;
    const cases: [number, Viewer, number | undefined, number][] = [
      [MOVIE, viewer(), undefined, 2160],
      [MOVIE, viewer({ plan: "basic" }), undefined, 720],
      [MOVIE, viewer({ plan: "basic" }), undefined, 1080],
      [MOVIE, viewer(), undefined, 360],
      [MOVIE, viewer(), ep1, 2160],
      [US_ONLY, viewer(), undefined, 2160],
      [US_ONLY, viewer({ country: "US" }), undefined, 2160],
      [LATER, viewer(), undefined, 2160],
      [ADULT, viewer({ maxMaturityAge: 16 }), undefined, 2160],
      [ADULT, viewer({ maxMaturityAge: 18 }), undefined, 2160],
      [NO_MEDIA, viewer(), undefined, 2160],
      [9399, viewer(), undefined, 2160],
      [UHD_ONLY, viewer({ plan: "basic" }), undefined, 720],
      [UHD_ONLY, viewer(), undefined, 2160],
      [SERIES, viewer(), undefined, 2160],
      [SERIES, viewer(), ep3, 2160],
      [SERIES, viewer(), 93099, 2160],
      [EMPTY_SERIES, viewer(), undefined, 2160],
      [EMPTY_SERIES, viewer(), 93100, 2160],
      [TIED, viewer(), undefined, 2160],
    ];
    const outcomes = [];
    for (const [titleId, v, episodeId, maxHeight] of cases) {
      const asEntitled = await play(() => entitle(env, v, titleId, episodeId, maxHeight));
      const asStream = await play(() => entitleStream(env, v, { titleId, episodeId, maxHeight, keyPrefix: "assets/ent-movie/" }));
      expect(asStream, `title ${titleId} episode ${episodeId} ${JSON.stringify(v)} ${maxHeight}p`).toBe(asEntitled);
      outcomes.push(asStream);
    }
    // The table covers every rule, not one outcome over and over.
    expect(new Set(outcomes.map((o) => o.split(" ").slice(0, 2).join(" ")))).toEqual(
      new Set(["ok ent-movie", "403 quality_not_in_plan", "404 episode_not_found", "403 region_restricted", "ok ent-us", "403 outside_window", "403 maturity_restricted", "ok ent-adult", "404 no_media", "404 title_not_found", "ok ent-uhd", "ok ent-ep1", "ok ent-ep3", "ok ent-tied-a"]),
    );
  });

  it("a stream's re-check reads the title, episode, asset, renditions and the folder's keys in one D1 round trip, then keeps them for the catalog's epoch", async () => {
    const keyId = crypto.randomUUID().replaceAll("-", "");
    await env.DB.prepare("INSERT INTO content_keys (key_prefix, tier, key_id, wrapped_key, kek_id, created_at) VALUES ('assets/ent-ep2/', 'SD', ?, 'wrapped', 'kek-1', 0)").bind(keyId).run();
    // Ingest registers keys with their asset, which starts a new catalog epoch; this test inserts a key alone, so it starts one itself.
    await startCatalogEpoch(db());
    forgetCatalogEpochs();
    const play = { titleId: SERIES, episodeId: episodeIds[0]![1], maxHeight: 1080, keyPrefix: "assets/ent-ep2/" };
    const counter = countingD1(env.DB);
    const e = await entitleStream({ ...env, DB: counter.d1 }, viewer(), play);
    expect([e.title.id, e.episode?.id, e.asset.id, e.maxHeight]).toEqual([SERIES, episodeIds[0]![1], "ent-ep2", 1080]);
    expect(e.keyRows.map((k) => [k.keyPrefix, k.tier, k.keyId, k.wrappedKey])).toEqual([["assets/ent-ep2/", "SD", keyId, "wrapped"]]);
    // The catalog's epoch, then the one batch.
    expect(counter.roundTrips()).toBe(2);
    const again = countingD1(env.DB);
    const kept = await entitleStream({ ...env, DB: again.d1 }, viewer(), play);
    expect(kept.keyRows.map((k) => k.keyId)).toEqual([keyId]);
    // At most the epoch again (development re-reads it on every request; production every 5 s).
    expect(again.roundTrips()).toBeLessThanOrEqual(1);
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
