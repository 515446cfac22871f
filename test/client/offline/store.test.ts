import { describe, expect, it } from "vitest";
import { trustedTime } from "../../../client/src/offline/store.ts";

describe("the trusted time of an offline start", () => {
  const seen = Date.UTC(2026, 11, 5, 2, 0, 0);
  it("never goes below the latest time the device has seen", () => {
    expect(trustedTime(seen - 30_000, seen)).toEqual({ nowMs: seen, clockMovedBack: false });
    expect(trustedTime(seen + 5_000, seen)).toEqual({ nowMs: seen + 5_000, clockMovedBack: false });
  });
  it("says the clock moved back when it is more than a minute behind", () => {
    expect(trustedTime(seen - 60_001, seen)).toEqual({ nowMs: seen, clockMovedBack: true });
    expect(trustedTime(seen - 60_000, seen).clockMovedBack).toBe(false);
  });
});
