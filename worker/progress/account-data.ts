/**
 * A ViewerState's part of the privacy rights: everything its stores hold for
 * the account, as one export (GET /api/account/export adds it to the D1 part,
 * worker/db/account-data.ts), and erasure (DELETE /api/account).
 */
import { wipeStorage } from "../lib/sql-store.ts";
import type { ProgressStore } from "./progress-store.ts";
import type { SignalOutbox } from "./signal-outbox.ts";
import type { SocketHub } from "./socket-hub.ts";

/** Everything the object stores for the account. */
export function exportAccountData(progress: ProgressStore, outbox: SignalOutbox) {
  const { operationIdsRemembered, ...stored } = progress.exportAll();
  return { ...stored, pendingSignals: outbox.pending(), operationIdsRemembered };
}

/** Erases the object's whole storage (alarm included) and closes its sockets; a later request finds empty tables. */
export async function eraseAccountData(storage: DurableObjectStorage, stores: { progress: ProgressStore; outbox: SignalOutbox }, sockets: SocketHub): Promise<void> {
  sockets.close("account deleted");
  await wipeStorage(storage, [stores.progress, stores.outbox]);
}
