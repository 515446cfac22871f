/**
 * The offline start, prepared before Play. What the offline player needs that
 * does not depend on the moment of the click — the download's record, MediaKeys
 * holding its stored licence, the device's latest trusted time, and the files
 * hls.js reads first (playlists, init segments, first segments) — is set up
 * while the Downloads page shows the download, and again on hover or focus of
 * its Play. The click then only judges the grant against the clock (in memory:
 * store.ts trustedTime) and renders the player; the latest time is stored after.
 * Without a preparation (a link opened directly) the record is read at once and
 * the keys are set up while the player is created, not before it. The Downloads
 * page goes further for the likeliest download: a whole playback pipeline
 * (offline/pipeline.ts) borrows these keys and files.
 */
import { offlineMediaKeys } from "./licence.ts";
import { startFiles } from "./playlists.ts";
import { getDownload, latestTimeSeen, noteTimeSeen, readFiles, trustedTime, type StoredDownload } from "./store.ts";

interface Preparation {
  download: StoredDownload;
  /** The licence the keys were made from: a renewed licence makes new keys. */
  licence: string;
  /** Undefined once lent to a prepared pipeline (offline/pipeline.ts), which sets them on its own element. */
  keys?: Promise<MediaKeys>;
  /** The keys once made: handed over as they are, so the player sets them before it attaches the media. */
  made?: MediaKeys;
  seenMs: Promise<number>;
  /** The first files hls.js asks for, read in one transaction; each handed out once. */
  files: Promise<Map<string, ArrayBuffer | undefined>>;
}

/**
 * Preparations kept at once: a MediaKeys with its session each, a few MB of
 * first segments; the Downloads page prepares the newest few on sight and any
 * other on hover or focus.
 */
const MAX_PREPARED = 4;
const prepared = new Map<string, Preparation>();

/** Prepares the start of a finished download (again only when its licence changed); the record seen last is kept. */
export function prepareOfflineStart(d: StoredDownload): void {
  if (d.state !== "done") return;
  const licence = JSON.stringify(d.licence);
  const had = prepared.get(d.downloadId);
  if (had && had.licence === licence) {
    had.download = d;
    return;
  }
  const keys = offlineMediaKeys(d);
  const seenMs = latestTimeSeen();
  const files = readFiles(d.downloadId, startFiles(d.files));
  for (const p of [keys, seenMs, files]) p.catch(() => {});
  const preparation: Preparation = { download: d, licence, keys, seenMs, files };
  keys.then((k) => preparation.keys === keys && (preparation.made = k), () => {});
  prepared.delete(d.downloadId);
  prepared.set(d.downloadId, preparation);
  while (prepared.size > MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
}

export interface OfflineStart {
  download: StoredDownload;
  /** The trusted time of the start (store.ts trustedTime). */
  time: { nowMs: number; clockMovedBack: boolean };
  /** The prepared MediaKeys holding the download's licence, or their promise while being made; null when none were prepared or they were lent to a pipeline (a MediaKeys serves one video element). */
  keys: MediaKeys | Promise<MediaKeys> | null;
}

/**
 * Lends `downloadId`'s prepared keys and first files to a playback pipeline prepared before Play
 * (offline/pipeline.ts): the keys go to its element (taken: one element each), its loader takes the files.
 */
export function lendOfflineStart(downloadId: string): { keys: MediaKeys | Promise<MediaKeys> } | null {
  const p = prepared.get(downloadId);
  if (!p?.keys) return null;
  const keys = p.made ?? p.keys;
  p.keys = p.made = undefined;
  warm.set(downloadId, p.files);
  return { keys };
}

/** The start of `downloadId` now: its preparation, taken (keys serve one element), or the record read; null when not on this device. */
export async function takeOfflineStart(downloadId: string): Promise<OfflineStart | null> {
  const p = prepared.get(downloadId);
  prepared.delete(downloadId);
  if (p) warm.set(downloadId, p.files);
  const [download, seenMs] = await Promise.all([p?.download ?? getDownload(downloadId), p?.seenMs.catch(() => latestTimeSeen()) ?? latestTimeSeen()]);
  if (!download) return null;
  const clockMs = Date.now();
  // Stored after the start, not before it: the time only moves forward (noteTimeSeen never lowers it).
  void noteTimeSeen(clockMs).catch(() => {});
  return { download, time: trustedTime(clockMs, seenMs), keys: p?.made ?? p?.keys ?? null };
}

/** First files read before Play, per download being played: the offline loader takes each once. */
const warm = new Map<string, Promise<Map<string, ArrayBuffer | undefined>>>();

/** A file of `downloadId` read before Play (handed out once, then forgotten), or null: read it from IndexedDB. */
export async function takeStartFile(downloadId: string, path: string): Promise<ArrayBuffer | null> {
  const files = await warm.get(downloadId)?.catch(() => null);
  const data = files?.get(path);
  if (!files || !data) return null;
  files.delete(path);
  if (files.size === 0) warm.delete(downloadId);
  return data;
}

/** Drops what is left of `downloadId`'s first files (the player closed; a later play reads IndexedDB). */
export function forgetStartFiles(downloadId: string): void {
  warm.delete(downloadId);
}
