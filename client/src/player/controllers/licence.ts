/**
 * Licences (EME): hls.js asks the licence service for each content key it
 * meets (ClearKey through `emeEnabled`/`drmSystems`, the playback token in a
 * header), and this controller renews the stream's licence every
 * `renewAfterSeconds` while the player is open. The service re-checks the
 * session, profile, entitlement and the stream's lease each time; a refusal
 * stops playback at once with its message (not a frozen frame). A network
 * failure is retried sooner without stopping anything.
 */
import type { HlsConfig } from "hls.js";
import { deviceName } from "../../data/device.ts";
import type { TokenHolder } from "../token-holder.ts";
import type { PlayerController } from "./controller.ts";

/** After a renewal that failed on the network (not refused), try again this soon. */
const NETWORK_RETRY_MS = 5000;

/** What the playback response says about licences. */
export interface LicenceInfo {
  url: string;
  keySystem: string;
  renewAfterSeconds: number;
}

/** hls.js configuration for encrypted media: ClearKey licences from the service, each request carrying the current token and this device's name. */
export function emeConfig(licence: LicenceInfo, holder: TokenHolder): Partial<HlsConfig> {
  return {
    emeEnabled: true,
    drmSystems: { [licence.keySystem]: { licenseUrl: licence.url } },
    licenseXhrSetup(xhr: XMLHttpRequest, url: string) {
      xhr.open("POST", url, true);
      xhr.setRequestHeader("X-Playback-Token", holder.token);
      xhr.setRequestHeader("X-Device-Name", deviceName());
    },
  };
}

export interface LicenceRenewalOptions {
  licence: LicenceInfo;
  holder: TokenHolder;
  renew: (token: string, device: string) => Promise<{ renewAfterSeconds: number }>;
  /** The service refused: stop playback and say why. */
  onRefused: (err: unknown) => void;
}

/** A refusal (an answer with a status) rather than a network failure. */
function isRefusal(err: unknown): boolean {
  const status = err instanceof Error ? (err as Error & { status?: unknown }).status : undefined;
  return typeof status === "number" && status < 500;
}

export class LicenceRenewalController implements PlayerController {
  private readonly o: LicenceRenewalOptions;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor(options: LicenceRenewalOptions) {
    this.o = options;
    this.schedule(options.licence.renewAfterSeconds * 1000);
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
  }

  /** Renews now (also after Retry); resolves false when refused. */
  async renewNow(): Promise<boolean> {
    try {
      const r = await this.o.renew(this.o.holder.token, deviceName());
      this.schedule(r.renewAfterSeconds * 1000);
      return true;
    } catch (err) {
      if (this.destroyed) return false;
      if (isRefusal(err)) {
        clearTimeout(this.timer);
        this.o.onRefused(err);
        return false;
      }
      this.schedule(NETWORK_RETRY_MS);
      return true;
    }
  }

  private schedule(inMs: number): void {
    clearTimeout(this.timer);
    if (this.destroyed) return;
    this.timer = setTimeout(() => void this.renewNow(), inMs);
  }
}
