/** The player's pure modules (client/src/player/*, data/progress.ts): trickplay VTT, shortcuts, clock times, stored prefs, error wording, device names. */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { deviceName } from "../../client/src/data/device.ts";
import { setLocale } from "../../client/src/i18n/index.ts";
import { apiProblem, hlsProblem } from "../../client/src/player/errors.ts";
import { actionForKey, SHORTCUTS } from "../../client/src/player/keyboard.ts";
import { DEFAULT_PREFS, sanitizePrefs } from "../../client/src/player/prefs.ts";
import { formatTime, spokenTime } from "../../client/src/player/time.ts";
import { cueAt, parseTimestamp, parseTrickplayVtt } from "../../client/src/player/trickplay.ts";
import { trickplayVtt } from "../../tools/ingest/playlists.ts";

const BASE = "https://cdn.example/cdn/a/TOKEN/asset/trickplay/thumbs.vtt";

describe("trickplay WebVTT", () => {
  it("parses what the ingest tool writes: one cue per interval, tiles laid out row by row, sheets resolved against the VTT", () => {
    const spec = { intervalSeconds: 2, tileWidth: 160, tileHeight: 90, columns: 5, rows: 5 };
    const { vtt } = trickplayVtt(60, spec);
    const cues = parseTrickplayVtt(vtt, BASE);
    expect(cues).toHaveLength(30);
    expect(cues[0]).toEqual({ startS: 0, endS: 2, sheetUrl: "https://cdn.example/cdn/a/TOKEN/asset/trickplay/sprite_0001.jpg", x: 0, y: 0, w: 160, h: 90 });
    expect(cues[6]).toMatchObject({ startS: 12, x: 160, y: 90 });
    expect(cues[25]).toMatchObject({ startS: 50, x: 0, y: 0, sheetUrl: expect.stringMatching(/sprite_0002\.jpg$/) });
  });

  it("skips cues without a #xywh fragment or with broken timings, and accepts CRLF and hours-less stamps", () => {
    const text = "WEBVTT\r\n\r\n1\r\n00:01.000 --> 00:03.000\r\nsheet.jpg#xywh=1,2,3,4\r\n\r\nbroken --> line\r\nx.jpg#xywh=0,0,1,1\r\n\r\n00:00:03.000 --> 00:00:05.000\r\nno-fragment.jpg\r\n";
    expect(parseTrickplayVtt(text, BASE)).toEqual([{ startS: 1, endS: 3, sheetUrl: "https://cdn.example/cdn/a/TOKEN/asset/trickplay/sheet.jpg", x: 1, y: 2, w: 3, h: 4 }]);
    expect(parseTimestamp("01:02:03.5")).toBe(3723.5);
  });

  it("cueAt finds the cue covering a time (property: the answer starts at or before t, and the next one after it)", () => {
    const cues = parseTrickplayVtt(trickplayVtt(300, { intervalSeconds: 10, tileWidth: 160, tileHeight: 90, columns: 5, rows: 5 }).vtt, BASE);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 299.999, noNaN: true }), (t) => {
        const cue = cueAt(cues, t)!;
        const i = cues.indexOf(cue);
        expect(cue.startS).toBeLessThanOrEqual(t);
        if (i + 1 < cues.length) expect(cues[i + 1]!.startS).toBeGreaterThan(t);
      }),
    );
    expect(cueAt(cues, -5)).toBe(cues[0]);
    expect(cueAt([], 3)).toBeUndefined();
  });
});

describe("keyboard shortcuts", () => {
  it("map the documented keys to actions and ignore modified keys", () => {
    expect(actionForKey({ key: " " })).toEqual({ kind: "toggle-play" });
    expect(actionForKey({ key: "k" })).toEqual({ kind: "toggle-play" });
    expect(actionForKey({ key: "Enter" })).toEqual({ kind: "toggle-play" });
    expect(actionForKey({ key: "j" })).toEqual({ kind: "seek-by", seconds: -10 });
    expect(actionForKey({ key: "L" })).toEqual({ kind: "seek-by", seconds: 10 });
    expect(actionForKey({ key: "ArrowLeft" })).toEqual({ kind: "seek-by", seconds: -5 });
    expect(actionForKey({ key: "ArrowUp" })).toEqual({ kind: "volume-by", delta: 0.05 });
    expect(actionForKey({ key: "f" })).toEqual({ kind: "toggle-fullscreen" });
    expect(actionForKey({ key: "m" })).toEqual({ kind: "toggle-mute" });
    expect(actionForKey({ key: "c" })).toEqual({ kind: "toggle-captions" });
    expect(actionForKey({ key: "?" })).toEqual({ kind: "toggle-help" });
    expect(actionForKey({ key: "7" })).toEqual({ kind: "seek-to-fraction", fraction: 0.7 });
    expect(actionForKey({ key: "f", ctrlKey: true })).toBeNull();
    expect(actionForKey({ key: "l", metaKey: true })).toBeNull();
    expect(actionForKey({ key: "x" })).toBeNull();
  });

  it("no key is bound twice", () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("times", () => {
  it("read as a clock and aloud", () => {
    expect(formatTime(7.9)).toBe("0:07");
    expect(formatTime(754)).toBe("12:34");
    expect(formatTime(3723)).toBe("1:02:03");
    expect(formatTime(Number.NaN)).toBe("0:00");
    expect(formatTime(-3)).toBe("0:00");
    expect(spokenTime(3661)).toBe("1 hour 1 minute 1 second");
    expect(spokenTime(0)).toBe("0 seconds");
  });
});

describe("stored player preferences", () => {
  it("keep valid values and replace anything else with defaults", () => {
    expect(sanitizePrefs({ volume: 0.4, muted: true, speed: 1.5, qualityHeight: 720, audioLanguage: "fr", subtitles: { language: "en", size: "large", background: "solid" } })).toEqual({
      volume: 0.4, muted: true, speed: 1.5, qualityHeight: 720, audioLanguage: "fr", subtitles: { language: "en", size: "large", background: "solid" },
    });
    expect(sanitizePrefs({ volume: 7, muted: "yes", speed: 3, qualityHeight: -1, audioLanguage: "<b>", subtitles: { language: 5, size: "huge", background: null } })).toEqual(DEFAULT_PREFS);
    expect(sanitizePrefs(null)).toEqual(DEFAULT_PREFS);
    fc.assert(fc.property(fc.anything(), (raw) => {
      const p = sanitizePrefs(raw);
      expect(p.volume).toBeGreaterThanOrEqual(0);
      expect(p.volume).toBeLessThanOrEqual(1);
      expect(["small", "medium", "large"]).toContain(p.subtitles.size);
    }));
  });
});

/** What data/api.ts throws: an Error with the HTTP status and the server's code. */
const apiError = (status: number, code: string) => Object.assign(new Error(code), { status, code });

describe("problems in words", () => {
  // As the app does before its first render (main.tsx): no dictionary is built in.
  beforeAll(() => setLocale("en"));
  it("each refusal of the playback API has its own headline; a policy refusal offers no retry", () => {
    const region = apiProblem(apiError(403, "region_restricted"));
    expect(region).toMatchObject({ title: "Not available in your region", retry: false, code: "region_restricted" });
    expect(apiProblem(apiError(403, "maturity_restricted")).title).toBe("Not available on this profile");
    expect(apiProblem(apiError(503, "playback_unavailable")).retry).toBe(true);
    expect(apiProblem(apiError(500, "boom")).retry).toBe(true);
    expect(apiProblem(new TypeError("Failed to fetch")).code).toBe("network");
  });

  it("fatal hls.js errors: the media route's JSON code wins, then the HTTP status, then the kind", () => {
    const withBody = hlsProblem({ type: "networkError", details: "fragLoadError", response: { code: 403, text: "" }, networkDetails: { responseText: '{"error":{"code":"token_expired"}}' } } as never);
    expect(withBody).toMatchObject({ code: "token_expired", retry: true });
    expect(hlsProblem({ type: "networkError", details: "manifestLoadError", response: { code: 503, text: "" } } as never).title).toBe("The video server is having trouble");
    expect(hlsProblem({ type: "networkError", details: "fragLoadTimeOut" } as never).title).toBe("The connection is too slow");
    expect(hlsProblem({ type: "mediaError", details: "manifestIncompatibleCodecsError" } as never).retry).toBe(false);
  });
});

describe("device names", () => {
  it("name TVs, phones and tablets by kind and computers by browser and OS", () => {
    expect(deviceName("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 Chrome/85 TV Safari/537.36")).toBe("TV");
    expect(deviceName("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1")).toBe("Phone");
    expect(deviceName("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36")).toBe("Phone");
    expect(deviceName("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1")).toBe("Tablet");
    expect(deviceName("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130 Safari/537.36")).toBe("Chrome on Linux");
    expect(deviceName("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130 Safari/537.36 Edg/130")).toBe("Edge on Windows");
    expect(deviceName("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17 Safari/605.1.15")).toBe("Safari on Mac");
  });
});
