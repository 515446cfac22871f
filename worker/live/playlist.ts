/**
 * LL-HLS media playlists of a live channel (RFC 8216bis, HLS protocol version 9),
 * authored from the channel's part and segment records: `#EXT-X-PART` for the
 * newest segments, closed segments with `#EXTINF`, `#EXT-X-PROGRAM-DATE-TIME`
 * on each, `#EXT-X-SERVER-CONTROL` (CAN-BLOCK-RELOAD, PART-HOLD-BACK,
 * CAN-SKIP-UNTIL), delta updates (`#EXT-X-SKIP`), `#EXT-X-PRELOAD-HINT`,
 * `#EXT-X-RENDITION-REPORT`, the DVR window, and `#EXT-X-ENDLIST` at the end
 * (the same window, so the media sequence never goes back; the whole recording is
 * `renderRecording`, written once as the VOD playlist).
 * Pure: the channel object and the property tests render through it.
 */

/** One published part: `<msn>.<part>.m4s`. */
export interface LivePart {
  part: number;
  seconds: number;
}

/** One segment: closed segments are served whole as `<msn>.m4s`; the newest may still be open. */
export interface LiveSegment {
  msn: number;
  /** Wall clock (epoch ms) of the segment's first frame. */
  pdtMs: number;
  /** The init segment (`init-<n>.mp4`) its media needs. */
  init: number;
  /** The encoder restarted before this segment (a new init, new timestamps). */
  discontinuity: boolean;
  closed: boolean;
  parts: LivePart[];
}

export interface PlaylistShape {
  partTargetSeconds: number;
  partsPerSegment: number;
  /** Seconds behind the live edge still listed while live. */
  dvrWindowSeconds: number;
  ended: boolean;
  /**
   * LL-HLS (parts, blocking reload, hints; the default) or, when false, standard
   * HLS: closed segments only, as a plain live playlist — the baseline bench:live
   * measures LL-HLS against.
   */
  lowLatency?: boolean;
}

/** Where another rendition stands, for `#EXT-X-RENDITION-REPORT`. */
export interface RenditionReport {
  name: string;
  lastMsn: number;
  lastPart: number;
}

/** EXT-X-TARGETDURATION: a full segment's duration rounded up (every segment is at most partsPerSegment parts ≤ PART-TARGET). */
export function targetDurationSeconds(shape: Pick<PlaylistShape, "partTargetSeconds" | "partsPerSegment">): number {
  return Math.max(1, Math.ceil(shape.partTargetSeconds * shape.partsPerSegment - 1e-9));
}

/** PART-HOLD-BACK: three part targets, the spec's minimum. */
export function partHoldBackSeconds(shape: Pick<PlaylistShape, "partTargetSeconds">): number {
  return round3(3 * shape.partTargetSeconds);
}

/** CAN-SKIP-UNTIL: six target durations, the spec's minimum. */
export function skipUntilSeconds(shape: Pick<PlaylistShape, "partTargetSeconds" | "partsPerSegment">): number {
  return 6 * targetDurationSeconds(shape);
}

/**
 * How many newest segments (the open one included) list their parts: parts must
 * go once more than three target durations from the end (§6.2.2, as hls-parser
 * checks it), and PART-HOLD-BACK (three parts) must stay within listed parts.
 */
const SEGMENTS_WITH_PARTS = 3;

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const fixed = (n: number) => round3(n).toFixed(3);
const segmentSeconds = (s: LiveSegment) => s.parts.reduce((sum, p) => sum + p.seconds, 0);

/** The newest published position (msn, part), or null before the first part. */
export function lastPosition(segments: LiveSegment[]): { msn: number; part: number } | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const s = segments[i]!;
    if (s.parts.length > 0) return { msn: s.msn, part: s.parts.length - 1 };
  }
  return null;
}

/** The next part an encoder will publish (PRELOAD-HINT), given the newest segment. */
export function nextPosition(segments: LiveSegment[], shape: Pick<PlaylistShape, "partsPerSegment">): { msn: number; part: number } {
  const last = segments.at(-1);
  if (!last) return { msn: 0, part: 0 };
  if (last.closed || last.parts.length >= shape.partsPerSegment) return { msn: last.msn + 1, part: 0 };
  return { msn: last.msn, part: last.parts.length };
}

/**
 * Whether a blocking reload for `_HLS_msn=msn` (and `_HLS_part=part`) may be
 * answered: segment `msn` is complete, or, with a part, that part (or a later
 * position) is published (§6.2.5.2). A part index past the segment's last part
 * is reached once the next segment starts.
 */
export function reaches(segments: LiveSegment[], msn: number, part: number | undefined): boolean {
  const last = segments.at(-1);
  if (!last) return false;
  const closedUpTo = last.closed ? last.msn : last.msn - 1;
  if (msn <= closedUpTo) return true;
  if (part === undefined) return false;
  const pos = lastPosition(segments);
  return pos !== null && (pos.msn > msn || (pos.msn === msn && pos.part >= part));
}

/** The segments a live playlist lists: closed ones within the DVR window, then the open one (ended or not: the media sequence never goes back). */
export function windowOf(segments: LiveSegment[], shape: PlaylistShape): LiveSegment[] {
  const listed = segments.filter((s) => s.parts.length > 0 && (s.closed || shape.lowLatency !== false));
  let seconds = 0;
  let first = listed.length;
  while (first > 0) {
    const s = listed[first - 1]!;
    if (s.closed && seconds + segmentSeconds(s) > shape.dvrWindowSeconds && first < listed.length) break;
    seconds += segmentSeconds(s);
    first--;
  }
  return listed.slice(first);
}

/**
 * Renders the media playlist of one rendition. `segments` are all the
 * rendition's segments in order (the window is applied here); `skip` asks for a
 * delta update: closed segments older than CAN-SKIP-UNTIL from the end are
 * replaced by `#EXT-X-SKIP`.
 */
export function renderLivePlaylist(input: {
  segments: LiveSegment[];
  shape: PlaylistShape;
  /** Discontinuities before the first of `segments` (none when all are given). */
  discontinuitiesBefore?: number;
  skip?: boolean;
  reports?: RenditionReport[];
}): string {
  const { shape } = input;
  const lowLatency = shape.lowLatency !== false;
  const listed = windowOf(input.segments, shape);
  const first = listed[0];
  const target = targetDurationSeconds(shape);
  const lines = ["#EXTM3U", `#EXT-X-VERSION:${lowLatency ? 9 : 7}`, `#EXT-X-TARGETDURATION:${target}`];
  if (!lowLatency) return renderStandard(lines, input.segments, listed, shape);
  if (!shape.ended) {
    lines.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${fixed(skipUntilSeconds(shape))},PART-HOLD-BACK=${fixed(partHoldBackSeconds(shape))}`,
    );
  }
  lines.push(`#EXT-X-PART-INF:PART-TARGET=${fixed(shape.partTargetSeconds)}`);
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${first?.msn ?? 0}`);
  // Discontinuities before the first listed segment; a discontinuity on that segment itself is counted, not tagged.
  const skippedBefore = input.segments.filter((s) => first && s.msn <= first.msn && s.discontinuity).length;
  lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${(input.discontinuitiesBefore ?? 0) + skippedBefore}`);

  // Delta update: skip closed segments that start more than CAN-SKIP-UNTIL before the end.
  let skipped = 0;
  if (input.skip && !shape.ended) {
    const total = listed.reduce((sum, s) => sum + segmentSeconds(s), 0);
    let start = 0;
    for (const s of listed) {
      if (!s.closed || total - start <= skipUntilSeconds(shape) || s === listed.at(-1)) break;
      start += segmentSeconds(s);
      skipped++;
    }
    if (skipped > 0) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  }

  // A PRELOAD-HINT after a closed segment opens the next one in the client's eyes, and counts among the three.
  const hintOpensSegment = !shape.ended && listed.at(-1)?.closed === true;
  const withParts = new Set(listed.slice(-(SEGMENTS_WITH_PARTS - (hintOpensSegment ? 1 : 0))).map((s) => s.msn));
  let init = -1;
  listed.forEach((s, i) => {
    if (i < skipped) {
      init = s.init;
      return;
    }
    if (s.discontinuity && i > 0) lines.push("#EXT-X-DISCONTINUITY");
    if (s.init !== init || i === skipped) lines.push(`#EXT-X-MAP:URI="init-${s.init}.mp4"`);
    init = s.init;
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.pdtMs).toISOString()}`);
    if (withParts.has(s.msn)) {
      for (const p of s.parts) {
        lines.push(`#EXT-X-PART:DURATION=${fixed(p.seconds)},URI="${s.msn}.${p.part}.m4s",INDEPENDENT=YES`);
      }
    }
    if (s.closed) lines.push(`#EXTINF:${fixed(segmentSeconds(s))},`, `${s.msn}.m4s`);
  });
  if (!shape.ended) {
    const next = nextPosition(input.segments, shape);
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${next.msn}.${next.part}.m4s"`);
    for (const r of input.reports ?? []) {
      lines.push(`#EXT-X-RENDITION-REPORT:URI="../${r.name}/index.m3u8",LAST-MSN=${r.lastMsn},LAST-PART=${r.lastPart}`);
    }
  } else {
    lines.push("#EXT-X-ENDLIST");
  }
  return lines.join("\n") + "\n";
}

/** Closed segments as whole-segment lines (discontinuity, map, date, EXTINF, URI): a standard live playlist's and the recording's. */
function pushWholeSegments(lines: string[], listed: LiveSegment[]): void {
  let init = -1;
  listed.forEach((s, i) => {
    if (s.discontinuity && i > 0) lines.push("#EXT-X-DISCONTINUITY");
    if (s.init !== init) lines.push(`#EXT-X-MAP:URI="init-${s.init}.mp4"`);
    init = s.init;
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.pdtMs).toISOString()}`, `#EXTINF:${fixed(segmentSeconds(s))},`, `${s.msn}.m4s`);
  });
}

/**
 * A standard (not low-latency) live playlist: the closed segments of the
 * window with their program date times, no parts, hints or server control.
 */
function renderStandard(lines: string[], all: LiveSegment[], listed: LiveSegment[], shape: PlaylistShape): string {
  const first = listed[0];
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${first?.msn ?? 0}`);
  lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${all.filter((s) => first && s.msn <= first.msn && s.discontinuity).length}`);
  pushWholeSegments(lines, listed);
  if (shape.ended) lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}

/** The whole recording of one rendition as an ordinary VOD playlist (what the broadcast becomes at its end). */
export function renderRecording(segments: LiveSegment[], shape: Pick<PlaylistShape, "partTargetSeconds" | "partsPerSegment">): string {
  const listed = segments.filter((s) => s.closed && s.parts.length > 0);
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", `#EXT-X-TARGETDURATION:${targetDurationSeconds(shape)}`, "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-INDEPENDENT-SEGMENTS"];
  pushWholeSegments(lines, listed);
  lines.push("#EXT-X-ENDLIST");
  return lines.join("\n") + "\n";
}
