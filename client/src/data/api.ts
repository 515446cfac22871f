/**
 * The SPA's one API client: `hc<AppType>` gives end-to-end types from the
 * Worker's routes. Route-level `query()` wrappers dedupe and cache reads, and a
 * route's `preload` warms them before the page renders.
 *
 * Every call goes through `sessionFetch`: when the 15-minute access token has
 * expired (401 `session_expired`) it refreshes the session once and retries.
 * Refreshes are serialized across tabs with a Web Lock, because the server
 * treats two refreshes with the same refresh token as theft and ends the session.
 */
import { query } from "@solidjs/router";
import { hc, type InferResponseType } from "hono/client";
import type { z } from "zod";
import type { AppType } from "../../../worker/app.ts";
import type { ProgressEntry } from "../../../worker/progress/model.ts";
import type { progressBody } from "../../../worker/routes/progress.ts";
import type { QoeBeacon } from "../../../common/qoe.ts";
import type { HomeRowBatch } from "../../../common/home-rows.ts";
import type { HomeRowCtr } from "../../../worker/db/home-rows.ts";
import type { BreakdownRow, ConsoleSeries } from "../../../worker/qoe/console.ts";
import type { AlertEventRow, AlertRuleInput, AlertRuleRow } from "../../../worker/db/qoe-alerts.ts";
import type { DeviceClass } from "./device.ts";
import { clientErrorCode, meaningOf, type ClientErrorCode } from "./errors.ts";
import { locale } from "../i18n/index.ts";

/** An API error with the server's code and message (what a code means to the client: data/errors.ts). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ClientErrorCode;
  constructor(status: number, code: ClientErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const REFRESH_LOCK = "marquee-refresh";
/** localStorage keys shared by this site's tabs (the cookies are shared too). */
const REFRESHED_AT_KEY = "marquee.session.refreshedAt";
const ACCESS_EXPIRES_KEY = "marquee.session.accessExpiresAt";

function readNumber(key: string): number {
  try {
    return Number(localStorage.getItem(key) ?? 0) || 0;
  } catch {
    return 0;
  }
}

function writeNumber(key: string, value: number | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, String(value));
  } catch {
    // Storage can be unavailable (private modes); refreshes then rely on the lock alone.
  }
}

/** When this site's access token expires (epoch ms, 0 when unknown), as last learnt by any tab. */
export function accessExpiresAt(): number {
  return readNumber(ACCESS_EXPIRES_KEY);
}

/** Records a new access token's expiry (sign-in, sign-up, refresh) or forgets it (sign-out). */
export function noteAccessExpiry(expiresAtMs: number | null): void {
  writeNumber(ACCESS_EXPIRES_KEY, expiresAtMs);
  if (expiresAtMs !== null) writeNumber(REFRESHED_AT_KEY, Date.now());
  for (const listener of expiryListeners) listener(expiresAtMs);
}

const expiryListeners = new Set<(expiresAtMs: number | null) => void>();
const lostListeners = new Set<(code: ClientErrorCode) => void>();
let watchingStorage = false;

/** Called whenever the access token's expiry changes, in this tab or another (for the proactive refresh timer). */
export function onAccessExpiry(listener: (expiresAtMs: number | null) => void): () => void {
  if (!watchingStorage) {
    watchingStorage = true;
    window.addEventListener("storage", (e) => {
      if (e.key === ACCESS_EXPIRES_KEY) for (const l of expiryListeners) l(accessExpiresAt() || null);
    });
  }
  expiryListeners.add(listener);
  return () => expiryListeners.delete(listener);
}

/** Called when a refresh is refused: the session is over (signed out elsewhere, expired, or revoked). */
export function onSessionLost(listener: (code: ClientErrorCode) => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

/** Runs `fn` holding the cross-tab refresh lock (in-tab only where Web Locks are missing). */
function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  return typeof navigator !== "undefined" && navigator.locks ? (navigator.locks.request(REFRESH_LOCK, fn) as Promise<T>) : fn();
}

/** The error code of a response's JSON body (`http_error` when it has none the client knows). */
async function errorCode(res: Response): Promise<ClientErrorCode> {
  const body = (await res.clone().json().catch(() => null)) as { error?: { code?: unknown } } | null;
  return clientErrorCode(body?.error?.code);
}

/**
 * The readable `mq_s` cookie (worker/auth/cookies.ts): null without a session,
 * and a new value with every access token. Read through document.cookie it is
 * current in every tab the moment a refresh's response arrives, where a
 * localStorage write from another tab may still be on its way.
 */
export function sessionHint(): string | null {
  if (typeof document === "undefined") return null;
  return /(?:^|;\s*)mq_s=([^;]+)/.exec(document.cookie)?.[1] ?? null;
}

type RefreshOutcome = { ok: true } | { ok: false; response: Response };
let refreshing: Promise<RefreshOutcome> | null = null;

/**
 * Refreshes the session unless `alreadyDone()` says another tab (or an earlier
 * call) did it meanwhile; that check runs inside the lock, so of several tabs
 * whose tokens expired together exactly one presents the refresh token. Calls in
 * one tab share one attempt. A refused refresh reports the session lost.
 */
function refreshOnce(alreadyDone: () => boolean): Promise<RefreshOutcome> {
  refreshing ??= withRefreshLock(async (): Promise<RefreshOutcome> => {
    if (alreadyDone()) return { ok: true };
    const response = await fetch("/api/auth/refresh", { method: "POST", credentials: "same-origin" });
    if (!response.ok) {
      if (response.status === 401) {
        noteAccessExpiry(null);
        const code = await errorCode(response);
        for (const listener of lostListeners) listener(code === "http_error" ? "invalid_refresh" : code);
      }
      return { ok: false, response };
    }
    const body = (await response.json()) as { accessExpiresAt: number };
    noteAccessExpiry(body.accessExpiresAt);
    return { ok: true };
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** How long before the access token expires a visible tab refreshes it. */
export const REFRESH_AHEAD_MS = 60_000;

/** Refreshes ahead of expiry; a no-op when another tab already has (the stored expiry moved on). */
export async function refreshAhead(): Promise<void> {
  const hint = sessionHint();
  await refreshOnce(() => sessionHint() !== hint || accessExpiresAt() - Date.now() > REFRESH_AHEAD_MS);
}


/**
 * `fetch` for the API: on 401 `session_expired` it refreshes (once, serialized
 * across tabs) and retries the request once. If another tab refreshed after this
 * request was sent, it only retries. A refused refresh answers with the refresh's
 * own 401, so the caller learns the session is over. Takes URL strings (what hc
 * passes), whose init can be sent twice.
 */
export const sessionFetch = (async (input: string | URL, given?: RequestInit): Promise<Response> => {
  // Catalog text comes in the interface language (the Worker's chain falls back per field).
  const headers = new Headers(given?.headers);
  if (!headers.has("accept-language")) headers.set("accept-language", locale());
  const init: RequestInit = { ...given, headers };
  const sentAtMs = Date.now();
  const hintAtSend = sessionHint();
  const res = await fetch(input, { credentials: "same-origin", ...init });
  if (res.status !== 401 || !meaningOf(await errorCode(res)).refreshSession) return res;
  // A new access token since this request was sent (this tab's or another's) means: only retry.
  const outcome = await refreshOnce(() => sessionHint() !== hintAtSend || readNumber(REFRESHED_AT_KEY) > sentAtMs);
  if (!outcome.ok) return outcome.response;
  return fetch(input, { credentials: "same-origin", ...init });
}) as typeof fetch;

const client = hc<AppType>("/", { fetch: sessionFetch, init: { credentials: "same-origin" } });
const api = client.api;

async function unwrap<T>(res: Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>): Promise<T> {
  const r = await res;
  if (r.status === 204) return undefined as unknown as T;
  const body = (await r.json().catch(() => null)) as { error?: { code?: unknown; message?: string } } | null;
  if (!r.ok) {
    throw new ApiError(r.status, clientErrorCode(body?.error?.code), body?.error?.message ?? `Request failed (${r.status})`);
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
  /** The catalog language (`?locale=`): a query cached per language, and an A–Z cursor is only good in its own. */
  locale?: string;
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

/** A fresh token for the asset being played (before the current one expires), bound to the same stream. */
export function renewPlayback(titleId: string, episodeId: number | undefined, assetId: string, streamId?: string): Promise<{ token: string; expiresAt: number; assetId: string }> {
  return unwrap(
    api.playback[":id"].renew.$post({ param: { id: titleId }, query: episodeId ? { episode: String(episodeId) } : {}, json: { assetId, streamId } } as never),
  );
}

export type StreamInfo = InferResponseType<(typeof api.licence.streams)["$get"], 200>["streams"][number];

/** Renews the stream's licence (lease and entitlement re-checked); refusals are ApiErrors with their codes. */
export function renewLicence(token: string, device: string): Promise<{ renewAfterSeconds: number }> {
  return unwrap(api.licence.renew.$post({}, { headers: { "x-playback-token": token, "x-device-name": device } }));
}

/** Frees the stream's screen as the player closes (`keepalive`: it survives leaving the page); never throws. */
export function releaseLicence(token: string): void {
  void fetch("/api/licence/release", { method: "POST", keepalive: true, credentials: "same-origin", headers: { "x-playback-token": token } }).catch(() => {});
}

/** The account's streams playing now. */
export function listStreams(): Promise<StreamInfo[]> {
  return unwrap<{ streams: StreamInfo[] }>(api.licence.streams.$get()).then((r) => r.streams);
}

/** Stops one of the account's streams (on another device) to free its screen. */
export function stopStream(streamId: string): Promise<void> {
  return unwrap(api.licence.streams[":streamId"].$delete({ param: { streamId } }));
}

// ---- Offline downloads ----

export type DownloadOptions = InferResponseType<(typeof api.downloads.options)[":titleId"]["$get"], 200>;
export type DownloadGranted = InferResponseType<typeof api.downloads.$post, 201>;
export type DownloadRenewed = InferResponseType<(typeof api.downloads)[":downloadId"]["renew"]["$post"], 200>;

/** The Standard/Higher choices of a film or episode, with their sizes, within this profile's plan and ceiling. */
export function downloadOptions(titleId: number, episodeId?: number): Promise<DownloadOptions> {
  return unwrap(api.downloads.options[":titleId"].$get({ param: { titleId: String(titleId) }, query: episodeId ? { episode: String(episodeId) } : {} } as never));
}

/** Asks for a download grant for this device: the media to fetch and its licence. */
export function grantDownload(body: { titleId: number; episodeId?: number; quality: "standard" | "higher"; deviceId: string; deviceName?: string }): Promise<DownloadGranted> {
  return unwrap(api.downloads.$post({ json: body }));
}

/** Renews a download online, showing its signed grant: a fresh expiry, grant and licence. */
export function renewDownloadGrant(downloadId: string, deviceId: string, grant: string): Promise<DownloadRenewed> {
  return unwrap(api.downloads[":downloadId"].renew.$post({ param: { downloadId }, json: { deviceId, grant } }));
}

/** Tells the account when a download was first played (its 48 h window), showing its signed grant. */
export function reportDownloadPlayed(downloadId: string, deviceId: string, grant: string, firstPlayedAt: number): Promise<unknown> {
  return unwrap(api.downloads[":downloadId"].played.$post({ param: { downloadId }, json: { deviceId, grant, firstPlayedAt } }));
}

/** Revokes a download (deleted here): its place is free for another. */
export function revokeDownload(downloadId: string): Promise<void> {
  return unwrap(api.downloads[":downloadId"].$delete({ param: { downloadId } }));
}

// ---- Accounts, profiles, My List and ratings ----

export type Me = InferResponseType<typeof api.auth.me.$get, 200>;
export type Account = Me["account"];
export type Profile = Me["profiles"][number];
export type SignedIn = Me & { accessExpiresAt: number };
export type ProfileInput = Parameters<typeof api.profiles.$post>[0]["json"];
export type ProfileChanges = Parameters<(typeof api.profiles)[":id"]["$patch"]>[0]["json"];
export type MyListItem = InferResponseType<(typeof api)["my-list"]["$get"], 200>["items"][number];
export type Rating = InferResponseType<typeof api.ratings.$get, 200>["items"][number];
export type RatingValue = -1 | 1 | 2;

/** The signed-in account, its profiles and the profile chosen on this device; null when signed out. */
export async function fetchMe(): Promise<Me | null> {
  // Without the server's hint cookie there is no session to ask about (and no 401 in the console).
  if (typeof document !== "undefined" && sessionHint() === null) return null;
  try {
    return await unwrap<Me>(api.auth.me.$get());
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function signUpRequest(input: { email: string; password: string; plan: "basic" | "standard" | "premium"; profileName?: string }): Promise<SignedIn> {
  return unwrap<SignedIn>(api.auth.signup.$post({ json: input }));
}

export function signInRequest(input: { email: string; password: string }): Promise<SignedIn> {
  return unwrap<SignedIn>(api.auth.signin.$post({ json: input }));
}

export function signOutRequest(): Promise<void> {
  return unwrap<void>(api.auth.signout.$post());
}

export function selectProfileRequest(id: string, pin?: string): Promise<{ profileId: string; profile: Profile; accessExpiresAt: number }> {
  return unwrap(api.profiles[":id"].select.$post({ param: { id }, json: pin === undefined ? {} : { pin } }));
}

export function createProfileRequest(input: ProfileInput): Promise<Profile> {
  return unwrap<Profile>(api.profiles.$post({ json: input }));
}

export function updateProfileRequest(id: string, changes: ProfileChanges): Promise<Profile> {
  return unwrap<Profile>(api.profiles[":id"].$patch({ param: { id }, json: changes }));
}

export function deleteProfileRequest(id: string): Promise<void> {
  return unwrap<void>(api.profiles[":id"].$delete({ param: { id } }));
}

/** The chosen profile's list, in its order. */
export const getMyList = query(
  () => unwrap<{ items: MyListItem[] }>(api["my-list"].$get()).then((r) => r.items),
  "myList",
);

export function addToMyList(titleId: number): Promise<unknown> {
  return unwrap(api["my-list"][":titleId"].$put({ param: { titleId: String(titleId) } }));
}

export function removeFromMyList(titleId: number): Promise<void> {
  return unwrap<void>(api["my-list"][":titleId"].$delete({ param: { titleId: String(titleId) } }));
}

/** Saves a new order (every title on the list, once); answers the list as stored. */
export function reorderMyList(titleIds: number[]): Promise<MyListItem[]> {
  return unwrap<{ items: MyListItem[] }>(api["my-list"].reorder.$post({ json: { titleIds } })).then((r) => r.items);
}

/** The chosen profile's ratings. */
export const getRatings = query(
  () => unwrap<{ items: Rating[] }>(api.ratings.$get()).then((r) => r.items),
  "ratings",
);

export function rateTitle(titleId: number, value: RatingValue | null): Promise<unknown> {
  const param = { titleId: String(titleId) };
  return value === null ? unwrap(api.ratings[":titleId"].$delete({ param })) : unwrap(api.ratings[":titleId"].$put({ param, json: { value } }));
}

// ---- Home, continue watching and history ----

export type HomePage = InferResponseType<typeof api.home.$get, 200>;
export type HomeRowData = HomePage["rows"][number];
export type ContinueItem = InferResponseType<typeof api.progress.continue.$get, 200>["items"][number];
/** A scheduled event as Home's rows and the schedule API show it. */
export type ScheduleItem = HomePage["liveNow"][number];
export type TitleSchedule = InferResponseType<(typeof api.schedule.titles)[":id"]["$get"], 200>;

/** The title's event on now or next, and whether this profile asked for a reminder. */
export function fetchTitleSchedule(titleId: string): Promise<TitleSchedule> {
  return unwrap<TitleSchedule>(api.schedule.titles[":id"].$get({ param: { id: titleId } }));
}

/** "Remind me" on (true) or off for an event (a signed-in profile). */
export function setReminder(eventId: number, on: boolean): Promise<{ eventId: number; reminded: boolean }> {
  const param = { param: { id: String(eventId) } };
  return unwrap(on ? api.schedule[":id"].reminder.$put(param) : api.schedule[":id"].reminder.$delete(param));
}

/** The profile's reminders not over yet (the in-app notice at their start). */
export function fetchReminders(): Promise<{ items: ScheduleItem[]; serverTime: number }> {
  return unwrap(api.schedule.reminders.$get());
}

export type HistoryPage = InferResponseType<typeof api.history.$get, 200>;
export type HistoryItem = HistoryPage["items"][number];

/** The current profile's Home: hero, Continue Watching (always fresh), the cached rows and onboarding. */
export const getHome = query(
  (device: DeviceClass): Promise<HomePage> => unwrap<HomePage>(api.home.$get({ query: { device, hour: String(new Date().getHours()) } })),
  "home",
);

/** Saves "pick three you like" (an empty list skips it). */
export async function saveOnboarding(titleIds: number[]): Promise<void> {
  await unwrap(api.home.onboarding.$post({ json: { titleIds } }));
}

/** Continue watching of the chosen profile, fetched now (no query cache); empty when signed out or no profile is chosen. */
export async function fetchContinueWatching(): Promise<ContinueItem[]> {
  try {
    return (await unwrap<{ items: ContinueItem[] }>(api.progress.continue.$get())).items;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return [];
    throw e;
  }
}

/** Continue watching of the chosen profile (a route query); empty when signed out or no profile is chosen. */
export const getContinueWatching = query(fetchContinueWatching, "continue-watching");

export type TitleProgress = InferResponseType<(typeof api.progress.title)[":titleId"]["$get"], 200>;
export type TitleProgressEntry = TitleProgress["items"][number];

/** The chosen profile's positions in one title (a movie's one, or each episode's), most recent first, fetched now; none without a profile. */
export async function fetchTitleProgress(titleId: string): Promise<TitleProgressEntry[]> {
  try {
    return (await unwrap<TitleProgress>(api.progress.title[":titleId"].$get({ param: { titleId } }))).items;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) return [];
    throw e;
  }
}

/** One page of the chosen profile's viewing history, newest first. */
export const getHistory = query((cursor?: string): Promise<HistoryPage> => unwrap<HistoryPage>(api.history.$get({ query: cursor ? { cursor } : {} })), "history");

export async function removeFromHistory(titleId: number): Promise<void> {
  await unwrap(api.history[":titleId"].$delete({ param: { titleId: String(titleId) } }));
}

export async function clearHistory(): Promise<void> {
  await unwrap(api.history.$delete());
}

// ---- Watch progress (the ViewerState object behind /api/progress) ----

/** The body POST /api/progress validates (its zod schema; type only, nothing of it is bundled). */
export type ProgressBody = z.input<typeof progressBody>;

/**
 * Saves a position (`keepalive`, so a save under way survives leaving the page).
 * Never throws: answers the status (0 when the network failed) and the entry as
 * stored, because the reporter decides by status whether to retry or stop.
 */
export async function saveProgress(body: ProgressBody): Promise<{ status: number; entry: ProgressEntry | null }> {
  try {
    const res = await sessionFetch("/api/progress", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      keepalive: true,
    });
    const entry = res.ok ? (((await res.json().catch(() => null)) as { entry?: ProgressEntry } | null)?.entry ?? null) : null;
    return { status: res.status, entry };
  } catch {
    return { status: 0, entry: null };
  }
}

/**
 * Saves a position as the page goes away: a text/plain `sendBeacon` (the route
 * accepts it), or a keepalive fetch where the beacon is missing or refused.
 * Fire and forget; no session refresh (there is no page left to wait for it).
 */
export function beaconProgress(body: ProgressBody): void {
  const json = JSON.stringify(body);
  const sent = typeof navigator.sendBeacon === "function" && navigator.sendBeacon("/api/progress", new Blob([json], { type: "text/plain" }));
  if (!sent) void fetch("/api/progress", { method: "POST", headers: { "content-type": "text/plain" }, body: json, keepalive: true, credentials: "same-origin" }).catch(() => {});
}

/** The live-sync WebSocket of the chosen profile (GET /api/progress/live). */
export function openProgressSocket(): WebSocket {
  return new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/progress/live`);
}

// ---- Playback side channels (fire and forget) ----

/** Tells the steering server a CDN pathway failed us, proven by the URL's playback token (a beacon; keepalive fetch as fallback). */
export function reportPathwayError(pathway: string, token: string): void {
  const body = JSON.stringify({ pathway, kind: "error", token });
  if (!navigator.sendBeacon?.("/api/steering/report", body)) {
    void fetch("/api/steering/report", { method: "POST", body, keepalive: true }).catch(() => {});
  }
}

/**
 * Sends one batch of a view's QoE events (POST /api/qoe). Off the playback path:
 * a keepalive fetch while the page lives, `sendBeacon` (text/plain) as it goes
 * away; no session refresh, no retry (a lost batch costs a little accuracy, not playback).
 */
export function sendQoeBeacon(beacon: QoeBeacon, leaving: boolean): void {
  const body = JSON.stringify(beacon);
  if (leaving && typeof navigator.sendBeacon === "function" && navigator.sendBeacon("/api/qoe", new Blob([body], { type: "text/plain" }))) return;
  void fetch("/api/qoe", { method: "POST", headers: { "content-type": "application/json" }, body, keepalive: true, credentials: "same-origin" }).catch(() => {});
}

/** A batch of Home-row impressions and plays (POST /api/qoe/rows), sent like a QoE beacon. */
export function sendHomeRowBatch(batch: HomeRowBatch, leaving: boolean): void {
  const body = JSON.stringify(batch);
  if (leaving && typeof navigator.sendBeacon === "function" && navigator.sendBeacon("/api/qoe/rows", new Blob([body], { type: "text/plain" }))) return;
  void fetch("/api/qoe/rows", { method: "POST", headers: { "content-type": "application/json" }, body, keepalive: true, credentials: "same-origin" }).catch(() => {});
}

/** The account's QoE choice (account page) and whether this browser sends Global Privacy Control. */
export async function qoeConsent(): Promise<{ optedOut: boolean; gpc: boolean }> {
  return unwrap(sessionFetch("/api/qoe/consent"));
}

/** Opts the account out of QoE collection (or back in). The choice is one of the access token's facts: the answer carries a fresh token, whose expiry is noted. */
export async function setQoeConsent(optOut: boolean): Promise<{ optedOut: boolean; gpc: boolean }> {
  const result = await unwrap<{ optedOut: boolean; gpc: boolean; accessExpiresAt: number }>(
    sessionFetch("/api/qoe/consent", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ optOut }) }),
  );
  noteAccessExpiry(result.accessExpiresAt);
  return { optedOut: result.optedOut, gpc: result.gpc };
}

// ---- Operations console (/api/ops, operator accounts only) ----

/** The console's filters and range, as query parameters (empty values left out). */
export type OpsQuery = Record<string, string | undefined>;

function opsPath(path: string, q: OpsQuery): string {
  const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1]));
  return `/api/ops/${path}?${params}`;
}

/** Metrics over time (GET /api/ops/series); ApiError 403 `not_operator` for everyone but operators. */
export function opsSeries(q: OpsQuery): Promise<ConsoleSeries> {
  return unwrap(sessionFetch(opsPath("series", q)));
}

/** Metrics per value of one dimension (GET /api/ops/breakdown). */
export function opsBreakdown(q: OpsQuery & { by: string }): Promise<{ by: string; range: string; rows: BreakdownRow[] }> {
  return unwrap(sessionFetch(opsPath("breakdown", q)));
}

/** Home rows' click-through over the last `days` days (GET /api/ops/home-rows). */
export function opsHomeRows(q: OpsQuery): Promise<{ days: number; fromDay: number; rows: HomeRowCtr[] }> {
  return unwrap(sessionFetch(opsPath("home-rows", q)));
}

/** Alert rules with their state, the latest events, and whether a webhook is configured (GET /api/ops/alerts). */
export function opsAlerts(): Promise<{ rules: AlertRuleRow[]; events: AlertEventRow[]; webhookConfigured: boolean }> {
  return unwrap(sessionFetch("/api/ops/alerts"));
}

/** Creates an alert rule (no id) or replaces one's settings (PUT /api/ops/alerts/:id). */
export function saveOpsAlert(rule: AlertRuleInput, id?: number): Promise<AlertRuleRow> {
  return unwrap(sessionFetch(id === undefined ? "/api/ops/alerts" : `/api/ops/alerts/${id}`, { method: id === undefined ? "POST" : "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(rule) }));
}

export async function deleteOpsAlert(id: number): Promise<void> {
  await unwrap<void>(sessionFetch(`/api/ops/alerts/${id}`, { method: "DELETE" }));
}

/** A media object (playlist, segment, trickplay sheet) by its tokenised URL; media is not API, so no session handling. */
export function fetchMedia(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, init);
}

// The privacy endpoints are plain fetches on purpose: they are built separately, so the
// typecheck does not depend on their routes. They still get the session refresh.

/** Everything stored for the account, as the server's JSON document. */
export async function exportAccount(): Promise<Blob> {
  const res = await sessionFetch("/api/account/export");
  if (!res.ok) await unwrap(Promise.resolve(res));
  return res.blob();
}

/** Erases the account and everything stored for it; the server asks for the account password. */
export async function deleteAccount(password: string): Promise<void> {
  await unwrap<void>(sessionFetch("/api/account", { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ password }) }));
}

/** Changes the account password; the server signs out every other device (it says how many). */
export function changePassword(currentPassword: string, newPassword: string): Promise<{ signedOutSessions: number }> {
  return unwrap(api.account.password.$post({ json: { currentPassword, newPassword } }));
}
