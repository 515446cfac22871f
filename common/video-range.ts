/**
 * A video rendition's dynamic range (HLS `VIDEO-RANGE`), read from its exact
 * CODECS string. Ingest writes the long AV1 form (`av01.P.LLT.DD.M.CCC.cp.tc.mc.F`,
 * AV1-ISOBMFF §5) whenever the init segment carries its colour description, so
 * the transfer characteristics travel with the rendition's D1 row and the Worker
 * renders `VIDEO-RANGE` without a column of its own; the ingest master, the
 * Worker's master and the player all read it here, the same way.
 */

/** HLS VIDEO-RANGE values (RFC 8216bis): SDR, PQ (SMPTE ST 2084, HDR10) and HLG (ARIB STD-B67). */
export type VideoRange = "SDR" | "PQ" | "HLG";

/** AV1/ISO 23091-2 transfer characteristics: 16 is SMPTE ST 2084 (PQ), 18 is ARIB STD-B67 (HLG). */
const TRANSFER_RANGE: Record<number, VideoRange> = { 16: "PQ", 18: "HLG" };

/**
 * The dynamic range a CODECS list declares: PQ or HLG when a long-form AV1 entry
 * names that transfer, else SDR (short forms, H.264 and audio say nothing, and
 * nothing unsaid is HDR).
 */
export function videoRangeOf(codecs: string): VideoRange {
  for (const codec of codecs.split(",")) {
    const parts = codec.trim().split(".");
    if (parts[0] !== "av01" || parts.length < 8) continue;
    const range = TRANSFER_RANGE[Number(parts[7])];
    if (range) return range;
  }
  return "SDR";
}

/** Whether a range needs an HDR display (and decoder) to look right. */
export function isHdrRange(range: VideoRange): boolean {
  return range !== "SDR";
}
