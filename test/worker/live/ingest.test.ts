/**
 * The ingest endpoint refuses every bad request with a clear 4xx JSON error and
 * publishes nothing: no R2 object appears and the playlist does not change.
 */
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../../common/error-codes.ts";
import { channelStub } from "../../../worker/live/edge.ts";
import { createChannel, ingest, keysOf, putInit, putPart, start, viewerToken } from "./channel-client.ts";
import { INIT, PART_1S, PART_2S } from "./fixtures.ts";

const SLUG = "ingest-test";
let secret = "";

async function playlistText(): Promise<string> {
  const out = await channelStub((await import("cloudflare:workers")).env, SLUG).playlist("360p");
  return out.ok ? out.text : `refused ${out.code}`;
}

/** Runs `attempt`, which must be refused with `status`/`code`, and checks nothing was published by it. */
async function refused(folder: string | undefined, attempt: () => Promise<Response>, status: number, code: string) {
  const keysBefore = folder ? await keysOf(folder) : [];
  const playlistBefore = await playlistText();
  const res = await attempt();
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(res.status).toBe(status);
  expect(body.error.code).toBe(code);
  expect(ERROR_CODES).toContain(body.error.code);
  expect(body.error.message.length).toBeGreaterThan(0);
  if (folder) expect(await keysOf(folder)).toEqual(keysBefore);
  expect(await playlistText()).toBe(playlistBefore);
}

describe("live ingest refuses bad requests", () => {
  it("refuses an unknown channel, a missing or wrong secret and a viewer's playback token", async () => {
    secret = await createChannel(SLUG, 16001);
    await refused(undefined, () => putInit("no-such-channel", secret), 404, "unknown_channel");
    await refused(undefined, () => putInit(SLUG, undefined as unknown as string), 401, "invalid_ingest_secret");
    const other = await createChannel("ingest-other", 16002);
    await refused(undefined, () => putInit(SLUG, other), 401, "invalid_ingest_secret");
    await refused(undefined, () => putInit(SLUG, secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A")), 401, "invalid_ingest_secret");
    const { folder } = await start(SLUG, secret);
    await refused(folder, async () => putInit(SLUG, await viewerToken(folder)), 401, "invalid_ingest_secret");
    await refused(folder, () => ingest(`${SLUG}/start`, "x", { method: "POST", contentType: "application/json", body: "{}" }), 400, "invalid_json");
  });

  it("refuses wrong content types, oversized and empty bodies, and non-media", async () => {
    const { folder } = await start(SLUG, secret);
    await refused(folder, () => ingest(`${SLUG}/360p/init.mp4`, secret, { method: "PUT", contentType: "text/html", body: INIT }), 415, "unsupported_media_type");
    await refused(folder, () => ingest(`${SLUG}/360p/init.mp4`, secret, { method: "PUT", body: INIT }), 415, "unsupported_media_type");
    const big = new Uint8Array(8 * 1024 * 1024 + 1);
    await refused(folder, () => ingest(`${SLUG}/360p/0.0.m4s`, secret, { method: "PUT", contentType: "video/iso.segment", body: big }), 413, "payload_too_large");
    await refused(folder, () => ingest(`${SLUG}/360p/0.0.m4s`, secret, { method: "PUT", contentType: "video/iso.segment", body: new Uint8Array(0) }), 400, "invalid_media");
    await refused(folder, () => putInit(SLUG, secret, "360p", PART_1S), 422, "invalid_media");
    await refused(folder, () => putInit(SLUG, secret, "360p", new TextEncoder().encode("not an mp4 at all")), 422, "invalid_media");
    expect((await putInit(SLUG, secret)).status).toBe(201);
    await refused(folder, () => putPart(SLUG, secret, 0, 0, "360p", INIT), 422, "invalid_media");
    await refused(folder, () => putPart(SLUG, secret, 0, 0, "360p", PART_1S.subarray(0, 100)), 422, "invalid_media");
    await refused(folder, () => putPart(SLUG, secret, 0, 0, "360p", PART_2S), 422, "part_too_long");
  });

  it("refuses parts out of order, duplicated, past the segment, of unknown renditions or names", async () => {
    const { folder } = await start(SLUG, secret);
    await refused(folder, () => putPart(SLUG, secret, 0, 0), 409, "init_required");
    expect((await putInit(SLUG, secret)).status).toBe(201);
    await refused(folder, () => putPart(SLUG, secret, 0, 1), 409, "out_of_order");
    await refused(folder, () => putPart(SLUG, secret, 1, 0), 409, "out_of_order");
    expect((await putPart(SLUG, secret, 0, 0)).status).toBe(201);
    await refused(folder, () => putPart(SLUG, secret, 0, 0), 409, "duplicate_part");
    await refused(folder, () => putPart(SLUG, secret, 0, 2), 409, "out_of_order");
    await refused(folder, () => putPart(SLUG, secret, 2, 0), 409, "out_of_order");
    expect((await putPart(SLUG, secret, 0, 1)).status).toBe(201);
    expect((await putPart(SLUG, secret, 1, 0)).status).toBe(201);
    await refused(folder, () => putPart(SLUG, secret, 0, 2), 409, "duplicate_part");
    await refused(folder, () => putPart(SLUG, secret, 1, 4), 422, "part_out_of_range");
    await refused(folder, () => putPart(SLUG, secret, 1, 1, "720p"), 404, "unknown_rendition");
    await refused(folder, () => ingest(`${SLUG}/360p/seg.ts`, secret, { method: "PUT", contentType: "video/iso.segment", body: PART_1S }), 404, "not_found");
    await refused(folder, () => ingest(`${SLUG}/720x/1.1.m4s`, secret, { method: "PUT", contentType: "video/iso.segment", body: PART_1S }), 400, "invalid_param");
  });

  it("refuses everything once the broadcast ended", async () => {
    const { folder } = await start(SLUG, secret);
    expect((await putInit(SLUG, secret)).status).toBe(201);
    expect((await putPart(SLUG, secret, 0, 0)).status).toBe(201);
    expect((await ingest(`${SLUG}/end`, secret, { method: "POST" })).status).toBe(200);
    await refused(folder, () => putPart(SLUG, secret, 0, 1), 409, "not_live");
    await refused(folder, () => putInit(SLUG, secret), 409, "not_live");
    await refused(folder, () => ingest(`${SLUG}/end`, secret, { method: "POST" }), 409, "not_live");
  });
});
