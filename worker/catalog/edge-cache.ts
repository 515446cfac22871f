/**
 * Catalog and search responses cached in the data centre (the Cache API inside
 * the Worker), so catalog reads stop reaching D1 in proportion to viewers.
 *
 * The key is built here, never from what the client sends as-is:
 *   - the route and its *validated* parameters (unknown query parameters cannot
 *     split the cache and send every request to D1);
 *   - the variant that changes the answer: the viewer's country and maturity
 *     ceiling, both derived by the Worker (viewer-context.ts) — a kids profile
 *     that edits a URL still gets its own variant — and the locale of the text
 *     (canonical, so spellings of one locale share entries). Plan tier does not
 *     change catalog answers;
 *   - the catalog's epoch: the version every catalog write bumps (D1 triggers,
 *     migrations/0009_catalog_version.sql) and the next availability-window edge
 *     for the country. A change or a window opening or closing changes the key,
 *     so no stale entry is ever read again.
 * Entries hold no personal data: these responses depend only on the variant.
 * Errors (404, 403) are not cached.
 *
 * The epoch is read from D1 at most once per EPOCH_RECHECK_MS per country and
 * isolate (every read in local development), and at once when the known edge passes: D1 sees a number of epoch
 * reads that grows with isolates and countries, not with viewers.
 */
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { AppEnv } from "../app-env.ts";
import { afterResponse } from "../lib/after-response.ts";
import { isDevelopment, recheckInterval } from "../lib/environment.ts";
import { edgeCache } from "../lib/data-centre-cache.ts";
import { HotCache } from "../lib/hot-cache.ts";
import { DEFAULT_CATALOG_LOCALE } from "./localise.ts";

/** How often an isolate re-reads the catalog version (the most a catalog edit can take to show). */
export const EPOCH_RECHECK_MS = 5_000;
/** How often this isolate re-reads the catalog epoch (`CATALOG_EPOCH_RECHECK_MS`; at once in local development: lib/environment.ts). */
export function recheckMs(env: Env): number {
  return recheckInterval(env, "CATALOG_EPOCH_RECHECK_MS", EPOCH_RECHECK_MS);
}
/** The longest an entry lives whatever happens (lists and search change with popularity, re-ranked offline). */
export const CATALOG_TTL_SECONDS = 3600;
const ORIGIN = "https://catalog-cache.marquee.internal/";

export interface CatalogEpoch {
  version: number;
  /** The next instant a window opens or closes for the country (null: none scheduled). */
  nextEdgeMs: number | null;
}

interface EpochMemo extends CatalogEpoch {
  checkedAtMs: number;
  /** True while some request re-reads this epoch. */
  reading: boolean;
}

const epochs = new Map<string, EpochMemo>();

/** Reads the catalog version and the country's next window edge after `nowMs` (windows for the country or worldwide). */
export async function readCatalogEpoch(d1: D1Database, country: string, nowMs: number): Promise<CatalogEpoch> {
  const [version, edge] = await d1.batch<{ v: number | null }>([
    d1.prepare("SELECT version AS v FROM catalog_version WHERE id = 1"),
    d1
      .prepare(
        `SELECT min(edge) AS v FROM (
           SELECT starts_at AS edge FROM availability WHERE region IN (?1, 'WW') AND starts_at > ?2
           UNION ALL SELECT ends_at FROM availability WHERE region IN (?1, 'WW') AND ends_at > ?2)`,
      )
      .bind(country, nowMs),
  ]);
  return { version: version?.results[0]?.v ?? 0, nextEdgeMs: edge?.results[0]?.v ?? null };
}

/**
 * The country's catalog epoch as this isolate knows it, re-read when stale or when its edge has passed.
 *
 * A request never awaits a read another request started (workerd ties a request's I/O to it, and a
 * cancelled request would leave its joiners waiting): while one re-reads a merely stale epoch, the
 * others answer the last one known. Past a window edge the last one is wrong, so each reads its own.
 */
export async function catalogEpoch(d1: D1Database, country: string, nowMs: number, recheckAfterMs = EPOCH_RECHECK_MS): Promise<CatalogEpoch> {
  const memo = epochs.get(country);
  const edgePassed = memo?.nextEdgeMs != null && nowMs >= memo.nextEdgeMs;
  // Known: read once at least (an isolate's first reads, side by side, each read their own).
  const known = memo !== undefined && memo.checkedAtMs > 0;
  if (known && !edgePassed && (nowMs - memo.checkedAtMs < recheckAfterMs || memo.reading)) return { version: memo.version, nextEdgeMs: memo.nextEdgeMs };
  const entry: EpochMemo = memo ?? { version: -1, nextEdgeMs: null, checkedAtMs: 0, reading: false };
  epochs.set(country, entry);
  entry.reading = true;
  try {
    const read = await readCatalogEpoch(d1, country, nowMs);
    // A slower read of an earlier instant must not overwrite a later one.
    if (nowMs >= entry.checkedAtMs) Object.assign(entry, read, { checkedAtMs: nowMs });
    return read;
  } finally {
    entry.reading = false;
  }
}

/** Forgets this isolate's epochs (tests that write the catalog and read it back at once). */
export function forgetCatalogEpochs(): void {
  epochs.clear();
}

/** The cache URL of one response: route, sorted parameters, variant and epoch. */
export function catalogCacheUrl(route: string, params: Record<string, unknown>, variant: { country: string; maxMaturityAge: number; locale?: string }, epoch: CatalogEpoch): string {
  const query = Object.keys(params)
    .filter((k) => params[k] !== undefined)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(params[k]))}`)
    .join("&");
  return `${ORIGIN}v${epoch.version}/e${epoch.nextEdgeMs ?? "none"}/${variant.country}/m${variant.maxMaturityAge}/l${variant.locale ?? DEFAULT_CATALOG_LOCALE}/${route}?${query}`;
}

/**
 * The hottest answers, in the isolate's memory in front of the data centre's
 * cache (lib/hot-cache.ts): keyed by the same URL, so the same epoch and
 * variant end them; kept HOT_CATALOG_MS at most, well inside the entry's own
 * CATALOG_TTL_SECONDS.
 */
const hotCatalog = new HotCache<string>(8 * 1024 * 1024);
const HOT_CATALOG_MS = 30_000;

/**
 * Answers `route` with `params` from the isolate's memory or the data centre's
 * cache, or fills both with `fill()` (whose errors pass through uncached).
 * `X-Catalog-Cache` says which ("hit" for either cache).
 */
export async function cachedCatalogJson<T>(
  c: Context<AppEnv>,
  route: string,
  params: Record<string, unknown>,
  fill: () => Promise<T>,
  /** What changes faster than the cache (a title going live): applied to every answer, hit or miss, never stored. */
  decorate?: (body: T) => Promise<T>,
): Promise<Response & TypedResponse<JSONParsed<T>, 200, "json">> {
  // Typed like c.json's answer, so the RPC client (hono/client) still infers the body.
  const answer = (body: string, cache: "hit" | "miss") =>
    c.body(body, 200, { "Content-Type": "application/json", "X-Catalog-Cache": cache }) as unknown as Response & TypedResponse<JSONParsed<T>, 200, "json">;
  const viewer = c.get("viewer");
  let url: string | null = null;
  try {
    url = catalogCacheUrl(route, params, viewer, await catalogEpoch(c.env.DB, viewer.country, viewer.nowMs, recheckMs(c.env)));
    // Development only: `?cache=miss` skips the lookup (not the write), for bench:scale's miss figures.
    const skip = isDevelopment(c.env) && c.req.query("cache") === "miss";
    let text = skip ? undefined : hotCatalog.get(url, viewer.nowMs);
    if (text === undefined && !skip) {
      const hit = await edgeCache().match(url);
      if (hit) {
        text = await hit.text();
        hotCatalog.set(url, text, text.length, HOT_CATALOG_MS, viewer.nowMs);
      }
    }
    if (text !== undefined) return answer(decorate ? JSON.stringify(await decorate(JSON.parse(text) as T)) : text, "hit");
  } catch (err) {
    // The cache is an optimisation: a failed epoch read or cache lookup answers from D1.
    console.error("catalog cache unavailable", err);
  }
  const filled = await fill();
  const body = JSON.stringify(filled);
  if (url) {
    hotCatalog.set(url, body, body.length, HOT_CATALOG_MS, viewer.nowMs);
    const entry = new Response(body, { headers: { "Content-Type": "application/json", "Cache-Control": `public, max-age=${CATALOG_TTL_SECONDS}` } });
    const put = edgeCache().put(url, entry).catch((err: unknown) => console.error("catalog cache write failed", err));
    await afterResponse(c, put);
  }
  return answer(decorate ? JSON.stringify(await decorate(filled)) : body, "miss");
}
