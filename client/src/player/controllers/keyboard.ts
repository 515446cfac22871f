/**
 * The player's keyboard shortcuts (the table is ../keyboard.ts): a keydown
 * listener on the document that turns keys into playback actions. Arrows that
 * move focus between controls are not handled here: the control bar is a focus
 * zone of the app's one D-pad path (tv/navigation.ts), which this leaves them to.
 */
import type { Accessor } from "solid-js";
import { zoneTakesKey } from "../../tv/navigation.ts";
import { actionForKey, type PlayerAction } from "../keyboard.ts";
import type { PlayerController } from "./controller.ts";
import type { PlaybackActions, Seeker } from "./playback-actions.ts";

export interface KeyboardOptions {
  actions: PlaybackActions;
  /** Who seeks by ±10 s and by digit (the live-edge controller on a broadcast); default `actions`. */
  seeker?: Seeker;
  toggleCaptions: () => void;
  /** The shortcuts overlay: open (it has the keys then), and its toggle. */
  helpOpen: Accessor<boolean>;
  toggleHelp: () => void;
  /** A settings menu is open, and closing it (Escape). */
  menuOpen: Accessor<boolean>;
  closeMenu: () => void;
  /** An error screen is up (its buttons have the keys). */
  problemShown: Accessor<boolean>;
  /** Any key is activity. */
  poke: () => void;
}

export class KeyboardController implements PlayerController {
  private readonly o: KeyboardOptions;

  constructor(options: KeyboardOptions) {
    this.o = options;
    this.registerListeners();
  }

  protected registerListeners(): void {
    document.addEventListener("keydown", this.onKeyDown);
  }

  protected unregisterListeners(): void {
    document.removeEventListener("keydown", this.onKeyDown);
  }

  destroy(): void {
    this.unregisterListeners();
  }

  /** Does what a shortcut says. */
  run(action: PlayerAction): void {
    const a = this.o.actions;
    const seeker = this.o.seeker ?? a;
    switch (action.kind) {
      case "toggle-play": a.togglePlay(); break;
      case "seek-by": seeker.seekBy(action.seconds); break;
      case "seek-to-fraction": seeker.seekToFraction(action.fraction); break;
      case "volume-by": a.volumeBy(action.delta); break;
      case "toggle-mute": a.toggleMute(); break;
      case "toggle-fullscreen": void a.toggleFullscreen(); break;
      case "toggle-captions": this.o.toggleCaptions(); break;
      case "toggle-help": this.o.toggleHelp(); break;
    }
  }

  private readonly onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || this.o.helpOpen()) return;
    const target = e.target as HTMLElement;
    if (target.closest?.("input:not([type=range]), textarea, select, [contenteditable='true']")) return;
    this.o.poke();
    if (e.key === "Escape") {
      if (this.o.menuOpen()) (e.preventDefault(), this.o.closeMenu());
      return;
    }
    if (this.o.problemShown()) return;
    const onControl = target.closest?.("button, a, [role^=menuitem]");
    if ((e.key === " " || e.key === "Enter") && onControl) return;
    if (target instanceof HTMLInputElement && target.type === "range" && e.key.startsWith("Arrow")) return;
    // Arrows between controls (a toolbar; a TV remote's D-pad) go to the D-pad path instead of seeking.
    if (zoneTakesKey(target, e.key)) return;
    const action = actionForKey(e);
    if (!action) return;
    e.preventDefault();
    this.run(action);
  };
}
