import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cdnPath, replaceCdnToken, splitCdnPath } from "../../common/cdn-url.ts";

const part = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
const rest = fc.stringMatching(/^[A-Za-z0-9._/-]{0,40}$/);

describe("the /cdn/<pathway>/<token>/<folder>/ URL format (common/cdn-url.ts)", () => {
  it("splits what it builds back into the same parts", () => {
    fc.assert(
      fc.property(part, part, part, rest, (pathway, token, folder, r) => {
        expect(splitCdnPath(cdnPath(pathway, token, folder, r))).toEqual({ pathway, token, folder, rest: r });
      }),
    );
  });

  it("builds a folder's base path ending in a slash", () => {
    expect(cdnPath("a", "tok", "pb-movie")).toBe("/cdn/a/tok/pb-movie/");
    expect(cdnPath("b", "tok", "pb-movie", "video/360p/seg_00001.m4s")).toBe("/cdn/b/tok/pb-movie/video/360p/seg_00001.m4s");
  });

  it("refuses paths that are not under /cdn/ or lack a part", () => {
    for (const path of ["/api/cdn/a/t/f/x", "/cdn/a/t/f", "/cdn/a/t", "cdn/a/t/f/x", "/cdnx/a/t/f/x", ""]) expect(splitCdnPath(path), path).toBeNull();
  });

  it("replaces only the token of a relative or absolute /cdn/ URL, keeping pathway, folder, rest and query", () => {
    fc.assert(
      fc.property(part, part, part, part, rest, (pathway, oldToken, newToken, folder, r) => {
        for (const origin of ["", "https://cdn-a.example", "http://127.0.0.1:8787"]) {
          const url = `${origin}${cdnPath(pathway, oldToken, folder, r)}?x=1`;
          expect(replaceCdnToken(url, newToken)).toBe(`${origin}${cdnPath(pathway, newToken, folder, r)}?x=1`);
        }
      }),
    );
    expect(replaceCdnToken("/api/steering/US?token=abc", "new")).toBeNull();
    expect(replaceCdnToken("https://example.com/video.mp4", "new")).toBeNull();
  });
});
