/**
 * D-pad spatial navigation, the geometry alone: given the focused element's box,
 * the boxes of every other focusable element and a direction, which one an arrow
 * key should move to. Pure (no DOM), so it is tested in Node.
 *
 * Left/right stay in the current row: only boxes that share some height with the
 * current one count, nearest edge first. Up/down go to the nearest row in that
 * direction (the nearest box and everything that shares its height), and in it to
 * the box closest to the remembered column — the x where a run of up/down presses
 * began — so moving down through rows of different widths and back up returns to
 * the same column instead of drifting.
 */

export type Direction = "up" | "down" | "left" | "right";

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Boxes overlapping by less than this fraction of the smaller one still count as beside each other. */
const OVERLAP_TOLERANCE = 0.25;

const right = (b: Box) => b.left + b.width;
const bottom = (b: Box) => b.top + b.height;
const centerX = (b: Box) => b.left + b.width / 2;
const centerY = (b: Box) => b.top + b.height / 2;

/** How much two spans share (negative: the gap between them). */
function shared(a0: number, a1: number, b0: number, b1: number): number {
  return Math.min(a1, b1) - Math.max(a0, b0);
}

/** Whether `b` lies in `direction` from `a` (allowing a small overlap, e.g. a focused tile scaled up). */
export function isInDirection(a: Box, b: Box, direction: Direction): boolean {
  const slackX = Math.min(a.width, b.width) * OVERLAP_TOLERANCE;
  const slackY = Math.min(a.height, b.height) * OVERLAP_TOLERANCE;
  switch (direction) {
    case "right": return b.left >= right(a) - slackX && centerX(b) > centerX(a);
    case "left": return right(b) <= a.left + slackX && centerX(b) < centerX(a);
    case "down": return b.top >= bottom(a) - slackY && centerY(b) > centerY(a);
    case "up": return bottom(b) <= a.top + slackY && centerY(b) < centerY(a);
  }
}

/** Distance from x to a horizontal span (0 inside it). */
function distanceToSpan(x: number, b: Box): number {
  return x < b.left ? b.left - x : x > right(b) ? x - right(b) : 0;
}

/**
 * The index in `candidates` to move to from `from` in `direction`, or -1 when
 * nothing lies that way. `columnX` is the remembered column for up/down
 * (defaults to the centre of `from`).
 */
export function pickNext(from: Box, candidates: readonly Box[], direction: Direction, columnX = centerX(from)): number {
  const ahead = candidates.map((b, i) => ({ b, i })).filter(({ b }) => isInDirection(from, b, direction));
  if (ahead.length === 0) return -1;

  if (direction === "left" || direction === "right") {
    const sameRow = ahead.filter(({ b }) => shared(from.top, bottom(from), b.top, bottom(b)) > 0);
    let best = -1;
    let bestScore = Infinity;
    for (const { b, i } of sameRow) {
      const gap = Math.max(0, direction === "right" ? b.left - right(from) : from.left - right(b));
      const score = gap * 4 + Math.abs(centerY(b) - centerY(from));
      if (score < bestScore) (bestScore = score), (best = i);
    }
    return best;
  }

  // Up/down: the nearest row first, then the column.
  const gapOf = (b: Box) => Math.max(0, direction === "down" ? b.top - bottom(from) : from.top - bottom(b));
  let nearest = ahead[0]!;
  for (const c of ahead) {
    const d = gapOf(c.b) - gapOf(nearest.b);
    if (d < 0 || (d === 0 && distanceToSpan(columnX, c.b) < distanceToSpan(columnX, nearest.b))) nearest = c;
  }
  const row = ahead.filter(({ b }) => {
    const overlap = shared(nearest.b.top, bottom(nearest.b), b.top, bottom(b));
    return overlap >= Math.min(nearest.b.height, b.height) * 0.5;
  });
  let best = nearest.i;
  let bestScore = Infinity;
  for (const { b, i } of row) {
    const score = distanceToSpan(columnX, b) * 4 + Math.abs(centerX(b) - columnX) + gapOf(b);
    if (score < bestScore) (bestScore = score), (best = i);
  }
  return best;
}

/** The x to remember as the column when a run of up/down presses starts from `box`. */
export function columnOf(box: Box): number {
  return centerX(box);
}

/** The direction an arrow key names, if it is one. */
export function directionOfKey(key: string): Direction | null {
  switch (key) {
    case "ArrowUp": return "up";
    case "ArrowDown": return "down";
    case "ArrowLeft": return "left";
    case "ArrowRight": return "right";
    default: return null;
  }
}
