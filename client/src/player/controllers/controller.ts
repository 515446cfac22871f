/**
 * What every player controller is, in hls.js's shape: it registers its
 * listeners when constructed (`registerListeners`), and `destroy()` undoes all
 * of it — listeners (`unregisterListeners`), timers, reactive computations — so
 * the player can drop it at any moment. See ../README.md for adding one.
 */
import { createRoot } from "solid-js";

export interface PlayerController {
  destroy(): void;
}

/**
 * Runs `fn` in a reactive root of its own and returns its disposer: a
 * controller's effects live until its destroy(), not until the component's.
 */
export function reactiveScope(fn: () => void): () => void {
  return createRoot((dispose) => {
    fn();
    return dispose;
  });
}
