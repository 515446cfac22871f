/**
 * Playback tokens live in the media URL path (/cdn/<pathway>/<token>/<asset>/…),
 * so every playlist and segment inherits one. When the token is renewed, this
 * loader swaps the current token into each URL before loading: playback never
 * reloads, and nothing is re-requested with an expired token.
 */
import Hls, { type LoaderCallbacks, type LoaderConfiguration, type LoaderContext } from "hls.js";

const TOKEN_IN_PATH = /^(.*\/cdn\/[^/]+\/)[^/]+(\/.*)$/;

/** Holds the current token; the loader reads it on every request. */
export class TokenHolder {
  token: string;
  constructor(token: string) {
    this.token = token;
  }
  /** `url` with the token segment replaced by the current token (URLs outside /cdn/ are left alone). */
  rewrite(url: string): string {
    const m = TOKEN_IN_PATH.exec(url);
    return m ? `${m[1]}${this.token}${m[2]}` : url;
  }
}

/** An hls.js loader class bound to a TokenHolder. */
export function tokenLoader(holder: TokenHolder) {
  const Base = Hls.DefaultConfig.loader;
  return class TokenLoader extends Base {
    override load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>) {
      context.url = holder.rewrite(context.url);
      super.load(context, config, callbacks);
    }
  };
}
