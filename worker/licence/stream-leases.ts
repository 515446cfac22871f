/**
 * Stream leases of one account, kept in its ViewerState object: a stream (one
 * playback on one device) holds a lease while its licence is renewed; a new
 * stream past the plan's limit is refused with the streams that hold the
 * leases, and any of them can be stopped from another device. The object is
 * single-threaded and every method here runs its reads and writes without an
 * await in between, so concurrent requests can never take limit + 1 leases.
 */
import type { SessionStanding } from "../auth/session-registry.ts";
import { SqlStore } from "../lib/sql-store.ts";

/** What a stream shows to the account's other devices. */
export interface StreamLease {
  streamId: string;
  profileId: string;
  profileName: string;
  deviceName: string;
  titleId: number;
  titleName: string;
  startedAt: number;
  renewedAt: number;
  expiresAt: number;
}

export type LeaseRequest = Omit<StreamLease, "startedAt" | "renewedAt" | "expiresAt" | "titleName"> & {
  /**
   * What other devices see the stream play. Absent when the licence takes the
   * lease alongside its D1 read, before it knows the name: a new lease then
   * starts unnamed ("") and a renewal keeps its name; the licence names it after
   * (`name`) when the name it read differs.
   */
  titleName?: string;
  sessionId: string;
  limit: number;
  ttlMs: number;
  nowMs: number;
};

export type LeaseResult =
  | { ok: true; lease: StreamLease; active: number; created: boolean }
  | { ok: false; code: "stream_limit"; streams: StreamLease[]; limit: number }
  | { ok: false; code: "stream_stopped" };

/** The session a licence's lease is for, checked in the same call: its token's issue time, and `admitUntilMs` once it passed the D1 check (the object did not know it). */
export interface LeaseSession {
  issuedAtMs: number;
  admitUntilMs?: number;
}

/** A licence's one object call: the session's standing and, only when it is live, the lease taken or renewed. */
export type SessionLeaseResult = { standing: "live"; lease: LeaseResult } | { standing: Exclude<SessionStanding, "live"> };

/** How long a stopped stream's id is remembered, so its next renewal hears why. */
export const STOPPED_MEMORY_MS = 6 * 60 * 60 * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stream_leases (
  stream_id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  profile_name TEXT NOT NULL,
  device_name TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  title_name TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  renewed_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stopped_streams (
  stream_id TEXT PRIMARY KEY,
  forget_at INTEGER NOT NULL
);`;

type Row = {
  stream_id: string; session_id: string; profile_id: string; profile_name: string; device_name: string;
  title_id: number; title_name: string; started_at: number; renewed_at: number; expires_at: number;
};

const toLease = (r: Row): StreamLease => ({
  streamId: r.stream_id, profileId: r.profile_id, profileName: r.profile_name, deviceName: r.device_name,
  titleId: r.title_id, titleName: r.title_name, startedAt: r.started_at, renewedAt: r.renewed_at, expiresAt: r.expires_at,
});

export class StreamLeaseStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Takes or renews the lease of `req.streamId`; refuses a new stream when `limit` leases are live, and a stopped stream always. */
  acquire(req: LeaseRequest): LeaseResult {
    const sql = this.sql;
    sql.exec("DELETE FROM stream_leases WHERE expires_at <= ?", req.nowMs);
    sql.exec("DELETE FROM stopped_streams WHERE forget_at <= ?", req.nowMs);
    if (sql.exec("SELECT 1 FROM stopped_streams WHERE stream_id = ?", req.streamId).toArray().length > 0) return { ok: false, code: "stream_stopped" };
    const expiresAt = req.nowMs + req.ttlMs;
    const held = sql.exec<Row>("SELECT * FROM stream_leases WHERE stream_id = ?", req.streamId).toArray()[0];
    if (!held) {
      const others = sql.exec<Row>("SELECT * FROM stream_leases ORDER BY started_at").toArray();
      if (others.length >= req.limit) return { ok: false, code: "stream_limit", streams: others.map(toLease), limit: req.limit };
      sql.exec(
        "INSERT INTO stream_leases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        req.streamId, req.sessionId, req.profileId, req.profileName, req.deviceName, req.titleId, req.titleName ?? "", req.nowMs, req.nowMs, expiresAt,
      );
    } else {
      sql.exec(
        "UPDATE stream_leases SET renewed_at = ?, expires_at = ?, title_id = ?, title_name = coalesce(?, title_name), profile_id = ?, profile_name = ? WHERE stream_id = ?",
        req.nowMs, expiresAt, req.titleId, req.titleName ?? null, req.profileId, req.profileName, req.streamId,
      );
    }
    const lease = toLease(sql.exec<Row>("SELECT * FROM stream_leases WHERE stream_id = ?", req.streamId).one());
    const active = sql.exec<{ n: number }>("SELECT count(*) AS n FROM stream_leases").one().n;
    return { ok: true, lease, active, created: !held };
  }

  /** Names a stream's title as other devices see it (after a lease taken unnamed). */
  name(streamId: string, titleName: string): void {
    this.sql.exec("UPDATE stream_leases SET title_name = ? WHERE stream_id = ?", titleName, streamId);
  }

  /** The live leases, oldest first. */
  list(nowMs: number): StreamLease[] {
    return this.sql.exec<Row>("SELECT * FROM stream_leases WHERE expires_at > ? ORDER BY started_at", nowMs).toArray().map(toLease);
  }

  /** Stops a stream from another device: its lease ends now and its next renewal is refused. False when no such live stream. */
  stop(streamId: string, nowMs: number): boolean {
    const sql = this.sql;
    const live = sql.exec("SELECT 1 FROM stream_leases WHERE stream_id = ? AND expires_at > ?", streamId, nowMs).toArray().length > 0;
    if (!live) return false;
    sql.exec("DELETE FROM stream_leases WHERE stream_id = ?", streamId);
    sql.exec("INSERT OR REPLACE INTO stopped_streams VALUES (?, ?)", streamId, nowMs + STOPPED_MEMORY_MS);
    return true;
  }

  /** The stream's own device ended it (the player closed): the lease is freed at once. */
  release(streamId: string): void {
    this.sql.exec("DELETE FROM stream_leases WHERE stream_id = ?", streamId);
  }

  /**
   * Everything the store holds, for the privacy export: each stream lease as
   * stored (the device, profile, title and session of a stream watching now, or
   * one that stopped renewing and is not yet swept) and the streams stopped from
   * another device, remembered until `forgetAt` so their next renewal hears why.
   */
  exportAll(): { leases: (StreamLease & { sessionId: string })[]; stopped: { streamId: string; forgetAt: number }[] } {
    const sql = this.sql;
    return {
      leases: sql.exec<Row>("SELECT * FROM stream_leases ORDER BY started_at").toArray().map((r) => ({ ...toLease(r), sessionId: r.session_id })),
      stopped: sql
        .exec<{ stream_id: string; forget_at: number }>("SELECT * FROM stopped_streams ORDER BY forget_at")
        .toArray()
        .map((r) => ({ streamId: r.stream_id, forgetAt: r.forget_at })),
    };
  }

  /** Every lease of one session ends (sign-out). */
  releaseSession(sessionId: string): void {
    this.sql.exec("DELETE FROM stream_leases WHERE session_id = ?", sessionId);
  }
}
