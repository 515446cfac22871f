/**
 * Downloads on this device, in IndexedDB (through `idb`): each download's
 * record (grant, licence, what to fetch and how far it got) and its files
 * (playlists rewritten token-free, init segments, media segments, subtitles)
 * under `<downloadId>/<path>`, plus the progress writes made offline.
 *
 * Why IndexedDB rather than Cache Storage: a segment and the record saying it
 * is stored are written in one transaction, so a closed tab or a lost
 * connection resumes exactly after the last stored segment and never counts a
 * half-written one; the player's offline loader reads ArrayBuffers directly.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import { OFFLINE_DB_NAME } from "./presence.ts";
import { createRoot, createSignal } from "solid-js";
import type { DownloadGranted, ProgressBody } from "../data/api.ts";

/** `queued`: granted, waiting for the one download this device fetches at a time. */
export type DownloadState = "queued" | "downloading" | "paused" | "done" | "failed";

/** One file of a download: its path under the media base, and whether it is stored. */
export interface DownloadFile {
  path: string;
  done: boolean;
}

export interface StoredDownload {
  downloadId: string;
  titleId: number;
  episodeId: number | null;
  heading: string;
  subheading: string | null;
  quality: string;
  heightPx: number;
  sizeBytes: number;
  bytesStored: number;
  state: DownloadState;
  error: string | null;
  /** Every file to fetch, in order; empty until the playlists are read. */
  files: DownloadFile[];
  grant: DownloadGranted["download"];
  /** When it was watched to the end on this device (smart downloads replace it with the next episode); absent until then. */
  watchedAt?: number;
  media: DownloadGranted["media"];
  licence: DownloadGranted["licence"];
  createdAt: number;
}

interface OfflineDb extends DBSchema {
  downloads: { key: string; value: StoredDownload };
  files: { key: string; value: { key: string; downloadId: string; data: ArrayBuffer }; indexes: { byDownload: string } };
  progress: { key: string; value: ProgressBody };
  meta: { key: string; value: { key: string; value: number } };
}

let dbPromise: Promise<IDBPDatabase<OfflineDb>> | undefined;

/** The device's offline database (created on first use). */
export function offlineDb(): Promise<IDBPDatabase<OfflineDb>> {
  dbPromise ??= openDB<OfflineDb>(OFFLINE_DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore("downloads", { keyPath: "downloadId" });
      db.createObjectStore("files", { keyPath: "key" }).createIndex("byDownload", "downloadId");
      db.createObjectStore("progress", { keyPath: "opId" });
      db.createObjectStore("meta", { keyPath: "key" });
    },
  });
  return dbPromise;
}

const [version, setVersion] = createRoot(() => createSignal(0));
/** Bumped on every change (each stored segment included). */
export const downloadsVersion = version;
export function downloadsChanged(): void {
  setVersion((v) => v + 1);
  if (watched) reread();
}

/*
 * The list pages show (Downloads, each title page's Download buttons): one signal for all of them, read from
 * IndexedDB when first asked for and again after every change — one read in flight at a time, and one more once
 * it is in if anything changed meanwhile, so the last change is always read. A signal, not a resource per
 * component: a resource read under the app's <Suspense> suspends, and blanks, the whole page each time it
 * re-reads, and a resource whose value did not change keeps doing so on every later re-read.
 */
const [shown, setShown] = createRoot(() => createSignal<StoredDownload[] | undefined>(undefined));
let watched = false;
let reading = false;
let readAgain = false;

function reread(): void {
  if (reading) {
    readAgain = true;
    return;
  }
  reading = true;
  listDownloads()
    .then(setShown, () => setShown([])) // IndexedDB unavailable: nothing is on this device
    .finally(() => {
      reading = false;
      if (readAgain) {
        readAgain = false;
        reread();
      }
    });
}

/** Reads the list again: on opening the Downloads page, for what another tab changed. */
export function rereadDownloads(): void {
  watched = true;
  reread();
}

/** The downloads on this device, oldest first, kept current; undefined until first read. */
export function downloadsOnDevice(): StoredDownload[] | undefined {
  if (!watched) {
    watched = true;
    reread();
  }
  return shown();
}

export const fileKey = (downloadId: string, path: string) => `${downloadId}/${path}`;

export async function listDownloads(): Promise<StoredDownload[]> {
  return (await (await offlineDb()).getAll("downloads")).sort((a, b) => a.createdAt - b.createdAt);
}

export async function getDownload(downloadId: string): Promise<StoredDownload | undefined> {
  return (await offlineDb()).get("downloads", downloadId);
}

/** Stores a new download's record (a change to one that exists goes through updateDownload). */
export async function putDownload(d: StoredDownload): Promise<void> {
  await (await offlineDb()).put("downloads", d);
  downloadsChanged();
}

/**
 * Changes a stored download's record as it is now, read and written in one
 * transaction: a download deleted meanwhile (its Delete button, another tab, a
 * revoked grant) stays deleted, and a change made meanwhile is not overwritten
 * by an older copy. `change` answers the new record, or null to leave it as it
 * is. Resolves to the record as stored after, or undefined when it is gone.
 */
export async function updateDownload(downloadId: string, change: (current: StoredDownload) => StoredDownload | null): Promise<StoredDownload | undefined> {
  const tx = (await offlineDb()).transaction("downloads", "readwrite");
  const current = await tx.store.get(downloadId);
  const next = current ? change(current) : null;
  if (next) await tx.store.put(next);
  await tx.done;
  if (next) downloadsChanged();
  return next ?? current;
}

/** Stores one file and marks it done in its download's record, in one transaction. */
export async function storeFile(downloadId: string, path: string, data: ArrayBuffer): Promise<StoredDownload | undefined> {
  const db = await offlineDb();
  const tx = db.transaction(["downloads", "files"], "readwrite");
  const record = await tx.objectStore("downloads").get(downloadId);
  if (!record) {
    tx.abort();
    return undefined;
  }
  await tx.objectStore("files").put({ key: fileKey(downloadId, path), downloadId, data });
  const file = record.files.find((f) => f.path === path);
  if (file && !file.done) {
    file.done = true;
    record.bytesStored += data.byteLength;
  }
  await tx.objectStore("downloads").put(record);
  await tx.done;
  downloadsChanged();
  return record;
}

/** A stored file's bytes, if there. */
export async function readFile(downloadId: string, path: string): Promise<ArrayBuffer | undefined> {
  return (await (await offlineDb()).get("files", fileKey(downloadId, path)))?.data;
}

/** Deletes a download's record and every file of it. */
export async function deleteDownloadData(downloadId: string): Promise<void> {
  const db = await offlineDb();
  const tx = db.transaction(["downloads", "files"], "readwrite");
  const index = tx.objectStore("files").index("byDownload");
  for (let cursor = await index.openCursor(downloadId); cursor; cursor = await cursor.continue()) await cursor.delete();
  await tx.objectStore("downloads").delete(downloadId);
  await tx.done;
  downloadsChanged();
}

/**
 * The device's trusted time: never earlier than the latest time seen (kept in
 * IndexedDB, latestTimeSeen / noteTimeSeen), so a clock set backwards cannot
 * revive an expired download; and whether the clock was found moved back by
 * more than a minute. Pure: the offline start reads the latest time before Play.
 */
export function trustedTime(clockMs: number, seenMs: number): { nowMs: number; clockMovedBack: boolean } {
  return { nowMs: Math.max(clockMs, seenMs), clockMovedBack: clockMs < seenMs - 60_000 };
}

/** The latest time this device has seen (0 before any). */
export async function latestTimeSeen(): Promise<number> {
  return (await (await offlineDb()).get("meta", "latestTime"))?.value ?? 0;
}

/** Raises the latest time seen to `clockMs` (never lowers it: another page may have stored a later one). */
export async function noteTimeSeen(clockMs: number): Promise<void> {
  const db = await offlineDb();
  const tx = db.transaction("meta", "readwrite");
  const seen = (await tx.store.get("latestTime"))?.value ?? 0;
  if (clockMs > seen) await tx.store.put({ key: "latestTime", value: clockMs });
  await tx.done;
}

/** Several files of one download, read in one transaction (absent ones undefined). */
export async function readFiles(downloadId: string, paths: string[]): Promise<Map<string, ArrayBuffer | undefined>> {
  const tx = (await offlineDb()).transaction("files");
  const found = await Promise.all(paths.map(async (p) => [p, (await tx.store.get(fileKey(downloadId, p)))?.data] as const));
  await tx.done;
  return new Map(found);
}

export async function queueProgress(body: ProgressBody): Promise<void> {
  await (await offlineDb()).put("progress", body);
}

export async function queuedProgress(): Promise<ProgressBody[]> {
  return (await (await offlineDb()).getAll("progress")).sort((a, b) => a.clientTime - b.clientTime);
}

export async function forgetProgress(opId: string): Promise<void> {
  await (await offlineDb()).delete("progress", opId);
}
