/**
 * Stats for nerds: whether the overlay is open (from the settings menu, or from
 * the start with `?debug=1`). The overlay reads the engine's snapshot itself
 * (overlays.tsx, `PlaybackEngine.stats()`); QoE beacons will read the same.
 */
import { createSignal, type Accessor } from "solid-js";
import type { PlayerController } from "./controller.ts";

export class StatsController implements PlayerController {
  readonly shown: Accessor<boolean>;
  /** Opens or closes the overlay. */
  readonly show: (on: boolean) => void;

  constructor(openAtStart: boolean) {
    const [shown, setShown] = createSignal(openAtStart);
    this.shown = shown;
    this.show = setShown;
  }

  destroy(): void {}
}
