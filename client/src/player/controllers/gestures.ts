/**
 * Touch and mouse on the picture: a click plays or pauses and a double click
 * goes full screen (mouse); a tap shows or hides the controls and a double tap
 * on either half seeks 10 s back or forward (touch).
 */
import type { Accessor } from "solid-js";
import type { Side } from "./activity.ts";
import type { PlayerController } from "./controller.ts";
import type { PlaybackActions, Seeker } from "./playback-actions.ts";

/** Two taps closer than this are a double tap. */
const DOUBLE_TAP_MS = 300;
/** A tap this soon after a menu closed was the tap that closed it. */
const AFTER_MENU_CLOSE_MS = 400;

export interface GestureOptions {
  /** The picture: the layer over the video that takes taps and clicks. */
  surface: HTMLElement;
  actions: PlaybackActions;
  /** Who seeks on a double tap (the live-edge controller on a broadcast); default `actions`. */
  seeker?: Seeker;
  /** When a menu last closed (performance.now()). */
  menuClosedAtMs: () => number;
  controlsShown: Accessor<boolean>;
  playing: Accessor<boolean>;
  /** Show the controls for a while, or hide them now. */
  poke: () => void;
  idle: () => void;
}

export class GestureController implements PlayerController {
  private readonly o: GestureOptions;
  private lastTap = { at: 0, side: "" as Side | "", timer: undefined as ReturnType<typeof setTimeout> | undefined };
  private lastPointerType = "";

  constructor(options: GestureOptions) {
    this.o = options;
    this.registerListeners();
  }

  protected registerListeners(): void {
    this.o.surface.addEventListener("pointerdown", this.onPointerDown);
    this.o.surface.addEventListener("pointerup", this.onPointerUp);
    this.o.surface.addEventListener("dblclick", this.onDoubleClick);
  }

  protected unregisterListeners(): void {
    this.o.surface.removeEventListener("pointerdown", this.onPointerDown);
    this.o.surface.removeEventListener("pointerup", this.onPointerUp);
    this.o.surface.removeEventListener("dblclick", this.onDoubleClick);
  }

  destroy(): void {
    this.unregisterListeners();
    clearTimeout(this.lastTap.timer);
  }

  private readonly onPointerDown = (e: PointerEvent) => {
    this.lastPointerType = e.pointerType;
  };

  private readonly onDoubleClick = () => {
    if (this.lastPointerType === "mouse") void this.o.actions.toggleFullscreen();
  };

  private readonly onPointerUp = (e: PointerEvent) => {
    if (e.button !== 0) return;
    if (performance.now() - this.o.menuClosedAtMs() < AFTER_MENU_CLOSE_MS) return;
    const rect = this.o.surface.getBoundingClientRect();
    const side: Side = e.clientX - rect.left < rect.width / 2 ? "left" : "right";
    if (e.pointerType === "mouse") {
      this.o.actions.togglePlay();
      return;
    }
    const now = performance.now();
    if (now - this.lastTap.at < DOUBLE_TAP_MS && this.lastTap.side === side) {
      clearTimeout(this.lastTap.timer);
      this.lastTap = { at: now, side, timer: undefined };
      (this.o.seeker ?? this.o.actions).seekBy(side === "left" ? -10 : 10, side);
      return;
    }
    const wasShown = this.o.controlsShown();
    this.lastTap = {
      at: now,
      side,
      // A single tap toggles the controls, once it is clear no second tap follows.
      timer: setTimeout(() => {
        if (wasShown && this.o.playing()) this.o.idle();
        else this.o.poke();
      }, DOUBLE_TAP_MS),
    };
  };
}
