/**
 * Watch progress, client side (contract: /api/progress, /api/progress/live).
 *
 * - ProgressReporter follows one <video>: a report every ~10 s while playing,
 *   on pause, after seeking (debounced), on ended, and a sendBeacon on pagehide.
 *   Each write carries an opId that its retries reuse, so the server applies it
 *   once. It only runs for a signed-in profile; 401/403/404 switch it off
 *   quietly (signed out, no profile, or a server without the endpoint).
 * - LiveProgress holds the WebSocket to /api/progress/live (reconnecting with
 *   backoff) and exposes a Solid signal of the newest entry per title.
 */
import type { z } from "zod";
import type { progressBody } from "../../../worker/routes/progress.ts";
import { createSignal, type Accessor } from "solid-js";
import type { ProgressEntry } from "../../../worker/progress/model.ts";
import { sessionFetch } from "./api.ts";
import { deviceId, deviceName, randomId } from "./device.ts";

export { deviceId, deviceName };

/** One profile's position in one movie or episode, as the Worker stores and broadcasts it. */
export type { ProgressEntry };

export type ProgressEvent = "tick" | "pause" | "seek" | "ended" | "pagehide";

export interface ProgressTarget {
  titleId: number;
  episodeId: number | null;
  /** Used while the media element does not know its duration yet. */
  durationSeconds: number;
}

/** The body POST /api/progress validates (its zod schema; type only, nothing of it is bundled). */
type ProgressBody = z.input<typeof progressBody>;

export const PROGRESS_TICK_MS = 10_000;
const SEEK_DEBOUNCE_MS = 1500;
const RETRY_DELAYS_MS = [2000, 5000, 15_000];

/**
 * Reports one media element's position for one title or episode. Shaped like an
 * hls.js controller: registerListeners / unregisterListeners / destroy.
 */
export class ProgressReporter {
  /** Set when the server said no (signed out, no profile, no endpoint): nothing more is sent. */
  disabled = false;
  /** The last entry the server returned. */
  lastEntry: ProgressEntry | null = null;
  private enabled = false;
  private played = false;
  private lastSentPosition = -1;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private seekTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The newest write not yet acknowledged (a newer one replaces it: last writer wins anyway). */
  private pending: { body: ProgressBody; attempt: number } | null = null;
  private sending = false;
  private readonly media: HTMLMediaElement;
  private readonly target: ProgressTarget;
  private readonly device = { id: deviceId(), name: deviceName() };

  constructor(media: HTMLMediaElement, target: ProgressTarget) {
    this.media = media;
    this.target = target;
    this.registerListeners();
  }

  /** Turns reporting on (the viewer is signed in with a profile). Until then events are ignored. */
  enable(): void {
    this.enabled = true;
    if (!this.media.paused) this.startTicking();
  }

  protected registerListeners(): void {
    this.media.addEventListener("playing", this.onPlaying);
    this.media.addEventListener("pause", this.onPause);
    this.media.addEventListener("seeked", this.onSeeked);
    this.media.addEventListener("ended", this.onEnded);
    addEventListener("pagehide", this.onPageHide);
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  protected unregisterListeners(): void {
    this.media.removeEventListener("playing", this.onPlaying);
    this.media.removeEventListener("pause", this.onPause);
    this.media.removeEventListener("seeked", this.onSeeked);
    this.media.removeEventListener("ended", this.onEnded);
    removeEventListener("pagehide", this.onPageHide);
    document.removeEventListener("visibilitychange", this.onVisibility);
  }

  /** Stops listening; a last position is sent with sendBeacon (leaving the watch page inside the app). */
  destroy(): void {
    if (this.played && !this.media.ended) this.beacon();
    this.unregisterListeners();
    this.stopTicking();
    clearTimeout(this.seekTimer);
    clearTimeout(this.retryTimer);
    this.pending = null;
  }

  private readonly onPlaying = () => {
    this.played = true;
    this.startTicking();
  };

  private readonly onPause = () => {
    this.stopTicking();
    // "pause" also fires when the video ends; "ended" reports that.
    if (!this.media.ended && !this.media.seeking) this.report("pause");
  };

  private readonly onSeeked = () => {
    clearTimeout(this.seekTimer);
    this.seekTimer = setTimeout(() => this.report("seek"), SEEK_DEBOUNCE_MS);
  };

  private readonly onEnded = () => {
    this.stopTicking();
    clearTimeout(this.seekTimer);
    this.report("ended");
  };

  private readonly onPageHide = () => this.beacon();

  private readonly onVisibility = () => {
    // Phones often never fire pagehide when an app is swiped away; hidden is the last reliable moment.
    if (document.visibilityState === "hidden") this.beacon();
  };

  private startTicking(): void {
    if (!this.enabled || this.disabled || this.tickTimer) return;
    this.tickTimer = setInterval(() => {
      if (Math.abs(this.media.currentTime - this.lastSentPosition) >= 1) this.report("tick");
    }, PROGRESS_TICK_MS);
  }

  private stopTicking(): void {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
  }

  private body(event: ProgressEvent): ProgressBody | null {
    const durationSeconds = Number.isFinite(this.media.duration) && this.media.duration > 0 ? this.media.duration : this.target.durationSeconds;
    if (!(durationSeconds > 0)) return null;
    const positionSeconds = Math.min(Math.max(0, event === "ended" ? durationSeconds : this.media.currentTime), durationSeconds);
    return {
      opId: randomId(),
      titleId: this.target.titleId,
      episodeId: this.target.episodeId,
      positionSeconds: Math.round(positionSeconds * 1000) / 1000,
      durationSeconds: Math.round(durationSeconds * 1000) / 1000,
      clientTime: Date.now(),
      deviceId: this.device.id,
      deviceName: this.device.name,
      event,
    };
  }

  /** Sends the current position now (the player calls this on events of its own too). */
  report(event: ProgressEvent): void {
    if (!this.enabled || this.disabled || !this.played) return;
    const body = this.body(event);
    if (!body) return;
    this.lastSentPosition = body.positionSeconds;
    clearTimeout(this.retryTimer);
    this.pending = { body, attempt: 0 };
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending || !this.pending) return;
    const job = this.pending;
    this.sending = true;
    let status = 0;
    try {
      const res = await sessionFetch("/api/progress", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(job.body),
        keepalive: true,
      });
      status = res.status;
      if (res.ok) this.lastEntry = ((await res.json().catch(() => null)) as { entry?: ProgressEntry } | null)?.entry ?? this.lastEntry;
    } catch {
      status = 0;
    } finally {
      this.sending = false;
    }
    if (status === 401 || status === 403 || status === 404) {
      this.disabled = true;
      this.pending = null;
      this.stopTicking();
      return;
    }
    const retryable = status === 0 || status === 429 || status >= 500;
    if (this.pending !== job) return void this.flush(); // a newer write arrived meanwhile
    if (!retryable || job.attempt >= RETRY_DELAYS_MS.length) {
      this.pending = null;
      return;
    }
    // Same opId on retry: if the first attempt did land, the server treats this one as a replay.
    const delay = RETRY_DELAYS_MS[job.attempt]!;
    job.attempt++;
    this.retryTimer = setTimeout(() => void this.flush(), delay);
  }

  /** The position as a text/plain beacon (survives the page being closed). */
  private beacon(): void {
    if (!this.enabled || this.disabled || !this.played) return;
    const body = this.body("pagehide");
    if (!body || Math.abs(body.positionSeconds - this.lastSentPosition) < 0.5) return;
    this.lastSentPosition = body.positionSeconds;
    const json = JSON.stringify(body);
    const sent = typeof navigator.sendBeacon === "function" && navigator.sendBeacon("/api/progress", new Blob([json], { type: "text/plain" }));
    if (!sent) void fetch("/api/progress", { method: "POST", headers: { "content-type": "text/plain" }, body: json, keepalive: true, credentials: "same-origin" }).catch(() => {});
  }
}

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const PING_MS = 30_000;
/** Consecutive attempts that never opened before giving up (no endpoint, or signed out). */
const MAX_FAILED_OPENS = 4;

/**
 * The live-sync socket: one per page, shared by whoever acquires it. Frames are
 * `{"type":"progress","entry":…}`; entries of other profiles are ignored.
 */
class LiveProgress {
  readonly latest: Accessor<ReadonlyMap<number, ProgressEntry>>;
  private readonly setLatest: (m: ReadonlyMap<number, ProgressEntry>) => void;
  private ws: WebSocket | null = null;
  private backoffMs = BACKOFF_START_MS;
  private failedOpens = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  readonly profileId: string;

  constructor(profileId: string) {
    this.profileId = profileId;
    const [latest, setLatest] = createSignal<ReadonlyMap<number, ProgressEntry>>(new Map());
    this.latest = latest;
    this.setLatest = setLatest;
    addEventListener("online", this.onOnline);
    this.connect();
  }

  private readonly onOnline = () => {
    if (this.ws || this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.failedOpens = 0;
    this.connect();
  };

  /** Records an entry (from the socket, or from this device's own writes). Older ones never replace newer. */
  offer(entry: ProgressEntry): void {
    if (entry.profileId && entry.profileId !== this.profileId) return;
    const current = this.latest().get(entry.titleId);
    if (current && current.updatedAt > entry.updatedAt) return;
    const next = new Map(this.latest());
    next.set(entry.titleId, entry);
    this.setLatest(next);
  }

  private connect(): void {
    if (this.stopped || typeof WebSocket === "undefined") return;
    let opened = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/progress/live`);
    } catch {
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.failedOpens = 0;
      this.backoffMs = BACKOFF_START_MS;
      this.pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), PING_MS);
    };
    ws.onmessage = (e) => {
      if (typeof e.data !== "string" || e.data === "pong") return;
      try {
        const frame = JSON.parse(e.data) as { type?: string; entry?: ProgressEntry };
        if (frame.type === "progress" && frame.entry && typeof frame.entry.titleId === "number") this.offer(frame.entry);
      } catch {
        // Not ours to understand; ignore.
      }
    };
    ws.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      if (!opened && ++this.failedOpens >= MAX_FAILED_OPENS) return; // no live endpoint here: stay quiet
      const delay = this.backoffMs * (0.75 + Math.random() * 0.5);
      this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    };
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    removeEventListener("online", this.onOnline);
    this.ws?.close();
    this.ws = null;
  }
}

let shared: { live: LiveProgress; users: number } | null = null;

/**
 * Joins the live-sync socket for this profile. Returns the newest entry per
 * title as a signal, `offer` (feed this device's own writes in), and `release`.
 */
export function acquireLiveProgress(profileId: string): {
  latest: Accessor<ReadonlyMap<number, ProgressEntry>>;
  offer: (entry: ProgressEntry) => void;
  release: () => void;
} {
  if (shared && shared.live.profileId !== profileId) {
    shared.live.close();
    shared = null;
  }
  shared ??= { live: new LiveProgress(profileId), users: 0 };
  const mine = shared;
  mine.users++;
  let released = false;
  return {
    latest: mine.live.latest,
    offer: (entry) => mine.live.offer(entry),
    release: () => {
      if (released) return;
      released = true;
      if (--mine.users === 0 && shared === mine) {
        mine.live.close();
        shared = null;
      }
    },
  };
}
