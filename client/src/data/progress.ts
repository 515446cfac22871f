/**
 * Live sync of watch progress, client side (contract: /api/progress/live):
 * LiveProgress holds the WebSocket (reconnecting with backoff) and exposes a
 * Solid signal of the newest entry per title. Saving positions is the player's
 * progress-reporting controller (player/controllers/progress-reporting.ts).
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import type { ProgressEntry } from "../../../worker/progress/model.ts";
import { openProgressSocket } from "./api.ts";
import { deviceId, deviceName } from "./device.ts";

export { deviceId, deviceName };

/** One profile's position in one movie or episode, as the Worker stores and broadcasts it. */
export type { ProgressEntry };

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
  /** How many times the socket has opened: saves made while it was closed were not heard, so a page catches up on each. */
  readonly opens: Accessor<number>;
  private readonly setOpens: (fn: (n: number) => number) => void;
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
    const [opens, setOpens] = createSignal(0);
    this.opens = opens;
    this.setOpens = setOpens;
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
    // Offline (a download playing) no socket can open: the "online" listener connects once the network is back.
    if (this.stopped || typeof WebSocket === "undefined" || navigator.onLine === false) return;
    let opened = false;
    let ws: WebSocket;
    try {
      ws = openProgressSocket();
    } catch {
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.failedOpens = 0;
      this.backoffMs = BACKOFF_START_MS;
      this.setOpens((n) => n + 1);
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
  opens: Accessor<number>;
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
    opens: mine.live.opens,
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

/** What a page hears from live sync: the newest entry per title, and a count of the socket's openings (null/0 without a profile). */
export interface LiveFollow {
  latest: Accessor<ReadonlyMap<number, ProgressEntry> | null>;
  opens: Accessor<number>;
}

/**
 * Follows the live-sync socket while `profileId()` names a profile (a page's
 * reactive scope). The socket is shared with the player and released when the
 * scope ends. A page re-reads what it shows when `opens` grows (it may have
 * missed saves while the socket was closed) and when `latest` changes.
 */
export function followLiveProgress(profileId: Accessor<string | undefined>): LiveFollow {
  const [live, setLive] = createSignal<ReturnType<typeof acquireLiveProgress> | null>(null);
  createEffect(
    on(profileId, (id) => {
      if (!id) return;
      const joined = acquireLiveProgress(id);
      setLive(joined);
      onCleanup(() => (setLive(null), joined.release()));
    }),
  );
  return { latest: () => live()?.latest() ?? null, opens: () => live()?.opens() ?? 0 };
}
