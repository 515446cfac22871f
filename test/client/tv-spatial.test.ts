/** TV mode's pure parts (client/src/tv/): the D-pad geometry and how TV mode is chosen. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTvUserAgent, parseTvParam, resolveTvMode } from "../../client/src/tv/mode.ts";
import { columnOf, isInDirection, pickNext, type Box } from "../../client/src/tv/spatial.ts";

const box = (left: number, top: number, width = 100, height = 150): Box => ({ left, top, width, height });
/** A row of `n` tiles 100 px wide with 20 px gaps, starting at x = `x0`. */
const row = (top: number, n: number, x0 = 0, width = 100, height = 150) => Array.from({ length: n }, (_, i) => box(x0 + i * (width + 20), top, width, height));

describe("spatial navigation", () => {
  it("right and left move to the neighbour in the same row, not to a closer-looking tile in the next row", () => {
    const tiles = [...row(0, 5), ...row(200, 5, 60)];
    expect(pickNext(tiles[1]!, tiles, "right")).toBe(2);
    expect(pickNext(tiles[1]!, tiles, "left")).toBe(0);
    // At the end of a row there is nowhere to go sideways.
    expect(pickNext(tiles[4]!, tiles, "right")).toBe(-1);
    expect(pickNext(tiles[5]!, tiles, "left")).toBe(-1);
  });

  it("down goes to the nearest row, to the tile under the current one", () => {
    const tiles = [...row(0, 5), ...row(200, 5), ...row(400, 5)];
    expect(pickNext(tiles[3]!, tiles, "down")).toBe(8);
    expect(pickNext(tiles[8]!, tiles, "up")).toBe(3);
    expect(pickNext(tiles[13]!, tiles, "down")).toBe(-1);
  });

  it("up/down keep the remembered column across a narrower row in between", () => {
    // A wide row, then a row with one button on the left, then a wide row again.
    const top = row(0, 6);
    const button = box(0, 200, 160, 40);
    const bottom = row(300, 6);
    const all = [...top, button, ...bottom];
    const column = columnOf(top[4]!);
    const toButton = pickNext(top[4]!, all, "down", column);
    expect(toButton).toBe(6);
    // Without memory, from the button, down would land under the button; with it, back in column 4.
    expect(pickNext(button, all, "down")).toBe(7);
    expect(pickNext(button, all, "down", column)).toBe(7 + 4);
  });

  it("a scaled-up focused tile overlapping its neighbours a little still finds them", () => {
    const tiles = row(0, 3);
    const focused = { left: 116, top: -6, width: 108, height: 162 };
    expect(pickNext(focused, tiles, "right")).toBe(2);
    expect(pickNext(focused, tiles, "left")).toBe(0);
  });

  it("property: whatever is picked lies in the asked direction, and something is picked when a box lies fully that way", () => {
    const arbBox = fc.record({ left: fc.integer({ min: 0, max: 1800 }), top: fc.integer({ min: 0, max: 3000 }), width: fc.integer({ min: 20, max: 400 }), height: fc.integer({ min: 20, max: 400 }) });
    let picked = 0;
    let mustPick = 0;
    fc.assert(
      fc.property(arbBox, fc.array(arbBox, { maxLength: 30 }), fc.constantFrom("up", "down", "left", "right" as const), (from, others, direction) => {
        const i = pickNext(from, others, direction);
        if (i >= 0) {
          expect(isInDirection(from, others[i]!, direction)).toBe(true);
          picked++;
        }
        const vertical = direction === "up" || direction === "down";
        const fullyAway = others.some((b) =>
          vertical
            ? (direction === "down" ? b.top >= from.top + from.height : b.top + b.height <= from.top)
            : (direction === "right" ? b.left >= from.left + from.width : b.left + b.width <= from.left) &&
              Math.min(b.top + b.height, from.top + from.height) - Math.max(b.top, from.top) > 0,
        );
        if (fullyAway) {
          expect(i).toBeGreaterThanOrEqual(0);
          mustPick++;
        }
      }),
    );
    // Neither conditional check may pass vacuously over the whole run.
    expect(picked, "runs where something was picked").toBeGreaterThan(0);
    expect(mustPick, "runs with a box fully in the asked direction").toBeGreaterThan(0);
  });
});

describe("choosing TV mode", () => {
  it("recognises TV browsers' user agents and not desktop or phone ones", () => {
    for (const ua of [
      "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36",
      "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36",
      "Mozilla/5.0 (Linux; Andr0id 9; BRAVIA 4K UR2 Build/PTT1.190515.001.S52) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0 Mobile Safari/537.36",
      "Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36 CrKey/1.54.250320",
      "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.85 Mobile Safari/537.36",
      "Mozilla/5.0 (Linux; Android 12; Android TV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0 Safari/537.36",
    ]) expect(isTvUserAgent(ua), ua).toBe(true);
    for (const ua of [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
    ]) expect(isTvUserAgent(ua), ua).toBe(false);
  });

  it("?tv= wins and is stored, a stored choice comes next, detection last; ?tv=auto forgets", () => {
    const desktop = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0";
    expect(resolveTvMode({ param: "1", stored: "0", screenIsTv: false, userAgent: desktop })).toEqual({ tv: true, store: "1" });
    expect(resolveTvMode({ param: "0", stored: null, screenIsTv: true, userAgent: desktop })).toEqual({ tv: false, store: "0" });
    expect(resolveTvMode({ param: null, stored: "1", screenIsTv: false, userAgent: desktop })).toEqual({ tv: true, store: undefined });
    expect(resolveTvMode({ param: null, stored: "0", screenIsTv: true, userAgent: desktop })).toEqual({ tv: false, store: undefined });
    expect(resolveTvMode({ param: null, stored: null, screenIsTv: true, userAgent: desktop })).toEqual({ tv: true, store: undefined });
    expect(resolveTvMode({ param: "auto", stored: "1", screenIsTv: false, userAgent: desktop })).toEqual({ tv: false, store: null });
    expect(resolveTvMode({ param: "banana", stored: null, screenIsTv: false, userAgent: "Mozilla/5.0 (SMART-TV; Tizen 6.0)" })).toEqual({ tv: true, store: undefined });
    expect(parseTvParam("")).toBe("on");
  });
});
