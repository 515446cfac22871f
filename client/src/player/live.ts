/**
 * A live broadcast in numbers, for the LIVE badge, the DVR seek bar and the
 * "stream interrupted" notice: pure functions of what the engine samples (the
 * seekable window hls.js sets from the playlist, and where it holds to be live),
 * so the rules are tested without a browser (test/client/player-live.test.ts).
 *
 * "The edge" here is where going live lands — hls.js's live sync position, the
 * playlist's end less the target latency (PART-HOLD-BACK) — not the playlist's
 * last part: a seek past it would outrun what is published and stall.
 */
import { formatTime } from "./time.ts";

/** Within this many seconds of the edge the viewer is live (the badge is lit); catch-up closes the rest. */
export const AT_EDGE_TOLERANCE_S = 3;
/** No progress near the edge for this long while playing: the encoder is gone (playlists stop growing). */
export const INTERRUPTED_AFTER_S = 4;
/** A seek to the window's start lands this much later: the oldest part leaves the window as the broadcast goes on. */
export const WINDOW_START_MARGIN_S = 1;

/** What the engine reads from hls.js (or the native player) about the live window. */
export interface LiveWindow {
  /** The seekable range (video.seekable's last range; hls.js sets it to the playlist's DVR window). */
  seekableStart: number;
  seekableEnd: number;
  /** Where playing live holds (hls.js's liveSyncPosition); null when unknown (native HLS, or before the first playlist). */
  liveSyncPosition: number | null;
}

/** Where the viewer is in the broadcast, in media-timeline seconds. */
export interface LiveView {
  /** The oldest moment one can go back to. */
  start: number;
  /** Where going live lands; nothing later can be sought to. */
  edge: number;
  /** The playhead, as the media element reports it. */
  position: number;
  /** How far behind the edge the playhead is (0 at or past it). */
  behindSeconds: number;
  /** Close enough to the edge to count as live. */
  atEdge: boolean;
}

/** The view of a live window with the playhead at `position`; null while there is no window yet. */
export function liveView(w: LiveWindow | null, position: number): LiveView | null {
  if (!w || !Number.isFinite(w.seekableStart) || !Number.isFinite(w.seekableEnd) || w.seekableEnd <= w.seekableStart) return null;
  const start = w.seekableStart;
  const sync = w.liveSyncPosition;
  const edge = sync !== null && Number.isFinite(sync) ? Math.min(w.seekableEnd, Math.max(start, sync)) : w.seekableEnd;
  const at = Number.isFinite(position) ? position : edge;
  const behindSeconds = Math.max(0, edge - at);
  return { start, edge, position: at, behindSeconds, atEdge: behindSeconds <= AT_EDGE_TOLERANCE_S };
}

/**
 * Where a seek to `wanted` may go: inside the window (a little after its start,
 * which moves on) and never past the edge. Not a number: the edge.
 */
export function seekTarget(view: Pick<LiveView, "start" | "edge">, wanted: number): number {
  const { start, edge } = view;
  if (Number.isNaN(wanted)) return edge;
  const earliest = Math.min(edge, start + WINDOW_START_MARGIN_S);
  return Math.min(edge, Math.max(earliest, wanted));
}

/** "−0:06", "−12:34", "−1:02:03": how far behind live, as the label by the seek bar reads it. */
export function behindLabel(behindSeconds: number): string {
  const s = Number.isFinite(behindSeconds) && behindSeconds > 0 ? Math.round(behindSeconds) : 0;
  return `−${formatTime(s)}`;
}

/** When the playhead last moved: the clock `isInterrupted` reads. */
export interface ProgressClock {
  position: number;
  /** When it last moved (or playback was paused, which is not a stall), in ms. */
  movedAtMs: number;
}

/** Moves the progress clock on by one sample: a moved playhead (or a paused one) resets it. */
export function advanceClock(prev: ProgressClock | null, sample: { position: number; playing: boolean }, nowMs: number): ProgressClock {
  const moved = !prev || Math.abs(sample.position - prev.position) > 0.05;
  return { position: sample.position, movedAtMs: moved || !sample.playing ? nowMs : prev.movedAtMs };
}

/**
 * Whether the broadcast looks interrupted: the viewer is playing near the edge
 * and the playhead has not moved for INTERRUPTED_AFTER_S. Behind the edge the
 * DVR window still has pictures to play, so nothing is wrong yet.
 */
export function isInterrupted(s: { playing: boolean; behindSeconds: number; stalledSeconds: number }): boolean {
  return s.playing && s.behindSeconds <= AT_EDGE_TOLERANCE_S && s.stalledSeconds >= INTERRUPTED_AFTER_S;
}

/** The window's end must move on by this much (new media published) for an interruption's end to be the broadcast's return. */
export const RECOVERED_GROWTH_S = 0.5;

/**
 * Whether an interruption that just ended is the broadcast coming back ("Back
 * live"): playing, and the window's end has moved on from where it stood when
 * the picture stopped, so new media is published. The playhead need not be at
 * the edge yet: after a restart the encoder may publish several seconds before
 * the player reloads, and catch-up closes the gap while the viewer watches.
 * A pause, or a seek back into the window, also ends the notice; the window has
 * not grown then, so it is not announced.
 */
export function isRecovery(s: { playing: boolean; endWhenStopped: number | null; end: number | null }): boolean {
  return s.playing && s.endWhenStopped !== null && s.end !== null && s.end - s.endWhenStopped >= RECOVERED_GROWTH_S;
}
