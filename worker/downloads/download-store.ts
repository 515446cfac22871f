/**
 * Download grants of one account, kept in its ViewerState object: a grant is
 * bound to a device, a profile and one film or episode at one rendition
 * height, and lives until it expires (30 days, or 48 h after its first play)
 * or is revoked. A new grant past the plan's devices or titles is refused. The
 * object is single-threaded and every method here runs its reads and writes
 * without an await in between, so concurrent requests can never take limit + 1.
 */
import { DOWNLOAD_PLAY_WINDOW_MS } from "../../common/downloads.ts";
import { SqlStore } from "../lib/sql-store.ts";

/** One download grant, as the device and the account's other devices see it. */
export interface DownloadGrant {
  downloadId: string;
  deviceId: string;
  deviceName: string;
  profileId: string;
  titleId: number;
  episodeId: number | null;
  titleName: string;
  quality: string;
  heightPx: number;
  grantedAt: number;
  expiresAt: number;
  firstPlayedAt: number | null;
  /** expiresAt, or 48 h after the first play if sooner. */
  playableUntil: number;
}

/** What a device asks for, and the plan's limits and the grant's lifetime. */
export type GrantRequest = Pick<DownloadGrant, "deviceId" | "deviceName" | "profileId" | "titleId" | "episodeId" | "titleName" | "quality" | "heightPx"> & {
  limits: { devices: number; downloads: number };
  ttlMs: number;
  nowMs: number;
};

export type GrantResult =
  | { ok: true; grant: DownloadGrant; renewed: boolean }
  | { ok: false; code: "download_device_limit" | "download_limit"; limit: number; grants: DownloadGrant[] };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS download_grants (
  download_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  device_name TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  title_id INTEGER NOT NULL,
  episode_id INTEGER,
  title_name TEXT NOT NULL,
  quality TEXT NOT NULL,
  height_px INTEGER NOT NULL,
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  first_played_at INTEGER,
  playable_until INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS download_grants_item ON download_grants (device_id, profile_id, title_id, episode_id);`;

type Row = {
  download_id: string; device_id: string; device_name: string; profile_id: string; title_id: number; episode_id: number | null;
  title_name: string; quality: string; height_px: number; granted_at: number; expires_at: number; first_played_at: number | null; playable_until: number;
};

const toGrant = (r: Row): DownloadGrant => ({
  downloadId: r.download_id, deviceId: r.device_id, deviceName: r.device_name, profileId: r.profile_id, titleId: r.title_id,
  episodeId: r.episode_id, titleName: r.title_name, quality: r.quality, heightPx: r.height_px, grantedAt: r.granted_at,
  expiresAt: r.expires_at, firstPlayedAt: r.first_played_at, playableUntil: r.playable_until,
});

export class DownloadStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  /** Drops grants no longer playable: they hold no device and no title. */
  private prune(nowMs: number): void {
    this.sql.exec("DELETE FROM download_grants WHERE playable_until <= ?", nowMs);
  }

  /**
   * Grants a download within the plan's limits. The same film or episode on
   * the same device and profile is one grant: asking again renews it (a new
   * quality, a fresh expiry) and takes no second place.
   */
  grant(req: GrantRequest): GrantResult {
    const sql = this.sql;
    this.prune(req.nowMs);
    const held = sql
      .exec<Row>("SELECT * FROM download_grants WHERE device_id = ? AND profile_id = ? AND title_id = ? AND episode_id IS ?", req.deviceId, req.profileId, req.titleId, req.episodeId)
      .toArray()[0];
    const expiresAt = req.nowMs + req.ttlMs;
    if (held) {
      // A new download of the same item starts afresh: a new expiry, not yet played.
      sql.exec(
        "UPDATE download_grants SET quality = ?, height_px = ?, granted_at = ?, expires_at = ?, first_played_at = NULL, playable_until = ?, device_name = ?, title_name = ? WHERE download_id = ?",
        req.quality, req.heightPx, req.nowMs, expiresAt, expiresAt, req.deviceName, req.titleName, held.download_id,
      );
      return { ok: true, grant: this.one(held.download_id)!, renewed: true };
    }
    const all = sql.exec<Row>("SELECT * FROM download_grants ORDER BY granted_at").toArray();
    const devices = new Set(all.map((r) => r.device_id));
    if (!devices.has(req.deviceId) && devices.size >= req.limits.devices) {
      return { ok: false, code: "download_device_limit", limit: req.limits.devices, grants: all.map(toGrant) };
    }
    if (all.length >= req.limits.downloads) return { ok: false, code: "download_limit", limit: req.limits.downloads, grants: all.map(toGrant) };
    const downloadId = crypto.randomUUID();
    sql.exec(
      "INSERT INTO download_grants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
      downloadId, req.deviceId, req.deviceName, req.profileId, req.titleId, req.episodeId, req.titleName, req.quality, req.heightPx, req.nowMs, expiresAt, expiresAt,
    );
    return { ok: true, grant: this.one(downloadId)!, renewed: false };
  }

  /** One grant, if it is still playable. */
  get(downloadId: string, nowMs: number): DownloadGrant | null {
    this.prune(nowMs);
    return this.one(downloadId);
  }

  /** Renews a playable grant online: a fresh 30-day expiry, the 48 h play window kept. Null when it is gone. */
  renew(downloadId: string, ttlMs: number, nowMs: number): DownloadGrant | null {
    this.prune(nowMs);
    const g = this.one(downloadId);
    if (!g) return null;
    const expiresAt = nowMs + ttlMs;
    const until = g.firstPlayedAt === null ? expiresAt : Math.min(expiresAt, g.firstPlayedAt + DOWNLOAD_PLAY_WINDOW_MS);
    this.sql.exec("UPDATE download_grants SET expires_at = ?, playable_until = ? WHERE download_id = ?", expiresAt, until, downloadId);
    return this.one(downloadId);
  }

  /**
   * Records the first play (the earlier of what the device says and what was
   * recorded; never later than now, so a device clock set ahead cannot stretch
   * the window): from then on the grant lasts 48 h at most.
   */
  played(downloadId: string, firstPlayedAtMs: number, nowMs: number): DownloadGrant | null {
    this.prune(nowMs);
    const g = this.one(downloadId);
    if (!g) return null;
    const first = Math.max(g.grantedAt, Math.min(firstPlayedAtMs, nowMs, g.firstPlayedAt ?? Infinity));
    this.sql.exec(
      "UPDATE download_grants SET first_played_at = ?, playable_until = ? WHERE download_id = ?",
      first, Math.min(g.expiresAt, first + DOWNLOAD_PLAY_WINDOW_MS), downloadId,
    );
    return this.get(downloadId, nowMs);
  }

  /** The account's playable grants, oldest first. */
  list(nowMs: number): DownloadGrant[] {
    this.prune(nowMs);
    return this.sql.exec<Row>("SELECT * FROM download_grants ORDER BY granted_at").toArray().map(toGrant);
  }

  /** Revokes a grant (deleted on its device, or from another): its place is free at once. False when there is none. */
  revoke(downloadId: string): boolean {
    const sql = this.sql;
    const had = sql.exec("SELECT 1 FROM download_grants WHERE download_id = ?", downloadId).toArray().length > 0;
    sql.exec("DELETE FROM download_grants WHERE download_id = ?", downloadId);
    return had;
  }

  private one(downloadId: string): DownloadGrant | null {
    const r = this.sql.exec<Row>("SELECT * FROM download_grants WHERE download_id = ?", downloadId).toArray()[0];
    return r ? toGrant(r) : null;
  }
}
