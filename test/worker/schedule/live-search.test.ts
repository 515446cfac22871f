/**
 * Live channels and scheduled premieres are found by search with their state
 * (workerd, real D1 and Cache API): a channel's title enters the index with its
 * first broadcast and is live while it broadcasts; a premiere is upcoming, then
 * live, though the search answer itself stays cached; suggestions say the same.
 */
import { describe, expect, it } from "vitest";
import { indexTitles } from "../../../worker/db/search-index.ts";
import { forgetScheduleSnapshot, scheduleEvent } from "../../../worker/schedule/events.ts";
import { withLiveStates } from "../../../worker/schedule/live-state.ts";
import { call, db, getJson } from "../helpers.ts";
import { createChannel, ingest, putInit, putPart, start } from "../live/channel-client.ts";
import { seedAsset, seedTitles } from "../media-fixtures.ts";

interface Found {
  id: number;
  live?: { state: string; kind: string; startsAt: number; endsAt: number | null };
}

const search = async (q: string) => (await getJson<{ items: Found[] }>(`/api/search?q=${encodeURIComponent(q)}`)).body.items;
const suggest = async (q: string) => (await getJson<{ items: Found[] }>(`/api/search/suggest?q=${encodeURIComponent(q)}`)).body.items;

describe("live and upcoming titles in search", () => {
  it("finds a live channel by its title from its first broadcast, live while it broadcasts and not after", async () => {
    const secret = await createChannel("quokka-cam", 16401, { title: "Quokkacam Island" });
    const { folder } = await start("quokka-cam", secret);
    await putInit("quokka-cam", secret);
    await putPart("quokka-cam", secret, 0, 0);
    const [found] = (await search("quokkacam")).filter((i) => i.id === 16401);
    expect(found?.live).toMatchObject({ state: "live", kind: "live", endsAt: null });
    expect(found!.live!.startsAt).toBeGreaterThan(Date.now() - 60_000);
    expect((await suggest("quokkac")).find((i) => i.id === 16401)?.live?.state).toBe("live");
    expect(folder).toMatch(/^live-quokka-cam-/);

    // Its end makes it ordinary VOD: still found, no longer live.
    const end = await ingest("quokka-cam/end", secret, { method: "POST", contentType: "application/json" });
    expect(end.status).toBe(200);
    const [ended] = (await search("quokkacam")).filter((i) => i.id === 16401);
    expect(ended).toBeDefined();
    expect(ended!.live).toBeUndefined();
  });

  it("shows a scheduled premiere as upcoming, then live once it starts, over one cached search answer", async () => {
    await seedTitles(db(), [{ id: 16402, title: "Wombatfall Premiere" }, { id: 16403, title: "Wombatfall Later" }]);
    await seedAsset(db(), { id: "live-search-16402", titleId: 16402, heights: [360], audio: ["en"], subtitles: [], durationSeconds: 40 });
    await indexTitles(db(), [16402, 16403]);
    const nowMs = Date.now();
    const soon = await scheduleEvent(db(), { kind: "premiere", titleId: 16402, startsAt: nowMs + 3_600_000 }, nowMs);
    forgetScheduleSnapshot();
    const first = await search("wombatfall");
    expect(first.find((i) => i.id === 16402)?.live).toEqual({ state: "upcoming", kind: "premiere", startsAt: soon.startsAt, endsAt: soon.endsAt });
    expect(first.find((i) => i.id === 16403)?.live).toBeUndefined();

    // It starts now (a second event on air): the cached answer says live.
    const onAir = await scheduleEvent(db(), { kind: "premiere", titleId: 16402, startsAt: Date.now() - 1000 }, Date.now());
    forgetScheduleSnapshot();
    const res = await call("/api/search?q=wombatfall");
    expect(res.headers.get("x-catalog-cache")).toBe("hit");
    const live = ((await res.json()) as { items: Found[] }).items.find((i) => i.id === 16402);
    expect(live?.live).toEqual({ state: "live", kind: "premiere", startsAt: onAir.startsAt, endsAt: onAir.endsAt });
  });

  it("adds a state only to the titles that have one, replacing none of their fields", () => {
    const states = new Map([[2, { state: "live" as const, kind: "live" as const, startsAt: 5, endsAt: null }]]);
    expect(withLiveStates([{ id: 1, title: "a" }, { id: 2, title: "b" }], states)).toEqual([
      { id: 1, title: "a" },
      { id: 2, title: "b", live: { state: "live", kind: "live", startsAt: 5, endsAt: null } },
    ]);
  });
});
