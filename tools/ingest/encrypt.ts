/**
 * Encryption after encoding: ffmpeg cannot write encrypted fMP4 HLS, so each
 * rendition it wrote (init.mp4 + seg_*.m4s, cut on aligned keyframes) is
 * repackaged by Shaka Packager (Google's packager, the npm `shaka-packager`
 * binary) as CMAF `cbcs` with raw keys: `tenc` and a common-system `pssh` in the
 * init segment, `senc`/`saio`/`saiz` sample encryption data in every fragment,
 * no clear lead. The same files would serve Widevine, FairPlay or PlayReady;
 * the browser path here is W3C ClearKey. Every video tier (SD/HD/UHD) gets its
 * own random key and key id; audio shares the SD key. The media playlists are
 * then rewritten in the project's form, with an `#EXT-X-KEY` naming the
 * ClearKey key format, the key id and the licence URI.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import HLS from "hls-parser";
import { CONTENT_TIERS, LICENCE_PATH, tierOfHeight, type ContentTier } from "../../common/content-tiers.ts";

/** One raw content key: its id and value (32 hex digits each). Only ever in memory and the git-ignored demo cache. */
export interface RawContentKey {
  tier: ContentTier;
  keyIdHex: string;
  keyHex: string;
}

/** A rendition folder to encrypt and the height that picks its tier (null for audio). */
export interface EncryptTarget {
  dir: string;
  heightPx: number | null;
}

/** The Shaka Packager binary: `SHAKA_PACKAGER_PATH`, else the npm package's build for this platform. */
export function packagerPath(): string {
  const fromEnv = process.env.SHAKA_PACKAGER_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`SHAKA_PACKAGER_PATH points at ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const names: Record<string, string> = { "linux-x64": "packager-linux-x64", "linux-arm64": "packager-linux-arm64", "darwin-x64": "packager-osx-x64", "darwin-arm64": "packager-osx-arm64", "win32-x64": "packager-win-x64.exe" };
  const name = names[`${process.platform}-${process.arch}`];
  if (!name) throw new Error(`Shaka Packager has no build for ${process.platform}/${process.arch}; set SHAKA_PACKAGER_PATH`);
  const path = join(dirname(createRequire(import.meta.url).resolve("shaka-packager/package.json")), "bin", name);
  if (!existsSync(path)) throw new Error(`Shaka Packager not found at ${path}: run npm install`);
  return path;
}

/** Fresh random keys for the tiers `targets` use (SD always: audio uses it). */
export function newContentKeys(targets: EncryptTarget[]): RawContentKey[] {
  const used = new Set<ContentTier>(["SD", ...targets.map((t) => tierOfHeight(t.heightPx))]);
  return CONTENT_TIERS.filter((t) => used.has(t)).map((tier) => ({ tier, keyIdHex: randomBytes(16).toString("hex"), keyHex: randomBytes(16).toString("hex") }));
}

/** The `#EXT-X-KEY` line of a rendition encrypted under `key`. */
export function keyTag(key: Pick<RawContentKey, "keyIdHex">): string {
  return `#EXT-X-KEY:METHOD=SAMPLE-AES,KEYFORMAT="org.w3.clearkey",KEYFORMATVERSIONS="1",KEYID=0x${key.keyIdHex},URI="${LICENCE_PATH}?kid=${key.keyIdHex}"`;
}

function runPackager(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(packagerPath(), args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr = (stderr + String(d)).slice(-8000)));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`shaka packager exited with ${code}:\n${stderr.slice(-3000)}`))));
  });
}

/** The media playlist the project serves, from the packager's segment list and the original's target duration. */
function mediaPlaylist(packaged: HLS.types.MediaPlaylist, originalTargetSeconds: number, key: RawContentKey): string {
  const longest = Math.max(0, ...packaged.segments.map((s) => s.duration));
  const target = Math.max(originalTargetSeconds, Math.round(longest));
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    '#EXT-X-MAP:URI="init.mp4"',
    keyTag(key),
  ];
  for (const s of packaged.segments) lines.push(`#EXTINF:${s.duration.toFixed(6)},`, s.uri);
  lines.push("#EXT-X-ENDLIST");
  return `${lines.join("\n")}\n`;
}

/**
 * Encrypts every target folder under `outDir` in place (one packager run for
 * all of them) using `scratchDir` for the clear inputs; returns the keys used.
 */
export async function encryptRenditions(outDir: string, scratchDir: string, targets: EncryptTarget[], keys = newContentKeys(targets)): Promise<RawContentKey[]> {
  if (targets.length === 0) return keys;
  const keyFor = (t: EncryptTarget) => keys.find((k) => k.tier === tierOfHeight(t.heightPx))!;
  const work = join(scratchDir, `encrypt-${process.pid}-${Date.now().toString(36)}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const streams: string[] = [];
    const originals = new Map<string, HLS.types.MediaPlaylist>();
    targets.forEach((t, i) => {
      const dir = join(outDir, t.dir);
      const original = HLS.parse(readFileSync(join(dir, "index.m3u8"), "utf8")) as HLS.types.MediaPlaylist;
      originals.set(t.dir, original);
      // The clear rendition as one fragmented MP4: init segment then every fragment, in playlist order.
      const joined = join(work, `in-${i}.mp4`);
      writeFileSync(joined, Buffer.concat([readFileSync(join(dir, "init.mp4")), ...original.segments.map((s) => readFileSync(join(dir, s.uri)))]));
      const out = join(work, `out-${i}`);
      mkdirSync(out);
      const kind = t.heightPx === null ? "audio" : "video";
      streams.push(
        `in=${joined},stream=${kind},init_segment=${join(out, "init.mp4")},segment_template=${join(out, "seg_$Number%05d$.m4s")},playlist_name=${join(`out-${i}`, "index.m3u8")},drm_label=${keyFor(t).tier}`,
      );
    });
    const segmentSeconds = Math.max(1, ...[...originals.values()].map((p) => p.targetDuration));
    await runPackager([
      ...streams,
      "--enable_raw_key_encryption",
      "--keys", keys.map((k) => `label=${k.tier}:key_id=${k.keyIdHex}:key=${k.keyHex}`).join(","),
      "--protection_scheme", "cbcs",
      "--protection_systems", "CommonSystem",
      "--clear_lead", "0",
      // Cut where the encoder put keyframes (one GOP per segment), so segments keep their durations.
      "--segment_duration", String(segmentSeconds),
      // Numbered from 0 as ffmpeg numbers them, so segment names do not change with encryption.
      "--start_segment_number", "0",
      "--hls_master_playlist_output", join(work, "master.m3u8"),
      "--hls_key_uri", LICENCE_PATH,
      "--hls_playlist_type", "VOD",
    ]);
    targets.forEach((t, i) => {
      const dir = join(outDir, t.dir);
      const out = join(work, `out-${i}`);
      const packaged = HLS.parse(readFileSync(join(out, "index.m3u8"), "utf8")) as HLS.types.MediaPlaylist;
      const original = originals.get(t.dir)!;
      const clearSeconds = original.segments.reduce((s, x) => s + x.duration, 0);
      const packedSeconds = packaged.segments.reduce((s, x) => s + x.duration, 0);
      if (packaged.segments.length === 0 || Math.abs(clearSeconds - packedSeconds) > 0.5) {
        throw new Error(`encrypting ${t.dir} changed its duration (${clearSeconds.toFixed(2)} s → ${packedSeconds.toFixed(2)} s)`);
      }
      for (const name of readdirSync(dir)) rmSync(join(dir, name));
      for (const name of readdirSync(out)) if (name !== "index.m3u8") renameSync(join(out, name), join(dir, name));
      writeFileSync(join(dir, "index.m3u8"), mediaPlaylist(packaged, original.targetDuration, keyFor(t)));
    });
    return keys;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
