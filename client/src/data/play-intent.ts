/**
 * Playback prepared from Home and Browse: when the pointer rests on a tile (or
 * the hero's buttons, or a Continue Watching tile), TV focus dwells on one, or
 * a finger rests on one, the preparation the title page makes (prefetch.ts:
 * `POST /api/playback` and the first media) starts then, with the player's
 * code — so a click, then Play, starts from what was fetched. (The router
 * already loads the title page's code and data on hover.)
 *
 * Within a budget, because a pointer crossing a screen of tiles is not a wish
 * to watch them all:
 * - one preparation at a time: prefetch.ts keeps one, and a newer intent
 *   replaces it (what was in flight is aborted);
 * - a dwell first, and nothing from a row or page that scrolls under a still
 *   pointer: running the pointer or the D-pad along a row, or scrolling past
 *   tiles, prepares nothing;
 * - at most PREPARATIONS_PER_PAGE per page view;
 * - nothing with Save-Data, on a metered connection or a 2g `effectiveType`
 *   (the title page then still prepares its playlists);
 * - nothing with the baseline switch (start.ts).
 * The numbers and the rules without a DOM: play-intent-rules.ts.
 * No licence is asked for here: a licence takes one of the plan's screens.
 */
import { usePreloadRoute } from "@solidjs/router";
import { onCleanup, onMount } from "solid-js";
import { baselineStart } from "../player/start.ts";
import { DWELL_MS, intentMayPrepare, intentTarget, PREPARATIONS_PER_PAGE, type ConnectionHints } from "./play-intent-rules.ts";
import { preparePlayback } from "./prefetch.ts";

const connection = () => (navigator as Navigator & { connection?: ConnectionHints }).connection;

/**
 * Prepares playback from the page's tiles while the calling page is mounted
 * (one page view): pointer, focus and touch intent on links to a title or
 * watch page, within the budget above.
 */
export function usePlayIntent(): void {
  const preloadRoute = usePreloadRoute();
  let started = 0;
  let pending: { link: HTMLAnchorElement; by: "pointer" | "focus" | "touch"; timer: ReturnType<typeof setTimeout> } | undefined;
  /** The link the pointer moved onto (a tile scrolled under a still pointer does not count). */
  let hovered: HTMLAnchorElement | null = null;
  let lastX = Number.NaN;
  let lastY = Number.NaN;

  const linkOf = (target: EventTarget | null): HTMLAnchorElement | null => {
    const a = target instanceof Element ? target.closest("a[href]") : null;
    return a instanceof HTMLAnchorElement && intentTarget(a.href, location.origin) ? a : null;
  };
  const cancel = () => {
    if (pending) clearTimeout(pending.timer);
    pending = undefined;
  };
  const prepare = (link: HTMLAnchorElement) => {
    cancel();
    const target = intentTarget(link.href, location.origin);
    if (!target || started >= PREPARATIONS_PER_PAGE || baselineStart() || !intentMayPrepare(connection()) || !link.isConnected) return;
    if (preparePlayback(target.titleId, target)) {
      started++;
      preloadRoute(`/watch/${target.titleId}`, { preloadData: false });
    }
  };
  const schedule = (link: HTMLAnchorElement, by: "pointer" | "focus" | "touch") => {
    if (pending?.link === link) return;
    cancel();
    pending = { link, by, timer: setTimeout(() => prepare(link), DWELL_MS[by]) };
  };
  /** Cancels what the pointer or a finger started (focus keeps its own dwell: a focused tile scrolls into view). */
  const cancelPointing = () => {
    if (pending && pending.by !== "focus") cancel();
  };

  const onPointerMove = (e: PointerEvent) => {
    if (e.pointerType === "touch") return;
    // A pointer event at the same place is the browser's after a scroll: the page moved, not the viewer.
    if (e.clientX === lastX && e.clientY === lastY) return;
    lastX = e.clientX;
    lastY = e.clientY;
    const link = linkOf(e.target);
    if (link === hovered) return;
    hovered = link;
    if (link) schedule(link, "pointer");
    else cancelPointing();
  };
  const onPointerOut = (e: PointerEvent) => {
    if (e.pointerType === "touch" || !hovered || (e.relatedTarget instanceof Node && hovered.contains(e.relatedTarget))) return;
    cancelPointing();
    hovered = null;
  };
  const onFocusIn = (e: FocusEvent) => {
    const link = linkOf(e.target);
    if (link) schedule(link, "focus");
  };
  const onFocusOut = (e: FocusEvent) => {
    if (pending?.by === "focus" && pending.link === e.target) cancel();
  };
  const onTouchStart = (e: TouchEvent) => {
    const link = linkOf(e.target);
    if (link) schedule(link, "touch");
  };
  const onTouchEnd = (e: TouchEvent) => {
    if (pending?.by === "touch" && pending.link === linkOf(e.target)) prepare(pending.link);
  };
  const onScroll = () => {
    cancelPointing();
    hovered = null;
  };

  const listeners: [string, EventListener][] = [
    ["pointermove", onPointerMove as EventListener],
    ["pointerout", onPointerOut as EventListener],
    ["focusin", onFocusIn as EventListener],
    ["focusout", onFocusOut as EventListener],
    ["touchstart", onTouchStart as EventListener],
    ["touchend", onTouchEnd as EventListener],
    ["touchmove", onScroll],
    ["touchcancel", onScroll],
    ["wheel", onScroll],
    // Capture: an element's scroll (a row's) does not bubble.
    ["scroll", onScroll],
  ];
  onMount(() => {
    for (const [type, fn] of listeners) document.addEventListener(type, fn, { capture: true, passive: true });
  });
  onCleanup(() => {
    cancel();
    for (const [type, fn] of listeners) document.removeEventListener(type, fn, { capture: true });
  });
}
