/**
 * The SPA's one API client: `hc<AppType>` gives end-to-end types from the
 * Worker's routes. Route-level `query()` wrappers dedupe and cache reads, and a
 * route's `preload` warms them before the page renders.
 */
import { query } from "@solidjs/router";
import { hc, type InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app.ts";

const client = hc<AppType>("/", { init: { credentials: "same-origin" } });
const api = client.api;

/** An API error with the server's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function unwrap<T>(res: Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>): Promise<T> {
  const r = await res;
  const body = (await r.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!r.ok) {
    throw new ApiError(r.status, body?.error?.code ?? "http_error", body?.error?.message ?? `Request failed (${r.status})`);
  }
  return body as T;
}

export type TitleList = InferResponseType<typeof api.catalog.titles.$get, 200>;
export type TitleCard = TitleList["items"][number];
export type TitleDetail = InferResponseType<(typeof api.catalog.titles)[":id"]["$get"], 200>;
export type Person = InferResponseType<(typeof api.catalog.people)[":id"]["$get"], 200>;
export type SearchResult = InferResponseType<typeof api.search.$get, 200>["items"][number];
export type Suggestion = InferResponseType<typeof api.search.suggest.$get, 200>["items"][number];
export type Genre = InferResponseType<typeof api.catalog.genres.$get, 200>["items"][number];

export interface TitleFilter {
  genre?: string;
  type?: "movie" | "series";
  sort?: "popular" | "newest" | "year" | "title";
  cursor?: string;
  limit?: number;
}

export const getGenres = query(
  () => unwrap<{ items: Genre[] }>(api.catalog.genres.$get()).then((r) => r.items),
  "genres",
);

export const getTitles = query((filter: TitleFilter) => {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== "") q[k] = String(v);
  return unwrap<TitleList>(api.catalog.titles.$get({ query: q }));
}, "titles");

export const getTitle = query(
  (id: string) => unwrap<TitleDetail>(api.catalog.titles[":id"].$get({ param: { id } })),
  "title",
);

export const getPerson = query(
  (id: string) => unwrap<Person>(api.catalog.people[":id"].$get({ param: { id } })),
  "person",
);

export const searchTitles = query(
  (q: string) => unwrap<{ items: SearchResult[] }>(api.search.$get({ query: { q } })).then((r) => r.items),
  "search",
);

/** Suggestions are not cached by the router: they change with every keystroke. */
export function suggest(q: string, signal?: AbortSignal): Promise<Suggestion[]> {
  return unwrap<{ items: Suggestion[] }>(api.search.suggest.$get({ query: { q } }, { init: { signal } })).then((r) => r.items);
}

export type Playback = InferResponseType<(typeof api.playback)[":id"]["$post"], 200>;

/** Asks for playback of a movie or an episode: entitlement, master URL, token, tracks, markers. */
export function startPlayback(titleId: string, episodeId?: number): Promise<Playback> {
  return unwrap<Playback>(
    api.playback[":id"].$post({ param: { id: titleId }, query: episodeId ? { episode: String(episodeId) } : {}, json: {} } as never),
  );
}

/** A fresh token for the asset being played (before the current one expires). */
export function renewPlayback(titleId: string, episodeId: number | undefined, assetId: string): Promise<{ token: string; expiresAt: number; assetId: string }> {
  return unwrap(
    api.playback[":id"].renew.$post({ param: { id: titleId }, query: episodeId ? { episode: String(episodeId) } : {}, json: { assetId } } as never),
  );
}
