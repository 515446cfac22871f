/**
 * The premiere's playlist at clock time T, over any VOD playlist the generator
 * makes (1–40 segments of 0.02–6 s, 1–4 plays, any window) and any instants:
 * every playlist parses with hls-parser in strict mode; the media sequence never
 * goes back as T advances; no segment listed ends after T; each PROGRAM-DATE-TIME
 * is the scheduled start plus the segment's offset; ENDLIST only at the end.
 */
import fc from "fast-check";
import HLS from "hls-parser";
import { describe, expect, it } from "vitest";
import { parseVodPlaylist, premiereEndMs, premierePlaylistAt, publishedCount, segmentPublished, type VodPlaylist } from "../../../worker/schedule/premiere-playlist.ts";

HLS.setOptions({ strictMode: true });

const START_MS = 1_900_000_000_000;

/** A VOD rendition playlist as ingest writes it (MAP, KEY, EXTINF with microseconds). */
function vodText(durations: number[]): string {
  const target = Math.max(1, Math.ceil(Math.max(...durations)));
  return [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    '#EXT-X-MAP:URI="init.mp4"',
    '#EXT-X-KEY:METHOD=SAMPLE-AES,KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1",KEYID=0x1c0fc3303b4b8c2573b743e15d89f101,URI="/api/licence?kid=1c0fc3303b4b8c2573b743e15d89f101"',
    ...durations.flatMap((d, i) => [`#EXTINF:${d.toFixed(6)},`, `seg_${String(i).padStart(5, "0")}.m4s`]),
    "#EXT-X-ENDLIST",
    "",
  ].join("\n");
}

const premiere = fc.record({
  durations: fc.array(fc.integer({ min: 20, max: 6000 }).map((ms) => ms / 1000), { minLength: 1, maxLength: 40 }),
  loops: fc.integer({ min: 1, max: 4 }),
  windowSeconds: fc.integer({ min: 1, max: 120 }),
});

function setup(p: { durations: number[]; loops: number; windowSeconds: number }) {
  const vod = parseVodPlaylist(vodText(p.durations)) as VodPlaylist;
  return { vod, clock: { startMs: START_MS, loops: p.loops, windowSeconds: p.windowSeconds } };
}

/** Instants from a little before the start to a little after the end, sorted. */
const instants = (vod: VodPlaylist, loops: number) =>
  fc.array(fc.integer({ min: -5_000, max: vod.totalMs * loops + 10_000 }), { minLength: 1, maxLength: 25 }).map((xs) => xs.sort((a, b) => a - b));

describe("premierePlaylistAt", () => {
  it("parses every VOD playlist the generator writes, keeping every segment and the header", () => {
    fc.assert(
      fc.property(premiere, (p) => {
        const { vod } = setup(p);
        expect(vod.segments.length).toBe(p.durations.length);
        expect(vod.header.some((t) => t.startsWith("#EXT-X-MAP:"))).toBe(true);
        expect(vod.header.some((t) => t.startsWith("#EXT-X-PLAYLIST-TYPE"))).toBe(false);
      }),
    );
  });

  it("serves a playlist that parses in strict mode, lists no segment ending after T, with PDT = start + offset, at every instant", () => {
    fc.assert(
      fc.property(
        premiere.chain((p) => {
          const { vod } = setup(p);
          return fc.tuple(fc.constant(p), instants(vod, p.loops));
        }),
        ([p, times]) => {
          const { vod, clock } = setup(p);
          const n = vod.segments.length;
          const prefix = [0];
          for (const s of vod.segments) prefix.push(prefix.at(-1)! + s.durationMs);
          let lastSequence = -1;
          let lastPublished = -1;
          for (const offset of times) {
            const now = START_MS + offset;
            const snapshot = premierePlaylistAt(vod, clock, now);
            if (offset < 0) {
              expect(snapshot).toBeNull();
              continue;
            }
            const playlist = HLS.parse(snapshot!.text) as HLS.types.MediaPlaylist;
            expect(playlist.isMasterPlaylist).toBe(false);
            // Monotonic in T: the media sequence and what is published never go back.
            expect(playlist.mediaSequenceBase).toBeGreaterThanOrEqual(lastSequence);
            expect(snapshot!.published).toBeGreaterThanOrEqual(lastPublished);
            lastSequence = playlist.mediaSequenceBase ?? 0;
            lastPublished = snapshot!.published;
            const ended = now >= premiereEndMs(vod, clock);
            expect(playlist.endlist).toBe(ended);
            expect(snapshot!.ended).toBe(ended);
            playlist.segments.forEach((segment, k) => {
              const g = snapshot!.mediaSequence + k;
              const beginMs = Math.floor(g / n) * vod.totalMs + prefix[g % n]!;
              // PDT is the scheduled start plus the segment's offset on the premiere's timeline.
              expect(segment.programDateTime!.getTime()).toBe(START_MS + beginMs);
              // Nothing beyond "now": the whole segment lies in the past.
              expect(START_MS + beginMs + vod.segments[g % n]!.durationMs).toBeLessThanOrEqual(now);
              expect(segment.uri).toBe(vod.segments[g % n]!.uri);
              expect(Boolean(segment.discontinuity)).toBe(g % n === 0 && k > 0);
            });
            // The live point is right: the next segment would end after now.
            if (!ended) expect(snapshot!.nextChangeMs!).toBeGreaterThan(now);
            expect(playlist.segments.length).toBe(snapshot!.published - snapshot!.mediaSequence);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("keeps at least the window (or three target durations) behind the live point", () => {
    fc.assert(
      fc.property(premiere, fc.double({ min: 0, max: 1, noNaN: true }), (p, at) => {
        const { vod, clock } = setup(p);
        const now = START_MS + Math.floor(at * vod.totalMs * p.loops);
        const snapshot = premierePlaylistAt(vod, clock, now)!;
        const listed = (HLS.parse(snapshot.text) as HLS.types.MediaPlaylist).segments;
        const seconds = listed.reduce((s, x) => s + x.duration, 0);
        const wanted = Math.max(p.windowSeconds, 3 * vod.targetDurationSeconds);
        // Either everything published so far is listed, or at least the window is.
        if (snapshot.mediaSequence > 0) expect(seconds).toBeGreaterThanOrEqual(wanted - vod.targetDurationSeconds - 0.001);
      }),
    );
  });

  it("refuses a segment until the playlist has published it, and every segment once it has", () => {
    fc.assert(
      fc.property(premiere, fc.double({ min: 0, max: 1.1, noNaN: true }), (p, at) => {
        const { vod, clock } = setup(p);
        const now = START_MS + Math.floor(at * vod.totalMs);
        const published = publishedCount(vod, clock, now);
        vod.segments.forEach((s, i) => expect(segmentPublished(vod, clock, s.uri, now)).toBe(i < published));
        expect(segmentPublished(vod, clock, "init.mp4", now)).toBeUndefined();
      }),
    );
  });

  it("refuses what is not a VOD media playlist", () => {
    expect(parseVodPlaylist("")).toBeNull();
    expect(parseVodPlaylist("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-ENDLIST\n")).toBeNull();
    expect(parseVodPlaylist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nvideo/360p/index.m3u8\n")).toBeNull();
    expect(parseVodPlaylist("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:x,\na.m4s\n")).toBeNull();
  });
});
