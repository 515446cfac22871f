/**
 * The playback token currently in force, and the rewrite that puts it into a
 * URL: media URLs carry it in their path (/cdn/<pathway>/<token>/<asset>/…), the
 * steering server's URI in its `token` query parameter. Renewal replaces the
 * token here; the loader (token-loader.ts) rewrites each request with it.
 */
import { replaceCdnToken } from "../../../common/cdn-url.ts";

/** The steering server's URI carries the token as a query parameter (worker/routes/steering.ts). */
const TOKEN_IN_STEERING_QUERY = /^([^?#]*\/api\/steering\/[^?#]*\?(?:[^#]*&)?token=)[^&#]*/;

/** Holds the current token; the loader reads it on every request. */
export class TokenHolder {
  token: string;
  constructor(token: string) {
    this.token = token;
  }
  /** `url` with its token (in a /cdn/ path or a steering query) replaced by the current one; other URLs are left alone. */
  rewrite(url: string): string {
    return replaceCdnToken(url, this.token) ?? url.replace(TOKEN_IN_STEERING_QUERY, `$1${this.token}`);
  }
}
