/**
 * `npm run ingest -- <source> --title <id> [--episode <id>] [options]`
 *
 * Turns a source video into an adaptive HLS ladder (CMAF fMP4) with audio and
 * subtitle renditions, trickplay and stills, uploads it to R2 and registers it in
 * D1. Local by default (the state `npm start` serves); `--remote` targets a
 * deployed Marquee.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ffTools } from "./ffmpeg.ts";
import { chooseLadder, parseRange, prepareAsset, type Owner } from "./pipeline.ts";
import { IngestError, probeSource } from "./probe.ts";
import { localTarget, publishAsset, remoteTarget, sweepOrphans } from "./publish.ts";

const USAGE = `usage: npm run ingest -- <source> (--title <movieId> | --episode <episodeId>) [options]
  --subtitles <lang>=<file.srt|vtt>   add a subtitle track (repeatable)
  --intro 00:10-00:45                 intro marker (skip intro)
  --credits 21:30-                    credits marker (next episode / finished)
  --segment-seconds 4                 segment length
  --heights 360,720                   only these ladder rungs
  --preset veryfast                   x264 preset
  --max-seconds N                     only the first N seconds of the source
  --vmaf-models DIR                   VMAF models for a per-title ladder (default: $MARQUEE_VMAF_MODELS;
                                      without models, the fixed ladder)
  --plan-only                         probe and print the ladder as JSON; encode and publish nothing
  --codecs h264,av1                   video codecs (default: AV1 too on a per-title ladder when ffmpeg has libsvtav1
                                      and its probes show it saves bits at matched VMAF; h264,av1 writes it regardless)
  --no-trickplay                      skip seek-bar thumbnails
  --persist-to DIR                    local wrangler state folder (default .wrangler/state)
  --remote                            publish to the deployed bucket and database (wrangler login)
  --bucket marquee-media              bucket name for --remote`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      title: { type: "string" },
      episode: { type: "string" },
      subtitles: { type: "string", multiple: true, default: [] },
      intro: { type: "string" },
      credits: { type: "string" },
      "segment-seconds": { type: "string", default: "4" },
      heights: { type: "string" },
      preset: { type: "string", default: "veryfast" },
      "max-seconds": { type: "string" },
      "vmaf-models": { type: "string" },
      "plan-only": { type: "boolean", default: false },
      codecs: { type: "string" },
      "no-trickplay": { type: "boolean", default: false },
      "persist-to": { type: "string" },
      remote: { type: "boolean", default: false },
      bucket: { type: "string", default: "marquee-media" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const source = positionals[0];
  if (!source || positionals.length > 1) throw new IngestError(`give exactly one source file\n${USAGE}`);
  const id = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(v)) throw new IngestError(`--${name} must be a positive integer id`);
    return Number(v);
  };
  const titleId = id("title", values.title);
  const episodeId = id("episode", values.episode);
  const segmentSeconds = Number(values["segment-seconds"]);
  if (!(segmentSeconds >= 1 && segmentSeconds <= 10)) throw new IngestError("--segment-seconds must be between 1 and 10");
  const maxSeconds = values["max-seconds"] ? Number(values["max-seconds"]) : undefined;
  const codecs = values.codecs?.split(",").map((c) => c.trim());
  if (codecs && (!codecs.includes("h264") || codecs.some((c) => c !== "h264" && c !== "av1"))) throw new IngestError("--codecs takes h264 or h264,av1");
  if (values["plan-only"]) {
    const workDir = mkdtempSync(join(tmpdir(), "marquee-plan-"));
    try {
      const { perTitle, ladder } = await chooseLadder(await probeSource(source), { vmafModels: values["vmaf-models"], preset: values.preset, segmentSeconds, maxSeconds, codecs: codecs as ("h264" | "av1")[] | undefined, log: (l) => console.error(l) }, workDir);
      console.log(JSON.stringify({ ladder, perTitle }));
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    return;
  }
  if ((titleId === undefined) === (episodeId === undefined)) throw new IngestError(`give either --title <movieId> or --episode <episodeId>\n${USAGE}`);
  const owner: Owner = titleId !== undefined ? { titleId } : { episodeId: episodeId! };
  const subtitles = values.subtitles.map((s) => {
    const m = /^([a-z]{2,3}(?:-[A-Za-z0-9]+)?)=(.+)$/.exec(s);
    if (!m) throw new IngestError(`--subtitles wants lang=path, e.g. en=movie.srt (got "${s}")`);
    return { language: m[1]!, path: m[2]! };
  });
  const intro = values.intro ? parseRange(values.intro) : undefined;
  if (intro && intro.end === undefined) throw new IngestError("--intro needs an end, e.g. 00:10-00:45");
  const credits = values.credits ? parseRange(values.credits) : undefined;

  const { ffmpeg, ffprobe } = ffTools();
  console.log(`ffmpeg: ${ffmpeg.path} (from ${ffmpeg.source}); ffprobe: ${ffprobe.path} (from ${ffprobe.source})`);
  // A bad source is refused before any storage is opened (and before minutes of encoding).
  await probeSource(source);
  const target = values.remote ? remoteTarget(values.bucket) : await localTarget(values["persist-to"]);
  const workDir = mkdtempSync(join(tmpdir(), "marquee-ingest-"));
  try {
    // Refuse unknown owners before spending minutes encoding.
    if (!(await target.ownerExists(owner))) throw new IngestError(titleId !== undefined ? `no movie with id ${titleId}` : `no episode with id ${episodeId}`);
    const swept = await sweepOrphans(target, owner);
    if (swept > 0) console.log(`removed ${swept} objects left by an interrupted ingest`);
    const manifest = await prepareAsset({
      source, owner, workDir, segmentSeconds, subtitles,
      intro: intro ? { start: intro.start, end: intro.end! } : undefined,
      creditsStart: credits?.start,
      heights: values.heights?.split(",").map(Number),
      preset: values.preset,
      maxSeconds,
      vmafModels: values["vmaf-models"],
      codecs: codecs as ("h264" | "av1")[] | undefined,
      trickplay: !values["no-trickplay"],
      log: (l) => console.log(`  ${l}`),
      label: "encoding",
    });
    for (const m of manifest.measured) {
      console.log(`  ${m.dir.padEnd(12)} ${(m.averageBps / 1000).toFixed(0).padStart(6)} kbps avg, ${(m.peakBps / 1000).toFixed(0).padStart(6)} kbps peak, ${m.segments.length} segments, ${(m.bytes / 1e6).toFixed(2)} MB`);
    }
    await publishAsset(target, manifest, { log: (l) => console.log(`  ${l}`) });
    console.log(`ingested ${source} as asset ${manifest.asset.id} into ${target.describe}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await target.close();
  }
}

main().catch((err) => {
  if (err instanceof IngestError) {
    console.error(`ingest: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
