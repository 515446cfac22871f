/**
 * The next episode: its card shows during the credits (or near the end of a
 * long video without a credits marker) and after the end, with a countdown
 * that plays it by itself when the profile has autoplay on. The countdown runs
 * while the credits play or after the end, not while paused.
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from "solid-js";
import type { Playback } from "../../data/api.ts";
import { reactiveScope, type PlayerController } from "./controller.ts";
import type { MediaState } from "./media-state.ts";

/** The countdown, in seconds. */
export const NEXT_COUNTDOWN_S = 10;
/** Without a credits marker, the card shows this close to the end (long videos only). */
const NEXT_CARD_BEFORE_END_S = 20;
/** Videos shorter than this get no card before their end without a credits marker. */
const LONG_VIDEO_S = 120;
const TICK_MS = 250;

export interface NextEpisodeOptions {
  video: HTMLVideoElement;
  next: Playback["nextEpisode"];
  creditsStart: number | null | undefined;
  media: MediaState;
  /** Something else has the screen (an error, scrubbing): no card. */
  busy: Accessor<boolean>;
  /** The profile's autoplay setting (on when signed out). */
  autoplay: Accessor<boolean>;
  /** Go to the next episode. */
  onNext: () => void;
}

export class NextEpisodeController implements PlayerController {
  /** The card is up. */
  readonly cardShown: Accessor<boolean>;
  /** Seconds before it plays by itself. */
  readonly countdown: Accessor<number>;
  private readonly setCountdown: (v: number) => void;
  private readonly dismissed: Accessor<boolean>;
  private readonly setDismissed: (v: boolean) => void;
  private readonly o: NextEpisodeOptions;
  private readonly disposeScope: () => void;

  constructor(options: NextEpisodeOptions) {
    this.o = options;
    [this.countdown, this.setCountdown] = createSignal(NEXT_COUNTDOWN_S);
    [this.dismissed, this.setDismissed] = createSignal(false);
    const { media } = options;
    this.cardShown = () => !!options.next && !options.busy() && (media.ended() || (this.inCredits() && !this.dismissed()));
    this.registerListeners();
    this.disposeScope = reactiveScope(() => {
      createEffect(
        on(this.cardShown, (shown) => {
          this.setCountdown(NEXT_COUNTDOWN_S);
          if (!shown || !options.autoplay()) return;
          const tick = setInterval(() => {
            if (!media.playing() && !media.ended()) return;
            const left = this.countdown() - TICK_MS / 1000;
            this.setCountdown(left);
            if (left <= 0) {
              clearInterval(tick);
              this.playNext();
            }
          }, TICK_MS);
          onCleanup(() => clearInterval(tick));
        }),
      );
    });
  }

  protected registerListeners(): void {
    this.o.video.addEventListener("ended", this.onEnded);
  }

  protected unregisterListeners(): void {
    this.o.video.removeEventListener("ended", this.onEnded);
  }

  destroy(): void {
    this.unregisterListeners();
    this.disposeScope();
  }

  /** Goes to the next episode (the card's button, the control bar's, the media session's). */
  playNext(): void {
    if (this.o.next) this.o.onNext();
  }

  /** "Not now": the card goes away until the end. */
  dismiss(): void {
    this.setDismissed(true);
  }

  private inCredits(): boolean {
    const t = this.o.media.time();
    const d = this.o.media.duration();
    if (this.o.creditsStart != null) return t >= this.o.creditsStart;
    return d >= LONG_VIDEO_S && d - t <= NEXT_CARD_BEFORE_END_S;
  }

  private readonly onEnded = () => this.setDismissed(false);
}
