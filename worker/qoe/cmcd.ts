/**
 * CMCD (CTA-5004): what a player says about itself on each media request it
 * makes — a session id, its state (v2 `sta`), buffer starvation (`bs`), the
 * encoded bitrate of what it asks for (`br`), object type (`ot`) — read with
 * @svta/cml-cmcd, from the `CMCD` query argument or the `CMCD-*` headers.
 *
 * Players that send no QoE beacons (another app's player, a player whose
 * beacons are blocked) still count: each CMCD-bearing request becomes QoE
 * events of a view clocked by the server (`cmcdEvents`), applied by the same
 * view state machine as beacons (view-model.ts). Our own player beacons and
 * says so with the custom key `com.marquee-beacons`; its CMCD is left to CDN
 * logs, so a view is never counted twice.
 */
import { fromCmcdHeaders, fromCmcdQuery, type CmcdData } from "@svta/cml-cmcd";
import { isTvUserAgent } from "../../common/tv.ts";
import { CMCD_BEACONS_KEY, QOE_ERROR_CODE, type QoeDeviceClass, type QoeEvent } from "../../common/qoe.ts";
/** The player version CMCD views are grouped under on the console (by the CMCD version). */
export const cmcdPlayer = (data: CmcdData) => `cmcd-v${data.v === 2 ? 2 : 1}`;
/** A CMCD session id longer than this is not a session id (CTA-5004: at most 64 characters). */
const MAX_SID_CHARS = 64;

/** The CMCD a request carries (query argument first, then headers), or null when it has none or it does not parse. */
export function readCmcd(request: Request): CmcdData | null {
  try {
    const query = new URL(request.url).searchParams;
    if (query.has("CMCD")) return fromCmcdQuery(query);
    if (!["cmcd-request", "cmcd-object", "cmcd-session", "cmcd-status"].some((h) => request.headers.has(h))) return null;
    return fromCmcdHeaders(request.headers);
  } catch {
    // Malformed CMCD never costs the viewer the media: it is ignored.
    return null;
  }
}

/** The session id of a CMCD sample worth counting, or null (none, too long, or a player that beacons). */
export function countableSession(data: CmcdData): string | null {
  if (data[CMCD_BEACONS_KEY] !== undefined) return null;
  const sid = data.sid;
  return typeof sid === "string" && sid.length > 0 && sid.length <= MAX_SID_CHARS ? sid : null;
}

/** The device class of a user agent (only the class is kept, never the string). */
export function deviceClassOf(userAgent: string | null): QoeDeviceClass {
  if (isTvUserAgent(userAgent)) return "tv";
  return /Mobi|iPhone|Android.*Mobile/i.test(userAgent ?? "") ? "phone" : "desktop";
}

/** A number, or the first of an inner list (CMCD v2 sends lists, v1 scalars). */
function firstNumber(v: unknown): number | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  const n = typeof x === "object" && x !== null && "value" in x ? (x as { value: unknown }).value : x;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** What the media route knows about the object requested. */
export interface CmcdObject {
  /** The CDN pathway it was requested on. */
  pathway: string;
  /** The video rendition height (px) when it is a video object, else null. */
  videoHeightPx: number | null;
  /** Whether it is a media segment (not a playlist or an init segment). */
  segment: boolean;
}

/**
 * The QoE events one CMCD sample stands for, all at `t` (ms since the view's
 * first request). State events repeat on every request; the view state
 * machine counts each transition once (a second "firstframe" adds nothing).
 * v2 players say their state (`sta`); for v1, a media segment requested
 * without `su` means playing and `bs` means the buffer ran dry.
 */
export function cmcdEvents(data: CmcdData, object: CmcdObject, t: number): QoeEvent[] {
  const at = (type: QoeEvent["type"], extra: Partial<QoeEvent> = {}): QoeEvent => ({ type, t, ...extra });
  const out: QoeEvent[] = [at("intent"), at("pathway", { pathway: object.pathway })];
  const kbps = firstNumber(data.br);
  if (object.videoHeightPx !== null && kbps !== undefined && kbps >= 1) {
    out.push(at("rendition", { kbps: Math.min(1_000_000, Math.round(kbps)), height: object.videoHeightPx }));
  }
  out.push(at(data.bg === true ? "hidden" : "visible"));
  const playing = [at("firstframe"), at("seeked"), at("play"), at("unstall")];
  if (data.v === 2 && typeof data.sta === "string") {
    switch (data.sta) {
      case "p":
        out.push(...playing);
        break;
      case "r":
        out.push(at("stall"));
        break;
      case "k":
        out.push(at("seek"));
        break;
      case "a":
      case "w":
        out.push(at("pause"));
        break;
      case "e":
        out.push(at("end"));
        break;
      case "f": {
        const code = Array.isArray(data.ec) && typeof data.ec[0] === "string" ? `cmcd_${data.ec[0]}`.toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, 40) : "cmcd_fatal";
        out.push(at("error", { code: QOE_ERROR_CODE.test(code) ? code : "cmcd_fatal", fatal: true }));
        break;
      }
      case "q":
        out.push(at("exit"));
        break;
    }
  } else if (data.bs === true) {
    out.push(at("stall"));
  } else if (object.segment && data.su !== true) {
    out.push(...playing);
  }
  return out;
}
