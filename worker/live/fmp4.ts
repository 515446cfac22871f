/**
 * Just enough ISO-BMFF (CMAF) reading for live ingest: an init segment's video
 * track (id, timescale, trex default duration) and a fragment's video duration
 * (the sum of its trun sample durations). The channel takes a part's duration
 * from the media itself, so any encoder that PUTs fMP4 fragments (our tool,
 * stock ffmpeg, OBS through ffmpeg) needs no side channel, and a body that is not
 * a fragment of the announced track is refused before anything is published.
 */

interface Box {
  type: string;
  /** The box's payload (after its header). */
  body: Uint8Array;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The boxes directly inside `buf`, or null when a size does not fit (truncated or not ISO-BMFF). */
export function boxes(buf: Uint8Array): Box[] | null {
  const out: Box[] = [];
  const v = view(buf);
  let at = 0;
  while (at < buf.length) {
    if (at + 8 > buf.length) return null;
    let size = v.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > buf.length) return null;
      const big = v.getBigUint64(at + 8);
      if (big > BigInt(buf.length)) return null;
      size = Number(big);
      header = 16;
    } else if (size === 0) size = buf.length - at;
    if (size < header || at + size > buf.length) return null;
    const type = String.fromCharCode(buf[at + 4]!, buf[at + 5]!, buf[at + 6]!, buf[at + 7]!);
    if (!/^[a-z0-9 ]{4}$/i.test(type)) return null;
    out.push({ type, body: buf.subarray(at + header, at + size) });
    at += size;
  }
  return out;
}

const child = (buf: Uint8Array, type: string) => boxes(buf)?.find((b) => b.type === type)?.body;
const children = (buf: Uint8Array, type: string) => boxes(buf)?.filter((b) => b.type === type).map((b) => b.body) ?? [];

/** What a fragment's duration is read with: the video track of the init segment. */
export interface VideoTrack {
  trackId: number;
  timescale: number;
  /** trex default_sample_duration (0 when absent). */
  defaultSampleDurationTicks: number;
}

/** The video track of an init segment (ftyp + moov), or null when it has none or is not an init segment. */
export function videoTrackOf(init: Uint8Array): VideoTrack | null {
  const top = boxes(init);
  if (!top || top[0]?.type !== "ftyp") return null;
  const moov = top.find((b) => b.type === "moov")?.body;
  if (!moov) return null;
  for (const trak of children(moov, "trak")) {
    const tkhd = child(trak, "tkhd");
    const mdia = child(trak, "mdia");
    const mdhd = mdia && child(mdia, "mdhd");
    const hdlr = mdia && child(mdia, "hdlr");
    if (!tkhd || !mdhd || !hdlr || hdlr.length < 12 || tkhd.length < 24 || mdhd.length < 24) continue;
    if (String.fromCharCode(...hdlr.subarray(8, 12)) !== "vide") continue;
    const trackId = view(tkhd).getUint32(tkhd[0] === 1 ? 20 : 12);
    const timescale = view(mdhd).getUint32(mdhd[0] === 1 ? 20 : 12);
    if (timescale === 0) return null;
    const mvex = child(moov, "mvex");
    const trex = mvex ? children(mvex, "trex").find((t) => t.length >= 24 && view(t).getUint32(4) === trackId) : undefined;
    return { trackId, timescale, defaultSampleDurationTicks: trex ? view(trex).getUint32(12) : 0 };
  }
  return null;
}

/** Sum of one traf's sample durations in ticks, or null when malformed. */
function trafTicks(traf: Uint8Array, track: VideoTrack): { trackId: number; ticks: number } | null {
  const tfhd = child(traf, "tfhd");
  if (!tfhd || tfhd.length < 8) return null;
  const tv = view(tfhd);
  const flags = tv.getUint32(0) & 0xffffff;
  const trackId = tv.getUint32(4);
  let at = 8 + (flags & 0x1 ? 8 : 0) + (flags & 0x2 ? 4 : 0);
  let defaultDuration = track.defaultSampleDurationTicks;
  if (flags & 0x8) {
    if (tfhd.length < at + 4) return null;
    defaultDuration = tv.getUint32(at);
  }
  let ticks = 0;
  for (const trun of children(traf, "trun")) {
    if (trun.length < 8) return null;
    const rv = view(trun);
    const rflags = rv.getUint32(0) & 0xffffff;
    const count = rv.getUint32(4);
    let p = 8 + (rflags & 0x1 ? 4 : 0) + (rflags & 0x4 ? 4 : 0);
    const per = (rflags & 0x100 ? 4 : 0) + (rflags & 0x200 ? 4 : 0) + (rflags & 0x400 ? 4 : 0) + (rflags & 0x800 ? 4 : 0);
    if (trun.length < p + count * per) return null;
    for (let i = 0; i < count; i++) {
      ticks += rflags & 0x100 ? rv.getUint32(p) : defaultDuration;
      p += per;
    }
  }
  return { trackId, ticks };
}

/**
 * The duration (seconds) of the video in one CMAF fragment (optional styp, then
 * moof + mdat pairs), or null when the body is not such a fragment or carries no
 * video of `track`.
 */
export function fragmentSeconds(fragment: Uint8Array, track: VideoTrack): number | null {
  const top = boxes(fragment);
  if (!top || top.length === 0) return null;
  if (!top.every((b) => b.type === "styp" || b.type === "moof" || b.type === "mdat" || b.type === "sidx" || b.type === "prft")) return null;
  const moofs = top.filter((b) => b.type === "moof");
  if (moofs.length === 0 || !top.some((b) => b.type === "mdat")) return null;
  let ticks = 0;
  for (const moof of moofs) {
    for (const traf of children(moof.body, "traf")) {
      const t = trafTicks(traf, track);
      if (!t) return null;
      if (t.trackId === track.trackId) ticks += t.ticks;
    }
  }
  return ticks > 0 ? ticks / track.timescale : null;
}
