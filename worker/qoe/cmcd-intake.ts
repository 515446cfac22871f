/**
 * Counts the CMCD of a media request the Worker served (routes/media.ts calls
 * it after the response) into the view's QoeShard: players that send no
 * beacons still show on the console. The same privacy rules as beacons: nothing
 * with Global Privacy Control or for an account that opted out (the playback
 * token's `nq`, set when it was issued); the view id is
 * a keyed hash of the CMCD session id (random per view in a conforming player),
 * the viewer and the asset, so neither the session id nor the viewer is stored;
 * the user agent gives a device class and is dropped; the country is the one the
 * edge saw when the playback token was issued (its `cc`).
 */
import { livePlayer } from "../../common/qoe.ts";
import { channelOfFolder } from "../live/edge.ts";
import { keyedHash } from "../media/steering-ids.ts";
import type { PlaybackClaims } from "../media/tokens.ts";
import { cmcdEvents, cmcdPlayer, countableSession, deviceClassOf, readCmcd, type CmcdObject } from "./cmcd.ts";
import { gpcRequested } from "./privacy.ts";
import { qoeShard } from "./stub.ts";

/** Counts one served media request's CMCD, if it carries any worth counting; never throws. */
export async function countCmcd(env: Env, request: Request, claims: PlaybackClaims, object: CmcdObject, nowMs: number): Promise<void> {
  const data = readCmcd(request);
  const sid = data && countableSession(data);
  // The account's opt-out is in the token (entitlement reads it once per playback): no D1 read per segment.
  // An opt-out made mid-playback counts from the next playback; our own player stops its CMCD at once.
  if (!data || !sid || claims.tid === undefined || claims.nq || gpcRequested(request.headers)) return;
  try {
    const viewId = `cmcd_${await keyedHash(env, "qoe-cmcd-view", `${claims.sub}\u0000${claims.pfx}\u0000${sid}`)}`;
    const events = cmcdEvents(data, object, 0).map(({ t: _t, ...e }) => e);
    // A live view (a channel's broadcast, a premiere's clock in the token) counts apart from VOD; the token says so, not the player's `st`.
    const live = claims.ps !== undefined || channelOfFolder(/^assets\/([^/]+)\/$/.exec(claims.pfx)?.[1] ?? "") !== undefined;
    const init = { titleId: claims.tid, device: deviceClassOf(request.headers.get("user-agent")), player: live ? livePlayer(cmcdPlayer(data)) : cmcdPlayer(data) };
    await qoeShard(env, viewId).ingestCmcd(viewId, init, events, { country: claims.cc, nowMs });
  } catch (err) {
    console.error("cmcd count failed", err);
  }
}
