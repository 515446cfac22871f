/**
 * The LL-HLS playlist renderer over every channel state the generator can make
 * (part durations up to PART-TARGET, 1–6 parts a segment, encoder restarts,
 * DVR windows, delta updates, the end): every playlist parses with hls-parser in
 * strict mode and keeps the rules a player relies on.
 */
import fc from "fast-check";
import HLS from "hls-parser";
import { describe, expect, it } from "vitest";
import { lastPosition, reaches, renderLivePlaylist, renderRecording, type LiveSegment } from "../../../worker/live/playlist.ts";

HLS.setOptions({ strictMode: true });

const channelState = fc
  .record({
    partTargetSeconds: fc.constantFrom(0.5, 1, 1.001, 2),
    partsPerSegment: fc.integer({ min: 1, max: 6 }),
    dvrWindowSeconds: fc.integer({ min: 1, max: 120 }),
    ended: fc.boolean(),
    skip: fc.boolean(),
    segments: fc.array(
      fc.record({ fill: fc.double({ min: 0.05, max: 1, noNaN: true }), parts: fc.integer({ min: 1, max: 6 }), restart: fc.boolean() }),
      { minLength: 1, maxLength: 60 },
    ),
    openParts: fc.integer({ min: 0, max: 6 }),
  })
  .map((g) => {
    let init = 0;
    let pdtMs = 1_800_000_000_000;
    const segments: LiveSegment[] = g.segments.map((s, i) => {
      // An open segment has room left (the channel closes a segment at its last part).
      const open = i === g.segments.length - 1 && g.openParts > 0 && g.partsPerSegment > 1 && !g.ended;
      const count = open ? Math.min(g.partsPerSegment - 1, g.openParts) : Math.min(g.partsPerSegment, s.parts);
      const restart = i > 0 && s.restart;
      if (restart) init++;
      // Only a closed segment's last part may be short (under 85 % of PART-TARGET); the channel closes a segment at a short part.
      const fill = (part: number) => (!open && part === count - 1 ? s.fill : 0.85 + 0.15 * s.fill);
      const parts = Array.from({ length: count }, (_, part) => ({ part, seconds: Math.max(0.001, Math.ceil(g.partTargetSeconds * fill(part) * 1000) / 1000) }));
      const seg = { msn: i, pdtMs, init, discontinuity: restart, closed: !open, parts };
      pdtMs += parts.reduce((n, p) => n + p.seconds * 1000, 0);
      return seg;
    });
    return { ...g, segments };
  });

describe("LL-HLS playlist rendering", () => {
  it("every rendered playlist parses strictly and keeps the LL-HLS rules", () => {
    fc.assert(
      fc.property(channelState, (g) => {
        const shape = { partTargetSeconds: g.partTargetSeconds, partsPerSegment: g.partsPerSegment, dvrWindowSeconds: g.dvrWindowSeconds, ended: g.ended };
        const full = HLS.parse(renderLivePlaylist({ segments: g.segments, shape })) as HLS.types.MediaPlaylist;
        const delta = HLS.parse(renderLivePlaylist({ segments: g.segments, shape, skip: g.skip })) as HLS.types.MediaPlaylist;
        expect(full.endlist).toBe(g.ended);
        // The newest segment is always listed, the window never empty.
        // (hls-parser puts a PRELOAD-HINT after a closed segment into a segment of its own: not a listed one.)
        const listed = full.segments.filter((s) => s.uri || s.parts.some((x) => !x.hint));
        expect(listed.at(-1)!.mediaSequenceNumber).toBe(g.segments.at(-1)!.msn);
        for (const p of [full, delta]) {
          expect(p.partTargetDuration).toBeCloseTo(g.partTargetSeconds, 3);
          p.segments.forEach((s) => {
            for (const part of s.parts.filter((x) => !x.hint)) expect(part.duration).toBeLessThanOrEqual(p.partTargetDuration!);
            if (s.duration !== undefined) expect(Math.round(s.duration)).toBeLessThanOrEqual(p.targetDuration);
            if (s.uri) expect(s.map?.uri).toBe(`init-${g.segments[s.mediaSequenceNumber]!.init}.mp4`);
          });
        }
        // Discontinuity sequence = restarts at or before the first listed segment.
        const first = full.segments[0]!.mediaSequenceNumber;
        expect(full.discontinuitySequenceBase).toBe(g.segments.filter((s) => s.msn <= first && s.discontinuity).length);
        // A delta update lists the same segments, minus those skipped.
        expect(delta.mediaSequenceBase).toBe(full.mediaSequenceBase);
        expect(delta.segments.map((s) => s.mediaSequenceNumber)).toEqual(full.segments.slice(delta.skip ?? 0).map((s) => s.mediaSequenceNumber));
        // The DVR window: older closed segments drop only while the rest covers the window.
        const listedSeconds = full.segments.reduce((n, s) => n + (s.duration ?? s.parts.reduce((m, x) => m + (x.duration ?? 0), 0)), 0);
        if (first > 0) expect(listedSeconds).toBeLessThanOrEqual(g.dvrWindowSeconds + g.partTargetSeconds * g.partsPerSegment + 0.01);
        // Blocking: the newest position is reached, the one after it is not (while live).
        const pos = lastPosition(g.segments)!;
        expect(reaches(g.segments, pos.msn, pos.part)).toBe(true);
        if (!g.segments.at(-1)!.closed) expect(reaches(g.segments, pos.msn, pos.part + 1)).toBe(false);
        // The recording lists every closed segment, as VOD.
        const vod = HLS.parse(renderRecording(g.segments, shape)) as HLS.types.MediaPlaylist;
        expect(vod.playlistType).toBe("VOD");
        expect(vod.segments.length).toBe(g.segments.filter((s) => s.closed).length);
      }),
    );
  });

  it("a standard (not low-latency) playlist lists closed segments only: no parts, hints, reports or server control", () => {
    fc.assert(
      fc.property(channelState, (g) => {
        const shape = { partTargetSeconds: g.partTargetSeconds, partsPerSegment: g.partsPerSegment, dvrWindowSeconds: g.dvrWindowSeconds, ended: g.ended, lowLatency: false };
        const text = renderLivePlaylist({ segments: g.segments, shape, skip: g.skip, reports: [{ name: "540p", lastMsn: 1, lastPart: 0 }] });
        expect(text).not.toMatch(/#EXT-X-(PART|PART-INF|PRELOAD-HINT|SERVER-CONTROL|RENDITION-REPORT|SKIP)[:\n]/);
        const p = HLS.parse(text) as HLS.types.MediaPlaylist;
        expect(p.endlist).toBe(g.ended);
        const closed = g.segments.filter((s) => s.closed);
        if (closed.length === 0) {
          expect(p.segments).toEqual([]);
          return;
        }
        // The newest closed segment is listed, every listed one with its date and whole duration.
        expect(p.segments.at(-1)!.mediaSequenceNumber).toBe(closed.at(-1)!.msn);
        for (const s of p.segments) {
          const source = g.segments[s.mediaSequenceNumber]!;
          expect(source.closed).toBe(true);
          expect(s.programDateTime?.getTime()).toBe(source.pdtMs);
          expect(s.duration).toBeCloseTo(source.parts.reduce((n, x) => n + x.seconds, 0), 2);
        }
      }),
    );
  });
});
