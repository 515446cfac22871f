/**
 * One live channel (`idFromName(slug)`), a thin front over its ChannelStore:
 * the encoder's inits and parts come in (in order, each written to R2 before it
 * is recorded), playlists go out (pure rendering in playlist.ts), and blocking
 * playlist reloads wait here for the part they ask for — at most three target
 * durations (RFC 8216bis §6.2.5.2), then they get the playlist as it is.
 * Viewers reach it only through the edge cache (edge.ts), about once per
 * (rendition, part).
 */
import { DurableObject } from "cloudflare:workers";
import type { ErrorCode } from "../../common/error-codes.ts";
import { ChannelStore, type Broadcast } from "./channel-store.ts";
import { fragmentSeconds, videoTrackOf } from "./fmp4.ts";
import { lastPosition, reaches, renderLivePlaylist, renderRecording, targetDurationSeconds, type PlaylistShape } from "./playlist.ts";

/** A refusal the route turns into `{ error: { code, message } }`. */
export interface Refusal {
  status: 400 | 404 | 409 | 413 | 415 | 422;
  code: ErrorCode;
  message: string;
}
export type Outcome<T> = ({ ok: true } & T) | ({ ok: false } & Refusal);

const refuse = (status: Refusal["status"], code: ErrorCode, message: string): { ok: false } & Refusal => ({ ok: false, status, code, message });

/** What an encoder declares when a broadcast starts. */
export interface BroadcastPlan {
  folder: string;
  renditions: string[];
  partTargetSeconds: number;
  partsPerSegment: number;
  dvrWindowSeconds: number;
  /** false: standard HLS (the bench:live baseline); LL-HLS otherwise. */
  lowLatency?: boolean;
}

/** A part may exceed PART-TARGET by timescale rounding only: less than the playlist's millisecond, so DURATION never prints above PART-TARGET. */
const PART_SLACK_SECONDS = 0.0004;
/** Parts shorter than this share of PART-TARGET end their segment. */
const SHORT_PART = 0.85;

interface Waiter {
  rendition: string;
  msn: number;
  part: number | undefined;
  resolve: (reached: boolean) => void;
}

export class LiveChannel extends DurableObject<Env> {
  private readonly store: ChannelStore;
  private waiters: Waiter[] = [];
  /** A part or init of a rendition being written to R2 (the encoder sends one at a time per rendition). */
  private readonly inFlight = new Set<string>();
  /** Viewer-side calls reaching this object (playlists and part waits): the edge cache should keep this near one per part. */
  private viewerCalls = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ChannelStore(ctx.storage);
  }

  private shape(b: Broadcast): PlaylistShape {
    return { partTargetSeconds: b.partTargetSeconds, partsPerSegment: b.partsPerSegment, dvrWindowSeconds: b.dvrWindowSeconds, ended: b.endedAtMs !== null, lowLatency: b.lowLatency !== false };
  }

  /** The broadcast as it stands (null before the first), and where each rendition's encoder should continue. */
  status(): { broadcast: Broadcast | null; nextMsn: number } {
    const broadcast = this.store.broadcast();
    let nextMsn = 0;
    for (const name of broadcast?.renditions ?? []) {
      const n = this.store.newest(name);
      if (n) nextMsn = Math.max(nextMsn, n.msn + 1);
    }
    return { broadcast, nextMsn };
  }

  /** Starts a broadcast in a new folder; a broadcast still live is ended first (its recording written). */
  async begin(plan: BroadcastPlan, nowMs = Date.now()): Promise<{ ended: { folder: string; seconds: number } | null }> {
    const previous = this.store.broadcast();
    const ended = previous && previous.endedAtMs === null ? await this.finish(nowMs) : null;
    this.store.begin({ ...plan, startedAtMs: nowMs, endedAtMs: null });
    this.wake();
    return { ended };
  }

  /** Ends the broadcast: open segments close, playlists get ENDLIST, and each rendition's recording is written as a VOD playlist. */
  async end(nowMs = Date.now()): Promise<Outcome<{ folder: string; seconds: number }>> {
    const b = this.store.broadcast();
    if (!b || b.endedAtMs !== null) return refuse(409, "not_live", "This channel is not live.");
    return { ok: true, ...(await this.finish(nowMs)) };
  }

  private async finish(nowMs: number): Promise<{ folder: string; seconds: number }> {
    const b = this.store.broadcast()!;
    for (const name of b.renditions) {
      const n = this.store.newest(name);
      if (n && !n.closed) await this.closeSegment(b, name, n.msn);
      const text = renderRecording(this.store.segments(name), b);
      await this.env.MEDIA.put(`assets/${b.folder}/video/${name}/vod.m3u8`, text, {
        httpMetadata: { contentType: "application/vnd.apple.mpegurl" },
      });
    }
    b.endedAtMs = nowMs;
    this.store.saveBroadcast(b);
    this.wake();
    return { folder: b.folder, seconds: Math.max(0, ...b.renditions.map((r) => this.store.recordedSeconds(r))) };
  }

  /** A new init segment for a rendition: the first of the broadcast, or an encoder restart (the open segment closes; a discontinuity follows). */
  async putInit(rendition: string, bytes: ArrayBuffer): Promise<Outcome<{ init: number }>> {
    const b = this.store.broadcast();
    if (!b || b.endedAtMs !== null) return refuse(409, "not_live", "This channel has no broadcast in progress; start one first.");
    const r = this.store.rendition(rendition);
    if (!r) return refuse(404, "unknown_rendition", `The broadcast has no rendition "${rendition}".`);
    const track = videoTrackOf(new Uint8Array(bytes));
    if (!track) return refuse(422, "invalid_media", "Not a CMAF init segment with a video track.");
    if (this.inFlight.has(rendition)) return refuse(409, "ingest_busy", "Another upload for this rendition is in progress.");
    this.inFlight.add(rendition);
    try {
      await this.env.MEDIA.put(`assets/${b.folder}/video/${rendition}/init-${r.inits}.mp4`, bytes, { httpMetadata: { contentType: "video/mp4" } });
      const n = this.store.newest(rendition);
      if (n && !n.closed) await this.closeSegment(b, rendition, n.msn);
      this.store.saveRendition({ ...r, inits: r.inits + 1, track, discontinuityPending: r.inits > 0 });
      this.wake();
      return { ok: true, init: r.inits };
    } finally {
      this.inFlight.delete(rendition);
    }
  }

  /**
   * One part (`<msn>.<part>`) of a rendition: the next part of the open segment
   * or the first of the next segment (which closes the open one), of the current
   * init's track and at most PART-TARGET long. The segment closes at once at its
   * last part or a short part, so its EXTINF is listed without waiting. Duplicates and gaps are refused
   * with 409 and nothing is written.
   */
  async putPart(rendition: string, msn: number, part: number, bytes: ArrayBuffer, nowMs = Date.now()): Promise<Outcome<{ seconds: number }>> {
    const b = this.store.broadcast();
    if (!b || b.endedAtMs !== null) return refuse(409, "not_live", "This channel has no broadcast in progress; start one first.");
    const r = this.store.rendition(rendition);
    if (!r) return refuse(404, "unknown_rendition", `The broadcast has no rendition "${rendition}".`);
    if (!r.track) return refuse(409, "init_required", "Upload this rendition's init segment (init.mp4) first.");
    if (part >= b.partsPerSegment) return refuse(422, "part_out_of_range", `A segment has at most ${b.partsPerSegment} parts (0–${b.partsPerSegment - 1}).`);
    const n = this.store.newest(rendition);
    const continues = n !== null && !n.closed && msn === n.msn && part === n.parts;
    const opens = part === 0 && (n === null ? msn === 0 : msn === n.msn + 1);
    if (!continues && !opens) {
      const duplicate = n !== null && (msn < n.msn || (msn === n.msn && part < n.parts));
      return duplicate
        ? refuse(409, "duplicate_part", `Part ${msn}.${part} of ${rendition} was already published.`)
        : refuse(409, "out_of_order", `Part ${msn}.${part} of ${rendition} is out of order; expected ${expected(n)}.`);
    }
    const seconds = fragmentSeconds(new Uint8Array(bytes), r.track);
    if (seconds === null) return refuse(422, "invalid_media", "Not a CMAF fragment of this rendition's video track.");
    if (seconds > b.partTargetSeconds + PART_SLACK_SECONDS) {
      return refuse(422, "part_too_long", `This part is ${seconds.toFixed(3)} s; the broadcast's part target is ${b.partTargetSeconds} s.`);
    }
    if (this.inFlight.has(rendition)) return refuse(409, "ingest_busy", "Another upload for this rendition is in progress.");
    this.inFlight.add(rendition);
    try {
      await this.env.MEDIA.put(`assets/${b.folder}/video/${rendition}/${msn}.${part}.m4s`, bytes, { httpMetadata: { contentType: "video/iso.segment" } });
      if (opens && n && !n.closed) await this.closeSegment(b, rendition, n.msn);
      const current = this.store.rendition(rendition)!;
      this.store.addPart(rendition, msn, part, seconds, opens
        ? { pdtMs: Math.round(nowMs - seconds * 1000), init: current.inits - 1, discontinuity: current.discontinuityPending }
        : null);
      if (opens && current.discontinuityPending) this.store.saveRendition({ ...current, discontinuityPending: false });
      // A segment is complete at its last part, or at a short one (only a segment's last part may be under 85 % of PART-TARGET, §4.4.4.9).
      if (part + 1 >= b.partsPerSegment || seconds < SHORT_PART * b.partTargetSeconds) await this.closeSegment(b, rendition, msn);
      this.wake();
      return { ok: true, seconds };
    } finally {
      this.inFlight.delete(rendition);
    }
  }

  /** Writes a segment as the concatenation of its parts (CMAF fragments concatenate) and marks it closed. */
  private async closeSegment(b: Broadcast, rendition: string, msn: number): Promise<void> {
    const count = this.store.partCount(rendition, msn);
    const chunks: Uint8Array[] = [];
    for (let p = 0; p < count; p++) {
      const obj = await this.env.MEDIA.get(`assets/${b.folder}/video/${rendition}/${msn}.${p}.m4s`);
      if (obj) chunks.push(new Uint8Array(await obj.arrayBuffer()));
    }
    const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      whole.set(c, at);
      at += c.length;
    }
    await this.env.MEDIA.put(`assets/${b.folder}/video/${rendition}/${msn}.m4s`, whole, { httpMetadata: { contentType: "video/iso.segment" } });
    this.store.close(rendition, msn);
  }

  /**
   * A rendition's media playlist; with `msn` (and `part`) a blocking reload that
   * returns once that position is published or after three target durations,
   * whichever is first. `reached` says which (only a reached answer is cached).
   * With `wholeSegment` (the viewers' path, edge.ts), a plain request made before
   * the broadcast's first segment is complete is held the same way until it is:
   * a player joining in the first seconds would otherwise get a playlist of
   * parts with no whole segment, which hls.js calls an empty level — fatal once
   * both pathways answered it (bench:live's page did, four runs in a row).
   */
  async playlist(
    rendition: string,
    request: { msn?: number; part?: number; skip?: boolean; wholeSegment?: boolean } = {},
  ): Promise<Outcome<{ text: string; reached: boolean; ended: boolean }>> {
    this.viewerCalls++;
    const b = this.store.broadcast();
    if (!b || !b.renditions.includes(rendition)) return refuse(404, "not_found", "No such live playlist.");
    let reached = true;
    if (request.msn !== undefined) {
      const segments = this.store.segments(rendition);
      const last = lastPosition(segments);
      if (request.msn > (last?.msn ?? 0) + 2) {
        return refuse(400, "invalid_query", `_HLS_msn=${request.msn} is more than two segments ahead of the live edge.`);
      }
      if (b.endedAtMs === null && !reaches(segments, request.msn, request.part)) {
        reached = await this.waitFor(rendition, request.msn, request.part, 3 * targetDurationSeconds(b) * 1000);
      }
    } else if (request.wholeSegment && b.endedAtMs === null) {
      const segments = this.store.segments(rendition);
      const first = segments[0]?.msn ?? 0;
      if (!reaches(segments, first, undefined)) reached = await this.waitFor(rendition, first, undefined, 3 * targetDurationSeconds(b) * 1000);
    }
    const now = this.store.broadcast()!;
    const shape = this.shape(now);
    const segments = this.store.segments(rendition);
    const reports = now.renditions
      .filter((name) => name !== rendition)
      .map((name) => ({ name, pos: lastPosition(this.store.segments(name)) }))
      .filter((r) => r.pos !== null)
      .map((r) => ({ name: r.name, lastMsn: r.pos!.msn, lastPart: r.pos!.part }));
    const text = renderLivePlaylist({ segments, shape, skip: request.skip, reports });
    return { ok: true, text, reached: reached || shape.ended, ended: shape.ended };
  }

  /** Waits (bounded) until a part exists, for a request of the PRELOAD-HINT part; true when it does. */
  async awaitPart(rendition: string, msn: number, part: number): Promise<boolean> {
    this.viewerCalls++;
    const b = this.store.broadcast();
    if (!b || b.endedAtMs !== null || !b.renditions.includes(rendition)) return false;
    const segments = this.store.segments(rendition);
    if (reaches(segments, msn, part)) return true;
    const last = lastPosition(segments);
    if (msn > (last?.msn ?? 0) + 1) return false;
    return this.waitFor(rendition, msn, part, 3 * targetDurationSeconds(b) * 1000);
  }

  /** How many viewer-side calls reached this object (bench:live, development diagnostics). */
  viewerCallCount(): number {
    return this.viewerCalls;
  }

  private waitFor(rendition: string, msn: number, part: number | undefined, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = { rendition, msn, part, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      waiter.resolve = (reached) => {
        clearTimeout(timer);
        resolve(reached);
      };
      this.waiters.push(waiter);
    });
  }

  /** Releases every waiter whose position is now published (or the broadcast ended). */
  private wake(): void {
    if (this.waiters.length === 0) return;
    const b = this.store.broadcast();
    const segmentsOf = new Map<string, ReturnType<ChannelStore["segments"]>>();
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (!segmentsOf.has(w.rendition)) segmentsOf.set(w.rendition, this.store.segments(w.rendition));
      const ended = !b || b.endedAtMs !== null;
      if (ended || reaches(segmentsOf.get(w.rendition)!, w.msn, w.part)) w.resolve(!ended || reaches(segmentsOf.get(w.rendition)!, w.msn, w.part));
      else keep.push(w);
    }
    this.waiters = keep;
  }
}

function expected(n: { msn: number; closed: boolean; parts: number } | null): string {
  if (n === null) return "0.0";
  return n.closed ? `${n.msn + 1}.0` : `${n.msn}.${n.parts} or ${n.msn + 1}.0`;
}
