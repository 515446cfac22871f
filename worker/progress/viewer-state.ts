/**
 * ViewerState: one SQLite-backed Durable Object per account, the single source
 * of truth for its profiles' watch progress, viewing history and continue
 * watching, and the hub that pushes each saved position to the account's other
 * open devices over hibernatable WebSockets.
 *
 * Why one object per account: a household's devices write the same rows, and
 * one single-threaded writer makes last-writer-wins exact without locks; the
 * object also knows every open socket of the account to broadcast to.
 *
 * Storage (the object's own SQLite):
 * - `progress`: one row per (profile, title, episode — 0 for a movie);
 * - `history`: finished titles and episodes, per profile;
 * - `ops`: operation ids seen recently (idempotency; a replay is answered with the current state);
 * - `tombstones`: "history removed at": a late write observed before the removal cannot resurrect it;
 * - `signals`: views and completions waiting for the alarm to batch them into D1
 *   (worker/recs/signals.ts), at most a minute after the first one.
 */
import { DurableObject } from "cloudflare:workers";
import { database } from "../db/client.ts";
import { recordSignals } from "../recs/signals.ts";
import { clampClientTime, isFinished, isNewer, NEW_VIEW_GAP_MS, type ProgressEntry, type ProgressWrite, type WriteResult } from "./model.ts";

/** Operation ids are remembered this long (a client retries within seconds; a beacon within minutes). */
const OP_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** Signals kept at most while the D1 sink is unreachable; the oldest are dropped first. */
const MAX_PENDING_SIGNALS = 20_000;
/** Signals wait at most this long before the alarm batches them into D1. */
export const SIGNAL_FLUSH_MS = 60_000;
/** Signals per D1 batch. */
const SIGNAL_BATCH = 500;
/** After a failed flush, the alarm retries after this long (doubling up to an hour). */
const FLUSH_RETRY_MS = 30_000;
/** With nothing else to do, the alarm comes back this often to forget old operation ids. */
const PRUNE_EVERY_MS = 24 * 60 * 60 * 1000;
/** A socket is closed with this code when the access token it was opened with expires; the client refreshes and reconnects. */
export const SOCKET_SESSION_EXPIRED = 4001;

export interface SocketAttachment {
  profileId: string;
  sessionId: string;
  /** Epoch ms after which the socket's credentials are stale. */
  expiresAt: number;
}

export interface HistoryItem {
  titleId: number;
  episodeId: number | null;
  finishedAt: number;
}

export interface PendingSignal {
  id: number;
  profileId: string;
  titleId: number;
  kind: "view" | "complete";
  country: string;
  atMs: number;
}

interface ProgressRow extends Record<string, SqlStorageValue> {
  profile_id: string;
  title_id: number;
  episode_id: number;
  position: number;
  duration: number;
  updated_at: number;
  device_id: string;
  device_name: string;
  finished: number;
  server_at: number;
}

function toEntry(row: ProgressRow): ProgressEntry {
  return {
    profileId: row.profile_id,
    titleId: row.title_id,
    episodeId: row.episode_id === 0 ? null : row.episode_id,
    positionSeconds: row.position,
    durationSeconds: row.duration,
    updatedAt: row.updated_at,
    deviceId: row.device_id,
    deviceName: row.device_name,
    finished: row.finished === 1,
  };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS progress (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  episode_id INTEGER NOT NULL,
  position REAL NOT NULL,
  duration REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  finished INTEGER NOT NULL,
  server_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id, episode_id)
);
CREATE INDEX IF NOT EXISTS progress_recent ON progress (profile_id, updated_at DESC);
CREATE TABLE IF NOT EXISTS history (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  episode_id INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id, episode_id)
);
CREATE INDEX IF NOT EXISTS history_recent ON history (profile_id, finished_at DESC);
CREATE TABLE IF NOT EXISTS ops (op_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ops_at ON ops (at);
CREATE TABLE IF NOT EXISTS tombstones (
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL, -- 0: every title of the profile
  removed_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, title_id)
);
CREATE TABLE IF NOT EXISTS signals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  country TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
-- id 1: the benchmark floor's counter; id 2: consecutive failed signal flushes.
CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
`;

export class ViewerState extends DurableObject<Env> {
  /** Whether the tables exist: erase() drops them while this instance may live on. */
  private schemaReady = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Keep-alive pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The object's SQL, its schema created first if needed (once per instance, and again after an erase). */
  private get sql() {
    if (!this.schemaReady) {
      this.ctx.storage.sql.exec(SCHEMA);
      this.schemaReady = true;
    }
    return this.ctx.storage.sql;
  }

  private row(profileId: string, titleId: number, episodeId: number | null): ProgressRow | undefined {
    return this.sql
      .exec<ProgressRow>("SELECT * FROM progress WHERE profile_id = ? AND title_id = ? AND episode_id = ?", profileId, titleId, episodeId ?? 0)
      .toArray()[0];
  }

  /** When history of this title (or all of the profile's) was last removed; writes observed before then are void. */
  private removedAt(profileId: string, titleId: number): number {
    const row = this.sql
      .exec<{ at: number | null }>("SELECT max(removed_at) AS at FROM tombstones WHERE profile_id = ? AND title_id IN (0, ?)", profileId, titleId)
      .one();
    return row.at ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Applies one progress write: a replayed operation id or a write older than
   * the stored one (by clamped client time, then device id) changes nothing and
   * answers the current state. An applied write may finish the title (history,
   * a completion signal), counts a new view after a gap, and is pushed to the
   * profile's open sockets.
   */
  async write(w: ProgressWrite): Promise<WriteResult> {
    const nowMs = Date.now();
    const sql = this.sql;
    const current = this.row(w.profileId, w.titleId, w.episodeId);
    const seen = sql.exec("SELECT 1 FROM ops WHERE op_id = ?", w.opId).toArray().length > 0;
    const updatedAt = clampClientTime(w.clientTime, nowMs);
    const stamp = { updatedAt, deviceId: w.deviceId };
    const stale = (current !== undefined && !isNewer(stamp, { updatedAt: current.updated_at, deviceId: current.device_id })) || updatedAt <= this.removedAt(w.profileId, w.titleId);
    if (seen || stale) {
      if (!seen) sql.exec("INSERT INTO ops (op_id, at) VALUES (?, ?)", w.opId, nowMs);
      return { applied: false, entry: current ? toEntry(current) : null, finishedNow: false };
    }
    const position = Math.min(w.positionSeconds, w.durationSeconds);
    const finished = isFinished(position, w.durationSeconds, w.creditsStartSeconds);
    sql.exec(
      `INSERT INTO progress (profile_id, title_id, episode_id, position, duration, updated_at, device_id, device_name, finished, server_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (profile_id, title_id, episode_id) DO UPDATE SET
         position = excluded.position, duration = excluded.duration, updated_at = excluded.updated_at,
         device_id = excluded.device_id, device_name = excluded.device_name, finished = excluded.finished, server_at = excluded.server_at`,
      w.profileId, w.titleId, w.episodeId ?? 0, position, w.durationSeconds, updatedAt, w.deviceId, w.deviceName, finished ? 1 : 0, nowMs,
    );
    sql.exec("INSERT INTO ops (op_id, at) VALUES (?, ?)", w.opId, nowMs);
    if (finished && current?.finished !== 1) {
      sql.exec(
        `INSERT INTO history (profile_id, title_id, episode_id, finished_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET finished_at = excluded.finished_at`,
        w.profileId, w.titleId, w.episodeId ?? 0, updatedAt,
      );
      this.queueSignal(w, "complete", nowMs);
    }
    if (!current || nowMs - current.server_at > NEW_VIEW_GAP_MS || (current.finished === 1 && !finished)) {
      this.queueSignal(w, "view", nowMs);
    }
    const entry = toEntry(this.row(w.profileId, w.titleId, w.episodeId)!);
    this.broadcast(entry, nowMs);
    await this.scheduleAlarm(nowMs + SIGNAL_FLUSH_MS);
    return { applied: true, entry, finishedNow: finished && current?.finished !== 1 };
  }

  private queueSignal(w: ProgressWrite, kind: "view" | "complete", nowMs: number): void {
    this.sql.exec(
      "INSERT INTO signals (profile_id, title_id, kind, country, at_ms) VALUES (?, ?, ?, ?, ?)",
      w.profileId, w.titleId, kind, w.country, nowMs,
    );
    this.sql.exec("DELETE FROM signals WHERE id <= (SELECT max(id) FROM signals) - ?", MAX_PENDING_SIGNALS);
  }

  /** The stored entry of one movie or episode. */
  entry(profileId: string, titleId: number, episodeId: number | null): ProgressEntry | null {
    const row = this.row(profileId, titleId, episodeId);
    return row ? toEntry(row) : null;
  }

  /** Every entry of one title (a movie's one, or a series' episodes), most recent first. */
  titleEntries(profileId: string, titleId: number): ProgressEntry[] {
    return this.sql
      .exec<ProgressRow>("SELECT * FROM progress WHERE profile_id = ? AND title_id = ? ORDER BY updated_at DESC, device_id DESC", profileId, titleId)
      .toArray()
      .map(toEntry);
  }

  /** The most recent entry of each title of a profile (a series' latest episode), most recent first. */
  latestPerTitle(profileId: string, limit: number): ProgressEntry[] {
    return this.sql
      .exec<ProgressRow>(
        `SELECT * FROM (
           SELECT *, row_number() OVER (PARTITION BY title_id ORDER BY updated_at DESC, device_id DESC) AS rank
           FROM progress WHERE profile_id = ?)
         WHERE rank = 1 ORDER BY updated_at DESC, device_id DESC LIMIT ?`,
        profileId, limit,
      )
      .toArray()
      .map(toEntry);
  }

  /** Finished titles and episodes, most recent first, from before `beforeMs` (keyset pagination). */
  history(profileId: string, limit: number, before?: { finishedAt: number; titleId: number; episodeId: number }): HistoryItem[] {
    const rows = before
      ? this.sql.exec<{ title_id: number; episode_id: number; finished_at: number }>(
          `SELECT title_id, episode_id, finished_at FROM history WHERE profile_id = ?
             AND (finished_at, title_id, episode_id) < (?, ?, ?)
           ORDER BY finished_at DESC, title_id DESC, episode_id DESC LIMIT ?`,
          profileId, before.finishedAt, before.titleId, before.episodeId, limit,
        )
      : this.sql.exec<{ title_id: number; episode_id: number; finished_at: number }>(
          "SELECT title_id, episode_id, finished_at FROM history WHERE profile_id = ? ORDER BY finished_at DESC, title_id DESC, episode_id DESC LIMIT ?",
          profileId, limit,
        );
    return rows.toArray().map((r) => ({ titleId: r.title_id, episodeId: r.episode_id === 0 ? null : r.episode_id, finishedAt: r.finished_at }));
  }

  /**
   * Removes a title (all its episodes) from a profile's history and continue
   * watching, or everything of the profile when `titleId` is null. A tombstone
   * voids writes observed before now that arrive later (a delayed beacon).
   * Returns how many entries went.
   */
  removeHistory(profileId: string, titleId: number | null): number {
    const nowMs = Date.now();
    const sql = this.sql;
    const where = titleId === null ? "profile_id = ?" : "profile_id = ? AND title_id = ?";
    const args = titleId === null ? [profileId] : [profileId, titleId];
    const removed = sql.exec(`DELETE FROM progress WHERE ${where}`, ...args).rowsWritten + sql.exec(`DELETE FROM history WHERE ${where}`, ...args).rowsWritten;
    sql.exec(
      "INSERT INTO tombstones (profile_id, title_id, removed_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET removed_at = excluded.removed_at",
      profileId, titleId ?? 0, nowMs + 5_000,
    );
    return removed;
  }

  /** Drops everything of one profile (the profile was deleted). */
  forgetProfile(profileId: string): void {
    for (const table of ["progress", "history", "tombstones", "signals"]) this.sql.exec(`DELETE FROM ${table} WHERE profile_id = ?`, profileId);
    for (const ws of this.ctx.getWebSockets(`profile:${profileId}`)) ws.close(1000, "profile deleted");
  }

  /** Everything stored for the account, for the privacy export. */
  exportAll() {
    const sql = this.sql;
    return {
      progress: sql.exec<ProgressRow>("SELECT * FROM progress ORDER BY profile_id, updated_at DESC").toArray().map(toEntry),
      history: sql
        .exec<{ profile_id: string; title_id: number; episode_id: number; finished_at: number }>("SELECT * FROM history ORDER BY profile_id, finished_at DESC")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id, episodeId: r.episode_id === 0 ? null : r.episode_id, finishedAt: r.finished_at })),
      removedHistory: sql
        .exec<{ profile_id: string; title_id: number; removed_at: number }>("SELECT * FROM tombstones ORDER BY profile_id")
        .toArray()
        .map((r) => ({ profileId: r.profile_id, titleId: r.title_id === 0 ? null : r.title_id, removedAt: r.removed_at })),
      pendingSignals: this.pendingSignals(MAX_PENDING_SIGNALS),
      operationIdsRemembered: sql.exec<{ n: number }>("SELECT count(*) AS n FROM ops").one().n,
    };
  }

  /** Erases the account's whole storage and closes its sockets (account deletion). */
  async erase(): Promise<void> {
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, "account deleted");
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // A request arriving after this (a late beacon) finds the schema created again, empty, rather than failing.
    this.schemaReady = false;
  }

  /** Whether the object holds anything at all (tests: deletion leaves nothing). */
  async isEmpty(): Promise<boolean> {
    if ((await this.ctx.storage.getAlarm()) !== null) return false;
    const tables = this.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray();
    return tables.every((t) => this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t.name}"`).one().n === 0);
  }

  pendingSignals(limit: number): PendingSignal[] {
    return this.sql
      .exec<{ id: number; profile_id: string; title_id: number; kind: string; country: string; at_ms: number }>(
        "SELECT * FROM signals ORDER BY id LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, profileId: r.profile_id, titleId: r.title_id, kind: r.kind as PendingSignal["kind"], country: r.country, atMs: r.at_ms }));
  }

  /** The benchmark floor: a bare counter increment in the same object's storage. */
  increment(): number {
    return this.sql.exec<{ n: number }>("INSERT INTO counter (id, n) VALUES (1, 1) ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n").one().n;
  }

  /** Sets the alarm for `atMs` unless one is due sooner. */
  private async scheduleAlarm(atMs: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) await this.ctx.storage.setAlarm(atMs);
  }

  /**
   * The alarm: batches waiting signals into D1 (views and completions for
   * trending, Top 10 and co-watching) — never one D1 write per view — and
   * forgets old operation ids. A failed flush keeps the signals and retries
   * with backoff; a deleted account's object has nothing left and no alarm.
   */
  override async alarm(): Promise<void> {
    const nowMs = Date.now();
    this.pruneOps(nowMs);
    const batch = this.pendingSignals(SIGNAL_BATCH);
    if (batch.length > 0) {
      try {
        await recordSignals(database(this.env.DB), batch.map(({ id: _id, ...event }) => event));
        this.sql.exec("DELETE FROM signals WHERE id <= ?", batch.at(-1)!.id);
        this.sql.exec("DELETE FROM counter WHERE id = 2");
      } catch (err) {
        const failures = this.sql.exec<{ n: number }>("INSERT INTO counter (id, n) VALUES (2, 1) ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n").one().n;
        console.error("signal flush failed; retrying", failures, err);
        await this.ctx.storage.setAlarm(nowMs + Math.min(3_600_000, FLUSH_RETRY_MS * 2 ** (failures - 1)));
        return;
      }
    }
    const left = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM signals").one().n;
    const ops = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM ops").one().n;
    if (left > 0) await this.ctx.storage.setAlarm(nowMs + 1000);
    else if (ops > 0) await this.ctx.storage.setAlarm(nowMs + PRUNE_EVERY_MS);
  }

  /** Forgets operation ids older than the retention (called from the alarm and on demand). */
  pruneOps(nowMs = Date.now()): number {
    return this.sql.exec("DELETE FROM ops WHERE at < ?", nowMs - OP_RETENTION_MS).rowsWritten;
  }

  /** Live sync: accepts the account's WebSocket (the Worker checked the session), tagged with its profile. */
  override async fetch(request: Request): Promise<Response> {
    const attachment = JSON.parse(request.headers.get("x-socket-attachment") ?? "null") as SocketAttachment | null;
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !attachment) {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [`profile:${attachment.profileId}`, `session:${attachment.sessionId}`]);
    pair[1].serializeAttachment(attachment);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Clients only ping (answered by the auto-response); anything else is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number): void {
    // Completes the closing handshake the client began.
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
  }

  /** Closes the sockets of one session (sign-out, or its family revoked for refresh-token reuse). */
  closeSession(sessionId: string): void {
    for (const ws of this.ctx.getWebSockets(`session:${sessionId}`)) ws.close(1000, "signed out");
  }

  /** Sends an applied entry to the profile's open sockets; a socket whose credentials expired is closed instead. */
  private broadcast(entry: ProgressEntry, nowMs: number): void {
    const message = JSON.stringify({ type: "progress", entry });
    for (const ws of this.ctx.getWebSockets(`profile:${entry.profileId}`)) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      try {
        if (!attachment || attachment.expiresAt <= nowMs) ws.close(SOCKET_SESSION_EXPIRED, "session expired");
        else ws.send(message);
      } catch {
        // A socket closing concurrently: nothing to deliver.
      }
    }
  }
}
