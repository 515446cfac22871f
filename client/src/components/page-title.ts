import { createEffect } from "solid-js";

/**
 * The document title while a page is shown, "<what> · Marquee", so tabs,
 * history and screen readers tell pages apart. `what` may wait for the page's
 * data (undefined leaves the title as it is until then).
 */
export function usePageTitle(what: () => string | undefined): void {
  createEffect(() => {
    const w = what();
    if (w !== undefined) document.title = `${w} · Marquee`;
  });
}
