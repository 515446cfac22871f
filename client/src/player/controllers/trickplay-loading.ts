/**
 * Trickplay thumbnails for the seek bar: loaded once the first frame has played
 * (they would compete with it), or after a few seconds at most; at once in the
 * baseline start, which has no first-frame work to protect.
 */
import { fetchMedia, type Playback } from "../../data/api.ts";
import type { TokenHolder } from "../token-holder.ts";
import { TrickplayStore } from "../trickplay.ts";
import type { PlayerController } from "./controller.ts";

/** Thumbnails wait for the first frame, or this long at most. */
const TRICKPLAY_AFTER_MS = 3000;

export interface TrickplayLoadingOptions {
  video: HTMLVideoElement;
  sheet: NonNullable<Playback["trickplay"]>;
  holder: TokenHolder;
  /** Load at once (the baseline start). */
  now: boolean;
  /** The thumbnails are ready. */
  onReady: (store: TrickplayStore) => void;
}

export class TrickplayLoadingController implements PlayerController {
  private readonly o: TrickplayLoadingOptions;
  private readonly store: TrickplayStore;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: TrickplayLoadingOptions) {
    this.o = options;
    this.store = new TrickplayStore((u) => options.holder.rewrite(u), (u) => fetchMedia(u));
    if (options.now) this.load();
    else {
      this.registerListeners();
      this.timer = setTimeout(this.load, TRICKPLAY_AFTER_MS);
    }
  }

  protected registerListeners(): void {
    this.o.video.addEventListener("playing", this.load);
  }

  protected unregisterListeners(): void {
    this.o.video.removeEventListener("playing", this.load);
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.unregisterListeners();
    this.store.destroy();
  }

  private readonly load = () => {
    clearTimeout(this.timer);
    this.unregisterListeners();
    void this.store.load(this.o.sheet.url).then((ok) => ok && this.o.onReady(this.store));
  };
}
