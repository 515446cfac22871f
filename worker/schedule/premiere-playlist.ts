/**
 * A premiere's live media playlist, derived from a VOD rendition playlist and the
 * wall clock — a pure function, so "the playlist at clock time T" is testable and
 * every viewer (and every isolate) computes the same one. No re-encode: segments
 * are the VOD's own files, published on the wall clock as if they were being
 * encoded now. Segment g becomes available when its whole duration has elapsed
 * since the scheduled start; the playlist slides (EXT-X-MEDIA-SEQUENCE advances)
 * over the last `windowSeconds`, each segment carries its PROGRAM-DATE-TIME
 * (start + its offset), and ENDLIST appears only once the last segment is out.
 * `loops` > 1 plays the asset several times in a row (a discontinuity between
 * plays): the demo's 12-second clips would otherwise premiere for 12 seconds.
 */

/** One media segment of the VOD playlist: its URI, duration (ms) and the tags just before it (MAP/KEY changes). */
export interface VodSegment {
  uri: string;
  durationMs: number;
  tags: string[];
}

/** A VOD rendition playlist as the premiere needs it. */
export interface VodPlaylist {
  /** Header tags kept as they are (VERSION, TARGETDURATION, INDEPENDENT-SEGMENTS, the first MAP and KEY). */
  header: string[];
  targetDurationSeconds: number;
  segments: VodSegment[];
  /** Sum of the segment durations (ms): one play of the asset. */
  totalMs: number;
}

/** When and how the premiere runs. */
export interface PremiereClock {
  /** Scheduled start, epoch ms. */
  startMs: number;
  /** Plays of the asset in a row (≥ 1). */
  loops: number;
  /** How far back a viewer may go (s); never under three target durations (RFC 8216bis §6.2.2). */
  windowSeconds: number;
}

/** The playlist at one instant and what a cache needs to know about it. */
export interface PremiereSnapshot {
  text: string;
  /** EXT-X-MEDIA-SEQUENCE of the first segment listed. */
  mediaSequence: number;
  /** Segments published so far (the live point is the end of the last one). */
  published: number;
  ended: boolean;
  /** When the playlist changes next (epoch ms); null once ended. */
  nextChangeMs: number | null;
}

/** Tags a live rendition of the VOD must not carry over. */
const DROPPED = /^#EXT-X-(?:ENDLIST|PLAYLIST-TYPE|MEDIA-SEQUENCE|DISCONTINUITY-SEQUENCE|PROGRAM-DATE-TIME|I-FRAMES-ONLY)\b/;

/** Parses a VOD media playlist (as ingest writes it); null when it is not one (no segments, no target duration). */
export function parseVodPlaylist(text: string): VodPlaylist | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  if (lines[0] !== "#EXTM3U") return null;
  const header: string[] = [];
  const segments: VodSegment[] = [];
  let targetDurationSeconds = 0;
  let pending: string[] = [];
  let durationMs: number | null = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith("#EXT-X-TARGETDURATION:")) targetDurationSeconds = Number(line.slice(22));
    if (DROPPED.test(line)) continue;
    if (line.startsWith("#EXTINF:")) {
      const seconds = Number.parseFloat(line.slice(8));
      if (!Number.isFinite(seconds) || seconds < 0) return null;
      durationMs = Math.round(seconds * 1000);
    } else if (line.startsWith("#")) {
      if (segments.length === 0 && durationMs === null) header.push(line);
      else pending.push(line);
    } else if (durationMs !== null) {
      // A discontinuity before the very first segment means nothing; between plays the premiere adds its own.
      segments.push({ uri: line, durationMs, tags: segments.length === 0 ? pending.filter((t) => t !== "#EXT-X-DISCONTINUITY") : pending });
      pending = [];
      durationMs = null;
    } else return null;
  }
  if (segments.length === 0 || !(targetDurationSeconds > 0)) return null;
  return { header, targetDurationSeconds, segments, totalMs: segments.reduce((s, x) => s + x.durationMs, 0) };
}

const DISCONTINUITY = "#EXT-X-DISCONTINUITY";

/** Discontinuities at global segments 1..g: one at each new play, plus the VOD's own (an encoder restart in a recorded broadcast). */
function discontinuitiesUpTo(vod: VodPlaylist, g: number): number {
  const n = vod.segments.length;
  const own = (upTo: number) => vod.segments.slice(1, upTo + 1).filter((s) => s.tags.includes(DISCONTINUITY)).length;
  const plays = Math.floor(g / n);
  return plays * (1 + own(n - 1)) + own(g % n);
}

/** Offset (ms from the start) at which global segment g (play g / n, segment g % n) begins. */
function beginOffsetMs(vod: VodPlaylist, prefix: number[], g: number): number {
  const n = vod.segments.length;
  return Math.floor(g / n) * vod.totalMs + prefix[g % n]!;
}

/** Cumulative start offsets of one play's segments (prefix[i] = sum of durations before i; prefix[n] = total). */
function prefixOf(vod: VodPlaylist): number[] {
  const prefix = [0];
  for (const s of vod.segments) prefix.push(prefix.at(-1)! + s.durationMs);
  return prefix;
}

/** Segments published by `nowMs`: those whose whole duration lies before it. */
export function publishedCount(vod: VodPlaylist, clock: PremiereClock, nowMs: number): number {
  const n = vod.segments.length;
  const total = n * clock.loops;
  const elapsed = nowMs - clock.startMs;
  if (elapsed <= 0 || vod.totalMs <= 0) return 0;
  const fullPlays = Math.floor(elapsed / vod.totalMs);
  if (fullPlays >= clock.loops) return total;
  const prefix = prefixOf(vod);
  const within = elapsed - fullPlays * vod.totalMs;
  let i = 0;
  while (i < n && prefix[i + 1]! <= within) i++;
  return Math.min(total, fullPlays * n + i);
}

/** When the premiere ends (epoch ms): the last segment of the last play is out. */
export function premiereEndMs(vod: VodPlaylist, clock: PremiereClock): number {
  return clock.startMs + vod.totalMs * clock.loops;
}

/**
 * Whether a segment URI of this rendition may be served at `nowMs`: it has been
 * published at least once (its first play). URIs the playlist does not list are
 * not this function's business (undefined): the caller serves or refuses them.
 */
export function segmentPublished(vod: VodPlaylist, clock: PremiereClock, uri: string, nowMs: number): boolean | undefined {
  const i = vod.segments.findIndex((s) => s.uri === uri);
  if (i < 0) return undefined;
  return publishedCount(vod, clock, nowMs) > i;
}

/** The live playlist at `nowMs` (null before the scheduled start: there is nothing to play yet). */
export function premierePlaylistAt(vod: VodPlaylist, clock: PremiereClock, nowMs: number): PremiereSnapshot | null {
  if (nowMs < clock.startMs) return null;
  const n = vod.segments.length;
  const total = n * clock.loops;
  const published = publishedCount(vod, clock, nowMs);
  const prefix = prefixOf(vod);
  const windowMs = Math.max(clock.windowSeconds, 3 * vod.targetDurationSeconds) * 1000;
  // Slide: the first segment listed is the earliest one ending within the window before the live point.
  const liveEndMs = published === 0 ? 0 : beginOffsetMs(vod, prefix, published - 1) + vod.segments[(published - 1) % n]!.durationMs;
  let first = 0;
  while (first < published - 1 && beginOffsetMs(vod, prefix, first) + vod.segments[first % n]!.durationMs <= liveEndMs - windowMs) first++;
  const ended = published === total;
  // Before the first segment is out there is nothing to initialise either (a lone MAP would read as a segment).
  const header = published === 0 ? vod.header.filter((t) => !/^#EXT-X-(?:MAP|KEY):/.test(t)) : vod.header;
  const lines = ["#EXTM3U", ...header, `#EXT-X-MEDIA-SEQUENCE:${first}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitiesUpTo(vod, first)}`];
  for (let g = first; g < published; g++) {
    const i = g % n;
    const segment = vod.segments[i]!;
    // The first segment listed is counted by DISCONTINUITY-SEQUENCE instead of carrying the tag.
    const tags = g === first ? segment.tags.filter((t) => t !== DISCONTINUITY) : segment.tags;
    if (i === 0 && g > first) lines.push(DISCONTINUITY, ...vod.header.filter((t) => /^#EXT-X-(?:MAP|KEY):/.test(t)));
    lines.push(...tags);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(clock.startMs + beginOffsetMs(vod, prefix, g)).toISOString()}`);
    lines.push(`#EXTINF:${(segment.durationMs / 1000).toFixed(3)},`, segment.uri);
  }
  if (ended) lines.push("#EXT-X-ENDLIST");
  const nextChangeMs = ended ? null : clock.startMs + beginOffsetMs(vod, prefix, published) + vod.segments[published % n]!.durationMs;
  return { text: `${lines.join("\n")}\n`, mediaSequence: first, published, ended, nextChangeMs };
}
