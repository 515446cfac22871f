/**
 * Whether this device may hold downloads, asked without loading the offline
 * code: the app starts offline sync and smart downloads (offline/downloader.ts,
 * offline/smart.ts, with idb) only then, so a visitor who never downloaded
 * anything does not pay for them on Home. `indexedDB.databases()` names the
 * databases without opening one; where it is missing, the answer is yes.
 */
export const OFFLINE_DB_NAME = "marquee-offline";
/** A window event the downloader sends as a download begins, so the app starts the offline work it had not loaded. */
export const DOWNLOAD_STARTED = "marquee:download-started";

export async function mayHaveDownloads(): Promise<boolean> {
  const list = (indexedDB as IDBFactory & { databases?: () => Promise<IDBDatabaseInfo[]> }).databases;
  if (typeof list !== "function") return true;
  try {
    return (await list.call(indexedDB)).some((d) => d.name === OFFLINE_DB_NAME);
  } catch {
    return true;
  }
}
