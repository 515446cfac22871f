/**
 * The rules of preparing playback before Play that need no DOM (tested in Node):
 * what a link would play, and the budget of a tile's intent (play-intent.ts).
 */

/** The episode and start position a watch URL's query names (`?episode=<id>&t=<seconds>`), ignoring malformed values. */
export function watchTarget(query: { episode?: string; t?: string }): { episodeId?: number; startAt?: number } {
  return {
    episodeId: query.episode && /^\d+$/.test(query.episode) ? Number(query.episode) : undefined,
    startAt: query.t && /^\d+(\.\d+)?$/.test(query.t) ? Number(query.t) : undefined,
  };
}

/**
 * How long each kind of intent must rest on one tile before it prepares: the
 * pointer (crossing a tile takes less), focus (a remote's D-pad moving along a
 * row passes each tile faster), a finger (a swipe moves first; lifting it
 * sooner, a tap, prepares at once).
 */
export const DWELL_MS = { pointer: 200, focus: 500, touch: 150 } as const;
/** Preparations one page view may start. */
export const PREPARATIONS_PER_PAGE = 3;

/** What the Network Information API says about the connection (all optional: most browsers say nothing). */
export interface ConnectionHints {
  saveData?: boolean;
  effectiveType?: string;
  /** An older draft's flag (a metered connection), still honoured where a browser sets it. */
  metered?: boolean;
}

/** Whether a tile's intent may prepare playback on this connection: not with Save-Data, a metered link or 2g. */
export function intentMayPrepare(connection: ConnectionHints | undefined): boolean {
  if (!connection) return true;
  if (connection.saveData === true || connection.metered === true) return false;
  return connection.effectiveType !== "2g" && connection.effectiveType !== "slow-2g";
}

/** What a link would play: a title page's title, or a watch link's title, episode and start (else null). */
export function intentTarget(href: string, origin: string): { titleId: string; episodeId?: number; startAt?: number } | null {
  let url: URL;
  try {
    url = new URL(href, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  const m = /^\/(title|watch)\/(\d+)\/?$/.exec(url.pathname);
  if (!m) return null;
  if (m[1] === "title") return { titleId: m[2]! };
  const q = url.searchParams;
  return { titleId: m[2]!, ...watchTarget({ episode: q.get("episode") ?? undefined, t: q.get("t") ?? undefined }) };
}
