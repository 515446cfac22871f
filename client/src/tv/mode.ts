/**
 * TV mode: the 10-foot layout with D-pad navigation. It is chosen by the screen
 * (at least 1800 CSS px wide with a coarse pointer or none — a remote, not a
 * mouse) or by a TV browser's user agent, and can be forced either way with
 * `?tv=1` / `?tv=0` (kept in localStorage "marquee.tv"; `?tv=auto` forgets it).
 * While on, <html> has the class `tv`, which the stylesheet keys on.
 */
import { createRoot, createSignal } from "solid-js";
import { isTvUserAgent } from "../../../common/tv.ts";

export const TV_STORAGE_KEY = "marquee.tv";
/** The narrowest screen (CSS px) taken for a TV without a TV user agent. */
export const TV_MIN_WIDTH_PX = 1800;
const TV_MEDIA = `(min-width: ${TV_MIN_WIDTH_PX}px) and (pointer: coarse), (min-width: ${TV_MIN_WIDTH_PX}px) and (pointer: none)`;

/** Whether a user agent is a TV browser's (common/tv.ts). */
export { isTvUserAgent };

/**
 * What a `?tv=` value asks for: "1"/"true"/"on" force TV mode, "0"/"false"/"off"
 * force it off, "auto" forgets a forced choice; anything else is ignored.
 */
export function parseTvParam(value: string | null): "on" | "off" | "auto" | null {
  if (value === null) return null;
  const v = value.toLowerCase();
  if (v === "1" || v === "true" || v === "on" || v === "") return "on";
  if (v === "0" || v === "false" || v === "off") return "off";
  if (v === "auto") return "auto";
  return null;
}

/**
 * Whether TV mode is on, and what to store: the URL's choice wins and is kept,
 * then a stored choice, then detection (screen or user agent).
 */
export function resolveTvMode(input: { param: string | null; stored: string | null; screenIsTv: boolean; userAgent: string }): {
  tv: boolean;
  /** "1"/"0" to store, null to remove, undefined to leave alone. */
  store: "1" | "0" | null | undefined;
} {
  const asked = parseTvParam(input.param);
  if (asked === "on") return { tv: true, store: "1" };
  if (asked === "off") return { tv: false, store: "0" };
  const detected = input.screenIsTv || isTvUserAgent(input.userAgent);
  if (asked === "auto") return { tv: detected, store: null };
  if (input.stored === "1") return { tv: true, store: undefined };
  if (input.stored === "0") return { tv: false, store: undefined };
  return { tv: detected, store: undefined };
}

const [tv, setTv] = createRoot(() => createSignal(false));

/** Whether the app is in TV mode (reactive). */
export const isTvMode = tv;

function readStored(): string | null {
  try {
    return localStorage.getItem(TV_STORAGE_KEY);
  } catch {
    return null;
  }
}

function writeStored(value: "1" | "0" | null): void {
  try {
    if (value === null) localStorage.removeItem(TV_STORAGE_KEY);
    else localStorage.setItem(TV_STORAGE_KEY, value);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

let started = false;

/**
 * Decides TV mode from the URL, storage and the screen, sets `<html class="tv">`,
 * and follows the screen when nothing forces the mode (a window moved to a TV).
 * Idempotent; runs before the first paint so the layout does not jump.
 */
export function startTvMode(): void {
  if (started || typeof window === "undefined") return;
  started = true;
  const media = window.matchMedia(TV_MEDIA);
  const apply = () => {
    const { tv: on, store } = resolveTvMode({
      param: new URLSearchParams(location.search).get("tv"),
      stored: readStored(),
      screenIsTv: media.matches,
      userAgent: navigator.userAgent,
    });
    if (store !== undefined) writeStored(store);
    setTv(on);
    document.documentElement.classList.toggle("tv", on);
  };
  apply();
  media.addEventListener("change", () => {
    // A forced choice stays; only detection follows the screen.
    if (readStored() === null) apply();
  });
}
