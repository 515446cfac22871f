/**
 * QoE reporting: follows the <video>, the document and the engine and reports
 * the view's life to POST /api/qoe (common/qoe.ts) — play intent, first frame,
 * rebuffering, seeks, pauses, background time, rendition and pathway changes,
 * errors with our code and their recovery, the end and the exit. Events are
 * queued and sent in batches every QOE_BATCH_MS (with a heartbeat), and as a
 * beacon when the page hides or the player closes: nothing waits on the
 * network, so playback never does. A view id is random per player; nothing
 * about the viewer is sent. Off with Global Privacy Control or the account's
 * opt-out (data/qoe.ts).
 */
import { CMCD_KEYS } from "@svta/cml-cmcd";
import Hls, { type HlsConfig } from "hls.js";
import { createEffect, on } from "solid-js";
import { CMCD_BEACONS_KEY, livePlayer, QOE_MAX_EVENTS, QOE_MAX_VIEW_MS, type QoeEvent, type QoeEventType } from "../../../../common/qoe.ts";
import { sendQoeBeacon } from "../../data/api.ts";
import { deviceClass, randomId } from "../../data/device.ts";
import { qoeCollectionOff } from "../../data/qoe.ts";
import type { PlaybackEngine } from "../engine.ts";
import { reactiveScope, type PlayerController } from "./controller.ts";

/** Events wait at most this long before they are sent (the console is at most a minute behind). */
export const QOE_BATCH_MS = 10_000;
/** The player's version as the console groups it. */
export const QOE_PLAYER = `web-1+hls${Hls.version}`.replace(/[^A-Za-z0-9.+_-]/g, "");

/** A new view's id: random per view, it links one view's batches (and its CMCD session) and nothing else. */
export function newQoeViewId(): string {
  return randomId().replace(/[^A-Za-z0-9_-]/g, "");
}

/**
 * hls.js's CMCD (CTA-5004 v2) for a view: on every playlist and segment request, as the `CMCD` query
 * argument — headers would cost a CORS preflight per segment URL on cross-origin CDN pathways, a query
 * argument costs none (the Worker serves by path; a CDN leaves it out of its cache key). The session id
 * is the view id, and our custom key says the view's QoE arrives as beacons, so the Worker leaves this
 * CMCD to CDN logs instead of counting the view twice. Off, as the beacons are, with GPC or the opt-out.
 */
export function qoeCmcdConfig(viewId: string, titleId: number): Partial<HlsConfig> {
  if (qoeCollectionOff()) return {};
  return {
    cmcd: {
      version: 2,
      sessionId: viewId,
      contentId: String(titleId),
      includeKeys: [...CMCD_KEYS, CMCD_BEACONS_KEY],
      reporterCallback: (reporter) => reporter.updateCustomData({ [CMCD_BEACONS_KEY]: true }),
    },
  };
}

export interface QoeReportingOptions {
  /** The view's id (newQoeViewId), also its CMCD session id. */
  viewId: string;
  video: HTMLVideoElement;
  engine: PlaybackEngine;
  titleId: number;
  /** The player starts playing by itself (no resume prompt): the intent is now. */
  autoplay: boolean;
  /** A live view (a broadcast, a premiere on air): reported under the live player version, apart from VOD. */
  live?: boolean;
}

/** An error code in the beacon's vocabulary (lower-case word characters). */
function beaconCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "unknown";
}

export class QoeReporter implements PlayerController {
  readonly viewId: string;
  private readonly startMs = performance.now();
  private readonly off = qoeCollectionOff();
  private queue: QoeEvent[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private intent = false;
  private started = false;
  private stalled = false;
  private errored = false;
  private exited = false;
  private pathway = "";
  private readonly disposeScope: () => void;

  constructor(private readonly o: QoeReportingOptions) {
    this.viewId = o.viewId;
    this.registerListeners();
    if (o.autoplay) this.push("intent");
    if (document.visibilityState === "hidden") this.push("hidden");
    this.timer = setInterval(() => this.flush(false), QOE_BATCH_MS);
    this.disposeScope = reactiveScope(() => {
      createEffect(on(() => o.engine.playingHeight(), () => this.noteRendition()));
      createEffect(
        on(
          () => o.engine.problem(),
          (p) => {
            if (!p) return;
            this.errored = true;
            this.stalled = false;
            this.push("error", { code: beaconCode(p.code), fatal: true });
          },
        ),
      );
    });
  }

  protected registerListeners(): void {
    const v = this.o.video;
    v.addEventListener("play", this.onPlay);
    v.addEventListener("playing", this.onPlaying);
    v.addEventListener("waiting", this.onWaiting);
    v.addEventListener("pause", this.onPause);
    v.addEventListener("seeking", this.onSeeking);
    v.addEventListener("seeked", this.onSeeked);
    v.addEventListener("ended", this.onEnded);
    document.addEventListener("visibilitychange", this.onVisibility);
    addEventListener("pagehide", this.onPageHide);
  }

  protected unregisterListeners(): void {
    const v = this.o.video;
    v.removeEventListener("play", this.onPlay);
    v.removeEventListener("playing", this.onPlaying);
    v.removeEventListener("waiting", this.onWaiting);
    v.removeEventListener("pause", this.onPause);
    v.removeEventListener("seeking", this.onSeeking);
    v.removeEventListener("seeked", this.onSeeked);
    v.removeEventListener("ended", this.onEnded);
    document.removeEventListener("visibilitychange", this.onVisibility);
    removeEventListener("pagehide", this.onPageHide);
  }

  /** The player closes: the view ends (exit), sent as a beacon. */
  destroy(): void {
    this.exit();
    this.unregisterListeners();
    this.disposeScope();
    clearInterval(this.timer);
  }

  private push(type: QoeEventType, extra: Partial<QoeEvent> = {}): void {
    if (this.off || this.exited) return;
    const t = Math.min(QOE_MAX_VIEW_MS, Math.max(0, Math.round(performance.now() - this.startMs)));
    this.queue.push({ type, t, ...extra });
    // A long batch goes at once, so none is ever too big for the server.
    if (this.queue.length >= QOE_MAX_EVENTS - 2) this.flush(false);
  }

  /** Sends what is queued (with a heartbeat while the view lives); `leaving` uses sendBeacon. */
  private flush(leaving: boolean): void {
    if (this.off) return;
    if (!this.intent && this.queue.length === 0) return;
    if (!leaving && !this.exited) {
      this.notePathway();
      this.push("heartbeat");
    }
    if (this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    const player = this.o.live ? livePlayer(QOE_PLAYER) : QOE_PLAYER;
    sendQoeBeacon({ v: 1, viewId: this.viewId, seq: this.seq++, titleId: this.o.titleId, device: deviceClass(), player, events }, leaving);
  }

  private exit(): void {
    if (this.exited) return;
    this.notePathway();
    this.push("exit");
    this.exited = true;
    this.flush(true);
  }

  private noteRendition(): void {
    const s = this.o.engine.stats();
    const height = this.o.engine.playingHeight() ?? this.o.video.videoHeight;
    if (s.bitrateKbps && s.bitrateKbps > 0 && height > 0) this.push("rendition", { kbps: Math.round(s.bitrateKbps), height: Math.round(height) });
    this.notePathway();
  }

  private notePathway(): void {
    const p = this.o.engine.stats().pathway;
    if (/^[A-Za-z0-9_-]{1,32}$/.test(p) && p !== this.pathway) {
      this.pathway = p;
      this.push("pathway", { pathway: p });
    }
  }

  private readonly onPlay = () => {
    if (!this.intent) {
      this.intent = true;
      if (!this.o.autoplay) this.push("intent");
    } else {
      this.push("play");
    }
  };

  private readonly onPlaying = () => {
    if (!this.intent) this.onPlay();
    if (this.errored) {
      this.errored = false;
      this.push("recovered");
    }
    if (!this.started) {
      this.started = true;
      this.push("firstframe");
      this.noteRendition();
      // The start is what the console shows first: send it now rather than with the next batch.
      this.flush(false);
    } else if (this.stalled) {
      this.stalled = false;
      this.push("unstall");
    }
  };

  private readonly onWaiting = () => {
    const v = this.o.video;
    if (!this.started || this.stalled || v.seeking || v.paused || v.ended) return;
    this.stalled = true;
    this.push("stall");
  };

  private readonly onPause = () => {
    if (this.o.video.ended) return;
    this.stalled = false;
    this.push("pause");
  };

  private readonly onSeeking = () => {
    this.stalled = false;
    this.push("seek");
  };

  private readonly onSeeked = () => this.push("seeked");

  private readonly onEnded = () => {
    this.stalled = false;
    this.push("end");
    this.flush(false);
  };

  private readonly onVisibility = () => {
    if (document.visibilityState === "hidden") {
      this.push("hidden");
      // The last reliable moment on phones: what is queued goes as a beacon.
      this.flush(true);
    } else {
      this.push("visible");
    }
  };

  private readonly onPageHide = () => this.exit();
}
