/**
 * Demo media for `npm start`: a short synthetic clip per demo title (a distinct
 * test pattern, colour and tone each, with audio), ingested through the real
 * pipeline — some with subtitles and intro/credits markers — and published to the
 * local state. Encoded packages are cached in .cache/demo-media, so later starts
 * (and fresh states, like the browser suite's) only re-publish.
 *
 * `node tools/ingest/demo.ts [--persist-to DIR] [--seconds 12]`
 */
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
const DEMO_VERSION = 4;
/**
 * Distinct synthetic pictures, chosen to be cheap to generate: the costly ones
 * (mandelbrot, life, testsrc2) are rendered small and scaled up, which keeps the
 * first start within a few minutes on two cores.
 */
const PATTERNS = [
  "testsrc2=size=640x360:rate=25,scale=1280:720",
  "smptehdbars=size=1280x720:rate=25",
  "mandelbrot=size=480x270:rate=25:maxiter=300,scale=1280:720",
  "testsrc=size=1280x720:rate=25",
  "rgbtestsrc=size=1280x720:rate=25",
  "life=s=320x180:mold=10:r=25:ratio=0.1:death_color=#C83232:life_color=#00ff00,scale=1280:720:flags=neighbor",
  "cellauto=s=640x360:rule=110:rate=25,scale=1280:720:flags=neighbor",
  "yuvtestsrc=size=1280x720:rate=25",
];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A synthetic source: the title's pattern, rotated in hue, with a tone and a second language track on some titles. */
async function makeSource(path: string, index: number, name: string, seconds: number, twoLanguages: boolean): Promise<void> {
  const h = hash(name);
  const pattern = PATTERNS[index % PATTERNS.length]!;
  const video = pattern;
  const hue = (h % 360) - 180;
  const tone = 220 + (h % 440);
  const audioInputs = ["-f", "lavfi", "-t", String(seconds), "-i", `sine=frequency=${tone}:sample_rate=48000,volume=0.3`];
  if (twoLanguages) audioInputs.push("-f", "lavfi", "-t", String(seconds), "-i", `sine=frequency=${tone * 1.5}:sample_rate=48000,volume=0.3`);
  await capture(ffTools().ffmpeg.path, [
    "-v", "error", "-y",
    "-f", "lavfi", "-t", String(seconds), "-i", `${video},hue=h=${hue}:s=1.2,format=yuv420p`,
    ...audioInputs,
    "-map", "0:v", "-map", "1:a", ...(twoLanguages ? ["-map", "2:a"] : []),
    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-r", "25",
    "-c:a", "aac", "-b:a", "160k",
    "-metadata:s:a:0", "language=eng", ...(twoLanguages ? ["-metadata:s:a:1", "language=fra"] : []),
    path,
  ]);
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
  await makeSource(sourcePath, index, work.name, seconds, tracks.audio.includes("fr"));
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
