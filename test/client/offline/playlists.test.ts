import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { offlineMaster, offlinePlaylist, playlistUris, resolvePath, startFiles } from "../../../client/src/offline/playlists.ts";

const PLAYLIST = [
  "#EXTM3U",
  "#EXT-X-VERSION:7",
  "#EXT-X-TARGETDURATION:4",
  '#EXT-X-KEY:METHOD=SAMPLE-AES,KEYFORMAT="org.w3.clearkey",KEYID=0x00112233445566778899aabbccddeeff,URI="data:text/plain;base64,AA=="',
  '#EXT-X-MAP:URI="init.mp4"',
  "#EXTINF:4.000,",
  "seg_00001.m4s",
  "#EXTINF:3.200,",
  "seg_00002.m4s",
  "#EXT-X-ENDLIST",
  "",
].join("\n");

describe("a download's playlists", () => {
  it("names the init segment and every segment, and is stored without its key lines", () => {
    expect(playlistUris(PLAYLIST)).toEqual(["init.mp4", "seg_00001.m4s", "seg_00002.m4s"]);
    const stored = offlinePlaylist(PLAYLIST);
    expect(stored).not.toContain("#EXT-X-KEY");
    expect(playlistUris(stored)).toEqual(playlistUris(PLAYLIST));
    expect(resolvePath("video/540p/index.m3u8", "seg_00001.m4s")).toBe("video/540p/seg_00001.m4s");
    expect(resolvePath("subtitles/en/index.m3u8", "../../subtitles/en/0.vtt")).toBe("subtitles/en/0.vtt");
  });

  it("lists every URI line and map of any playlist, whatever comments surround them", () => {
    const uri = fc.stringMatching(/^[a-z0-9_]{1,12}\.(m4s|mp4|vtt)$/);
    const line = fc.oneof(uri.map((u) => ({ uri: u, text: u })), uri.map((u) => ({ uri: u, text: `#EXT-X-MAP:URI="${u}"` })), fc.stringMatching(/^#EXT[A-Z-]{0,12}(:[0-9.,]{0,8})?$/).map((c) => ({ uri: null, text: c })), fc.constant({ uri: null, text: "" }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.map((l) => l.text).join("\n");
        expect(playlistUris(text)).toEqual(lines.flatMap((l) => (l.uri ? [l.uri] : [])));
      }),
    );
  });

  it("writes a master with the one rendition, its audio and its subtitles", () => {
    const master = offlineMaster({
      base: "/cdn/a/t/f/",
      tokenExpiresAt: 0,
      assetId: "a",
      durationSeconds: 10,
      sizeBytes: 1,
      video: { path: "video/540p/index.m3u8", codecs: "avc1.64001f", width: 960, height: 540, frameRate: 25, bandwidthBps: 1_000_000, averageBandwidthBps: 800_000 },
      audio: { path: "audio/en/index.m3u8", codecs: "mp4a.40.2", language: "en", label: "English", channels: 2, bandwidthBps: 128_000 },
      subtitles: [{ path: "subtitles/fr/index.m3u8", language: "fr", label: "Français", isDefault: false, isForced: false }],
      markers: { introStart: null, introEnd: null, creditsStart: null },
    });
    expect(master).toContain('#EXT-X-STREAM-INF:BANDWIDTH=1128000,AVERAGE-BANDWIDTH=800000,RESOLUTION=960x540,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=25.000,AUDIO="aud",SUBTITLES="subs"\nvideo/540p/index.m3u8');
    expect(master).toContain('TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en/index.m3u8"');
    expect(master).toContain('TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",LANGUAGE="fr",DEFAULT=NO');
  });
});

describe("the offline start's first files", () => {
  it("are every playlist and the first two files each media playlist lists (init, first segment)", () => {
    // The downloader's plan: the master, then each playlist followed by its files in order.
    const plan = [
      "master.m3u8",
      "video/540p/index.m3u8", "video/540p/init.mp4", "video/540p/seg_00000.m4s", "video/540p/seg_00001.m4s", "video/540p/seg_00002.m4s",
      "audio/en/index.m3u8", "audio/en/init.mp4", "audio/en/seg_00000.m4s", "audio/en/seg_00001.m4s",
      "subs/en/index.m3u8", "subs/en/seg_00000.vtt", "subs/en/seg_00001.vtt",
    ].map((path) => ({ path, done: true }));
    expect(startFiles(plan)).toEqual([
      "master.m3u8",
      "video/540p/index.m3u8", "video/540p/init.mp4", "video/540p/seg_00000.m4s",
      "audio/en/index.m3u8", "audio/en/init.mp4", "audio/en/seg_00000.m4s",
      "subs/en/index.m3u8", "subs/en/seg_00000.vtt", "subs/en/seg_00001.vtt",
    ]);
    expect(startFiles([])).toEqual([]);
  });
});
