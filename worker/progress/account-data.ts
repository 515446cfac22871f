/**
 * A ViewerState's part of the privacy rights: everything its stores hold for
 * the account, as one export (GET /api/account/export adds it to the D1 part,
 * worker/db/account-data.ts), and erasure (DELETE /api/account).
 */
import type { RefreshFamilyStore } from "../auth/refresh-families.ts";
import type { SessionRegistry } from "../auth/session-registry.ts";
import type { HomeVersionStore } from "../home/home-version-store.ts";
import type { OnboardingStore } from "../home/onboarding-store.ts";
import type { TasteStore } from "../profiles/taste-store.ts";
import type { DownloadStore } from "../downloads/download-store.ts";
import type { StreamLeaseStore } from "../licence/stream-leases.ts";
import { wipeStorage } from "../lib/sql-store.ts";
import type { ProgressStore } from "./progress-store.ts";
import type { SignalOutbox } from "./signal-outbox.ts";
import type { SocketHub } from "./socket-hub.ts";

/** The object's stores that hold the account's data. */
export interface AccountStores {
  progress: ProgressStore;
  outbox: SignalOutbox;
  leases: StreamLeaseStore;
  downloads: DownloadStore;
  sessions: SessionRegistry;
  homeVersions: HomeVersionStore;
  families: RefreshFamilyStore;
  onboarding: OnboardingStore;
  tastes: TasteStore;
}

/** Everything the object stores for the account, the devices watching now (stream leases) and download grants included. */
export function exportAccountData(stores: AccountStores) {
  const { operationIdsRemembered, ...stored } = stores.progress.exportAll();
  return { ...stored, pendingSignals: stores.outbox.pending(), operationIdsRemembered, streams: stores.leases.exportAll(), downloads: stores.downloads.list(Date.now()), sessions: stores.sessions.exportAll(), homeVersions: stores.homeVersions.exportAll(), refreshFamilies: stores.families.exportAll(), onboardingPicks: stores.onboarding.exportAll(), taste: stores.tastes.exportAll() };
}

/** Erases the object's whole storage (alarm and stream leases included) and closes its sockets; a later request finds empty tables. */
export async function eraseAccountData(storage: DurableObjectStorage, stores: AccountStores, sockets: SocketHub): Promise<void> {
  sockets.close("account deleted");
  await wipeStorage(storage, [stores.progress, stores.outbox, stores.leases, stores.downloads, stores.sessions, stores.homeVersions, stores.families, stores.onboarding, stores.tastes]);
}
