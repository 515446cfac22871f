/**
 * The download grants in an account's ViewerState object, driven with explicit
 * clocks: limits per plan, one place per item and device, the 30-day expiry,
 * the 48 h window after a first play that a device clock cannot stretch, and
 * revocation.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DOWNLOAD_EXPIRY_MS, DOWNLOAD_PLAY_WINDOW_MS } from "../../../common/downloads.ts";
import { DownloadStore, type GrantRequest } from "../../../worker/downloads/download-store.ts";

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

/** A store in a fresh account object of its own. */
function withStore<T>(run: (store: DownloadStore) => T): Promise<T> {
  const stub = env.VIEWER_STATE.get(env.VIEWER_STATE.idFromName(`download-store-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => run(new DownloadStore(state.storage)));
}

const request = (over: Partial<GrantRequest> = {}): GrantRequest => ({
  deviceId: "device-one",
  deviceName: "Laptop",
  profileId: "profile-a",
  titleId: 1,
  episodeId: null,
  titleName: "A film",
  quality: "standard",
  heightPx: 540,
  limits: { devices: 2, downloads: 3 },
  ttlMs: DOWNLOAD_EXPIRY_MS,
  nowMs: T0,
  ...over,
});

describe("download grants", () => {
  it("holds the plan's devices and titles exactly, and the same item again takes no second place", () =>
    withStore((store) => {
      const first = store.grant(request());
      expect(first.ok && !first.renewed).toBe(true);
      const again = store.grant(request({ quality: "higher", heightPx: 1080, nowMs: T0 + 1000 }));
      expect(again.ok && again.renewed && again.grant.downloadId === (first.ok && first.grant.downloadId)).toBe(true);
      expect(store.grant(request({ titleId: 2, deviceId: "device-two" })).ok).toBe(true);
      const third = store.grant(request({ titleId: 3, deviceId: "device-three" }));
      expect(third.ok ? "granted" : third.code).toBe("download_device_limit");
      expect(store.grant(request({ titleId: 3 })).ok).toBe(true);
      const full = store.grant(request({ titleId: 4 }));
      expect(full.ok ? "granted" : [full.code, full.limit, full.grants.length]).toEqual(["download_limit", 3, 3]);
      // An episode is its own item.
      const episode = store.grant(request({ titleId: 1, episodeId: 9 }));
      expect(episode.ok ? "granted" : episode.code).toBe("download_limit");
    }));

  it("a grant expires after 30 days, and renewing online starts them again", () =>
    withStore((store) => {
      const g = store.grant(request());
      if (!g.ok) throw new Error("not granted");
      expect(g.grant.playableUntil).toBe(T0 + DOWNLOAD_EXPIRY_MS);
      const later = T0 + 20 * 24 * HOUR_MS;
      expect(store.renew(g.grant.downloadId, DOWNLOAD_EXPIRY_MS, later)?.playableUntil).toBe(later + DOWNLOAD_EXPIRY_MS);
      expect(store.get(g.grant.downloadId, later + DOWNLOAD_EXPIRY_MS - 1)).not.toBeNull();
      expect(store.get(g.grant.downloadId, later + DOWNLOAD_EXPIRY_MS)).toBeNull();
      // An expired grant holds no place and cannot be renewed.
      expect(store.renew(g.grant.downloadId, DOWNLOAD_EXPIRY_MS, later + DOWNLOAD_EXPIRY_MS)).toBeNull();
      expect(store.list(later + DOWNLOAD_EXPIRY_MS)).toEqual([]);
    }));

  it("after its first play a grant lasts 48 h, which neither a clock set ahead nor a renewal stretches", () =>
    withStore((store) => {
      const g = store.grant(request());
      if (!g.ok) throw new Error("not granted");
      const id = g.grant.downloadId;
      const played = T0 + 2 * 24 * HOUR_MS;
      // The device claims a first play in the future: it counts from now.
      expect(store.played(id, played + 10 * 24 * HOUR_MS, played)?.firstPlayedAt).toBe(played);
      // A later report of an earlier play moves it earlier, never later.
      expect(store.played(id, played - HOUR_MS, played + HOUR_MS)?.firstPlayedAt).toBe(played - HOUR_MS);
      expect(store.played(id, played + 5 * HOUR_MS, played + 6 * HOUR_MS)?.firstPlayedAt).toBe(played - HOUR_MS);
      const until = played - HOUR_MS + DOWNLOAD_PLAY_WINDOW_MS;
      expect(store.renew(id, DOWNLOAD_EXPIRY_MS, played + 2 * HOUR_MS)?.playableUntil).toBe(until);
      expect(store.get(id, until - 1)).not.toBeNull();
      expect(store.get(id, until)).toBeNull();
    }));

  it("a revoked grant is gone at once and frees its place", () =>
    withStore((store) => {
      const limits = { devices: 1, downloads: 1 };
      const g = store.grant(request({ limits }));
      if (!g.ok) throw new Error("not granted");
      expect(store.grant(request({ titleId: 2, limits })).ok).toBe(false);
      expect(store.revoke(g.grant.downloadId)).toBe(true);
      expect(store.revoke(g.grant.downloadId)).toBe(false);
      expect(store.get(g.grant.downloadId, T0)).toBeNull();
      expect(store.grant(request({ titleId: 2, deviceId: "device-two", limits })).ok).toBe(true);
    }));
});
