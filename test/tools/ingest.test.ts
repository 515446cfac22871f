import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import HLS from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffTools } from "../../tools/ingest/ffmpeg.ts";
import { LADDER } from "../../tools/ingest/ladder.ts";
import { parseRange } from "../../tools/ingest/pipeline.ts";
import { srtToVtt } from "../../tools/ingest/subtitles.ts";
import { contentKeks, unwrapContentKey } from "../../worker/lib/content-keys.ts";
import { bindings, freshState, ingestCli, SHARED } from "./state.ts";

const work = mkdtempSync(join(tmpdir(), "marquee-ingest-test-"));
let state: string;
let proxy: Awaited<ReturnType<typeof bindings>>;

/** An 18 s 1280×720 synthetic clip with busy motion (so bitrates are honest) and two audio languages. */
function makeClip(path: string): void {
  const r = spawnSync(ffTools().ffmpeg.path, [
    "-v", "error", "-y",
    "-f", "lavfi", "-t", "18", "-i", "testsrc2=size=1280x720:rate=25,noise=alls=30:allf=t",
    "-f", "lavfi", "-t", "18", "-i", "sine=frequency=330:sample_rate=48000",
    "-f", "lavfi", "-t", "18", "-i", "sine=frequency=550:sample_rate=48000",
    "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "14", "-c:a", "aac",
    "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", path,
  ]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
}

async function objectBytes(key: string): Promise<Buffer> {
  const obj = await proxy.env.MEDIA.get(key);
  if (!obj) throw new Error(`missing R2 object ${key}`);
  return Buffer.from(await obj.arrayBuffer());
}

async function dbAll<T>(query: string, ...params: unknown[]): Promise<T[]> {
  return (await proxy.env.DB.prepare(query).bind(...params).all<T>()).results;
}

function ffprobeJson(path: string, args: string[]): any {
  const r = spawnSync(ffTools().ffprobe.path, ["-v", "error", "-print_format", "json", ...args, path]);
  return JSON.parse(r.stdout.toString());
}

beforeAll(async () => {
  state = await freshState();
  proxy = await bindings(state);
}, 180_000);

afterAll(async () => {
  await proxy?.dispose();
});

describe("ingesting a synthetic 18 s clip", () => {
  let assetId: string;
  let prefix: string;

  beforeAll(async () => {
    const clip = join(work, "clip.mp4");
    makeClip(clip);
    const srt = join(work, "en.srt");
    writeFileSync(srt, "1\n00:00:01,000 --> 00:00:04,000\nHello <i>there</i>.\n\n2\n00:00:05,500 --> 00:00:08,000\nSecond line\n");
    const { code, output } = await ingestCli([clip, "--title", "2", "--subtitles", `en=${srt}`, "--intro", "00:01-00:03", "--credits", "00:15-", "--persist-to", state]);
    expect(code, output).toBe(0);
    const rows = await dbAll<{ id: string; key_prefix: string }>("SELECT id, key_prefix FROM assets WHERE title_id = 2 AND status = 'ready'");
    expect(rows).toHaveLength(1);
    assetId = rows[0]!.id;
    prefix = rows[0]!.key_prefix;
  }, 240_000);

  it("writes a multivariant playlist that parses, with audio and subtitle groups and exact attributes", async () => {
    const master = HLS.parse((await objectBytes(`${prefix}master.m3u8`)).toString()) as HLS.types.MasterPlaylist;
    expect(master.isMasterPlaylist).toBe(true);
    expect(master.independentSegments).toBe(true);
    expect(master.variants.map((v) => v.resolution?.height)).toEqual([360, 540, 720]);
    for (const v of master.variants) {
      expect(v.bandwidth).toBeGreaterThan(0);
      expect(v.averageBandwidth).toBeLessThanOrEqual(v.bandwidth);
      expect(v.frameRate).toBe(25);
      expect(v.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(v.audio.map((a) => a.language).sort()).toEqual(["en", "fr"]);
      expect(v.subtitles.map((s) => s.language)).toEqual(["en"]);
    }
  });

  it("keeps every segment within the target duration, starting on a keyframe, in every rendition", async () => {
    const renditions = await dbAll<{ playlist_key: string; kind: string }>("SELECT playlist_key, kind FROM renditions WHERE asset_id = ?", assetId);
    expect(renditions.filter((r) => r.kind === "video")).toHaveLength(3);
    expect(renditions.filter((r) => r.kind === "audio")).toHaveLength(2);
    for (const r of renditions) {
      const dir = r.playlist_key.slice(0, r.playlist_key.lastIndexOf("/") + 1);
      const media = HLS.parse((await objectBytes(r.playlist_key)).toString()) as HLS.types.MediaPlaylist;
      expect(media.targetDuration).toBe(4);
      expect(media.endlist).toBe(true);
      const init = await objectBytes(`${dir}init.mp4`);
      for (const seg of media.segments) {
        // RFC 8216: each EXTINF, rounded to the nearest integer, is at most the target duration
        // (AAC frames make audio segments a few ms longer than 4 s; video ones are exact).
        expect(Math.round(seg.duration)).toBeLessThanOrEqual(media.targetDuration);
        if (r.kind !== "video") continue;
        expect(seg.duration).toBeLessThanOrEqual(media.targetDuration);
        const file = join(work, "probe.mp4");
        writeFileSync(file, Buffer.concat([init, await objectBytes(`${dir}${seg.uri}`)]));
        const first = ffprobeJson(file, ["-select_streams", "v:0", "-show_entries", "frame=key_frame,pict_type", "-read_intervals", "%+#1"]).frames[0];
        expect(first.key_frame, `${dir}${seg.uri}`).toBe(1);
      }
    }
  });

  it("measures bitrates within ±25% of the ladder's targets, and the rows agree with the bytes", async () => {
    const rows = await dbAll<{ height: number; average_bandwidth_bps: number; bandwidth_bps: number; playlist_key: string }>(
      "SELECT height, average_bandwidth_bps, bandwidth_bps, playlist_key FROM renditions WHERE asset_id = ? AND kind = 'video'", assetId);
    for (const r of rows) {
      const target = LADDER.find((l) => l.height === r.height)!.videoKbps * 1000;
      const media = HLS.parse((await objectBytes(r.playlist_key)).toString()) as HLS.types.MediaPlaylist;
      const dir = r.playlist_key.slice(0, r.playlist_key.lastIndexOf("/") + 1);
      let bytes = 0;
      for (const s of media.segments) bytes += (await objectBytes(`${dir}${s.uri}`)).length;
      const seconds = media.segments.reduce((t, s) => t + s.duration, 0);
      const measured = (bytes * 8) / seconds;
      expect(measured / target, `${r.height}p`).toBeGreaterThan(0.75);
      expect(measured / target, `${r.height}p`).toBeLessThan(1.25);
      expect(Math.abs(r.average_bandwidth_bps - measured) / measured).toBeLessThan(0.01);
      expect(r.bandwidth_bps).toBeGreaterThanOrEqual(r.average_bandwidth_bps * 0.99);
    }
  });

  it("states CODECS that match the streams actually written", async () => {
    const rows = await dbAll<{ kind: string; codecs: string; playlist_key: string }>("SELECT kind, codecs, playlist_key FROM renditions WHERE asset_id = ?", assetId);
    const profiles: Record<string, number> = { Baseline: 66, "Constrained Baseline": 66, Main: 77, High: 100 };
    for (const r of rows) {
      const dir = r.playlist_key.slice(0, r.playlist_key.lastIndexOf("/") + 1);
      const file = join(work, "first.mp4");
      writeFileSync(file, Buffer.concat([await objectBytes(`${dir}init.mp4`), await objectBytes(`${dir}seg_00000.m4s`)]));
      const stream = ffprobeJson(file, ["-show_streams"]).streams[0];
      if (r.kind === "video") {
        expect(stream.codec_name).toBe("h264");
        expect(parseInt(r.codecs.slice(5, 7), 16)).toBe(profiles[stream.profile]);
        expect(parseInt(r.codecs.slice(9, 11), 16)).toBe(stream.level);
      } else {
        expect(stream.codec_name).toBe("aac");
        expect(stream.profile).toBe("LC");
        expect(r.codecs).toBe("mp4a.40.2");
      }
    }
  });

  it("writes well-formed subtitle and thumbnail tracks", async () => {
    const vtt = (await objectBytes(`${prefix}subs/en/subtitles.vtt`)).toString();
    expect(vtt.startsWith("WEBVTT")).toBe(true);
    expect(vtt).toContain("00:00:01.000 --> 00:00:04.000");
    const subs = HLS.parse((await objectBytes(`${prefix}subs/en/index.m3u8`)).toString()) as HLS.types.MediaPlaylist;
    expect(subs.segments[0]!.uri).toBe("subtitles.vtt");
    const thumbs = (await objectBytes(`${prefix}trickplay/thumbs.vtt`)).toString();
    const cues = thumbs.split("\n\n").slice(1);
    expect(cues.length).toBe(9); // 18 s every 2 s
    for (const cue of cues) {
      const m = /^(\S+) --> (\S+)\n(sprite_\d{4}\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(cue.trim());
      expect(m, cue).not.toBeNull();
      expect(await proxy.env.MEDIA.head(`${prefix}trickplay/${m![3]}`)).not.toBeNull();
    }
    const [trick] = await dbAll<{ tile_width: number }>("SELECT tile_width FROM trickplay WHERE asset_id = ?", assetId);
    expect(trick!.tile_width).toBe(160);
  });

  it("records markers and points the title's artwork at the new stills", async () => {
    const [asset] = await dbAll<any>("SELECT * FROM assets WHERE id = ?", assetId);
    expect(asset.intro_start_seconds).toBe(1);
    expect(asset.intro_end_seconds).toBe(3);
    expect(asset.credits_start_seconds).toBe(15);
    const [title] = await dbAll<{ poster_url: string }>("SELECT poster_url FROM titles WHERE id = 2");
    expect(title!.poster_url).toBe(`/api/artwork/${assetId}/poster.jpg`);
    const poster = await objectBytes(`${prefix}stills/poster.jpg`);
    expect(poster.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it("encrypts every media object as CMAF cbcs; only playlists, subtitles and pictures are clear", async () => {
    const keys = (await proxy.env.MEDIA.list({ prefix })).objects.map((o) => o.key);
    const has = (bytes: Buffer, box: string) => bytes.includes(Buffer.from(box, "latin1"));
    const media = keys.filter((k) => /\.(mp4|m4s)$/.test(k));
    expect(media.length).toBeGreaterThan(10);
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      if (/\.m3u8$/.test(rest) || /^subs\/.+\.vtt$/.test(rest) || /^(stills|trickplay)\/.+\.(jpg|vtt)$/.test(rest)) continue;
      const bytes = await objectBytes(key);
      // Init segments carry the protection scheme and a common-system pssh; every fragment its sample encryption data.
      if (rest.endsWith("init.mp4")) expect(has(bytes, "tenc") && has(bytes, "pssh") && has(bytes, "cbcs"), key).toBe(true);
      else if (rest.endsWith(".m4s")) expect(has(bytes, "senc"), key).toBe(true);
      else throw new Error(`an object that is neither media, playlist, subtitles nor a picture: ${key}`);
    }
    // Each media playlist names its key (ClearKey key format, key id, licence URI).
    const playlist = (await objectBytes(`${prefix}video/360p/index.m3u8`)).toString();
    expect(playlist).toMatch(/^#EXT-X-KEY:METHOD=SAMPLE-AES,KEYFORMAT="org\.w3\.clearkey",KEYFORMATVERSIONS="1",KEYID=0x[0-9a-f]{32},URI="\/api\/licence\?kid=[0-9a-f]{32}"$/m);
  });

  it("stores one wrapped key per tier used: ffmpeg decodes a segment with its key and cannot without it", async () => {
    const rows = await dbAll<{ tier: string; key_id: string; wrapped_key: string; kek_id: string }>("SELECT tier, key_id, wrapped_key, kek_id FROM content_keys WHERE key_prefix = ?", prefix);
    const heights = (await dbAll<{ height: number }>("SELECT height FROM renditions WHERE asset_id = ? AND kind = 'video'", assetId)).map((r) => r.height);
    expect(rows.map((r) => r.tier).sort()).toEqual([...new Set(["SD", ...heights.map((h) => (h >= 720 ? "HD" : "SD"))])].sort());
    const keks = await contentKeks(proxy.env.CONTENT_KEKS as string | undefined, true);
    const keyOf = async (tier: string) => {
      const row = rows.find((r) => r.tier === tier)!;
      return Buffer.from(await unwrapContentKey(keks, { keyPrefix: prefix, tier, keyIdHex: row.key_id }, { wrappedKey: row.wrapped_key, kekId: row.kek_id })).toString("hex");
    };
    const decode = (file: string, key?: string) =>
      spawnSync(ffTools().ffmpeg.path, ["-v", "error", "-xerror", ...(key ? ["-decryption_key", key] : []), "-i", file, "-f", "null", "-"]).status;
    for (const [dir, tier] of [["video/360p", "SD"], ["video/720p", "HD"], ["audio/en", "SD"]] as const) {
      const file = join(work, `${dir.replace("/", "-")}.mp4`);
      writeFileSync(file, Buffer.concat([await objectBytes(`${prefix}${dir}/init.mp4`), await objectBytes(`${prefix}${dir}/seg_00001.m4s`)]));
      expect(decode(file), `${dir} without a key`).not.toBe(0);
      expect(decode(file, await keyOf(tier)), `${dir} with its ${tier} key`).toBe(0);
      if (tier === "HD") expect(decode(file, await keyOf("SD")), `${dir} with the SD key`).not.toBe(0);
    }
  });

  it("has D1 rows that match the R2 objects exactly: keys, sizes and checksums", async () => {
    const rows = await dbAll<{ key: string; size_bytes: number; sha256: string }>("SELECT key, size_bytes, sha256 FROM asset_objects WHERE asset_id = ?", assetId);
    const listed = await proxy.env.MEDIA.list({ prefix });
    expect(listed.truncated).toBe(false);
    expect(rows.map((r) => r.key).sort()).toEqual(listed.objects.map((o) => o.key).sort());
    for (const r of rows) {
      const bytes = await objectBytes(r.key);
      expect(bytes.length).toBe(r.size_bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(r.sha256);
    }
  });

  it("replaces the asset cleanly on a re-run: one ready asset, the old objects gone", async () => {
    const clip = join(work, "clip.mp4");
    const { code, output } = await ingestCli([clip, "--title", "2", "--heights", "360", "--no-trickplay", "--persist-to", state]);
    expect(code, output).toBe(0);
    const assets = await dbAll<{ id: string }>("SELECT id FROM assets WHERE title_id = 2");
    expect(assets).toHaveLength(1);
    expect(assets[0]!.id).not.toBe(assetId);
    expect((await proxy.env.MEDIA.list({ prefix })).objects).toHaveLength(0);
    expect(await dbAll("SELECT 1 FROM renditions WHERE asset_id = ?", assetId)).toHaveLength(0);
  });
});

describe("refusing bad sources", () => {
  const cases: [string, () => string, RegExp][] = [
    ["a missing file", () => join(work, "nope.mp4"), /not found/],
    ["an empty file", () => { const p = join(work, "empty.mp4"); writeFileSync(p, ""); return p; }, /empty/],
    ["a text file renamed .mp4", () => { const p = join(work, "text.mp4"); writeFileSync(p, "this is not a video\n".repeat(100)); return p; }, /not a readable media file/],
    ["a truncated mp4", () => {
      const p = join(work, "truncated.mp4");
      const src = join(work, "clip.mp4");
      const bytes = existsSync(src) ? readFileSync(src) : Buffer.alloc(0);
      writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length / 3)));
      return p;
    }, /not a readable media file|cannot be decoded|truncated/],
    ["an audio-only file", () => {
      const p = join(work, "audio.m4a");
      spawnSync(ffTools().ffmpeg.path, ["-v", "error", "-y", "-f", "lavfi", "-t", "3", "-i", "sine=frequency=440", "-c:a", "aac", p]);
      return p;
    }, /no video stream/],
  ];
  it.each(cases)("%s is refused with a clear message and a non-zero exit, writing nothing", async (_name, make, message) => {
    const before = (await proxy.env.MEDIA.list({ prefix: "assets/t3-" })).objects.length;
    const { code, output } = await ingestCli([make(), "--title", "3", "--persist-to", state]);
    expect(code, output).toBe(2);
    expect(output).toMatch(message);
    expect((await proxy.env.MEDIA.list({ prefix: "assets/t3-" })).objects.length).toBe(before);
    expect(await dbAll("SELECT 1 FROM assets WHERE title_id = 3")).toHaveLength(0);
  }, 60_000);

  it("refuses an unknown title before encoding anything", async () => {
    const { code, output } = await ingestCli([join(work, "clip.mp4"), "--title", "99999", "--persist-to", state]);
    expect(code).toBe(2);
    expect(output).toMatch(/no movie with id 99999/);
  });
});

describe.skipIf(!existsSync(join(SHARED, "video-blender")))("real clips from ../shared/data ingest cleanly", () => {
  it.each([
    ["video-blender/clip_02_caminandes.mp4", 7, []],
    ["video-blender/clip_03_sintel.mp4", 8, ["--subtitles", `en=${join(SHARED, "subtitles-sintel/vtt_short_clip_timing/sintel-en.vtt")}`, "--subtitles", `de=${join(SHARED, "subtitles-sintel/vtt_short_clip_timing/sintel-de.vtt")}`]],
    ["video-popeye/mkv_pgs/Title T00-1.mkv", 12, ["--subtitles", `en=${join(SHARED, "video-popeye/srt/popeye p1.eng.srt")}`, "--max-seconds", "20"]],
  ] as [string, number, string[]][])("%s", async (file, titleId, extra) => {
    const { code, output } = await ingestCli([join(SHARED, file), "--title", String(titleId), ...extra, "--persist-to", state]);
    expect(code, output).toBe(0);
    const rows = await dbAll<{ id: string }>("SELECT id FROM assets WHERE title_id = ? AND status = 'ready'", titleId);
    expect(rows).toHaveLength(1);
    const videos = await dbAll<{ height: number }>("SELECT height FROM renditions WHERE asset_id = ? AND kind = 'video'", rows[0]!.id);
    expect(videos.length).toBeGreaterThan(0);
  }, 180_000);
});

describe.skipIf(existsSync(join(SHARED, "video-blender")))("real clips", () => {
  it.skip("skipped: ../shared/data/video-blender is absent", () => {});
});

describe("small parsers", () => {
  it("converts SRT to WebVTT", () => {
    expect(srtToVtt("\uFEFF1\r\n00:00:01,5 --> 00:00:02,000\r\nHi\r\n")).toBe("WEBVTT\n\n00:00:01.500 --> 00:00:02.000\nHi\n");
  });
  it("parses marker ranges and refuses backwards ones", () => {
    expect(parseRange("00:10-00:45")).toEqual({ start: 10, end: 45 });
    expect(parseRange("21:30-")).toEqual({ start: 1290, end: undefined });
    expect(() => parseRange("00:45-00:10")).toThrow(/ends before/);
  });
});
