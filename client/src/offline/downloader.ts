/**
 * Fetches a download: asks the Worker for a grant (data/api.ts), reads the
 * rendition's playlists, stores them token-free (their #EXT-X-KEY lines left
 * out: the offline player licenses the keys itself, offline/licence.ts) with a
 * master written here, then stores every init and media segment and subtitle
 * file one after another. Each file is stored with its record in one
 * transaction (store.ts), so pausing, a lost connection or a closed tab
 * resumes after the last stored file. A media token that expired meanwhile is
 * replaced by asking for the same grant again.
 */
import { fetchMedia, grantDownload, renewDownloadGrant, revokeDownload, saveProgress, reportDownloadPlayed } from "../data/api.ts";
import { deviceId, deviceName } from "../data/device.ts";
import { currentProfile } from "../data/session.ts";
import { offlineMaster, offlinePlaylist, playlistUris, resolvePath } from "./playlists.ts";
import {
  deleteDownloadData,
  downloadsChanged,
  forgetProgress,
  getDownload,
  listDownloads,
  putDownload,
  updateDownload,
  queuedProgress,
  storeFile,
  type StoredDownload,
} from "./store.ts";
import { DOWNLOAD_STARTED } from "./presence.ts";

/** Downloads being fetched in this tab, to pause them. */
const running = new Map<string, AbortController>();

/** Whether a download is being fetched in this tab now. */
export function isRunning(downloadId: string): boolean {
  return running.has(downloadId);
}

/** Room for `bytes` more in this origin's quota (true when the browser does not say). */
export async function fits(bytes: number): Promise<boolean> {
  const e = await navigator.storage?.estimate?.();
  if (!e?.quota) return true;
  return e.quota - (e.usage ?? 0) > bytes * 1.1;
}

/**
 * Asks for a grant and starts fetching, or queues it behind the download this
 * device is fetching (one at a time, so the first of a season is ready first);
 * throws an ApiError on a refusal and an Error with code `no_space` when it would not fit.
 */
export async function startDownload(titleId: number, episodeId: number | undefined, quality: "standard" | "higher", heading: string, subheading: string | null): Promise<string> {
  const granted = await grantDownload({ titleId, ...(episodeId ? { episodeId } : {}), quality, deviceId: deviceId(), deviceName: deviceName() });
  if (!(await fits(granted.media.sizeBytes))) {
    await revokeDownload(granted.download.downloadId).catch(() => {});
    // Worded by its code on screen (data/failure-words.ts); the message is for the console.
    throw Object.assign(new Error(`no space for download ${granted.download.downloadId} (${granted.media.sizeBytes} bytes)`), { code: "no_space" });
  }
  // A first download on this device (the app found none at start) starts sync and smart downloads (app.tsx).
  dispatchEvent(new Event(DOWNLOAD_STARTED));
  const existing = await getDownload(granted.download.downloadId);
  if (existing) await deleteDownloadData(existing.downloadId);
  await putDownload({
    downloadId: granted.download.downloadId,
    titleId,
    episodeId: episodeId ?? null,
    heading,
    subheading,
    quality,
    heightPx: granted.download.heightPx,
    sizeBytes: granted.media.sizeBytes,
    bytesStored: 0,
    state: "queued",
    error: null,
    files: [],
    grant: granted.download,
    media: granted.media,
    licence: granted.licence,
    createdAt: Date.now(),
  });
  void next();
  return granted.download.downloadId;
}

let pumping = false;
let pumpAgain = false;

/** Starts the oldest queued download when this tab fetches none (and the network is there); calls made meanwhile look again after. */
async function next(): Promise<void> {
  if (pumping) {
    pumpAgain = true;
    return;
  }
  pumping = true;
  try {
    do {
      pumpAgain = false;
      if (running.size > 0 || !navigator.onLine) continue;
      const queued = (await listDownloads()).find((d) => d.state === "queued");
      if (queued) await resumeDownload(queued.downloadId);
    } while (pumpAgain);
  } finally {
    pumping = false;
  }
}

/** Continues a paused, failed or interrupted download after its last stored file. */
export async function resumeDownload(downloadId: string): Promise<void> {
  if (running.has(downloadId)) return;
  const d = await updateDownload(downloadId, (d) => (d.state === "done" ? null : { ...d, state: "downloading", error: null }));
  if (!d || d.state !== "downloading" || running.has(downloadId)) return;
  void run(downloadId);
}

/** Pauses a download being fetched (the file in flight is dropped; stored ones stay). */
export async function pauseDownload(downloadId: string): Promise<void> {
  running.get(downloadId)?.abort();
  running.delete(downloadId);
  await updateDownload(downloadId, (d) => (d.state === "downloading" ? { ...d, state: "paused" } : null));
}

/** Deletes a download from this device and revokes its grant (when online; a later sync is not needed: it expires anyway). */
export async function deleteDownload(downloadId: string): Promise<void> {
  running.get(downloadId)?.abort();
  running.delete(downloadId);
  await deleteDownloadData(downloadId);
  await revokeDownload(downloadId).catch(() => {});
}

/** A download deleted while its own work was under way: that work stops and writes nothing back. */
class DownloadDeleted extends Error {
  constructor(downloadId: string) {
    super(`download ${downloadId} was deleted`);
  }
}

/** A fresh media token for a download whose token expired (the same grant, renewed). */
async function refreshGrant(d: StoredDownload): Promise<StoredDownload> {
  const granted = await grantDownload({ titleId: d.titleId, ...(d.episodeId ? { episodeId: d.episodeId } : {}), quality: d.quality as "standard" | "higher", deviceId: deviceId(), deviceName: deviceName() });
  // The record as stored now (files stored since `d` was read stay counted); one deleted meanwhile stays deleted.
  const next = await updateDownload(d.downloadId, (current) => ({ ...current, grant: granted.download, media: granted.media, licence: granted.licence }));
  if (!next) throw new DownloadDeleted(d.downloadId);
  return next;
}

async function fetchBytes(d: StoredDownload, path: string, signal: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetchMedia(`${d.media.base}${path}`, { signal });
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status} for ${path}`), { status: res.status });
  return res.arrayBuffer();
}

const text = (b: ArrayBuffer) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

/** Reads the playlists (once) and lists every file; stores the master and the token-free playlists. */
async function plan(d: StoredDownload, signal: AbortSignal): Promise<StoredDownload> {
  const playlists = [d.media.video.path, ...(d.media.audio ? [d.media.audio.path] : []), ...d.media.subtitles.map((s) => s.path)];
  const files: { path: string; data?: ArrayBuffer }[] = [{ path: "master.m3u8", data: bytes(offlineMaster(d.media)) }];
  // The playlists at once (one round trip, not one each), listed in their order.
  const bodies = await Promise.all(playlists.map(async (p) => text(await fetchBytes(d, p, signal))));
  playlists.forEach((p, i) => {
    files.push({ path: p, data: bytes(offlinePlaylist(bodies[i]!)) });
    for (const uri of playlistUris(bodies[i]!)) files.push({ path: resolvePath(p, uri) });
  });
  const listed = await updateDownload(d.downloadId, (current) => ({ ...current, files: files.map((f) => ({ path: f.path, done: false })), bytesStored: 0 }));
  if (!listed) throw new DownloadDeleted(d.downloadId);
  let record = listed;
  for (const f of files) {
    if (!f.data) continue;
    const stored = await storeFile(d.downloadId, f.path, f.data);
    if (!stored) throw new DownloadDeleted(d.downloadId);
    record = stored;
  }
  return record;
}

/**
 * Files fetched at once by a download: two, so one file's request and first byte
 * overlap the other's body (a sequential fetch pays a round trip per file);
 * more would only split the same bandwidth, and hold more segments in memory.
 */
const FETCHES_IN_FLIGHT = 2;

async function run(downloadId: string): Promise<void> {
  const abort = new AbortController();
  running.set(downloadId, abort);
  try {
    let d = await getDownload(downloadId);
    if (!d) return;
    if (Date.now() > d.media.tokenExpiresAt - 60_000) d = await refreshGrant(d);
    if (d.files.length === 0) d = await plan(d, abort.signal);
    let refreshed: Promise<StoredDownload> | null = null;
    const fetchFile = async (path: string): Promise<ArrayBuffer> => {
      try {
        return await fetchBytes(d!, path, abort.signal);
      } catch (err) {
        // A media token that ran out: the same grant again gives a new one, once.
        if ((err as { status?: number }).status !== 403) throw err;
        refreshed ??= refreshGrant(d!).then((next) => (d = next));
        await refreshed;
        return fetchBytes(d!, path, abort.signal);
      }
    };
    // FETCHES_IN_FLIGHT files are fetched while the one before them is written, so the network never waits for
    // IndexedDB nor a file's first byte for the last one's end; files are still stored in order, one transaction each.
    const todo = d.files.filter((f) => !f.done);
    const fetchAt = (i: number) => {
      const p = fetchFile(todo[i]!.path);
      p.catch(() => {}); // its failure is met when it is awaited
      return p;
    };
    const ahead = todo.slice(0, FETCHES_IN_FLIGHT).map((_, i) => fetchAt(i));
    for (let i = 0; i < todo.length; i++) {
      const data = await ahead.shift()!;
      if (abort.signal.aborted) return;
      if (i + FETCHES_IN_FLIGHT < todo.length) ahead.push(fetchAt(i + FETCHES_IN_FLIGHT));
      if (!(await storeFile(downloadId, todo[i]!.path, data))) {
        abort.abort();
        return; // deleted meanwhile
      }
    }
    await updateDownload(downloadId, (done) => ({ ...done, state: "done" }));
  } catch (err) {
    if (abort.signal.aborted || err instanceof DownloadDeleted) return;
    const offline = !navigator.onLine;
    await updateDownload(downloadId, (d) => ({ ...d, state: offline ? "paused" : "failed", error: offline ? "Paused: the connection was lost." : err instanceof Error ? err.message : String(err) }));
  } finally {
    if (running.get(downloadId) === abort) running.delete(downloadId);
    downloadsChanged();
    void next();
  }
}

/** Downloads left "downloading" by a closed tab (or a lost connection) continue, when online. */
export async function resumeInterrupted(): Promise<void> {
  if (!navigator.onLine) return;
  for (const d of await listDownloads()) {
    if ((d.state === "downloading" || (d.state === "paused" && d.error)) && !running.has(d.downloadId)) await resumeDownload(d.downloadId);
  }
  await next();
}

/**
 * Back online: positions saved offline go to the account (oldest first, each
 * with its own operation id, so a replay is applied once; last writer wins by
 * client time as for any write), and first plays are reported.
 */
export async function syncOffline(): Promise<void> {
  if (!navigator.onLine) return;
  for (const body of await queuedProgress()) {
    const { status } = await saveProgress(body);
    if (status === 0 || status === 429 || status >= 500) return; // still unreachable: try on the next reconnect
    await forgetProgress(body.opId);
  }
  for (const d of await listDownloads()) {
    if (d.grant.firstPlayedAt !== null) await reportDownloadPlayed(d.downloadId, deviceId(), d.grant.token, d.grant.firstPlayedAt).catch(() => {});
    // Renewed only by the profile it was granted to (another profile's ceiling says nothing about it).
    if (d.state === "done" && d.grant.profileId === currentProfile()?.id) await renewGrant(d);
  }
}

/** Refusals that mean the account no longer grants a download (others, e.g. a network failure, leave it). */
const REVOKING = new Set(["download_not_found", "download_revoked", "maturity_restricted", "quality_not_in_plan"]);

/**
 * Online, a finished download's grant is renewed (a fresh 30 days and
 * licence; the 48 h window after a first play stays). A grant the account
 * revoked (deleted from another device), or one the profile may no longer
 * have (a lower ceiling, a smaller plan), removes the download and its keys;
 * anything else (offline, signed out, another region for now) leaves it.
 */
async function renewGrant(d: StoredDownload): Promise<void> {
  try {
    const renewed = await renewDownloadGrant(d.downloadId, deviceId(), d.grant.token);
    await updateDownload(d.downloadId, (current) => ({ ...current, grant: { ...renewed.download, firstPlayedAt: current.grant.firstPlayedAt ?? renewed.download.firstPlayedAt }, licence: renewed.licence }));
  } catch (err) {
    // Not a network failure or a missing profile choice on this device: the account said no to this download.
    if (REVOKING.has((err as { code?: string }).code ?? "")) await deleteDownloadData(d.downloadId);
  }
}

let syncStarted = false;

/**
 * Starts the background work of downloads: resume interrupted ones and sync
 * progress now and at every reconnect. Once per page: the app calls it at start
 * on a device with downloads, or at the first download otherwise.
 */
export function startOfflineSync(): void {
  if (syncStarted) return;
  syncStarted = true;
  const kick = () => {
    void syncOffline();
    void resumeInterrupted();
  };
  kick();
  addEventListener("online", kick);
}
