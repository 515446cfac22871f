/**
 * When a position counts as watched to the end, shared by the Worker (a
 * finished title leaves Continue watching, the next episode is offered) and
 * the app (smart downloads replace a finished episode with the next one).
 */

/** Watched at least this share of the runtime counts as finished (when credits are unknown or later). */
export const FINISHED_FRACTION = 0.9;

/** Finished at ≥ 90% of the runtime, or once the credits start (when the asset marks them). */
export function isFinished(positionSeconds: number, durationSeconds: number, creditsStartSeconds: number | null): boolean {
  if (creditsStartSeconds !== null && creditsStartSeconds > 0 && positionSeconds >= creditsStartSeconds) return true;
  return positionSeconds >= durationSeconds * FINISHED_FRACTION;
}
