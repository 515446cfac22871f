/**
 * Licences (EME): hls.js asks the licence service for the content keys (ClearKey
 * through `emeEnabled`/`drmSystems`, the playback token in a header), and this
 * controller renews the stream's licence every `renewAfterSeconds` while the
 * player is open. The service re-checks the session, profile, entitlement and
 * the stream's lease each time; a refusal stops playback at once with its
 * message (not a frozen frame). A network failure is retried sooner without
 * stopping anything.
 *
 * The first licence is asked for as soon as hls.js loads the first key, before
 * the media's own init data (the `encrypted` event) could ask: hls.js 1.7 only
 * selects the key system from the master's `#EXT-X-SESSION-KEY`s and, for a
 * playlist key without init data, waits for that event, which comes once the
 * first media segment is appended. `generateRequest` below hands the CDM ClearKey
 * `keyids` init data naming that key and every session key instead, so one
 * licence request per start, sent while the first media segment still
 * downloads, opens every tier the plan allows (a later quality switch asks for nothing).
 */
import Hls, { EMEController, type DRMSystemConfiguration, type HlsConfig, type ManifestLoadedData } from "hls.js";
import { deviceName } from "../../data/device.ts";
import { takeKeySystemAccess } from "../key-system.ts";
import type { TokenHolder } from "../token-holder.ts";
import type { PlayerController } from "./controller.ts";

/** After a renewal that failed on the network (not refused), try again this soon. */
const NETWORK_RETRY_MS = 5000;
const CLEARKEY = "org.w3.clearkey";

/** What the playback response says about licences. */
export interface LicenceInfo {
  url: string;
  keySystem: string;
  renewAfterSeconds: number;
}

/** The key ids of each player's master (`#EXT-X-SESSION-KEY`), by its hls.js instance. */
const sessionKeyIds = new WeakMap<Hls, Uint8Array[]>();
/** Key ids already asked for, per CDM (MediaKeys): a key among them waits for that licence instead of asking again. */
const askedFor = new WeakMap<MediaKeys, Set<string>>();

/** hls.js's EME controller, noting the master's session keys for the first licence request. */
class SessionKeyEmeController extends EMEController {
  private readonly player: Hls;

  constructor(hls: Hls) {
    super(hls);
    this.player = hls;
    hls.on(Hls.Events.MANIFEST_LOADED, this.onSessionKeys);
  }

  private readonly onSessionKeys = (_event: string, data: ManifestLoadedData) => {
    sessionKeyIds.set(this.player, (data.sessionKeys ?? []).flatMap((k) => (k.keyFormat === CLEARKEY && k.keyId ? [k.keyId] : [])));
  };

  override destroy(): void {
    this.player.off(Hls.Events.MANIFEST_LOADED, this.onSessionKeys);
    super.destroy();
  }
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

type GenerateRequest = NonNullable<DRMSystemConfiguration["generateRequest"]>;

/**
 * hls.js's `generateRequest` filter for ClearKey. Init data from the media (the
 * `encrypted` event) passes as it is. For a playlist key, which has none, the
 * first key of a CDM gets `keyids` init data naming it and every session key, so
 * the licence request goes out now; a key already named waits for that licence
 * (no init data: hls.js then lets the media through and the CDM uses the key
 * once it is in).
 */
const requestSessionKeys: GenerateRequest = function (this: Hls, initDataType, initData, context) {
  const own = context.decryptdata.keyId;
  if (initData || !own) return { initDataType, initData };
  let asked = askedFor.get(context.mediaKeys);
  if (!asked) askedFor.set(context.mediaKeys, (asked = new Set()));
  if (asked.has(hex(own))) return { initDataType, initData: null };
  const kids = [own, ...(sessionKeyIds.get(this) ?? [])].filter((k, i, all) => all.findIndex((o) => hex(o) === hex(k)) === i);
  for (const k of kids) asked.add(hex(k));
  return { initDataType: "keyids", initData: new TextEncoder().encode(JSON.stringify({ kids: kids.map(base64url) })).buffer };
};

/** hls.js configuration for encrypted media: ClearKey licences from the service, each request carrying the current token and this device's name. */
export function emeConfig(licence: LicenceInfo, holder: TokenHolder): Partial<HlsConfig> {
  const clearKey = licence.keySystem === CLEARKEY;
  return {
    emeEnabled: true,
    // ClearKey: the access and MediaKeys warmed while the title page showed (key-system.ts), when there are some.
    ...(clearKey ? { emeController: SessionKeyEmeController, requestMediaKeySystemAccessFunc: takeKeySystemAccess } : {}),
    drmSystems: { [licence.keySystem]: { licenseUrl: licence.url, ...(clearKey ? { generateRequest: requestSessionKeys } : {}) } },
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
  /** The player closes (or the page goes away): the stream's screen is freed at once rather than when its lease lapses. */
  release: (token: string) => void;
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
    this.registerListeners();
  }

  protected registerListeners(): void {
    addEventListener("pagehide", this.onPageHide);
    addEventListener("pageshow", this.onPageShow);
  }

  protected unregisterListeners(): void {
    removeEventListener("pagehide", this.onPageHide);
    removeEventListener("pageshow", this.onPageShow);
  }

  /** Leaving the page frees the screen; coming back to it from the back-forward cache takes it again. */
  private readonly onPageHide = () => this.o.release(this.o.holder.token);
  private readonly onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) void this.renewNow();
  };

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.timer);
    this.unregisterListeners();
    this.o.release(this.o.holder.token);
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
