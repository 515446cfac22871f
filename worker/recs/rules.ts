/**
 * The rules every row obeys, whatever the ranking did: the profile's maturity
 * ceiling, the viewer's region (its country or "WW") and the availability window
 * [startsAtMs, endsAtMs) — the same rules worker/db/catalog.ts's `visibleTo`
 * applies in SQL — and finished titles stay hidden.
 */
import type { RecTitle } from "./types.ts";

/** Who the rules are judged for. */
export interface RuleViewer {
  country: string;
  nowMs: number;
  maxMaturityAge: number;
}

/** Whether the title may be watched in `country` at `nowMs` (any matching region row whose window holds now). */
export function isAvailable(title: Pick<RecTitle, "availability">, country: string, nowMs: number): boolean {
  return title.availability.some(
    (a) => (a.region === country || a.region === "WW") && a.startsAtMs <= nowMs && (a.endsAtMs === null || a.endsAtMs > nowMs),
  );
}

/** Whether the title may appear in any row for this viewer: maturity, region and window, and not finished. */
export function isEligible(title: Pick<RecTitle, "id" | "availability" | "maturityAge">, viewer: RuleViewer, finished: ReadonlySet<number>): boolean {
  return title.maturityAge <= viewer.maxMaturityAge && !finished.has(title.id) && isAvailable(title, viewer.country, viewer.nowMs);
}

/** When the title became new to this viewer: the later of joining the catalog and its current window opening here. */
export function newSinceMs(title: Pick<RecTitle, "addedAtMs" | "availability">, country: string, nowMs: number): number {
  let opened = -Infinity;
  for (const a of title.availability) {
    if ((a.region === country || a.region === "WW") && a.startsAtMs <= nowMs && (a.endsAtMs === null || a.endsAtMs > nowMs)) {
      opened = Math.max(opened, a.startsAtMs);
    }
  }
  return Math.max(title.addedAtMs, opened);
}
