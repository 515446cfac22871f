/**
 * The media URL format `/cdn/<pathway>/<token>/<folder>/<rest>`: the playback
 * token sits in the path so every relative URI in a playlist inherits it. Built
 * by the Worker (worker/media/pathways.ts), parsed by the media route
 * (worker/media/serve.ts), rewritten by the player on token renewal
 * (client/src/player/token-holder.ts). Parts are raw (still percent-encoded);
 * checking them is the caller's job.
 */

export interface CdnPathParts {
  pathway: string;
  token: string;
  /** The asset's storage folder (assets/<folder>/ in R2). */
  folder: string;
  /** Everything after the folder's slash (may be empty). */
  rest: string;
}

const CDN_PATH = /^\/cdn\/([^/]*)\/([^/]*)\/([^/]*)\/(.*)$/s;
/** A URL (absolute or not) whose path holds a /cdn/ token: prefix up to the token, and the tail after it. */
const TOKEN_IN_URL = /^(.*\/cdn\/[^/]+\/)[^/]+(\/.*)$/s;

/** `/cdn/<pathway>/<token>/<folder>/<rest>` (rest defaults to "", giving the folder's base path). */
export function cdnPath(pathway: string, token: string, folder: string, rest = ""): string {
  return `/cdn/${pathway}/${token}/${folder}/${rest}`;
}

/** The four parts of a /cdn/ pathname, or null when it does not have that shape. */
export function splitCdnPath(pathname: string): CdnPathParts | null {
  const match = CDN_PATH.exec(pathname);
  if (!match) return null;
  const [, pathway, token, folder, rest] = match as unknown as [string, string, string, string, string];
  return { pathway, token, folder, rest };
}

/** `url` with the token of its /cdn/ path replaced, or null when it is not a /cdn/ URL. */
export function replaceCdnToken(url: string, token: string): string | null {
  const m = TOKEN_IN_URL.exec(url);
  return m ? `${m[1]}${token}${m[2]}` : null;
}
