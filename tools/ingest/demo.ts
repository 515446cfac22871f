/**
 * Demo media for `npm start`: a short synthetic clip per demo title (one of
 * five kinds of picture in the title's own colours, a tone, the title set on
 * its poster), ingested through the real
 * pipeline — some with subtitles and intro/credits markers — and published to the
 * local state. Encoded packages are cached in .cache/demo-media, so later starts
 * (and fresh states, like the browser suite's) only re-publish.
 *
 * `node tools/ingest/demo.ts [--persist-to DIR] [--seconds 12]`
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { root } from "../dev/server.ts";
import { DEMO_TITLES, demoTracks } from "../seed/demo-catalog.ts";
import { capture, ffTools } from "./ffmpeg.ts";
import { prepareAsset, type AssetManifest } from "./pipeline.ts";
import { localTarget, publishAsset, type Target } from "./publish.ts";

/** Bump when the demo clips change, so caches re-encode. */
const DEMO_VERSION = 7;

/** A font for the screen clip's text and the posters' titles (Debian's fonts-dejavu-core), if this machine has one. */
const FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF", "/Library/Fonts", "/System/Library/Fonts/Supplemental"];
function font(file: string): string | null {
  for (const dir of FONT_DIRS) if (existsSync(join(dir, file))) return join(dir, file);
  return null;
}

/**
 * What makes one title's picture its own, beyond its kind: a stream of numbers
 * in [0, 1) seeded by the title's name (the same on every machine and in every
 * state, whatever id the seed gave it).
 */
function titleTraits(name: string): () => number {
  let s = hash(name) || 1;
  return () => {
    // xorshift32: cheap, and plenty for picking positions and colours.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
const between = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();
const fixed = (x: number, digits = 2) => x.toFixed(digits);

/**
 * Demo pictures of the kinds real catalogs mix, because their encoding
 * complexity differs the way real titles' does (per-title ladders follow it):
 * flat animation, fast motion, film grain, a talking head, screen text. All are
 * drawn at 320×180 (or larger) and scaled up smoothly to 1280×720.
 *
 * The talking head and the landscape are drawn per title: each layer is one
 * still frame of `geq` (a room and a person; a sky, far hills and near hills),
 * and the motion is the layers' overlay positions (a sway; the hills scrolling
 * at two speeds), so a title costs a few stills, not a `geq` per frame. Their
 * geometry and colours come from the title's traits. The other three kinds
 * are rendered once (`base-…` in the cache) and each title takes its own part
 * of it: a later start, a zoomed crop at its own place, a mirror, its own hue.
 * Only filters the npm-shipped ffmpeg 4.1 has too.
 */
const BASE_KINDS = {
  animation: () =>
    "color=c=black:s=320x180:r=25,geq=r='64*floor((128+120*sin(X/23+T*1.3)*cos(Y/31-T*0.7))/64)':g='64*floor((90+80*sin((X+Y)/40+T))/64)':b='64*floor((150+100*cos(X/17-T*0.9))/64)',scale=1280:720:flags=neighbor",
  action: () => "mandelbrot=size=368x368:rate=25:maxiter=120:start_scale=0.01:end_scale=0.004,rotate=a=t*1.1,crop=320:180,scale=1280:720",
  screen: (textFile: string) => {
    const mono = font("DejaVuSansMono.ttf");
    // An editor: a dark file tree and a tab bar around the scrolling text (their contrast also makes the frame a usable still).
    return mono
      ? `color=c=0x37474f:s=1280x720:r=25,drawtext=fontfile=${mono}:textfile=${textFile}:fontcolor=0xc3e88d:fontsize=26:line_spacing=8:x=330:y=h-t*70,` +
          "drawbox=x=0:y=0:w=290:h=ih:color=0x0d1214:t=fill,drawbox=x=0:y=0:w=iw:h=56:color=0x78909c:t=fill"
      : null;
  },
} as const;
type Kind = "film" | "animation" | "interview" | "action" | "screen";
const KIND_ORDER: Kind[] = ["film", "animation", "interview", "action", "screen"];
/** How much later than the base clip's start a title may begin (the base is this much longer than a title). */
const MAX_OFFSET_SECONDS = 8;

/** The screen clip's text: lines of something like code, the same on every machine. */
function screenText(): string {
  const words = ["const", "let", "await", "return", "stream", "segment", "render", "for", "if", "buffer", "fetch", "edge", "cache", "title", "frame", "=>", "{", "}", "push", "map"];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 1000;
  return Array.from({ length: 60 }, () => "  ".repeat(next() % 4) + Array.from({ length: 2 + (next() % 8) }, () => words[next() % words.length]).join(" ")).join("\n");
}

const bases = new Map<string, Promise<string | null>>();

/** A shared kind's picture for `seconds` plus the offset room (no audio), rendered once into the cache; null where it cannot be drawn here. */
function baseClip(kind: keyof typeof BASE_KINDS, seconds: number, cacheDir: string): Promise<string | null> {
  const length = seconds + MAX_OFFSET_SECONDS;
  const path = join(cacheDir, `base-v${DEMO_VERSION}-${kind}-s${length}.mp4`);
  let made = bases.get(path);
  if (!made) {
    made = (async () => {
      if (existsSync(path)) return path;
      const textFile = join(cacheDir, `base-v${DEMO_VERSION}-screen.txt`);
      if (kind === "screen") writeFileSync(textFile, screenText());
      const graph = kind === "screen" ? BASE_KINDS.screen(textFile) : BASE_KINDS[kind]();
      if (!graph) return null;
      const partial = `${path}.${process.pid}.mp4`;
      await capture(ffTools().ffmpeg.path, [
        "-v", "error", "-y", "-f", "lavfi", "-t", String(length), "-i", `${graph},format=yuv420p`,
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-r", "25", partial,
      ]);
      renameSync(partial, path);
      return path;
    })();
    bases.set(path, made);
  }
  return made;
}

/** Layers are drawn at this many times the 320×180 units their expressions are written in: 1280×720, no upscaling. */
const LAYER_SCALE = 4;

/**
 * Renders one still frame of a `geq` picture in `format` (YUV or planar RGB, with or
 * without alpha) to a PNG of `width`×`height` units, LAYER_SCALE pixels each: the
 * expressions' X and Y stay in units, so shapes keep smooth edges at full size.
 */
async function still(path: string, geq: string, width: number, height: number, format: "yuv444p" | "yuva444p" | "gbrp" | "gbrap"): Promise<void> {
  const inUnits = geq.replace(/\bX\b/g, `(X/${LAYER_SCALE})`).replace(/\bY\b/g, `(Y/${LAYER_SCALE})`);
  await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-y", "-f", "lavfi", "-i", `color=c=black:s=${width * LAYER_SCALE}x${height * LAYER_SCALE}:d=0.04,format=${format},geq=${inUnits}`,
    "-frames:v", "1", path,
  ]);
}

/** A still layer as a stream: decoded once and repeated (`-loop 1` would decode the PNG for every frame). */
const held = (input: number) => `[${input}:v]loop=loop=-1:size=1:start=0,setpts=N/25/TB`;

/** Skin tones, light to dark (Y, Cb, Cr): drawn people look like people whatever the title's colours. */
const SKIN = [[200, 114, 142], [170, 112, 148], [140, 110, 152], [110, 114, 150], [80, 118, 142]];

/**
 * A talking head in a room, drawn for this title: where the person sits, how
 * close the shot is, their skin, hair (short, long or none), glasses, clothes,
 * the wall's colour, the shelf's stripes and the window come from its traits.
 * Returns the video filter graph over the two PNG inputs (room, person).
 */
async function interviewLayers(dir: string, r: () => number, offset: number): Promise<{ inputs: string[]; graph: string }> {
  // The poster is the middle 37.5 % of the frame (x 100–220 in units): the head stays inside it, off-centre.
  const cx = Math.round(between(r, 122, 198)), scale = between(r, 0.75, 1.45);
  const rx = 30 * scale, ry = 39 * scale, cy = Math.round(between(r, 62, 90));
  const e = (x: number, y: number, ax: number, ay: number) => `(pow((X-${fixed(x)})/${fixed(ax)},2)+pow((Y-${fixed(y)})/${fixed(ay)},2))`;
  const head = e(cx, cy, rx, ry);
  const style = Math.floor(r() * 3); // 0 short, 1 long, 2 none
  const crown = style === 2 ? "0" : `(lt(Y,${fixed(cy - ry * 0.3)})*lt(${e(cx, cy - ry * 0.05, rx * 1.1, ry * 1.08)},1))`;
  // Long hair falls behind the face, down to the shoulders.
  const back = style === 1 ? `(lt(${e(cx, cy + ry * 0.35, rx * 1.3, ry * 1.25)},1)*gte(${head},1))` : "0";
  const hair = `(${crown}+${back})`;
  const eyeY = cy - ry * 0.08;
  const eye = (dx: number) => `lt(${e(cx + dx * rx, eyeY, rx * 0.11, ry * 0.07)},1)`;
  const glasses = r() < 0.4 ? `+lt(abs(sqrt(${e(cx - 0.38 * rx, eyeY, rx * 0.24, ry * 0.18)})-1),0.12)+lt(abs(sqrt(${e(cx + 0.38 * rx, eyeY, rx * 0.24, ry * 0.18)})-1),0.12)` : "";
  const mouth = `lt(${e(cx, cy + ry * 0.45, rx * 0.3, ry * 0.07)},1)`;
  const torso = e(cx, cy + ry * 2.5, rx * 2.8, ry * 1.7);
  const body = `lt(${torso},1)`;
  const skin = SKIN[Math.floor(r() * SKIN.length)]!;
  const shirt = [between(r, 40, 150), between(r, 70, 190), between(r, 70, 190)].map(Math.round);
  const hairLuma = Math.round(between(r, 15, 110));
  const face = `lt(${head},1)*not(${crown})`;
  // Soft edges (alpha ramps over about a unit) so the person sits in the room without a cut-out's jaggies.
  const alpha = `255*clip(max(max((1-${head})*${fixed(rx / 2)},(${hair})*9),(1-${torso})*${fixed(rx)}),0,1)`;
  const person = join(dir, "person.png");
  await still(
    person,
    `lum='if(${eye(-0.38)}+${eye(0.38)}+${mouth}${glasses},25,if(${hair},${hairLuma},if(lt(${head},1),${skin[0]},${shirt[0]})))':` +
      `cb='if(${face},${skin[1]},if(${hair},126,${shirt[1]}))':cr='if(${face},${skin[2]},if(${hair},134,${shirt[2]}))':a='${alpha}'`,
    320, 180, "yuva444p",
  );
  // The room: a wall in the title's colour, a shelf of books (stripes of its own width) on one side, a bright window on the other.
  const wall = [between(r, 60, 140), between(r, 80, 175), between(r, 80, 175)].map(Math.round);
  const shelfLeft = cx > 160;
  const stripe = between(r, 3, 9);
  const shelf = `${shelfLeft ? `lt(X,${cx - 60})` : `gt(X,${cx + 60})`}*lt(Y,150)*gt(Y,20)`;
  const win = `${shelfLeft ? `gt(X,${cx + 55})*lt(X,${cx + 110})` : `gt(X,${cx - 110})*lt(X,${cx - 55})`}*gt(Y,25)*lt(Y,95)`;
  const room = join(dir, "room.png");
  await still(
    room,
    `lum='if(${win},225,if(${shelf},40+50*gt(mod(X,${fixed(stripe * 2)}),${fixed(stripe)})+25*gt(mod(Y,42),38),${wall[0]}+Y/6))':` +
      `cb='if(${win},120,if(${shelf},128+30*sin(X/${fixed(stripe)}),${wall[1]}))':cr='if(${win},128,if(${shelf},128+30*cos(X/${fixed(stripe * 1.7)}),${wall[2]}))'`,
    320, 180, "yuv444p",
  );
  const sway = fixed(between(r, 3, 8) * LAYER_SCALE), nod = fixed(between(r, 1, 3) * LAYER_SCALE), speed = fixed(between(r, 0.5, 1.1));
  return {
    inputs: [room, person],
    graph: `${held(0)}[room];${held(1)}[person];[room][person]overlay=x='${sway}*sin((t+${fixed(offset)})*${speed})':y='${nod}*sin((t+${fixed(offset)})*${speed}*1.7)',gblur=sigma=1.5`,
  };
}

/**
 * A landscape drawn for this title: a sky in one of three lights with its sun,
 * and two ranges of hills scrolling at two speeds (parallax); their heights,
 * waves and colours come from its traits. Film grain over it all.
 */
async function filmLayers(dir: string, r: () => number, offset: number): Promise<{ inputs: string[]; graph: string }> {
  const skies = [
    ["250-Y*1.1", "150-Y*0.5", "90+Y*0.6"], // dusk
    ["120+Y*0.5", "170+Y*0.3", "240-Y*0.2"], // day
    ["20+Y*0.3", "25+Y*0.3", "70+Y*0.5"], // night
  ];
  const sky = skies[Math.floor(r() * skies.length)]!;
  const sx = Math.round(between(r, 100, 220)), sy = Math.round(between(r, 25, 70)), sr = Math.round(between(r, 8, 18));
  const sun = `lt(pow(X-${sx},2)+pow(Y-${sy},2),${sr * sr})`;
  const glow = `${sr * 4}/(${sr}+sqrt(pow(X-${sx},2)+pow(Y-${sy},2)))`;
  const skyPng = join(dir, "sky.png");
  await still(skyPng, `r='if(${sun},255,clip(${sky[0]}+40*${glow},0,255))':g='if(${sun},230,clip(${sky[1]}+30*${glow},0,255))':b='if(${sun},170,clip(${sky[2]},0,255))'`, 320, 180, "gbrp");
  /** One range of hills, 640 units wide and periodic over 320 so it can scroll forever. */
  const hills = async (file: string, top: number, amplitude: number, rgb: number[]) => {
    const k1 = 1 + Math.floor(r() * 3), k2 = 4 + Math.floor(r() * 6), p = between(r, 0, 6.28);
    const ridge = `${top}+${fixed(amplitude)}*sin(X*${fixed((2 * Math.PI * k1) / 320, 5)}+${fixed(p)})+${fixed(amplitude * 0.35)}*sin(X*${fixed((2 * Math.PI * k2) / 320, 5)})`;
    await still(file, `r='clip(${rgb[0]}-Y*0.2,0,255)':g='clip(${rgb[1]}-Y*0.2,0,255)':b='${rgb[2]}':a='255*clip((Y-(${ridge}))*4,0,1)'`, 640, 180, "gbrap");
  };
  const far = join(dir, "far.png"), near = join(dir, "near.png");
  const horizon = between(r, 85, 125);
  await hills(far, Math.round(horizon - 15), between(r, 6, 16), [Math.round(between(r, 60, 140)), Math.round(between(r, 70, 130)), Math.round(between(r, 90, 150))]);
  await hills(near, Math.round(horizon + 25), between(r, 8, 20), [Math.round(between(r, 20, 70)), Math.round(between(r, 30, 80)), Math.round(between(r, 20, 60))]);
  const slow = fixed(between(r, 4, 9) * LAYER_SCALE), fast = fixed(between(r, 12, 24) * LAYER_SCALE), t = `(t+${fixed(offset)})`, period = 320 * LAYER_SCALE;
  return {
    inputs: [skyPng, far, near],
    graph:
      `${held(0)}[sky];${held(1)}[far];${held(2)}[near];` +
      `[sky][far]overlay=x='-mod(${t}*${slow},${period})':y=0[a];[a][near]overlay=x='-mod(${t}*${fast},${period})':y=0,` +
      "gblur=sigma=2,noise=alls=10:allf=t+u",
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A title's source: its kind's picture made its own (drawn from its traits, or its
 * part of the shared base: a later start, a zoomed crop, a mirror), in its own hue
 * and saturation, a tone, and a second language track on some titles.
 */
async function makeSource(path: string, index: number, name: string, seconds: number, twoLanguages: boolean, cacheDir: string, scratch: string): Promise<void> {
  const h = hash(name);
  const r = titleTraits(name);
  const offset = between(r, 0, MAX_OFFSET_SECONDS);
  let kind = KIND_ORDER[index % KIND_ORDER.length]!;
  let videoInputs: string[];
  let graph: string;
  const base = kind === "interview" || kind === "film" ? null : await baseClip(kind, seconds, cacheDir);
  if (base === null && kind === "screen") kind = "film"; // no monospace font on this machine
  if (kind === "interview" || kind === "film") {
    const layers = await (kind === "interview" ? interviewLayers : filmLayers)(scratch, r, offset);
    videoInputs = layers.inputs.flatMap((png) => ["-i", png]);
    graph = layers.graph;
  } else {
    // Its own part of the shared picture: from `offset` s in, zoomed up to 1.35× (1.15× for text) at its own place, mirrored on half the titles.
    const zoom = between(r, 1, kind === "screen" ? 1.15 : 1.35), fx = r(), fy = r(), mirror = kind !== "screen" && r() < 0.5;
    videoInputs = ["-ss", fixed(offset, 3), "-t", String(seconds), "-i", base!];
    graph = `[0:v]crop=iw/${fixed(zoom, 3)}:ih/${fixed(zoom, 3)}:(iw-iw/${fixed(zoom, 3)})*${fixed(fx, 3)}:(ih-ih/${fixed(zoom, 3)})*${fixed(fy, 3)},scale=1280:720:flags=bicubic${mirror ? ",hflip" : ""}`;
  }
  // Drawn kinds have their own colours already (and people keep their skin); the shared ones take the title's hue.
  const hue = kind === "interview" || kind === "film" ? 0 : (h % 120) - 60;
  const saturation = fixed(between(r, 0.75, 1.35));
  const audio = videoInputs.filter((a) => a === "-i").length;
  const tone = 220 + (h % 440);
  const audioInputs = ["-f", "lavfi", "-t", String(seconds), "-i", `sine=frequency=${tone}:sample_rate=48000,volume=0.3`];
  if (twoLanguages) audioInputs.push("-f", "lavfi", "-t", String(seconds), "-i", `sine=frequency=${tone * 1.5}:sample_rate=48000,volume=0.3`);
  await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-y",
    ...videoInputs,
    ...audioInputs,
    "-filter_complex", `${graph},hue=h=${hue}:s=${saturation},format=yuv420p[v]`,
    "-map", "[v]", "-map", `${audio}:a`, ...(twoLanguages ? ["-map", `${audio + 1}:a`] : []),
    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-r", "25", "-t", String(seconds),
    "-c:a", "aac", "-b:a", "160k",
    "-metadata:s:a:0", "language=eng", ...(twoLanguages ? ["-metadata:s:a:1", "language=fra"] : []),
    path,
  ]);
}

/** The title's name in lines of at most `width` characters. */
function titleLines(name: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of name.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && (last + " " + word).length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Sets the title in type on the poster (as a studio's key art does), so a row
 * of demo posters reads like a catalog; backdrops stay textless because pages
 * print the name over them. Without a font the poster stays the frame.
 */
async function letterPoster(posterPath: string, name: string): Promise<boolean> {
  const serif = font("DejaVuSerif-Bold.ttf");
  if (!serif) return false;
  const lines = titleLines(name, 12).slice(0, 4);
  const size = 62;
  const step = Math.round(size * 1.15);
  const top = `h-${80 + step * lines.length}`;
  // Each line from a file with expansion off: a title's quotes, colons and % need no escaping.
  const text = lines.map((line, i) => {
    const file = `${posterPath}.line${i}.txt`;
    writeFileSync(file, line);
    return `drawtext=fontfile=${serif}:textfile=${file}:expansion=none:fontsize=${size}:fontcolor=white:shadowcolor=black@0.7:shadowx=2:shadowy=2:x=(w-text_w)/2:y=${top}+${i * step}`;
  });
  // The lower half darkens towards the bottom in thin bands that meet exactly (drawbox cannot draw a gradient), so the type reads on any frame.
  const BANDS = 20;
  const edge = (i: number) => `trunc(ih*${(0.5 + (0.5 * i) / BANDS).toFixed(4)})`;
  const shade = Array.from({ length: BANDS }, (_, i) => `drawbox=x=0:y=${edge(i)}:w=iw:h=${edge(i + 1)}-${edge(i)}:color=black@${(0.04 + (0.66 * i) / BANDS).toFixed(3)}:t=fill`);
  const out = `${posterPath}.lettered.jpg`;
  await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-y", "-i", posterPath,
    "-vf", [...shade, ...text].join(","),
    "-frames:v", "1", "-q:v", "3", out,
  ]);
  renameSync(out, posterPath);
  lines.forEach((_, i) => rmSync(`${posterPath}.line${i}.txt`));
  return true;
}

function demoSubtitles(name: string, seconds: number, language: "en" | "fr"): string {
  const lines = language === "en"
    ? [`Welcome to ${name}.`, "This clip was generated for the Marquee demo.", "Subtitles are WebVTT, converted from SRT.", "Enjoy the show."]
    : [`Bienvenue dans ${name}.`, "Ce clip a été généré pour la démo Marquee.", "Les sous-titres sont en WebVTT.", "Bon visionnage."];
  const step = seconds / lines.length;
  const t = (s: number) => `00:00:${String(Math.floor(s)).padStart(2, "0")},${String(Math.round((s % 1) * 1000)).padStart(3, "0")}`;
  return lines.map((l, i) => `${i + 1}\n${t(i * step + 0.2)} --> ${t((i + 1) * step - 0.2)}\n${l}\n`).join("\n");
}

export interface DemoWork {
  titleId: number;
  name: string;
  episodeIds: number[];
}

/** Demo titles that need media: visible ones, with the episodes of series. */
async function demoWork(target: Target): Promise<DemoWork[]> {
  const rows = await target.query<{ id: number; title: string; type: string; episodes: string | null }>(sql`
    SELECT t.id, t.title, t.type, (SELECT json_group_array(e.id) FROM (SELECT id FROM episodes WHERE title_id = t.id ORDER BY season_id, number) e) AS episodes
    FROM titles t ORDER BY t.id`);
  const names = new Set(DEMO_TITLES.filter((t) => !t.window || (t.window.startDays <= 0 && (t.window.endDays ?? 1) > 0)).map((t) => t.title));
  return rows
    .filter((r) => names.has(r.title))
    .map((r) => ({ titleId: r.id, name: r.title, episodeIds: r.type === "series" ? (JSON.parse(r.episodes ?? "[]") as number[]) : [] }));
}

/**
 * Encodes (or loads from cache) the package for one demo title: the clip of
 * DEMO_TITLES[index] named `work.name`, for `work`'s title or first episode.
 * `clear`: left unencrypted (bench:drm's reference copy of an encrypted title).
 */
export async function demoPackage(work: DemoWork, index: number, seconds: number, cacheDir: string, options: { clear?: boolean } = {}): Promise<AssetManifest> {
  const owner = work.episodeIds.length > 0 ? { episodeId: work.episodeIds[0]! } : { titleId: work.titleId };
  const assetId = `${owner.titleId !== undefined ? `t${owner.titleId}` : `e${owner.episodeId}`}-demo${DEMO_VERSION}s${seconds}${options.clear ? "-clear" : ""}`;
  const manifestPath = join(cacheDir, `${assetId}.json`);
  if (existsSync(manifestPath)) return JSON.parse(readFileSync(manifestPath, "utf8")) as AssetManifest;
  // Work in a private folder and move the finished package into place, so two processes
  // sharing the cache (npm start and a test run, say) never see each other's half-written files.
  const scratch = join(cacheDir, `.work-${process.pid}-${assetId}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const sourcePath = join(scratch, "source.mp4");
  const tracks = demoTracks(index);
  await makeSource(sourcePath, index, work.name, seconds, tracks.audio.includes("fr"), cacheDir, scratch);
  const subtitles: { language: string; path: string }[] = [];
  if (tracks.subtitles.length > 0) {
    for (const lang of ["en", "fr"] as const) {
      const p = join(scratch, `${lang}.srt`);
      writeFileSync(p, demoSubtitles(work.name, seconds, lang));
      subtitles.push({ language: lang, path: p });
    }
  }
  const manifest = await prepareAsset({
    source: sourcePath, owner, workDir: scratch, segmentSeconds: 4, subtitles,
    intro: work.episodeIds.length > 0 ? { start: 1, end: 4 } : undefined,
    creditsStart: seconds - 3,
    // ultrafast keeps the first start within a few minutes on two cores; `npm run ingest` defaults to veryfast.
    preset: "ultrafast", trickplay: true, assetId, label: `  ${work.name.slice(0, 28).padEnd(28)}`, clear: options.clear,
  });
  const poster = manifest.objects.find((o) => o.key.endsWith("stills/poster.jpg"));
  if (poster && (await letterPoster(poster.path, work.name))) {
    const bytes = readFileSync(poster.path);
    Object.assign(poster, { sizeBytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  const finalDir = join(cacheDir, assetId);
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(join(scratch, assetId), finalDir);
  rmSync(scratch, { recursive: true, force: true });
  const moved: AssetManifest = { ...manifest, objects: manifest.objects.map((o) => ({ ...o, path: join(finalDir, o.path.slice(join(scratch, assetId).length + 1)) })) };
  writeFileSync(`${manifestPath}.${process.pid}`, JSON.stringify(moved));
  renameSync(`${manifestPath}.${process.pid}`, manifestPath);
  return moved;
}

/**
 * Manifest for another episode with the same media: its own asset rows, stored
 * in the template's folder (`assets/<template>/`, no objects of its own). Media
 * URLs and playback tokens name the folder, so episodes share the objects.
 */
function reuseFor(template: AssetManifest, episodeId: number): AssetManifest {
  // "-ep" keeps the id apart from the rows older versions registered ("-copy" with copied objects, or the same id as the template's).
  const assetId = `e${episodeId}-${template.asset.id.split("-").slice(1).join("-")}-ep`;
  return {
    ...template,
    asset: { ...template.asset, id: assetId, episodeId, titleId: null, createdAt: Date.now() },
    renditions: template.renditions.map((r) => ({ ...r, assetId })),
    subtitles: template.subtitles.map((t) => ({ ...t, assetId })),
    trickplay: template.trickplay ? { ...template.trickplay, assetId } : null,
  };
}

/** Ingests demo media for every demo title that has none yet; returns how many titles were done. */
export async function ensureDemoMedia(options: { persistTo?: string; seconds?: number; log?: (line: string) => void } = {}): Promise<number> {
  const seconds = options.seconds ?? 12;
  const log = options.log ?? ((l: string) => console.log(l));
  const cacheDir = join(root, ".cache/demo-media");
  mkdirSync(cacheDir, { recursive: true });
  const target = await localTarget(options.persistTo);
  try {
    const ready = new Set(
      (await target.query<{ owner: string }>(sql`SELECT coalesce('t' || title_id, 'e' || episode_id) AS owner FROM assets WHERE status = 'ready'`)).map((r) => r.owner),
    );
    const todo = (await demoWork(target)).filter((w) =>
      w.episodeIds.length > 0 ? w.episodeIds.some((e) => !ready.has(`e${e}`)) : !ready.has(`t${w.titleId}`),
    );
    if (todo.length === 0) return 0;
    const { ffmpeg } = ffTools();
    log(`demo media: ${todo.length} titles to prepare (ffmpeg from ${ffmpeg.source}; cached in .cache/demo-media)`);
    const started = performance.now();
    let done = 0;
    // Two titles at a time: while one encodes, the other probes, takes stills or uploads.
    const queue = [...todo];
    const worker = async () => {
      for (let work = queue.shift(); work; work = queue.shift()) {
        const index = DEMO_TITLES.findIndex((t) => t.title === work.name);
        const manifest = await demoPackage(work, index, seconds, cacheDir);
        const first = work.episodeIds.length > 0 ? `e${work.episodeIds[0]}` : `t${work.titleId}`;
        if (!ready.has(first)) await publishAsset(target, manifest);
        for (const e of work.episodeIds.slice(1).filter((e) => !ready.has(`e${e}`))) await publishAsset(target, reuseFor(manifest, e), { reuseObjects: true });
        const elapsed = (performance.now() - started) / 1000;
        log(`demo media ${++done}/${todo.length}: ${work.name}${work.episodeIds.length ? ` (${work.episodeIds.length} episodes)` : ""} — ${elapsed.toFixed(0)} s`);
      }
    };
    await Promise.all([worker(), worker()]);
    return todo.length;
  } finally {
    await target.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" }, seconds: { type: "string" } } });
  await ensureDemoMedia({ persistTo: values["persist-to"], seconds: values.seconds ? Number(values.seconds) : undefined });
}
