import { describe, expect, it } from "vitest";
import { HotCache } from "../../../worker/lib/hot-cache.ts";

describe("HotCache", () => {
  it("answers until an entry's own time to live, then forgets it", () => {
    const hot = new HotCache<string>(1000);
    hot.set("part", "a", 10, 4000, 0);
    hot.set("playlist", "b", 10, 1000, 0);
    expect(hot.get("part", 999)).toBe("a");
    expect(hot.get("playlist", 999)).toBe("b");
    expect(hot.get("playlist", 1000)).toBeUndefined();
    expect(hot.get("part", 3999)).toBe("a");
    expect(hot.get("part", 4000)).toBeUndefined();
    expect(hot.size).toEqual({ entries: 0, bytes: 0 });
  });

  it("stays within its byte budget: expired entries go first, then the oldest", () => {
    const hot = new HotCache<string>(100);
    hot.set("old", "1", 40, 10_000, 0);
    hot.set("short", "2", 40, 10, 0);
    hot.set("new", "3", 40, 10_000, 50); // 120 bytes: "short" has expired and goes
    expect(hot.get("old", 50)).toBe("1");
    expect(hot.get("short", 50)).toBeUndefined();
    hot.set("newer", "4", 40, 10_000, 60); // 120 bytes again: the oldest live one goes
    expect(hot.get("old", 60)).toBeUndefined();
    expect(hot.get("new", 60)).toBe("3");
    expect(hot.get("newer", 60)).toBe("4");
    expect(hot.size.bytes).toBe(80);
  });

  it("keeps nothing larger than its budget, nothing with no time to live, and one entry per key", () => {
    const hot = new HotCache<string>(100);
    hot.set("huge", "x", 101, 1000, 0);
    hot.set("uncacheable", "y", 1, 0, 0);
    hot.set("k", "first", 30, 1000, 0);
    hot.set("k", "second", 50, 1000, 0);
    expect(hot.get("huge", 1)).toBeUndefined();
    expect(hot.get("uncacheable", 0)).toBeUndefined();
    expect(hot.get("k", 1)).toBe("second");
    expect(hot.size).toEqual({ entries: 1, bytes: 50 });
  });
});
