/**
 * Playback fixtures: a few titles with availability rules, and assets whose
 * rows go into D1 (through bulkInsert, as ingest writes them) and whose tiny
 * fake media objects go into R2, laid out exactly as ingest lays them out.
 */
import { env } from "cloudflare:workers";
import { bulkInsert } from "../../worker/db/bulk.ts";
import type { Db } from "../../worker/db/client.ts";
import { assets, availability, episodes, renditions, seasons, subtitleTracks, titles, trickplay } from "../../worker/db/schema.ts";

const DAY_MS = 86_400_000;

/** Deterministic bytes, so a range of an object can be checked byte for byte. */
export function patternBytes(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) % 251;
  return out;
}

export const SEGMENT_BYTES = 4096;

export interface AssetSpec {
  id: string;
  /** Storage folder (`assets/<folder>/`); defaults to the id. Another asset's folder makes the two share media. */
  folder?: string;
  titleId?: number;
  episodeId?: number;
  heights: number[];
  audio?: string[];
  subtitles?: string[];
  durationSeconds?: number;
  status?: "pending" | "ready" | "retired";
  createdAt?: number;
}

const WIDTH: Record<number, number> = { 240: 426, 360: 640, 480: 854, 720: 1280, 1080: 1920, 1440: 2560, 2160: 3840 };
/** Peak video bandwidth per height (bps), roughly an H.264 ladder. */
export const VIDEO_PEAK_BPS: Record<number, number> = { 240: 400_000, 360: 800_000, 480: 1_400_000, 720: 3_000_000, 1080: 6_000_000, 1440: 10_000_000, 2160: 16_000_000 };
export const AUDIO_PEAK_BPS = 140_000;

function mediaPlaylist(): string {
  return ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:4", "#EXT-X-PLAYLIST-TYPE:VOD", '#EXT-X-MAP:URI="init.mp4"', "#EXTINF:4.000,", "seg_00001.m4s", "#EXT-X-ENDLIST", ""].join("\n");
}

/** Writes one asset: D1 rows (asset, renditions, subtitles, trickplay) and its R2 objects. */
export async function seedAsset(db: Db, spec: AssetSpec): Promise<void> {
  const prefix = `assets/${spec.folder ?? spec.id}/`;
  const audio = spec.audio ?? ["en"];
  const subs = spec.subtitles ?? ["en"];
  await bulkInsert(db, assets, [
    {
      id: spec.id,
      titleId: spec.titleId ?? null,
      episodeId: spec.episodeId ?? null,
      status: spec.status ?? "ready",
      keyPrefix: prefix,
      masterKey: `${prefix}master.m3u8`,
      durationSeconds: spec.durationSeconds ?? 600,
      segmentSeconds: 4,
      introStartSeconds: 10,
      introEndSeconds: 40,
      creditsStartSeconds: (spec.durationSeconds ?? 600) - 30,
      createdAt: spec.createdAt ?? Date.now(),
    },
  ]);
  await bulkInsert(db, renditions, [
    ...spec.heights.map((h) => ({
      assetId: spec.id,
      kind: "video" as const,
      width: WIDTH[h] ?? Math.round((h * 16) / 9),
      height: h,
      frameRate: 25,
      bandwidthBps: VIDEO_PEAK_BPS[h] ?? h * 5000,
      averageBandwidthBps: Math.round((VIDEO_PEAK_BPS[h] ?? h * 5000) * 0.7),
      codecs: h > 1080 ? "avc1.640033" : "avc1.64001f",
      playlistKey: `${prefix}video/${h}p/index.m3u8`,
    })),
    ...audio.map((lang, i) => ({
      assetId: spec.id,
      kind: "audio" as const,
      bandwidthBps: AUDIO_PEAK_BPS - i * 10_000,
      averageBandwidthBps: 128_000 - i * 10_000,
      codecs: "mp4a.40.2",
      language: lang,
      label: lang === "en" ? "English" : lang === "fr" ? "Français" : lang,
      channels: 2,
      isDefault: i === 0,
      playlistKey: `${prefix}audio/${lang}/index.m3u8`,
    })),
  ]);
  if (subs.length > 0) {
    await bulkInsert(
      db,
      subtitleTracks,
      subs.map((lang, i) => ({ assetId: spec.id, language: lang, label: lang === "en" ? "English" : lang, playlistKey: `${prefix}subs/${lang}/index.m3u8`, isDefault: i === 0, isForced: false })),
    );
  }
  await bulkInsert(db, trickplay, [{ assetId: spec.id, intervalSeconds: 10, tileWidth: 160, tileHeight: 90, columns: 10, rows: 10, vttKey: `${prefix}trickplay/thumbs.vtt` }]);

  const objects: [string, string | Uint8Array][] = [["master.m3u8", "#EXTM3U\n# static reference copy\n"]];
  for (const h of spec.heights) {
    objects.push([`video/${h}p/index.m3u8`, mediaPlaylist()], [`video/${h}p/init.mp4`, patternBytes(600, h)], [`video/${h}p/seg_00001.m4s`, patternBytes(SEGMENT_BYTES, h + 1)]);
  }
  for (const lang of audio) {
    objects.push([`audio/${lang}/index.m3u8`, mediaPlaylist()], [`audio/${lang}/init.mp4`, patternBytes(300, 3)], [`audio/${lang}/seg_00001.m4s`, patternBytes(1000, 4)]);
  }
  for (const lang of subs) {
    objects.push([`subs/${lang}/index.m3u8`, "#EXTM3U\n#EXT-X-TARGETDURATION:600\n#EXTINF:600,\nsubtitles.vtt\n#EXT-X-ENDLIST\n"], [`subs/${lang}/subtitles.vtt`, "WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n"]);
  }
  objects.push(
    ["trickplay/thumbs.vtt", "WEBVTT\n\n00:00.000 --> 00:10.000\nsprite_0001.jpg#xywh=0,0,160,90\n"],
    ["trickplay/sprite_0001.jpg", patternBytes(2000, 9)],
    ["stills/poster.jpg", patternBytes(1500, 11)],
  );
  await Promise.all(objects.map(([name, body]) => env.MEDIA.put(`${prefix}${name}`, body)));
}

export interface TitleSpec {
  id: number;
  type?: "movie" | "series";
  title?: string;
  maturityAge?: number;
  /** Regions with an open window (default worldwide). */
  regions?: string[];
  /** Window relative to now, in days (default: since a year ago, no end). */
  window?: { startDays: number; endDays?: number };
}

/** Inserts titles with availability rows. */
export async function seedTitles(db: Db, specs: TitleSpec[]): Promise<void> {
  const nowMs = Date.now();
  await bulkInsert(
    db,
    titles,
    specs.map((t) => ({
      id: t.id,
      type: t.type ?? "movie",
      title: t.title ?? `Title ${t.id}`,
      sortTitle: (t.title ?? `title ${t.id}`).toLowerCase(),
      releaseYear: 2020,
      runtimeMinutes: 10,
      maturityAge: t.maturityAge ?? 0,
      addedAt: nowMs,
    })),
  );
  await bulkInsert(
    db,
    availability,
    specs.flatMap((t) =>
      (t.regions ?? ["WW"]).map((region) => ({
        titleId: t.id,
        region,
        startsAt: nowMs + (t.window?.startDays ?? -365) * DAY_MS,
        endsAt: t.window?.endDays === undefined ? null : nowMs + t.window.endDays * DAY_MS,
      })),
    ),
  );
}

/** Inserts a series' seasons and episodes: `layout[i]` episodes in season i + 1; episode ids start at `firstEpisodeId`. */
export async function seedEpisodes(db: Db, titleId: number, firstSeasonId: number, firstEpisodeId: number, layout: number[]): Promise<number[][]> {
  const ids: number[][] = [];
  let episodeId = firstEpisodeId;
  const seasonRows = layout.map((_, i) => ({ id: firstSeasonId + i, titleId, number: i + 1, name: `Season ${i + 1}` }));
  const episodeRows = layout.flatMap((count, i) => {
    const list: (typeof episodes.$inferInsert)[] = [];
    ids.push([]);
    for (let n = 1; n <= count; n++) {
      ids[i]!.push(episodeId);
      list.push({ id: episodeId++, seasonId: firstSeasonId + i, titleId, number: n, name: `Episode ${n}`, runtimeMinutes: 10 });
    }
    return list;
  });
  await bulkInsert(db, seasons, seasonRows);
  await bulkInsert(db, episodes, episodeRows);
  return ids;
}
