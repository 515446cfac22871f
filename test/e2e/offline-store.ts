/**
 * What a page's device holds in the offline store (client/src/offline/store.ts, IndexedDB),
 * read in the page with the plain IndexedDB API: the browser suite's checks and bench:offline's
 * diagnostics.
 */
import type { Page } from "playwright-core";

/** A stored download's record, as far as checks need it. */
export interface HeldDownload {
  id: string;
  state: string;
  error: string | null;
  bytes: number;
}

/** Every key of `store` ("downloads": download ids; "files": `<downloadId>/<path>`) and, for downloads, their records. */
function readStore(page: Page, store: "downloads" | "files"): Promise<{ keys: string[]; downloads: HeldDownload[] }> {
  return page.evaluate(
    (name) =>
      new Promise<{ keys: string[]; downloads: HeldDownload[] }>((resolve, reject) => {
        const open = indexedDB.open("marquee-offline");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction(name).objectStore(name);
          // Files: their keys only (not their bytes); downloads: their records.
          const req = (name === "files" ? store.getAllKeys() : store.getAll()) as IDBRequest<unknown[]>;
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            if (name === "files") return resolve({ keys: req.result.map(String), downloads: [] });
            const records = req.result as { downloadId: string; state: string; error: string | null; bytesStored: number }[];
            resolve({ keys: records.map((d) => d.downloadId), downloads: records.map((d) => ({ id: d.downloadId, state: d.state, error: d.error, bytes: d.bytesStored })) });
          };
        };
      }),
    store,
  );
}

/** The paths of every download's files stored on the device, as `<downloadId>/<path>`. */
export async function storedFiles(page: Page): Promise<string[]> {
  return (await readStore(page, "files")).keys;
}

/** The download records stored on the device. */
export async function storedDownloads(page: Page): Promise<HeldDownload[]> {
  return (await readStore(page, "downloads")).downloads;
}
