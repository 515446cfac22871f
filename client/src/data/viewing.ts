/**
 * What the chosen profile has watched: continue watching and viewing history
 * (the account's ViewerState object behind /api/progress and /api/history).
 * Calls go through `sessionFetch`, so an expired access token is refreshed once.
 */
import { query } from "@solidjs/router";
import { hc, type InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app.ts";
import { ApiError, sessionFetch } from "./api.ts";

const api = hc<AppType>("/", { fetch: sessionFetch, init: { credentials: "same-origin" } }).api;

export type ContinueItem = InferResponseType<typeof api.progress.continue.$get, 200>["items"][number];
export type HistoryPage = InferResponseType<typeof api.history.$get, 200>;
export type HistoryItem = HistoryPage["items"][number];

async function ok<T>(res: { ok: boolean; status: number; json(): Promise<unknown> }): Promise<T> {
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? `Request failed (${res.status})`);
  return body as T;
}

/** Continue watching of the chosen profile; empty when signed out or no profile is chosen. */
export const getContinueWatching = query(async (): Promise<ContinueItem[]> => {
  const res = await api.progress.continue.$get();
  if (res.status === 401 || res.status === 403) return [];
  return (await ok<{ items: ContinueItem[] }>(res)).items;
}, "continue-watching");

export const getHistory = query(
  (cursor?: string): Promise<HistoryPage> => api.history.$get({ query: cursor ? { cursor } : {} }).then((r) => ok<HistoryPage>(r)),
  "history",
);

export async function removeFromHistory(titleId: number): Promise<void> {
  const res = await api.history[":titleId"].$delete({ param: { titleId: String(titleId) } });
  if (!res.ok) await ok(res);
}

export async function clearHistory(): Promise<void> {
  const res = await api.history.$delete();
  if (!res.ok) await ok(res);
}

/** "12:34" or "1:02:03". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

export type HomePage = InferResponseType<typeof api.home.$get, 200>;
export type HomeRowData = HomePage["rows"][number];
export type DeviceClass = "tv" | "desktop" | "phone";

/** The device class Home is ranked for: TV mode (html.tv), a phone-sized screen, or a desktop. */
export function deviceClass(): DeviceClass {
  if (typeof document !== "undefined" && document.documentElement.classList.contains("tv")) return "tv";
  return typeof matchMedia !== "undefined" && matchMedia("(max-width: 700px)").matches ? "phone" : "desktop";
}

/** The current profile's Home: hero, Continue Watching (always fresh), the cached rows and onboarding. */
export const getHome = query(
  (device: DeviceClass): Promise<HomePage> =>
    api.home.$get({ query: { device, hour: String(new Date().getHours()) } }).then((r) => ok<HomePage>(r)),
  "home",
);

/** Saves "pick three you like" (an empty list skips it). */
export async function saveOnboarding(titleIds: number[]): Promise<void> {
  const res = await api.home.onboarding.$post({ json: { titleIds } });
  if (!res.ok) await ok(res);
}
