import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../worker/app.ts";
import { parseCdnPath, parseRange } from "../../worker/media/serve.ts";
import { signPlaybackToken } from "../../worker/media/tokens.ts";
import { call, db } from "./helpers.ts";
import { AUDIO_PEAK_BPS, patternBytes, SEGMENT_BYTES, seedAsset, seedTitles, VIDEO_PEAK_BPS } from "./media-fixtures.ts";

const MOVIE = 7201;
const OTHER = 7202;
const ASSET = "md-movie";

beforeAll(async () => {
  await seedTitles(db(), [{ id: MOVIE }, { id: OTHER }]);
  await seedAsset(db(), { id: ASSET, titleId: MOVIE, heights: [360, 720, 1080, 2160], audio: ["en", "fr"], subtitles: ["en"] });
  await seedAsset(db(), { id: "md-other", titleId: OTHER, heights: [360] });
});

async function token(maxHeightPx = 2160, assetId = ASSET, country = "FR") {
  return (await signPlaybackToken(env, { sub: "demo", pfx: `assets/${assetId}/`, mh: maxHeightPx, cc: country }, 3600)).token;
}

function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return call(path, { method, headers });
}

describe("serving objects", () => {
  it("serves each kind of file with its content type and caching", async () => {
    const t = await token();
    const cases: [string, string, string][] = [
      ["video/720p/index.m3u8", "application/vnd.apple.mpegurl", "public, max-age=5"],
      ["video/720p/init.mp4", "video/mp4", "public, max-age=31536000, immutable"],
      ["video/720p/seg_00001.m4s", "video/iso.segment", "public, max-age=31536000, immutable"],
      ["audio/fr/seg_00001.m4s", "video/iso.segment", "public, max-age=31536000, immutable"],
      ["subs/en/subtitles.vtt", "text/vtt; charset=utf-8", "public, max-age=31536000, immutable"],
      ["trickplay/thumbs.vtt", "text/vtt; charset=utf-8", "public, max-age=31536000, immutable"],
      ["trickplay/sprite_0001.jpg", "image/jpeg", "public, max-age=31536000, immutable"],
      ["stills/poster.jpg", "image/jpeg", "public, max-age=31536000, immutable"],
    ];
    for (const [path, type, cache] of cases) {
      const res = await get(`/cdn/a/${t}/${ASSET}/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toBe(type);
      expect(res.headers.get("cache-control"), path).toBe(cache);
      expect(res.headers.get("etag"), path).toMatch(/^"[0-9a-f]+"$/);
      expect(res.headers.get("accept-ranges"), path).toBe("bytes");
      await res.arrayBuffer();
    }
  });

  it("streams a segment's exact bytes with its length", async () => {
    const res = await get(`/cdn/b/${await token()}/${ASSET}/video/360p/seg_00001.m4s`);
    expect(res.headers.get("content-length")).toBe(String(SEGMENT_BYTES));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(patternBytes(SEGMENT_BYTES, 361));
  });

  it("answers byte ranges with 206 and the right Content-Range", async () => {
    const t = await token();
    const whole = patternBytes(SEGMENT_BYTES, 721);
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=100-", 100, SEGMENT_BYTES - 1],
      ["bytes=-50", SEGMENT_BYTES - 50, SEGMENT_BYTES - 1],
      [`bytes=4000-999999`, 4000, SEGMENT_BYTES - 1],
      [`bytes=-999999`, 0, SEGMENT_BYTES - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(`/cdn/a/${t}/${ASSET}/video/720p/seg_00001.m4s`, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range"), range).toBe(`bytes ${start}-${end}/${SEGMENT_BYTES}`);
      expect(res.headers.get("content-length"), range).toBe(String(end - start + 1));
      expect(new Uint8Array(await res.arrayBuffer()), range).toEqual(whole.slice(start, end + 1));
    }
  });

  it("answers an unsatisfiable range with 416 and the object's size", async () => {
    const t = await token();
    for (const range of [`bytes=${SEGMENT_BYTES}-`, "bytes=999999-1000000", "bytes=-0", "bytes=50-10"]) {
      const res = await get(`/cdn/a/${t}/${ASSET}/video/720p/seg_00001.m4s`, { range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get("content-range"), range).toBe(`bytes */${SEGMENT_BYTES}`);
    }
  });

  it("ignores Range headers it does not serve (several ranges, other units) and sends the whole object", async () => {
    const t = await token();
    for (const range of ["bytes=0-1,5-6", "items=0-1", "bytes=abc"]) {
      const res = await get(`/cdn/a/${t}/${ASSET}/video/720p/seg_00001.m4s`, { range });
      expect(res.status, range).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(SEGMENT_BYTES);
    }
  });

  it("answers 304 to a matching If-None-Match, and 200 to a stale one", async () => {
    const t = await token();
    const path = `/cdn/a/${t}/${ASSET}/video/720p/init.mp4`;
    const first = await get(path);
    const etag = first.headers.get("etag")!;
    await first.arrayBuffer();
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const res = await get(path, { "if-none-match": inm });
      expect(res.status, inm).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(await res.text()).toBe("");
    }
    const stale = await get(path, { "if-none-match": '"0000"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    // A matching ETag wins over a Range.
    expect((await get(path, { "if-none-match": etag, range: "bytes=0-1" })).status).toBe(304);
  });

  it("parses conditional headers before R2: malformed If-None-Match / If-Modified-Since are ignored, never a 500", async () => {
    const t = await token();
    const paths = [`/cdn/a/${t}/${ASSET}/video/720p/init.mp4`, `/api/artwork/${ASSET}/poster.jpg`];
    for (const path of paths) {
      const first = await get(path);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get("etag")!;
      const modified = first.headers.get("last-modified")!;
      await first.arrayBuffer();
      // Not an entity-tag list (RFC 9110 §13.1.2): the condition is ignored and the object served.
      for (const inm of ["x", '"x""y"', "0", ",,,", 'W/x', '"a" "b"', '"unterminated', "**", '*, "x"']) {
        const res = await get(path, { "if-none-match": inm });
        expect(res.status, `${path} If-None-Match: ${inm}`).toBe(200);
        await res.arrayBuffer();
      }
      // A list with empty elements and optional whitespace is still valid and still matches.
      const listed = await get(path, { "if-none-match": ` , "nope" ,,${etag} , ` });
      expect(listed.status, path).toBe(304);
      // Not an HTTP-date: ignored (§13.1.3).
      for (const ims of ["x", "0", "yesterday", "Thu, 99 Dec 2026 99:99:99 GMT", "-1", "9".repeat(40)]) {
        const res = await get(path, { "if-modified-since": ims });
        expect(res.status, `${path} If-Modified-Since: ${ims}`).toBe(200);
        await res.arrayBuffer();
      }
      // A valid date at or after the upload answers 304; If-None-Match, when present, wins over it (§13.2.2).
      expect((await get(path, { "if-modified-since": modified })).status, path).toBe(304);
      const both = await get(path, { "if-none-match": '"0000"', "if-modified-since": modified });
      expect(both.status, path).toBe(200);
      await both.arrayBuffer();
      for (const range of ["bytes=0-1,", "bytes= 0-1", "bytes=0-1-2", "bytes=--1", `bytes=${"9".repeat(30)}-`]) {
        const res = await get(path, { range });
        expect(res.status, `${path} Range: ${range}`).toBeLessThan(500);
        await res.arrayBuffer();
      }
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await get(`/cdn/a/${await token()}/${ASSET}/video/720p/seg_00001.m4s`, {}, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(SEGMENT_BYTES));
    expect(res.headers.get("content-type")).toBe("video/iso.segment");
    expect(await res.text()).toBe("");
  });

  it("answers 404 for a missing object or a file type it does not serve", async () => {
    const t = await token();
    await env.MEDIA.put(`assets/${ASSET}/notes.txt`, "private");
    for (const path of ["video/720p/seg_09999.m4s", "notes.txt", "video/720p/index.m3u8x"]) {
      const res = await get(`/cdn/a/${t}/${ASSET}/${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it("allows the site's origin by CORS and answers preflights", async () => {
    const t = await token();
    const res = await get(`/cdn/a/${t}/${ASSET}/video/720p/index.m3u8`, { origin: "http://127.0.0.1" });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1");
    expect(res.headers.get("access-control-expose-headers")).toContain("Content-Range");
    const preflight = await call(`/cdn/a/${t}/${ASSET}/video/720p/seg_00001.m4s`, { method: "OPTIONS", headers: { origin: "http://127.0.0.1", "access-control-request-headers": "range" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Range");
    // In production the allowed origin is the configured site, and it is set on refusals too.
    const prod = { ...env, ENVIRONMENT: "production", SITE_ORIGIN: "https://marquee.example" } as unknown as Env;
    const refused = await app.fetch(new Request(`http://cdn-a.example/cdn/a/bad.token.here/${ASSET}/video/720p/index.m3u8`), prod);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBe("https://marquee.example");
  });

  it("the unchecked development baseline serves the same bytes and refuses in production", async () => {
    const res = await get(`/api/dev/baseline/media/${ASSET}/video/360p/seg_00001.m4s`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/iso.segment");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(patternBytes(SEGMENT_BYTES, 361));
    expect((await get(`/api/dev/baseline/media/${ASSET}/../x/video.m4s`)).status).toBeGreaterThanOrEqual(400);
    const prod = await app.fetch(new Request(`http://x/api/dev/baseline/media/${ASSET}/video/360p/seg_00001.m4s`), { ...env, ENVIRONMENT: "production" } as unknown as Env);
    expect(prod.status).toBe(403);
  });
});

describe("token scope on media", () => {
  it("refuses a video rendition above the token's height with 403 rendition_above_plan", async () => {
    const t = await token(720);
    expect((await get(`/cdn/a/${t}/${ASSET}/video/720p/seg_00001.m4s`)).status).toBe(200);
    for (const h of [1080, 2160]) {
      const res = await get(`/cdn/a/${t}/${ASSET}/video/${h}p/seg_00001.m4s`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).error.code).toBe("rendition_above_plan");
    }
  });

  it("refuses another asset's token with 403 token_scope", async () => {
    const res = await get(`/cdn/a/${await token(2160, "md-other")}/${ASSET}/video/360p/init.mp4`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe("token_scope");
  });

  it("refuses an unknown pathway with 404", async () => {
    const res = await get(`/cdn/zz/${await token()}/${ASSET}/video/360p/init.mp4`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe("unknown_pathway");
  });
});

describe("path normalisation", () => {
  it("parses a plain media path into pathway, token, asset folder and segments", () => {
    expect(parseCdnPath("/cdn/a/x.y.z/md-movie/video/720p/seg_00001.m4s")).toEqual({ pathway: "a", token: "x.y.z", folder: "md-movie", rest: ["video", "720p", "seg_00001.m4s"] });
  });

  it("refuses dot segments, encoded dots and slashes, double slashes and backslashes", () => {
    const bad = [
      "/cdn/a/t.t.t/md-movie/../md-other/video/360p/init.mp4",
      "/cdn/a/t.t.t/md-movie/video/../../x.mp4",
      "/cdn/a/t.t.t/md-movie/./video/360p/init.mp4",
      "/cdn/a/t.t.t/md-movie/%2e%2e/md-other/init.mp4",
      "/cdn/a/t.t.t/md-movie/.%2E/md-other/init.mp4",
      "/cdn/a/t.t.t/md-movie/video%2f360p%2finit.mp4",
      "/cdn/a/t.t.t/md-movie/video%2F..%2F..%2Finit.mp4",
      "/cdn/a/t.t.t/md-movie/video//360p/init.mp4",
      "/cdn/a/t.t.t/md-movie//video/360p/init.mp4",
      "/cdn/a/t.t.t/md-movie/video\\..\\init.mp4",
      "/cdn/a/t.t.t/md-movie/video%5c360p%5cinit.mp4",
      "/cdn/a/t.t.t/md-movie/video/360p/init.mp4%00.jpg",
      "/cdn/a/t.t.t/md-movie/.hidden",
      "/cdn/a/t.t.t/md-movie/",
      "/cdn/a/t.t.t/../md-movie/init.mp4",
      "/cdn/a/t.t.t/md%2dmovie/init.mp4",
      "/cdn/a/t.t.t/md-movie/a/b/c/d/e/f/g.m4s",
    ];
    for (const path of bad) expect(parseCdnPath(path), path).toBeNull();
  });

  it("never lets a parsed path leave its asset, whatever the input (property)", () => {
    const piece = fc.constantFrom("..", ".", "%2e", "%2E", "%2f", "%2F", "%5c", "\\", "/", "//", "video", "720p", "init.mp4", "x", "%00", "md-other", "~", ":", "?");
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const parsed = parseCdnPath(`/cdn/a/t.t.t/md-movie/${pieces.join("")}`);
        if (parsed) {
          expect(parsed.folder).toBe("md-movie");
          for (const seg of parsed.rest) expect(seg).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
          if (parsed.rest.length > 1) accepted++;
        } else refused++;
      }),
      // A valid multi-segment path always among the inputs: random pieces make one only now and then.
      { numRuns: 3000, examples: [[["video", "/", "720p", "/", "init.mp4"]]] },
    );
    // Both branches were exercised: paths with several segments were parsed (and checked), others refused.
    expect(accepted, "parsed paths of two or more segments").toBeGreaterThan(0);
    expect(refused, "refused paths").toBeGreaterThan(0);
  });

  it("answers traversal attempts through the route with 4xx and never another asset's bytes", async () => {
    const t = await token(2160);
    await env.MEDIA.put("private/secret.mp4", "top secret");
    const paths = [
      `/cdn/a/${t}/${ASSET}/../md-other/video/360p/init.mp4`,
      `/cdn/a/${t}/${ASSET}/%2e%2e/md-other/video/360p/init.mp4`,
      `/cdn/a/${t}/${ASSET}/..%2fmd-other/video/360p/init.mp4`,
      `/cdn/a/${t}/${ASSET}/video%2f..%2f..%2f..%2fprivate%2fsecret.mp4`,
      `/cdn/a/${t}/${ASSET}/..%5c..%5cprivate%5csecret.mp4`,
      `/cdn/a/${t}/${ASSET}/video\\..\\..\\..\\private\\secret.mp4`,
      `/cdn/a/${t}/${ASSET}//private/secret.mp4`,
      `/cdn/a/${t}/${ASSET}/../../../../private/secret.mp4`,
    ];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(await res.text()).not.toContain("top secret");
    }
  });

  it("reads ranges strictly", () => {
    expect(parseRange("bytes=0-0")).toEqual({ offset: 0, length: 1 });
    expect(parseRange("bytes=7-")).toEqual({ offset: 7 });
    expect(parseRange("bytes=-5")).toEqual({ suffix: 5 });
    expect(parseRange("bytes=5-4")).toBe("unsatisfiable");
    expect(parseRange("bytes=1-2,4-5")).toBeUndefined();
    expect(parseRange(null)).toBeUndefined();
  });
});

describe("rendered master playlist", () => {
  async function master(maxHeightPx: number, pathway = "a", country = "FR") {
    const t = await token(maxHeightPx, ASSET, country);
    const res = await get(`/cdn/${pathway}/${t}/${ASSET}/master.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(res.headers.get("cache-control")).toBe("public, max-age=5");
    return { text: new TextDecoder().decode(await res.arrayBuffer()), t };
  }

  const variants = (text: string) =>
    [...text.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({ attrs: m[1]!, uri: m[2]! }));

  it("names an encrypted asset's key ids as session keys, only the tiers within the token's height; a clear asset has none", async () => {
    const keyIds = { SD: "0".repeat(31) + "1", HD: "0".repeat(31) + "2", UHD: "0".repeat(31) + "3" };
    for (const [tier, keyId] of Object.entries(keyIds)) {
      await env.DB.prepare("INSERT INTO content_keys (key_prefix, tier, key_id, wrapped_key, kek_id, created_at) VALUES (?, ?, ?, 'wrapped', 'k1', 0)").bind(`assets/${ASSET}/`, tier, keyId).run();
    }
    const sessionKeys = (text: string) => [...text.matchAll(/^#EXT-X-SESSION-KEY:(.*)$/gm)].map((m) => m[1]);
    const tag = (keyId: string) => `METHOD=SAMPLE-AES,KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1",KEYID=0x${keyId},URI="/api/licence?kid=${keyId}"`;
    expect(sessionKeys((await master(2160)).text)).toEqual([tag(keyIds.HD), tag(keyIds.SD), tag(keyIds.UHD)]);
    expect(sessionKeys((await master(1080)).text)).toEqual([tag(keyIds.HD), tag(keyIds.SD)]);
    expect(sessionKeys((await master(540)).text)).toEqual([tag(keyIds.SD)]);
    await env.DB.prepare("DELETE FROM content_keys WHERE key_prefix = ?").bind(`assets/${ASSET}/`).run();
    expect((await master(2160)).text).not.toContain("SESSION-KEY");
  });

  it("lists only the renditions within the token's height, for every plan", async () => {
    for (const [limit, heights] of [[720, [360, 720]], [1080, [360, 720, 1080]], [2160, [360, 720, 1080, 2160]]] as const) {
      const { text } = await master(limit);
      const listed = variants(text).map((v) => Number(/RESOLUTION=\d+x(\d+)/.exec(v.attrs)![1]));
      // Two pathways, one variant set each.
      expect(listed.sort((a, b) => a - b)).toEqual([...heights, ...heights].sort((a, b) => a - b));
      expect(text).not.toMatch(new RegExp(`video/(${[1080, 2160].filter((h) => h > limit).join("|") || "none"})p`));
    }
  });

  it("carries one variant set per pathway with PATHWAY-ID and shared STABLE-VARIANT-IDs", async () => {
    const { text, t } = await master(1080, "b");
    const all = variants(text);
    const byPathway = (id: string) => all.filter((v) => v.attrs.includes(`PATHWAY-ID="${id}"`));
    expect(byPathway("a")).toHaveLength(3);
    expect(byPathway("b")).toHaveLength(3);
    const stable = (vs: typeof all) => vs.map((v) => /STABLE-VARIANT-ID="([^"]+)"/.exec(v.attrs)![1]).sort();
    expect(stable(byPathway("a"))).toEqual(stable(byPathway("b")));
    for (const v of byPathway("a")) expect(v.uri).toMatch(new RegExp(`^/cdn/a/${t.replaceAll(".", "\\.")}/${ASSET}/video/\\d+p/index\\.m3u8$`));
    for (const v of byPathway("b")) expect(v.uri.startsWith(`/cdn/b/${t}/${ASSET}/video/`)).toBe(true);
    // The requested pathway comes first and is the initial PATHWAY-ID.
    expect(all[0]!.attrs).toContain('PATHWAY-ID="b"');
    expect(text).toContain(`#EXT-X-CONTENT-STEERING:SERVER-URI="/api/steering/FR?token=${t}",PATHWAY-ID="b"`);
  });

  it("describes bandwidth, codecs and audio and subtitle groups per pathway", async () => {
    const { text, t } = await master(720);
    const v720 = variants(text).find((v) => v.attrs.includes("RESOLUTION=1280x720") && v.attrs.includes('PATHWAY-ID="a"'))!;
    expect(v720.attrs).toContain(`BANDWIDTH=${VIDEO_PEAK_BPS[720]! + AUDIO_PEAK_BPS}`);
    expect(v720.attrs).toContain(`AVERAGE-BANDWIDTH=${Math.round(VIDEO_PEAK_BPS[720]! * 0.7) + 128_000}`);
    expect(v720.attrs).toContain('CODECS="avc1.64001f,mp4a.40.2"');
    expect(v720.attrs).toContain('AUDIO="aud-a"');
    expect(v720.attrs).toContain('SUBTITLES="subs-a"');
    expect(v720.attrs).toContain("FRAME-RATE=25.000");
    expect(text).toContain(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud-a",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2"`);
    expect(text).toContain(`URI="/cdn/a/${t}/${ASSET}/audio/fr/index.m3u8"`);
    expect(text).toContain(`URI="/cdn/b/${t}/${ASSET}/audio/fr/index.m3u8"`);
    expect(text).toMatch(/#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs-b",NAME="English",LANGUAGE="en",DEFAULT=YES.*URI="\/cdn\/b\//);
    expect(text.match(/TYPE=AUDIO,GROUP-ID="aud-b"/g)).toHaveLength(2);
    const rendIds = (group: string) => [...text.matchAll(new RegExp(`GROUP-ID="${group}".*STABLE-RENDITION-ID="([^"]+)"`, "g"))].map((m) => m[1]);
    expect(rendIds("aud-a")).toEqual(rendIds("aud-b"));
  });

  it("is reachable from the playback answer and its media playlists resolve under the same token", async () => {
    const play = await call(`/api/playback/${MOVIE}`, { method: "POST", headers: { "x-dev-plan": "basic" }, country: "FR" });
    const body = (await play.json()) as any;
    const text = new TextDecoder().decode(await (await get(body.masterUrl)).arrayBuffer());
    const first = variants(text)[0]!;
    const media = await get(first.uri);
    expect(media.status).toBe(200);
    const playlist = new TextDecoder().decode(await media.arrayBuffer());
    // Relative URIs inside the media playlist inherit the token from the URL path.
    const init = new URL('init.mp4', `http://127.0.0.1${first.uri}`).pathname;
    expect(playlist).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect((await get(init)).status).toBe(200);
  });
});
