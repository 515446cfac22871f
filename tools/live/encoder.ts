/**
 * The live encoder: ffmpeg in real time (`-re`) writes each rendition as fMP4
 * HLS with one keyframe per part and `-hls_time` = the part duration, so every
 * fragment it completes is one independent part; this module watches ffmpeg's
 * own playlists and PUTs each new fragment, in order, as the next part
 * (`<msn>.<part>.m4s`, `partsPerSegment` parts to a segment), after the
 * rendition's init segment. The channel derives durations from the media.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { aacCodecString, avcCodecString } from "../ingest/mp4.ts";

export interface Rung {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
}

/** The ingest ladder's shape, fewer rungs: H.264 CBR-ish with AAC, per height. */
export const LIVE_RUNGS: Rung[] = [
  { name: "240p", width: 426, height: 240, videoKbps: 400 },
  { name: "360p", width: 640, height: 360, videoKbps: 800 },
  { name: "540p", width: 960, height: 540, videoKbps: 2000 },
  { name: "720p", width: 1280, height: 720, videoKbps: 3000 },
  { name: "1080p", width: 1920, height: 1080, videoKbps: 6000 },
];

export const FRAME_RATE = 25;
export const AUDIO_KBPS = 96;

/** ffmpeg's arguments: one input (a file looped, or a test pattern with a tone), a split per rung, fMP4 HLS per rung into `dir/<rung>/`. */
export function ffmpegArgs(source: { file?: string; testPattern?: boolean }, rungs: Rung[], partSeconds: number, dir: string): string[] {
  const gop = Math.round(FRAME_RATE * partSeconds);
  const input = source.file
    ? ["-re", "-stream_loop", "-1", "-i", source.file]
    : ["-re", "-f", "lavfi", "-i", `testsrc2=size=1280x720:rate=${FRAME_RATE}`, "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:beep_factor=4"];
  const audio = source.file ? "0:a:0?" : "1:a";
  const split = `[0:v]fps=${FRAME_RATE},split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join("")};` +
    rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:force_original_aspect_ratio=decrease,pad=${r.width}:${r.height}:-1:-1,setsar=1[v${i}]`).join(";");
  const perRung = rungs.flatMap((r, i) => [
    "-map", `[v${i}]`, "-map", audio,
    `-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${Math.round(r.videoKbps * 1.1)}k`, `-bufsize:v:${i}`, `${r.videoKbps}k`,
  ]);
  return [
    "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
    ...input,
    "-filter_complex", split,
    ...perRung,
    "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high", "-pix_fmt", "yuv420p",
    "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0", "-force_key_frames", `expr:gte(t,n_forced*${partSeconds})`,
    "-c:a", "aac", "-b:a", `${AUDIO_KBPS}k`, "-ac", "2", "-ar", "48000",
    "-f", "hls", "-hls_time", String(partSeconds), "-hls_list_size", "0", "-hls_segment_type", "fmp4",
    "-hls_flags", "independent_segments+temp_file", "-hls_fmp4_init_filename", "init.mp4",
    "-var_stream_map", rungs.map((r, i) => `v:${i},a:${i},name:${r.name}`).join(" "),
    "-hls_segment_filename", join(dir, "%v", "p%d.m4s"),
    join(dir, "%v", "index.m3u8"),
  ];
}

/** The fragments ffmpeg has completed for one rendition, in order (its playlist lists a fragment only once written). */
export function completedFragments(dir: string): string[] {
  const file = join(dir, "index.m3u8");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => /^p\d+\.m4s$/.test(l.trim())).map((l) => l.trim());
}

/** CODECS of a rendition from its init segment ("avc1.PPCCLL,mp4a.40.N"). */
export function codecsOf(init: Uint8Array): string {
  const video = avcCodecString(init);
  if (!video) throw new Error("ffmpeg's init segment has no avcC box");
  const audio = aacCodecString(init);
  return audio ? `${video},${audio}` : video;
}

export interface Pusher {
  url: string;
  slug: string;
  secret: string;
  log: (line: string) => void;
}

/** One request to the ingest endpoint; retried on network errors and 5xx, a 4xx thrown with the server's words. */
export async function ingestRequest(p: Pusher, method: string, path: string, body: BodyInit | undefined, contentType: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${p.url}/api/live/${p.slug}/${path}`, { method, body, headers: { authorization: `Bearer ${p.secret}`, "content-type": contentType } });
      if (res.status < 500) return res;
      if (attempt >= 4) return res;
    } catch (err) {
      if (attempt >= 4) throw err;
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
}

async function expectOk(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const text = await res.text();
  throw new Error(`${what}: ${res.status} ${text}`);
}

/**
 * Pushes one rendition while ffmpeg runs: the init, then each completed
 * fragment as the next part from `firstMsn`. Resolves when `stopped()` is true
 * and everything ffmpeg wrote is pushed.
 */
export async function pushRendition(p: Pusher, rung: Rung, dir: string, firstMsn: number, partsPerSegment: number, stopped: () => boolean, onPart: () => void): Promise<void> {
  const init = join(dir, "init.mp4");
  while (!existsSync(init) || completedFragments(dir).length === 0) {
    if (stopped()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  await expectOk(await ingestRequest(p, "PUT", `${rung.name}/init.mp4`, readFileSync(init), "video/mp4"), `${rung.name} init`);
  let next = 0;
  for (;;) {
    const done = completedFragments(dir);
    while (next < done.length) {
      const index = firstMsn * partsPerSegment + next;
      const msn = Math.floor(index / partsPerSegment);
      const part = index % partsPerSegment;
      const file = join(dir, done[next]!);
      const res = await ingestRequest(p, "PUT", `${rung.name}/${msn}.${part}.m4s`, readFileSync(file), "video/iso.segment");
      // A duplicate is a retry that already landed.
      if (res.status !== 409 || !(await res.clone().text()).includes("duplicate_part")) await expectOk(res, `${rung.name} part ${msn}.${part}`);
      rmSync(file, { force: true });
      next++;
      onPart();
    }
    if (stopped()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts ffmpeg; resolves its exit. */
export function startFfmpeg(ffmpeg: string, args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(ffmpeg, args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited };
}
