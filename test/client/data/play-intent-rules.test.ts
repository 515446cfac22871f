/**
 * Playback prepared from tiles (client/src/data/play-intent-rules.ts): which connections
 * may prepare on a tile's intent, and what a link would play.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { intentMayPrepare, intentTarget } from "../../../client/src/data/play-intent-rules.ts";

const ORIGIN = "https://marquee.example";

describe("intentMayPrepare", () => {
  it("prepares where the browser says nothing, and on fast links without Save-Data", () => {
    expect(intentMayPrepare(undefined)).toBe(true);
    expect(intentMayPrepare({})).toBe(true);
    expect(intentMayPrepare({ saveData: false, effectiveType: "4g" })).toBe(true);
    expect(intentMayPrepare({ effectiveType: "3g" })).toBe(true);
  });
  it("prepares nothing with Save-Data, on a metered connection or 2g", () => {
    expect(intentMayPrepare({ saveData: true, effectiveType: "4g" })).toBe(false);
    expect(intentMayPrepare({ metered: true })).toBe(false);
    expect(intentMayPrepare({ effectiveType: "2g" })).toBe(false);
    expect(intentMayPrepare({ effectiveType: "slow-2g" })).toBe(false);
  });
});

describe("intentTarget", () => {
  it("reads a title page link and a watch link with its episode and start", () => {
    expect(intentTarget("/title/12", ORIGIN)).toEqual({ titleId: "12" });
    expect(intentTarget(`${ORIGIN}/watch/3?episode=41&t=90.5`, ORIGIN)).toEqual({ titleId: "3", episodeId: 41, startAt: 90.5 });
    expect(intentTarget("/watch/3?episode=x", ORIGIN)).toEqual({ titleId: "3" });
  });
  it("ignores other pages, other sites and malformed ids", () => {
    for (const href of ["/", "/browse", "/title/", "/title/1a", "/title/1/cast", "/person/4", "https://elsewhere.example/title/1", "http://[::1"]) {
      expect(intentTarget(href, ORIGIN), href).toBeNull();
    }
  });
  it("never throws, and names only a numeric title id", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webPath().map((p) => `/title${p}`), fc.webPath().map((p) => `/watch${p}`)), (href) => {
        const t = intentTarget(href, ORIGIN);
        if (t) expect(t.titleId).toMatch(/^\d+$/);
      }),
    );
  });
});
