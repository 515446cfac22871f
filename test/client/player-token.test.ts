/**
 * Token renewal (client/src/player/token-holder.ts): every URL that carries the
 * playback token — media paths and the steering server's query — gets the
 * current one; nothing else is touched.
 */
import { describe, expect, it } from "vitest";
import { TokenHolder } from "../../client/src/player/token-holder.ts";

describe("TokenHolder.rewrite", () => {
  const holder = new TokenHolder("new.tok.en");

  it("replaces the token segment of a media path, absolute or not", () => {
    expect(holder.rewrite("http://127.0.0.1:8787/cdn/a/old.tok.en/t1-demo/video/720p/seg_00001.m4s")).toBe("http://127.0.0.1:8787/cdn/a/new.tok.en/t1-demo/video/720p/seg_00001.m4s");
    expect(holder.rewrite("/cdn/b/old.tok.en/t1-demo/master.m3u8")).toBe("/cdn/b/new.tok.en/t1-demo/master.m3u8");
  });

  it("replaces the steering URI's token wherever it sits in the query, keeping hls.js's parameters", () => {
    expect(holder.rewrite("http://x/api/steering/US?token=old.tok.en&_HLS_pathway=a&_HLS_throughput=5000000")).toBe("http://x/api/steering/US?token=new.tok.en&_HLS_pathway=a&_HLS_throughput=5000000");
    expect(holder.rewrite("http://x/api/steering/US?_HLS_pathway=a&token=old.tok.en")).toBe("http://x/api/steering/US?_HLS_pathway=a&token=new.tok.en");
  });

  it("leaves URLs without a token alone", () => {
    for (const url of ["http://x/api/steering/US", "http://x/api/steering/US?_HLS_pathway=a", "http://x/api/playback/1?token=keep", "http://x/img/poster.webp"]) {
      expect(holder.rewrite(url)).toBe(url);
    }
  });
});
