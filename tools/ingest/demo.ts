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
import { BASE_KINDS, between, filmLayers, fixed, font, hash, interviewLayers, KIND_ORDER, screenText, titleTraits, type Kind } from "./demo-pictures.ts";

/** Bump when the demo clips change, so caches re-encode. */
const DEMO_VERSION = 7;

/** How much later than the base clip's start a title may begin (the base is this much longer than a title). */
const MAX_OFFSET_SECONDS = 8;

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
