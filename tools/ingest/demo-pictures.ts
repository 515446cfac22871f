/**
 * The demo's kinds of picture (flat animation, fast motion, film grain, a
 * talking head, screen text), as ffmpeg inputs and filter graphs: the demo
 * media (tools/ingest/demo.ts) makes each title's clip from them, and
 * bench:encode draws them as its clips of different complexity.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { capture, ffTools } from "./ffmpeg.ts";

/** A font for the screen clip's text and the posters' titles (Debian's fonts-dejavu-core), if this machine has one. */
const FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF", "/Library/Fonts", "/System/Library/Fonts/Supplemental"];
export function font(file: string): string | null {
  for (const dir of FONT_DIRS) if (existsSync(join(dir, file))) return join(dir, file);
  return null;
}

/**
 * What makes one title's picture its own, beyond its kind: a stream of numbers
 * in [0, 1) seeded by the title's name (the same on every machine and in every
 * state, whatever id the seed gave it).
 */
export function titleTraits(name: string): () => number {
  let s = hash(name) || 1;
  return () => {
    // xorshift32: cheap, and plenty for picking positions and colours.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
export const between = (r: () => number, lo: number, hi: number) => lo + (hi - lo) * r();
export const fixed = (x: number, digits = 2) => x.toFixed(digits);

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
export const BASE_KINDS = {
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
export type Kind = "film" | "animation" | "interview" | "action" | "screen";
export const KIND_ORDER: Kind[] = ["film", "animation", "interview", "action", "screen"];

/** The screen clip's text: lines of something like code, the same on every machine. */
export function screenText(): string {
  const words = ["const", "let", "await", "return", "stream", "segment", "render", "for", "if", "buffer", "fetch", "edge", "cache", "title", "frame", "=>", "{", "}", "push", "map"];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % 1000;
  return Array.from({ length: 60 }, () => "  ".repeat(next() % 4) + Array.from({ length: 2 + (next() % 8) }, () => words[next() % words.length]).join(" ")).join("\n");
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
export async function interviewLayers(dir: string, r: () => number, offset: number): Promise<{ inputs: string[]; graph: string }> {
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
export async function filmLayers(dir: string, r: () => number, offset: number): Promise<{ inputs: string[]; graph: string }> {
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

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}


/**
 * One kind's picture at 1280×720, 25 fps, as it is drawn before the demo makes it a
 * title's own: ffmpeg input arguments and a video graph over them with one unlabelled
 * output (endless: the caller sets the length). The talking head and the
 * landscape are drawn for `name` (their layers are written into `dir`); the
 * other kinds straight from their generators rather than from the demo's cached
 * base clips. Null where it cannot be drawn here (screen text without a font).
 */
export async function drawPicture(kind: Kind, name: string, dir: string): Promise<{ inputs: string[]; graph: string } | null> {
  if (kind === "interview" || kind === "film") {
    const layers = await (kind === "interview" ? interviewLayers : filmLayers)(dir, titleTraits(name), 0);
    return { inputs: layers.inputs.flatMap((png) => ["-i", png]), graph: layers.graph };
  }
  let graph: string | null;
  if (kind === "screen") {
    const textFile = join(dir, "screen.txt");
    writeFileSync(textFile, screenText());
    graph = BASE_KINDS.screen(textFile);
  } else graph = BASE_KINDS[kind]();
  return graph ? { inputs: ["-f", "lavfi", "-i", graph], graph: "[0:v]null" } : null;
}
