/**
 * Just enough ISO-BMFF reading to state exact CODECS strings: the avcC box of an
 * H.264 init segment gives profile, constraint flags and level (avc1.PPCCLL);
 * the av1C box of an AV1 one gives profile, level, tier and bit depth
 * (av01.P.LLT.DD), and with a `colr` (nclx) box beside it the long form that
 * adds chroma layout and colour (…M.CCC.cp.tc.mc.F, which is how a rendition's
 * HDR transfer reaches the master, common/video-range.ts); the esds box of an AAC init segment gives the audio object
 * type (mp4a.40.N). Encrypted sample entries (`encv`, `enca`: CMAF cbcs) keep
 * the same layout and boxes, so the strings describe encrypted media too.
 */

const CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1", "avc3", "av01", "mp4a", "encv", "enca", "edts", "mvex"]);
/** Bytes before child boxes inside sample entries (visual: 78, audio: 28) and stsd (8). */
const HEADER_SKIP: Record<string, number> = { stsd: 8, avc1: 78, avc3: 78, av01: 78, mp4a: 28, encv: 78, enca: 28 };

function findBox(buf: Uint8Array, type: string, start = 0, end = buf.length): Uint8Array | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    const name = String.fromCharCode(buf[at + 4]!, buf[at + 5]!, buf[at + 6]!, buf[at + 7]!);
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) return null;
    if (name === type) return buf.subarray(at + header, at + size);
    if (CONTAINERS.has(name)) {
      const inner = findBox(buf, type, at + header + (HEADER_SKIP[name] ?? 0), at + size);
      if (inner) return inner;
    }
    at += size;
  }
  return null;
}

const hex = (n: number) => n.toString(16).padStart(2, "0");

/** `avc1.PPCCLL` from an init segment's avcC box, or null when it has none. */
export function avcCodecString(init: Uint8Array): string | null {
  const avcC = findBox(init, "avcC");
  if (!avcC || avcC.length < 4) return null;
  return `avc1.${hex(avcC[1]!)}${hex(avcC[2]!)}${hex(avcC[3]!)}`;
}

/**
 * `av01.P.LLT.DD` (AV1 codecs parameter, AV1-ISOBMFF §5) from an init segment's
 * av1C box, or null; the long form `av01.P.LLT.DD.M.CCC.cp.tc.mc.F` when the
 * sample entry's `colr` box states the colour (nclx with known primaries,
 * transfer and matrix: ffmpeg writes one when the stream is tagged).
 */
export function av1CodecString(init: Uint8Array): string | null {
  const av1C = findBox(init, "av1C");
  if (!av1C || av1C.length < 4 || (av1C[0]! & 0x80) === 0) return null;
  const profile = av1C[1]! >> 5;
  const level = av1C[1]! & 0x1f;
  const tier = av1C[2]! & 0x80 ? "H" : "M";
  const highBitdepth = (av1C[2]! & 0x40) !== 0;
  const twelveBit = (av1C[2]! & 0x20) !== 0;
  const bitDepth = highBitdepth ? (twelveBit ? 12 : 10) : 8;
  const short = `av01.${profile}.${String(level).padStart(2, "0")}${tier}.${String(bitDepth).padStart(2, "0")}`;
  const colour = nclx(init);
  if (!colour) return short;
  const monochrome = (av1C[2]! >> 4) & 1;
  const chroma = `${(av1C[2]! >> 3) & 1}${(av1C[2]! >> 2) & 1}${av1C[2]! & 3}`;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${short}.${monochrome}.${chroma}.${two(colour.primaries)}.${two(colour.transfer)}.${two(colour.matrix)}.${colour.fullRange ? 1 : 0}`;
}

/** The `colr` box's nclx colour description, or null when absent or unspecified (2 = unspecified in ISO 23091-2). */
function nclx(init: Uint8Array): { primaries: number; transfer: number; matrix: number; fullRange: boolean } | null {
  const colr = findBox(init, "colr");
  if (!colr || colr.length < 11 || String.fromCharCode(colr[0]!, colr[1]!, colr[2]!, colr[3]!) !== "nclx") return null;
  const view = new DataView(colr.buffer, colr.byteOffset, colr.byteLength);
  const primaries = view.getUint16(4), transfer = view.getUint16(6), matrix = view.getUint16(8);
  if ([primaries, transfer, matrix].some((v) => v === 2 || v > 255)) return null;
  return { primaries, transfer, matrix, fullRange: (colr[10]! & 0x80) !== 0 };
}

/** `mp4a.40.N` from an init segment's esds box (N = AAC audio object type), or null. */
export function aacCodecString(init: Uint8Array): string | null {
  const esds = findBox(init, "esds");
  if (!esds) return null;
  // Walk descriptors: ES (0x03) → DecoderConfig (0x04) → DecoderSpecificInfo (0x05).
  let at = 4; // version + flags
  const readLength = () => {
    let len = 0;
    for (let i = 0; i < 4; i++) {
      const b = esds[at++]!;
      len = (len << 7) | (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    return len;
  };
  while (at < esds.length) {
    const tag = esds[at++]!;
    const len = readLength();
    if (tag === 0x03) {
      const flags = esds[at + 2]!;
      at += 3 + (flags & 0x80 ? 2 : 0) + (flags & 0x40 ? 1 + esds[at + 3]! : 0) + (flags & 0x20 ? 2 : 0);
    } else if (tag === 0x04) {
      const objectType = esds[at]!;
      at += 13;
      if (objectType !== 0x40) return `mp4a.${hex(objectType)}`;
    } else if (tag === 0x05) {
      let aot = esds[at]! >> 3;
      if (aot === 31) aot = 32 + (((esds[at]! & 0x07) << 3) | (esds[at + 1]! >> 5));
      return `mp4a.40.${aot}`;
    } else at += len;
  }
  return null;
}
