/**
 * Home-row click-through reporting (common/home-rows.ts): which tiles of which
 * Home row were on screen (at least half, once per Home visit) and which plays
 * started from a row. A tile or hero chosen on Home is remembered for this tab
 * (sessionStorage: the row and title, nothing else) until the Watch page opens
 * that title — through the title page or straight away — and that play is
 * credited to the row. Batched: sent every few seconds while Home is used and
 * as a beacon when the page hides; off, as QoE beacons are, with Global Privacy
 * Control or the account's opt-out (data/qoe.ts).
 */
import { HOME_ROW_MAX_ITEMS, type HomeRowBatch, type HomeRowImpression, type HomeRowKind, type HomeRowPlay } from "../../../common/home-rows.ts";
import { sendHomeRowBatch } from "./api.ts";
import { deviceClass, randomId } from "./device.ts";
import { qoeCollectionOff } from "./qoe.ts";

/** Impressions wait at most this long before they are sent. */
export const HOME_ROW_BATCH_MS = 5_000;
/** A choice made on Home counts for a play started within this long. */
const CHOICE_TTL_MS = 30 * 60_000;
const CHOICE_KEY = "marquee.homeRowChoice";

let shown: HomeRowImpression[] = [];
let plays: HomeRowPlay[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

/** Sends what is queued now (`leaving`: as a beacon, the page is going away). */
export function flushHomeRows(leaving = false): void {
  clearTimeout(timer);
  timer = undefined;
  if (shown.length === 0 && plays.length === 0) return;
  const batch: HomeRowBatch = { v: 1, batchId: randomId().replace(/[^A-Za-z0-9_-]/g, ""), device: deviceClass(), shown: shown.slice(0, HOME_ROW_MAX_ITEMS), plays: plays.slice(0, HOME_ROW_MAX_ITEMS - Math.min(shown.length, HOME_ROW_MAX_ITEMS)) };
  shown = shown.slice(batch.shown.length);
  plays = plays.slice(batch.plays.length);
  sendHomeRowBatch(batch, leaving);
  if (shown.length + plays.length > 0) flushHomeRows(leaving);
}

function later(): void {
  timer ??= setTimeout(() => flushHomeRows(false), HOME_ROW_BATCH_MS);
}

/** A tile of a row was seen (`first`: the first of that row in this Home visit). */
export function noteTileShown(impression: HomeRowImpression): void {
  if (qoeCollectionOff()) return;
  shown.push(impression);
  if (shown.length >= HOME_ROW_MAX_ITEMS) flushHomeRows(false);
  else later();
}

/** A title was chosen from a row (a tile, the hero's buttons): a play of it soon after is the row's. */
export function rememberRowChoice(row: HomeRowKind, titleId: number): void {
  if (qoeCollectionOff()) return;
  try {
    sessionStorage.setItem(CHOICE_KEY, JSON.stringify({ row, titleId, atMs: Date.now() }));
  } catch {
    // Storage unavailable: the play is not credited to a row, nothing else changes.
  }
}

/** The Watch page opened `titleId`: if it was chosen on Home a moment ago, a play from that row is sent at once. */
export function notePlayStarted(titleId: number): void {
  let choice: { row: HomeRowKind; titleId: number; atMs: number } | null = null;
  try {
    choice = JSON.parse(sessionStorage.getItem(CHOICE_KEY) ?? "null");
    sessionStorage.removeItem(CHOICE_KEY);
  } catch {
    return;
  }
  if (!choice || choice.titleId !== titleId || Date.now() - choice.atMs > CHOICE_TTL_MS || qoeCollectionOff()) return;
  plays.push({ row: choice.row, titleId });
  flushHomeRows(false);
}

if (typeof document !== "undefined") {
  // The last reliable moment on phones: what is queued goes as a beacon.
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flushHomeRows(true));
  addEventListener("pagehide", () => flushHomeRows(true));
}

/**
 * One Home visit's impression tracking: an IntersectionObserver that reports each
 * tile once when at least half of it is on screen (a row scrolled sideways shows
 * more tiles later), the first tile of each row marking the row as shown.
 */
export function homeRowImpressions(): { observe(el: Element, rowKey: string, row: HomeRowKind, titleId: number): void; disconnect(): void } {
  const what = new WeakMap<Element, { rowKey: string; row: HomeRowKind; titleId: number }>();
  const seenTiles = new Set<string>();
  const seenRows = new Set<string>();
  const io =
    typeof IntersectionObserver === "undefined"
      ? undefined
      : new IntersectionObserver(
          (entries) => {
            for (const e of entries) {
              const w = what.get(e.target);
              if (!e.isIntersecting || !w) continue;
              const key = `${w.rowKey}/${w.titleId}`;
              if (seenTiles.has(key)) continue;
              seenTiles.add(key);
              const first = !seenRows.has(w.rowKey);
              seenRows.add(w.rowKey);
              noteTileShown({ row: w.row, titleId: w.titleId, ...(first ? { first: true } : {}) });
              io?.unobserve(e.target);
            }
          },
          { threshold: 0.5 },
        );
  return {
    observe(el, rowKey, row, titleId) {
      if (!io || qoeCollectionOff()) return;
      what.set(el, { rowKey, row, titleId });
      io.observe(el);
    },
    disconnect() {
      io?.disconnect();
    },
  };
}
