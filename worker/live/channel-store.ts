/**
 * What a live channel object stores (SQLite): the current broadcast, its
 * renditions (the newest init segment's video track), and every published part
 * and segment. Parts themselves live in R2; a row is written only after its
 * object is, so an object restart loses no published part.
 */
import { SqlStore } from "../lib/sql-store.ts";
import type { VideoTrack } from "./fmp4.ts";
import type { LiveSegment } from "./playlist.ts";

export interface Broadcast {
  folder: string;
  startedAtMs: number;
  endedAtMs: number | null;
  partTargetSeconds: number;
  partsPerSegment: number;
  dvrWindowSeconds: number;
  renditions: string[];
  /** false: standard HLS playlists (no parts); absent in broadcasts stored before it existed, which are LL-HLS. */
  lowLatency?: boolean;
}

export interface RenditionState {
  name: string;
  /** Inits written so far; the newest is `init-<inits - 1>.mp4`. */
  inits: number;
  track: VideoTrack | null;
  /** The next segment follows an encoder restart. */
  discontinuityPending: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS broadcast (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rendition (name TEXT PRIMARY KEY, inits INTEGER NOT NULL, track TEXT, discontinuity_pending INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS segment (rendition TEXT NOT NULL, msn INTEGER NOT NULL, pdt_ms INTEGER NOT NULL, init INTEGER NOT NULL,
  discontinuity INTEGER NOT NULL, closed INTEGER NOT NULL, PRIMARY KEY (rendition, msn));
CREATE TABLE IF NOT EXISTS part (rendition TEXT NOT NULL, msn INTEGER NOT NULL, part INTEGER NOT NULL, seconds REAL NOT NULL,
  PRIMARY KEY (rendition, msn, part));
`;

/** The channel's broadcast, renditions, segments and parts. */
export class ChannelStore extends SqlStore {
  constructor(storage: DurableObjectStorage) {
    super(storage, SCHEMA);
  }

  broadcast(): Broadcast | null {
    const row = this.sql.exec<{ json: string }>("SELECT json FROM broadcast WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.json) as Broadcast) : null;
  }

  /** Starts a new broadcast: everything of the previous one is forgotten here (its media and recording stay in R2 and D1). */
  begin(broadcast: Broadcast): void {
    this.sql.exec("DELETE FROM part");
    this.sql.exec("DELETE FROM segment");
    this.sql.exec("DELETE FROM rendition");
    this.sql.exec("INSERT OR REPLACE INTO broadcast (id, json) VALUES (1, ?)", JSON.stringify(broadcast));
    for (const name of broadcast.renditions) {
      this.sql.exec("INSERT INTO rendition (name, inits, track, discontinuity_pending) VALUES (?, 0, NULL, 0)", name);
    }
  }

  saveBroadcast(broadcast: Broadcast): void {
    this.sql.exec("UPDATE broadcast SET json = ? WHERE id = 1", JSON.stringify(broadcast));
  }

  rendition(name: string): RenditionState | null {
    const row = this.sql
      .exec<{ name: string; inits: number; track: string | null; discontinuity_pending: number }>("SELECT * FROM rendition WHERE name = ?", name)
      .toArray()[0];
    return row
      ? { name: row.name, inits: row.inits, track: row.track ? (JSON.parse(row.track) as VideoTrack) : null, discontinuityPending: row.discontinuity_pending === 1 }
      : null;
  }

  saveRendition(r: RenditionState): void {
    this.sql.exec(
      "UPDATE rendition SET inits = ?, track = ?, discontinuity_pending = ? WHERE name = ?",
      r.inits, r.track ? JSON.stringify(r.track) : null, r.discontinuityPending ? 1 : 0, r.name,
    );
  }

  /** Every segment of a rendition with its parts, oldest first. */
  segments(rendition: string): LiveSegment[] {
    const segs = this.sql
      .exec<{ msn: number; pdt_ms: number; init: number; discontinuity: number; closed: number }>(
        "SELECT msn, pdt_ms, init, discontinuity, closed FROM segment WHERE rendition = ? ORDER BY msn", rendition,
      )
      .toArray()
      .map((s) => ({ msn: s.msn, pdtMs: s.pdt_ms, init: s.init, discontinuity: s.discontinuity === 1, closed: s.closed === 1, parts: [] as LiveSegment["parts"] }));
    const byMsn = new Map(segs.map((s) => [s.msn, s]));
    for (const p of this.sql.exec<{ msn: number; part: number; seconds: number }>(
      "SELECT msn, part, seconds FROM part WHERE rendition = ? ORDER BY msn, part", rendition,
    )) {
      byMsn.get(p.msn)?.parts.push({ part: p.part, seconds: p.seconds });
    }
    return segs;
  }

  /** The newest segment of a rendition (closed or not), with its part count. */
  newest(rendition: string): { msn: number; closed: boolean; parts: number } | null {
    const row = this.sql
      .exec<{ msn: number; closed: number; parts: number }>(
        "SELECT s.msn, s.closed, (SELECT count(*) FROM part p WHERE p.rendition = s.rendition AND p.msn = s.msn) AS parts FROM segment s WHERE s.rendition = ? ORDER BY s.msn DESC LIMIT 1",
        rendition,
      )
      .toArray()[0];
    return row ? { msn: row.msn, closed: row.closed === 1, parts: row.parts } : null;
  }

  partCount(rendition: string, msn: number): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM part WHERE rendition = ? AND msn = ?", rendition, msn).one().n;
  }

  /** Records a published part (its object is already in R2), opening its segment when it is the first. */
  addPart(rendition: string, msn: number, part: number, seconds: number, segment: { pdtMs: number; init: number; discontinuity: boolean } | null): void {
    if (segment) {
      this.sql.exec(
        "INSERT INTO segment (rendition, msn, pdt_ms, init, discontinuity, closed) VALUES (?, ?, ?, ?, ?, 0)",
        rendition, msn, segment.pdtMs, segment.init, segment.discontinuity ? 1 : 0,
      );
    }
    this.sql.exec("INSERT INTO part (rendition, msn, part, seconds) VALUES (?, ?, ?, ?)", rendition, msn, part, seconds);
  }

  close(rendition: string, msn: number): void {
    this.sql.exec("UPDATE segment SET closed = 1 WHERE rendition = ? AND msn = ?", rendition, msn);
  }

  /** Seconds of closed media in the newest rendition (the recording's duration). */
  recordedSeconds(rendition: string): number {
    return this.sql
      .exec<{ s: number | null }>(
        "SELECT sum(p.seconds) AS s FROM part p JOIN segment s ON s.rendition = p.rendition AND s.msn = p.msn WHERE p.rendition = ? AND s.closed = 1",
        rendition,
      )
      .one().s ?? 0;
  }
}
