/**
 * The intro and credits markers of a video: the ranges the seek bar marks, and
 * the Skip intro / Skip credits button at a given time.
 */
import type { Playback } from "../data/api.ts";

export type Markers = Playback["markers"];

/** The marked ranges, for the seek bar. */
export function markRanges(markers: Markers, durationSeconds: number): { start: number; end: number; kind: string }[] {
  const list: { start: number; end: number; kind: string }[] = [];
  if (markers.introStart != null && markers.introEnd != null) list.push({ start: markers.introStart, end: markers.introEnd, kind: "intro" });
  if (markers.creditsStart != null && durationSeconds > 0) list.push({ start: markers.creditsStart, end: durationSeconds, kind: "credits" });
  return list;
}

/** The skip button at `timeSeconds`, if any: during the intro, and during the credits of a video with no next episode (its kind, worded by the player). */
export function skipAt(markers: Markers, at: { timeSeconds: number; durationSeconds: number; ended: boolean; hasNext: boolean }): { kind: "intro" | "credits"; to: number } | null {
  const t = at.timeSeconds;
  if (markers.introStart != null && markers.introEnd != null && t >= markers.introStart && t < markers.introEnd - 0.5) {
    return { kind: "intro", to: markers.introEnd };
  }
  if (!at.hasNext && markers.creditsStart != null && t >= markers.creditsStart && !at.ended && at.durationSeconds > 0) {
    return { kind: "credits", to: at.durationSeconds };
  }
  return null;
}
