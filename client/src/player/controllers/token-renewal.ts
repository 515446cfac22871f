/**
 * Token renewal: a minute before the playback token expires, a fresh one is
 * asked for (the API client refreshes an expired session itself) and put into
 * the TokenHolder, whose loader swaps it into every media URL from then on. A
 * failed renewal is tried again every 10 s. Retry after a problem renews first
 * when the token is close to expiry or the problem came from it.
 */
import type { TokenHolder } from "../token-holder.ts";
import type { PlayerController } from "./controller.ts";

/** Renew this long before the token expires. */
export const RENEW_BEFORE_MS = 60_000;
/** Never sooner than this (a token that is already short-lived). */
const MIN_DELAY_MS = 5000;
/** After a failed renewal. */
const RETRY_MS = 10_000;

export interface TokenRenewalOptions {
  holder: TokenHolder;
  /** The current token's expiry (epoch ms). */
  expiresAt: number;
  /** Asks for a fresh token. */
  renew: () => Promise<{ token: string; expiresAt: number }>;
}

export class TokenRenewalController implements PlayerController {
  private readonly o: TokenRenewalOptions;
  private expiresAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor(options: TokenRenewalOptions) {
    this.o = options;
    this.expiresAt = options.expiresAt;
    this.schedule(options.expiresAt);
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
  }

  /** Renews now: the new token is used from the next request on. */
  async renewNow(): Promise<void> {
    const fresh = await this.o.renew();
    this.o.holder.token = fresh.token;
    this.expiresAt = fresh.expiresAt;
    this.schedule(fresh.expiresAt);
  }

  /** Whether the token expires within the renewal margin. */
  expiringSoon(): boolean {
    return this.expiresAt - Date.now() < RENEW_BEFORE_MS;
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    if (this.destroyed) return;
    const inMs = Math.max(MIN_DELAY_MS, at - Date.now() - RENEW_BEFORE_MS);
    this.timer = setTimeout(() => void this.renewNow().catch(() => (this.timer = setTimeout(() => this.schedule(this.expiresAt), RETRY_MS))), inMs);
  }
}
