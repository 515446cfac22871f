/**
 * TV mode's remote control: arrow keys move focus to the nearest focusable
 * element in that direction (geometry in ./spatial.ts), scrolling it into view
 * (a title row scrolls sideways as focus moves along it); Enter activates (links
 * and buttons natively; check boxes and radios here); Back — Escape, Backspace
 * outside text fields, or a remote's Back key — goes back. OK on a select opens
 * its list.
 *
 * Everyone else's keys come first: the listener sits on window, after the page's
 * own handlers (Solid's delegated ones and the player's, on document), and leaves
 * alone any key they already handled (defaultPrevented). On the watch page the
 * player owns the arrows; text fields keep the keys they edit with.
 *
 * This is the app's one D-pad path: an arrow that moves focus is handled here
 * and nowhere else. Parts with an order of their own (the player's control bar)
 * declare it as a focus zone, in TV mode and out of it.
 *
 * Also remembers which element had focus on each page, so coming back to a page
 * puts focus where it was, and focuses a page's main action when it opens.
 */
import { isTvMode } from "./mode.ts";
import { columnOf, directionOfKey, pickNext, type Direction } from "./spatial.ts";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "summary",
  "[tabindex]:not([tabindex='-1'])",
  "[contenteditable='true']",
].join(", ");

/** Never a D-pad target: the skip link (it is for Tab) and anything marked out. */
const NOT_A_TARGET = ".skip-link, [data-tv-skip], [tabindex='-1']";
/** Parts of the page that stay put while it scrolls (the header): tried after the content, so Up climbs rows before the header. */
const CHROME = ".top-bar, .bottom-nav";
/** A page's main action, focused first when nothing is. */
const INITIAL = ["[data-tv-autofocus]", ".play-button", ".hero .button-primary", ".profile-choice", "main .button-primary"];

/** Keys a TV remote or keyboard sends for Back. */
const BACK_KEYS = new Set(["GoBack", "BrowserBack", "XF86Back", "Back"]);
/** keyCodes of Back on LG webOS (461) and Samsung Tizen (10009), whose `key` is not standard. */
const BACK_KEY_CODES = new Set([461, 10009]);

const TEXT_INPUT = /^(text|search|email|password|url|tel|number)$/;

function isEditable(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || (el as HTMLElement).isContentEditable) return true;
  return el instanceof HTMLInputElement && TEXT_INPUT.test(el.type);
}

function isBack(e: KeyboardEvent): boolean {
  return BACK_KEYS.has(e.key) || BACK_KEY_CODES.has(e.keyCode) || e.key === "Escape" || e.key === "Backspace";
}

/**
 * Whether the focused control uses this arrow itself (caret, slider, radio
 * group). A closed select does not: on a remote, arrows pass over it and OK
 * opens its list.
 */
function keepsArrow(el: Element | null, direction: Direction): boolean {
  const sideways = direction === "left" || direction === "right";
  if (el instanceof HTMLTextAreaElement || (el as HTMLElement | null)?.isContentEditable) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  if (el.type === "range" || el.type === "radio") return sideways;
  if (!TEXT_INPUT.test(el.type) || !sideways) return false;
  // A text field keeps ←/→ until the caret reaches its edge.
  let start: number | null = null;
  let end: number | null = null;
  try {
    start = el.selectionStart;
    end = el.selectionEnd;
  } catch {
    // Types without a selection API (email, number).
  }
  if (start === null || end === null) return el.value.length > 0;
  if (start !== end) return true;
  // In right-to-left text ← moves the caret towards the end, so the edges swap.
  const towardsStart = (direction === "left") !== (getComputedStyle(el).direction === "rtl");
  return towardsStart ? start > 0 : start < el.value.length;
}

function isCandidate(el: HTMLElement): boolean {
  if (el.matches(NOT_A_TARGET) || el.closest("[inert], [hidden], [aria-hidden='true']")) return false;
  const box = el.getBoundingClientRect();
  if (box.width < 2 || box.height < 2) return false;
  const check = (el as HTMLElement & { checkVisibility?: (o: object) => boolean }).checkVisibility;
  if (check) return check.call(el, { visibilityProperty: true });
  return getComputedStyle(el).visibility !== "hidden";
}

/** Where focus may go: inside an open modal dialog if there is one, else the whole page. */
function scope(): Document | Element {
  return document.querySelector("dialog[open]:modal, [aria-modal='true']") ?? document;
}

export function focusables(within: Document | Element = scope()): HTMLElement[] {
  return [...within.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(isCandidate);
}

function prefersReducedMotion(): boolean {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** The nearest ancestor that scrolls sideways (a title row), if any. */
function rowScroller(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const overflow = getComputedStyle(p).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && p.scrollWidth > p.clientWidth) return p;
  }
  return null;
}

/**
 * Focuses `el` and brings it into view: its row scrolls sideways just enough
 * (keeping the row's scroll padding), and the page scrolls — to the middle when
 * an up/down move nears the screen's edge, else just enough. Each container is
 * scrolled on its own, so quick sideways presses never cancel the page's
 * vertical scroll.
 */
export function focusAndReveal(el: HTMLElement, how: { vertical?: boolean; instant?: boolean } = {}): void {
  el.focus({ preventScroll: true });
  const behavior: ScrollBehavior = how.instant || prefersReducedMotion() ? "auto" : "smooth";
  const row = rowScroller(el);
  if (row) {
    const box = el.getBoundingClientRect();
    const frame = row.getBoundingClientRect();
    const pad = parseFloat(getComputedStyle(row).scrollPaddingLeft) || 0;
    const overLeft = box.left - (frame.left + pad);
    const overRight = box.right - (frame.right - pad);
    if (overLeft < 0) row.scrollBy({ left: overLeft, behavior });
    else if (overRight > 0) row.scrollBy({ left: overRight, behavior });
  }
  // The header stays put, so it needs no scrolling.
  if (el.closest(CHROME)) return;
  // Measure against where a smooth scroll still under way will end, and aim from there.
  const pending = pageScrollTarget && performance.now() - pageScrollTarget.at < SMOOTH_SCROLL_MAX_MS ? pageScrollTarget.y : null;
  const from = pending ?? window.scrollY;
  const rect = el.getBoundingClientRect();
  const box = { top: rect.top - (from - window.scrollY), bottom: rect.bottom - (from - window.scrollY), height: rect.height };
  const headerPx = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
  const marginPx = window.innerHeight * 0.1;
  let delta = 0;
  if (how.vertical && (box.top < headerPx + marginPx || box.bottom > window.innerHeight - marginPx)) {
    // Up/down towards an edge: bring the element to the middle, so the rows around it show too.
    delta = box.top + box.height / 2 - (headerPx + window.innerHeight) / 2;
  } else if (box.top < headerPx) delta = box.top - headerPx;
  else if (box.bottom > window.innerHeight) delta = box.bottom - window.innerHeight;
  if (Math.abs(delta) < 1) return;
  const maxY = document.documentElement.scrollHeight - window.innerHeight;
  const target = Math.max(0, Math.min(maxY, from + delta));
  pageScrollTarget = behavior === "smooth" ? { y: target, at: performance.now() } : null;
  window.scrollTo({ top: target, behavior });
}

/** Where the page's smooth scroll under way will stop, and when it started (null: none under way). */
let pageScrollTarget: { y: number; at: number } | null = null;
/** A smooth scroll is taken as over after this long, even where no `scrollend` event says so. */
const SMOOTH_SCROLL_MAX_MS = 1000;
if (typeof window !== "undefined") window.addEventListener("scrollend", () => (pageScrollTarget = null));

/** The element to focus when nothing is: the page's main action, else the first thing on screen in the content. */
export function initialTarget(candidates: HTMLElement[] = focusables()): HTMLElement | undefined {
  const inMain = candidates.filter((el) => el.closest("main"));
  for (const selector of INITIAL) {
    const hit = inMain.find((el) => el.matches(selector));
    if (hit) return hit;
  }
  const onScreen = inMain.find((el) => {
    const b = el.getBoundingClientRect();
    return b.bottom > 0 && b.top < window.innerHeight && b.right > 0 && b.left < window.innerWidth;
  });
  return onScreen ?? inMain[0] ?? candidates[0];
}

/** Column memory: the x of the first of a run of up/down moves, valid while focus stays where the last move put it. */
let column: { x: number; el: Element } | null = null;

/** Moves focus one step in `direction`; returns whether it moved. */
export function moveFocus(direction: Direction): boolean {
  const all = focusables();
  const current = document.activeElement as HTMLElement | null;
  if (!current || !all.includes(current)) {
    const first = initialTarget(all);
    if (first) focusAndReveal(first, { vertical: true });
    return !!first;
  }
  const from = current.getBoundingClientRect();
  const vertical = direction === "up" || direction === "down";
  const x = vertical && column?.el === current ? column.x : columnOf(from);
  const inChrome = (el: Element) => !!el.closest(CHROME);
  const others = all.filter((el) => el !== current);
  const tiers = inChrome(current)
    ? [others.filter(inChrome), others.filter((el) => !inChrome(el))]
    : [others.filter((el) => !inChrome(el)), others.filter(inChrome)];
  for (const tier of tiers) {
    const i = pickNext(from, tier.map((el) => el.getBoundingClientRect()), direction, x);
    if (i < 0) continue;
    const next = tier[i]!;
    focusAndReveal(next, { vertical });
    column = vertical ? { x, el: next } : null;
    return true;
  }
  return false;
}

export interface TvNavigationOptions {
  /** Go back (history, or up to the page above when there is no history in the app). */
  onBack: () => void;
}

/**
 * A part of the page whose arrow keys follow an order of its own instead of
 * geometry: the player's control bar is a toolbar (←/→ along it, ↑ to the seek
 * bar). Zones apply in every mode, not only on TVs — a toolbar's arrows are a
 * keyboard pattern too — and they are the only other way an arrow moves focus.
 */
export interface FocusZone {
  /** Whether this zone takes an arrow in `direction` from `el` (false when `el` is not in it, or the zone is inactive). */
  claims(el: Element, direction: Direction): boolean;
  /** Where that arrow goes; undefined stays (the key is used either way). */
  next(from: Element, direction: Direction): HTMLElement | null | undefined;
}

const zones = new Set<FocusZone>();

/** Declares a focus zone; returns its removal. */
export function addFocusZone(zone: FocusZone): () => void {
  zones.add(zone);
  return () => zones.delete(zone);
}

/** Whether a focus zone takes this key from `el` (others who listen for keys leave it to the D-pad). */
export function zoneTakesKey(el: Element | null, key: string): boolean {
  const direction = directionOfKey(key);
  return !!el && !!direction && [...zones].some((z) => z.claims(el, direction));
}

/** Moves focus inside a focus zone if one takes the key; returns whether it did. */
function stepInZone(e: KeyboardEvent): boolean {
  const direction = directionOfKey(e.key);
  const el = e.target instanceof Element ? e.target : null;
  if (!direction || !el) return false;
  const zone = [...zones].find((z) => z.claims(el, direction));
  if (!zone) return false;
  e.preventDefault();
  zone.next(el, direction)?.focus();
  return true;
}

function keyHandler(options: TvNavigationOptions): (e: KeyboardEvent) => void {
  return (e) => {
    if (e.defaultPrevented || stepInZone(e)) return;
    if (!isTvMode() || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = document.activeElement;
    const watching = document.documentElement.classList.contains("watching");
    if (isBack(e)) {
      if ((e.key === "Escape" || e.key === "Backspace") && isEditable(target)) return;
      const dialog = document.querySelector<HTMLDialogElement>("dialog[open]");
      if (dialog) {
        // Escape closes a modal dialog by itself; the remote's Back does the same here.
        if (e.key !== "Escape") (e.preventDefault(), dialog.close());
        return;
      }
      e.preventDefault();
      options.onBack();
      return;
    }
    const direction = directionOfKey(e.key);
    if (direction) {
      if (e.shiftKey || watching || keepsArrow(target, direction)) return;
      e.preventDefault();
      moveFocus(direction);
      return;
    }
    if (e.key === "Enter") {
      if (watching) return;
      if (target instanceof HTMLSelectElement) {
        e.preventDefault();
        try {
          target.showPicker();
        } catch {
          // No picker API here: the browser's own keys still change the value.
        }
      } else if (target instanceof HTMLInputElement && (target.type === "checkbox" || target.type === "radio")) {
        e.preventDefault();
        target.click();
      }
    }
  };
}

/** How to find an element again after its page was re-rendered: its link or label, and which of the equals it was. */
interface FocusMark {
  key: string;
  nth: number;
}

function markKey(el: Element): string {
  return el.getAttribute("href") ?? el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 80) ?? "";
}

/** Describes the focused element so `findMark` can find its counterpart later; null when focus is outside the content. */
function markFocus(): FocusMark | null {
  const el = document.activeElement;
  if (!el || !el.closest("main")) return null;
  const key = markKey(el);
  const same = focusables(document).filter((c) => c.closest("main") && markKey(c) === key);
  return { key, nth: Math.max(0, same.indexOf(el as HTMLElement)) };
}

function findMark(mark: FocusMark): HTMLElement | undefined {
  const same = focusables(document).filter((c) => c.closest("main") && markKey(c) === mark.key);
  return same[mark.nth] ?? same[0];
}

let settling: { cancel: () => void } | null = null;

/**
 * Once a newly opened page has rendered, focuses the remembered element (coming
 * back) or the page's main action — unless the page focused something itself or
 * the viewer pressed a key first. Gives up after a few seconds.
 */
function settleFocus(readMark: () => FocusMark | null, timeoutMs = 5000): void {
  settling?.cancel();
  const deadline = performance.now() + timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    window.removeEventListener("keydown", stop, true);
    window.removeEventListener("pointerdown", stop, true);
    settling = null;
  };
  const attempt = () => {
    // The player manages its own focus (and OK on a focused link there would leave it).
    if (document.documentElement.classList.contains("watching")) return stop();
    const active = document.activeElement;
    const free = !active || active === document.body || active.matches("main") || !active.isConnected;
    if (free) {
      const mark = readMark();
      const target = (mark && findMark(mark)) || initialTarget(focusables().filter((el) => el.closest("main")));
      if (target) {
        focusAndReveal(target, { vertical: true, instant: true });
        return stop();
      }
    }
    if (performance.now() > deadline) return stop();
    timer = setTimeout(attempt, 50);
  };
  window.addEventListener("keydown", stop, true);
  window.addEventListener("pointerdown", stop, true);
  settling = { cancel: stop };
  timer = setTimeout(attempt, 0);
}

/** Where focus was on each page (path and query) this visit. */
const marks = new Map<string, FocusMark>();
const here = () => location.pathname + location.search;

/** Installs TV mode's key handling and focus memory; returns the uninstaller. Does nothing while TV mode is off. */
export function startTvNavigation(options: TvNavigationOptions): () => void {
  const onKey = keyHandler(options);
  const onFocus = () => {
    if (!isTvMode()) return;
    const mark = markFocus();
    if (mark) marks.set(here(), mark);
  };
  window.addEventListener("keydown", onKey);
  document.addEventListener("focusin", onFocus);
  return () => {
    window.removeEventListener("keydown", onKey);
    document.removeEventListener("focusin", onFocus);
    settling?.cancel();
  };
}

/** Called when another page opens: in TV mode, focus goes back where it was on that page, or to its main action. */
export function tvPageOpened(): void {
  if (!isTvMode() || document.documentElement.classList.contains("watching")) return;
  // Read when the page is there: the address changes once the new page has rendered.
  settleFocus(() => marks.get(here()) ?? null);
}
