import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { subtitlePrefs } from "../../common/schemas.ts";
import { DEFAULT_SUBTITLES, SUBTITLE_BACKGROUNDS, SUBTITLE_SIZES, sanitizeSubtitlePrefs } from "../../common/subtitles.ts";

const valid = fc.record({
  language: fc.constantFrom(null, "en", "fr", "pt-BR", "zh-Hant-TW"),
  size: fc.constantFrom(...SUBTITLE_SIZES),
  background: fc.constantFrom(...SUBTITLE_BACKGROUNDS),
});

describe("subtitle preferences (common/subtitles.ts, common/schemas.ts)", () => {
  it("the Worker's schema and the player's sanitizer keep every valid preference as it is", () => {
    fc.assert(
      fc.property(valid, (prefs) => {
        expect(subtitlePrefs.parse(prefs)).toEqual(prefs);
        expect(sanitizeSubtitlePrefs(prefs)).toEqual(prefs);
      }),
    );
  });

  it("missing fields take the defaults on both sides", () => {
    expect(subtitlePrefs.parse({})).toEqual(DEFAULT_SUBTITLES);
    expect(sanitizeSubtitlePrefs({})).toEqual(DEFAULT_SUBTITLES);
    expect(sanitizeSubtitlePrefs(null)).toEqual(DEFAULT_SUBTITLES);
  });

  it("the schema refuses a bad field; the sanitizer replaces only that field", () => {
    for (const [bad, fixed] of [
      [{ language: "English", size: "large", background: "solid" }, { language: null, size: "large", background: "solid" }],
      [{ language: "fr", size: "huge", background: "solid" }, { language: "fr", size: "medium", background: "solid" }],
      [{ language: "fr", size: "small", background: 3 }, { language: "fr", size: "small", background: "semi" }],
    ] as const) {
      expect(subtitlePrefs.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      expect(sanitizeSubtitlePrefs(bad)).toEqual(fixed);
    }
  });
});
