/**
 * From a source file to a publishable asset: probe, encode the ladder, measure,
 * write playlists, subtitles, trickplay and stills into a work folder, and list
 * every object with its size and sha256. Nothing is uploaded here.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { assets, renditions, subtitleTracks, trickplay } from "../../worker/db/schema.ts";
import { videoRangeOf } from "../../common/video-range.ts";
import { contentTypeOf } from "../../worker/media/serve.ts";
import { encode, audioDirs } from "./encode.ts";
import { encryptRenditions, type RawContentKey } from "./encrypt.ts";
import { hdrRenditions, perTitleRenditions, selectLadder, type Rendition } from "./ladder.ts";
import { aacCodecString, av1CodecString, avcCodecString } from "./mp4.ts";
import { masterPlaylist, measurePlaylist, trickplayVtt, type MeasuredPlaylist } from "./playlists.ts";
import { ffTools } from "./ffmpeg.ts";
import type { PlannedRung } from "./hull.ts";
import { findVmaf, hasAv1Encoder, probePerTitle, type PerTitleLadder, type ProbeOptions } from "./per-title.ts";
import { IngestError, probeSource, type SourceInfo } from "./probe.ts";
import { extractStills } from "./stills.ts";
import { subtitlePlaylist, toWebVtt } from "./subtitles.ts";

export type Owner = { titleId: number; episodeId?: undefined } | { episodeId: number; titleId?: undefined };

export interface IngestOptions {
  source: string;
  owner: Owner;
  workDir: string;
  segmentSeconds: number;
  subtitles: { language: string; path: string }[];
  intro?: { start: number; end: number };
  creditsStart?: number;
  /** Only these ladder heights (default: every rung up to the source's height). */
  heights?: number[];
  preset: string;
  maxSeconds?: number;
  trickplay: boolean;
  /**
   * VMAF model directory for a per-title ladder (default: MARQUEE_VMAF_MODELS);
   * without one, the fixed ladder. `--heights` also means the fixed ladder.
   */
  vmafModels?: string;
  /** Probe grid overrides (tests, benchmarks): scenes, resolutions, CRFs, targets. */
  probe?: Pick<ProbeOptions, "scenes" | "sceneSeconds" | "heights" | "crfs" | "av1Crfs" | "targets">;
  /**
   * Video codecs: H.264 always; AV1 (SVT-AV1) as well on a per-title ladder,
   * each rung matched to its H.264 rung's VMAF. Default: AV1 too when ffmpeg has
   * libsvtav1 and the probes show it pays on the title (per-title.ts av1Pays);
   * listing "av1" writes it whatever the probes say.
   */
  codecs?: ("h264" | "av1")[];
  /** Progress lines (probes, notices). */
  log?: (line: string) => void;
  /**
   * Leave the media in the clear (only the DRM benchmark's reference copy does;
   * every published asset is encrypted otherwise).
   */
  clear?: boolean;
  /** Fixed asset id (tests); default `<owner>-<time>`. */
  assetId?: string;
  label?: string;
}

export interface AssetObject {
  key: string;
  path: string;
  sizeBytes: number;
  sha256: string;
  contentType: string;
}

export interface AssetManifest {
  asset: typeof assets.$inferInsert;
  renditions: Omit<typeof renditions.$inferInsert, "id">[];
  subtitles: Omit<typeof subtitleTracks.$inferInsert, "id">[];
  trickplay: typeof trickplay.$inferInsert | null;
  objects: AssetObject[];
  /** Artwork keys (under the asset) when stills could be taken. */
  stills: { poster: string; backdrop: string; still: string } | null;
  measured: MeasuredPlaylist[];
  /** The per-title ladder's probes, hull and rungs, or null for the fixed ladder. */
  perTitle: PerTitleLadder | null;
  /** The raw content keys (one per tier used), wrapped under the KEK only when published; empty for a clear asset. */
  contentKeys: RawContentKey[];
}

/**
 * The ladder for a source: per-title (probed with VMAF) when a model and an
 * ffmpeg with libvmaf are available, else the fixed ladder with a notice saying why.
 * An HDR source gets SDR renditions tone-mapped from it and, beside its AV1
 * set, an HDR copy of that set (10-bit, its own transfer); without AV1 it is SDR only.
 */
export async function chooseLadder(
  source: SourceInfo,
  options: Pick<IngestOptions, "vmafModels" | "heights" | "probe" | "preset" | "segmentSeconds" | "maxSeconds" | "log" | "codecs">,
  workDir: string,
): Promise<{ ladder: Rendition[]; perTitle: PerTitleLadder | null }> {
  const log = options.log ?? (() => {});
  const hdr = source.video.range !== "SDR" ? source.video.range : null;
  const fixed = () => {
    if (hdr) log(`notice: ${hdr} source, SDR ladder only (tone-mapped): the HDR set is AV1 beside a per-title ladder`);
    return selectLadder(source.video.width, source.video.height, options.heights);
  };
  if (options.heights) return { ladder: fixed(), perTitle: null };
  const vmaf = findVmaf(options.vmafModels);
  if ("reason" in vmaf) {
    log(`notice: fixed ladder, H.264 only (${vmaf.reason})`);
    return { ladder: fixed(), perTitle: null };
  }
  let av1 = options.codecs ? options.codecs.includes("av1") : hasAv1Encoder();
  if (av1 && !hasAv1Encoder()) {
    log(`notice: H.264 only (${ffTools().ffmpeg.path} has no libsvtav1; install Debian's ffmpeg or set FFMPEG_PATH)`);
    av1 = false;
  }
  const av1Always = options.codecs?.includes("av1") ?? false;
  const perTitle = await probePerTitle(source, { vmaf, workDir, preset: options.preset, segmentSeconds: options.segmentSeconds, maxSeconds: options.maxSeconds, log, av1, av1Always, ...options.probe });
  const describe = (rs: PlannedRung[]) => rs.map((r) => `${r.height}p ${Math.round(r.kbps)} kbps VMAF ${r.vmaf.toFixed(1)}`).join(", ");
  log(`per-title ladder (${perTitle.points.length + (perTitle.av1?.points.length ?? 0)} probes in ${perTitle.probeSeconds} s): H.264 ${describe(perTitle.rungs)}${perTitle.av1 ? `; AV1 ${perTitle.av1.declined ? `not written (${perTitle.av1.declined})` : describe(perTitle.av1.rungs)}` : ""}`);
  const av1Set = perTitle.av1 ? perTitleRenditions(perTitle.av1.rungs, "av1") : [];
  if (hdr && av1Set.length === 0) log(`notice: ${hdr} source, SDR ladder only (tone-mapped): the HDR set needs SVT-AV1`);
  else if (hdr) log(`${hdr} source: SDR ladder tone-mapped, and an AV1 ${hdr} set of ${av1Set.length} renditions`);
  return { ladder: [...perTitleRenditions(perTitle.rungs), ...av1Set, ...(hdr ? hdrRenditions(av1Set, hdr) : [])], perTitle };
}


const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language" });
function languageLabel(tag: string | null, fallback: string): string {
  if (!tag) return fallback;
  try {
    return LANGUAGE_NAMES.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** `00:10`, `1:02:03`, `95` or `95.5` → seconds. */
export function parseTimestamp(text: string): number {
  const parts = text.trim().split(":").map(Number);
  if (parts.length === 0 || parts.length > 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) throw new IngestError(`not a time: "${text}"`);
  return parts.reduce((total, p) => total * 60 + p, 0);
}

/** `00:10-00:45` → {start, end}; `21:30-` → {start, end: undefined}. */
export function parseRange(text: string): { start: number; end?: number } {
  const m = /^([^-]+)-([^-]*)$/.exec(text.trim());
  if (!m) throw new IngestError(`not a time range: "${text}" (expected start-end, e.g. 00:10-00:45)`);
  const start = parseTimestamp(m[1]!);
  const end = m[2] ? parseTimestamp(m[2]) : undefined;
  if (end !== undefined && end <= start) throw new IngestError(`range ends before it starts: "${text}"`);
  return { start, end };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

function ownerKey(owner: Owner): string {
  return owner.titleId !== undefined ? `t${owner.titleId}` : `e${owner.episodeId}`;
}

/** A new versioned asset id for an owner: `t12-lz3k9q` (title 12) or `e40-…` (episode 40). */
export function newAssetId(owner: Owner): string {
  return `${ownerKey(owner)}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36).padStart(2, "0")}`;
}

/** The id prefix shared by every version of an owner's assets (for sweeping orphans). */
export function assetIdPrefix(owner: Owner): string {
  return `${ownerKey(owner)}-`;
}

/** Encodes and packages one source into `options.workDir`; returns the manifest to publish. */
export async function prepareAsset(options: IngestOptions): Promise<AssetManifest> {
  const source = await probeSource(options.source);
  const subtitleTexts = options.subtitles.map((s) => {
    let text: string;
    try {
      text = readFileSync(s.path, "utf8");
    } catch {
      throw new IngestError(`subtitle file not found: ${s.path}`);
    }
    return { ...s, vtt: toWebVtt(text, s.path) };
  });
  const assetId = options.assetId ?? newAssetId(options.owner);
  const outDir = join(options.workDir, assetId);
  mkdirSync(outDir, { recursive: true });
  const durationSeconds = Math.min(source.durationSeconds, options.maxSeconds ?? Infinity);
  const { ladder, perTitle } = await chooseLadder(source, options, options.workDir);
  const trickplaySpec = options.trickplay
    ? { intervalSeconds: durationSeconds <= 120 ? 2 : 10, tileWidth: 160, tileHeight: 90, columns: 5, rows: 5 }
    : null;
  await encode(
    { source, ladder, segmentSeconds: options.segmentSeconds, outDir, trickplay: trickplaySpec, preset: options.preset, maxSeconds: options.maxSeconds, audioKbps: 128 },
    options.label ?? assetId,
  );

  // Encrypted before anything is measured, so BANDWIDTH, sizes and checksums describe the bytes served.
  const contentKeys = options.clear
    ? []
    : await encryptRenditions(outDir, options.workDir, [
        ...ladder.map((r) => ({ dir: `video/${r.name}`, heightPx: r.height })),
        ...audioDirs(source).map((a) => ({ dir: a.dir, heightPx: null })),
      ]);

  const keyPrefix = `assets/${assetId}/`;
  const measured: MeasuredPlaylist[] = [];
  const videoRows: AssetManifest["renditions"] = [];
  for (const r of ladder) {
    const m = measurePlaylist(outDir, `video/${r.name}`);
    measured.push(m);
    const init = readFileSync(join(outDir, m.dir, "init.mp4"));
    const codecs = r.codec === "av1" ? av1CodecString(init) : avcCodecString(init);
    if (!codecs) throw new Error(`no ${r.codec === "av1" ? "av1C" : "avcC"} box in ${m.dir}/init.mp4`);
    // The master's VIDEO-RANGE is read from CODECS: an HDR rendition whose init segment lost its colour would play as SDR.
    if (videoRangeOf(codecs) !== (r.range ?? "SDR")) throw new Error(`${m.dir}/init.mp4 declares ${videoRangeOf(codecs)} (${codecs}), not ${r.range ?? "SDR"}`);
    videoRows.push({
      assetId, kind: "video", width: r.width, height: r.height, frameRate: Math.min(source.video.frameRate, 60),
      bandwidthBps: m.peakBps, averageBandwidthBps: m.averageBps, codecs, format: "cmaf",
      playlistKey: `${keyPrefix}${m.dir}/index.m3u8`, sizeBytes: m.bytes,
    });
  }
  const audioRows: AssetManifest["renditions"] = audioDirs(source).map((a, i) => {
    const m = measurePlaylist(outDir, a.dir);
    measured.push(m);
    const codecs = aacCodecString(readFileSync(join(outDir, a.dir, "init.mp4"))) ?? "mp4a.40.2";
    return {
      assetId, kind: "audio", bandwidthBps: m.peakBps, averageBandwidthBps: m.averageBps, codecs, format: "cmaf",
      language: a.language, label: languageLabel(a.language, `Audio ${i + 1}`), channels: a.channels, isDefault: i === 0,
      playlistKey: `${keyPrefix}${a.dir}/index.m3u8`, sizeBytes: m.bytes,
    };
  });
  const subtitleRows: AssetManifest["subtitles"] = subtitleTexts.map((s) => {
    const dir = join(outDir, `subs/${s.language}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "subtitles.vtt"), s.vtt);
    writeFileSync(join(dir, "index.m3u8"), subtitlePlaylist(durationSeconds));
    return { assetId, language: s.language, label: languageLabel(s.language, s.language), playlistKey: `${keyPrefix}subs/${s.language}/index.m3u8`, isDefault: false, isForced: false };
  });
  let trickplayRow: AssetManifest["trickplay"] = null;
  if (trickplaySpec) {
    const { vtt } = trickplayVtt(durationSeconds, trickplaySpec);
    writeFileSync(join(outDir, "trickplay/thumbs.vtt"), vtt);
    trickplayRow = { assetId, ...trickplaySpec, vttKey: `${keyPrefix}trickplay/thumbs.vtt` };
  }
  const best = await extractStills(source, outDir, durationSeconds);
  const master = masterPlaylist(
    videoRows.map((v) => ({ uri: v.playlistKey.slice(keyPrefix.length), width: v.width!, height: v.height!, frameRate: v.frameRate!, peakBps: v.bandwidthBps, averageBps: v.averageBandwidthBps, codecs: v.codecs })),
    audioRows.map((a) => ({ uri: a.playlistKey.slice(keyPrefix.length), language: a.language ?? null, name: a.label!, channels: a.channels!, isDefault: a.isDefault!, peakBps: a.bandwidthBps, averageBps: a.averageBandwidthBps, codecs: a.codecs })),
    subtitleRows.map((s) => ({ uri: s.playlistKey.slice(keyPrefix.length), language: s.language, name: s.label, isDefault: s.isDefault ?? false })),
  );
  writeFileSync(join(outDir, "master.m3u8"), master);

  const objects: AssetObject[] = listFiles(outDir).map((path) => {
    const bytes = readFileSync(path);
    // The Worker serves by the same table, so what ingest records is what viewers get.
    const contentType = contentTypeOf(path);
    if (!contentType) throw new Error(`unexpected output file ${path}`);
    return { key: `${keyPrefix}${relative(outDir, path)}`, path, sizeBytes: statSync(path).size, sha256: createHash("sha256").update(bytes).digest("hex"), contentType };
  });
  const masterObject = objects.find((o) => o.key === `${keyPrefix}master.m3u8`)!;
  return {
    asset: {
      id: assetId,
      titleId: options.owner.titleId ?? null,
      episodeId: options.owner.episodeId ?? null,
      status: "ready",
      keyPrefix,
      masterKey: masterObject.key,
      durationSeconds,
      segmentSeconds: options.segmentSeconds,
      sizeBytes: objects.reduce((t, o) => t + o.sizeBytes, 0),
      checksumSha256: masterObject.sha256,
      introStartSeconds: options.intro?.start ?? null,
      introEndSeconds: options.intro?.end ?? null,
      creditsStartSeconds: options.creditsStart ?? null,
      ladderJson: JSON.stringify(perTitle ?? { method: "fixed" }),
      createdAt: Date.now(),
    },
    renditions: [...videoRows, ...audioRows],
    subtitles: subtitleRows,
    trickplay: trickplayRow,
    objects,
    stills: best ? { poster: `${keyPrefix}stills/poster.jpg`, backdrop: `${keyPrefix}stills/backdrop.jpg`, still: `${keyPrefix}stills/still.jpg` } : null,
    measured,
    perTitle,
    contentKeys,
  };
}
