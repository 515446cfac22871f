/**
 * Activity and on-screen feedback: the controls hide after a few seconds
 * without pointer or key activity while playing, and short actions flash a
 * message on the picture (also announced to screen readers).
 */
import { createSignal, type Accessor } from "solid-js";
import type { PlayerController } from "./controller.ts";

/** Controls hide after this long without pointer or key activity while playing. */
const IDLE_HIDE_MS = 3000;
/** How long a flashed message stays. */
const OSD_MS = 900;

export type Side = "left" | "right";

export class ActivityController implements PlayerController {
  /** Recent activity (keeps the controls up). */
  readonly active: Accessor<boolean>;
  /** The message flashed on the picture, if any. */
  readonly osd: Accessor<{ text: string; side?: Side } | null>;
  /** The last message, for the live region. */
  readonly announcement: Accessor<string>;
  private readonly setActive: (v: boolean) => void;
  private readonly setOsd: (v: { text: string; side?: Side } | null) => void;
  private readonly setAnnouncement: (v: string) => void;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private osdTimer: ReturnType<typeof setTimeout> | undefined;
  private root: HTMLElement | null = null;

  constructor() {
    [this.active, this.setActive] = createSignal(true);
    [this.osd, this.setOsd] = createSignal<{ text: string; side?: Side } | null>(null);
    [this.announcement, this.setAnnouncement] = createSignal("");
  }

  /** Follows pointer activity on the player's root (mounted). */
  attach(root: HTMLElement): void {
    this.root = root;
    this.registerListeners();
  }

  protected registerListeners(): void {
    this.root?.addEventListener("pointermove", this.onPointerMove);
    this.root?.addEventListener("pointerdown", this.onPointerDown);
  }

  protected unregisterListeners(): void {
    this.root?.removeEventListener("pointermove", this.onPointerMove);
    this.root?.removeEventListener("pointerdown", this.onPointerDown);
  }

  destroy(): void {
    this.unregisterListeners();
    clearTimeout(this.idleTimer);
    clearTimeout(this.osdTimer);
  }

  /** Activity: show the controls, and hide them again after a while. */
  poke(): void {
    this.setActive(true);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.setActive(false), IDLE_HIDE_MS);
  }

  /** Hide the controls now (a tap on the picture while they show). */
  idle(): void {
    clearTimeout(this.idleTimer);
    this.setActive(false);
  }

  /** Flashes `text` on the picture (on one side for a double-tap seek) and announces it. */
  flash(text: string, side?: Side): void {
    this.setOsd({ text, side });
    this.setAnnouncement(text);
    clearTimeout(this.osdTimer);
    this.osdTimer = setTimeout(() => this.setOsd(null), OSD_MS);
  }

  private readonly onPointerMove = (ev: PointerEvent) => {
    if (ev.pointerType === "mouse") this.poke();
  };

  private readonly onPointerDown = (ev: PointerEvent) => {
    // A touch on the picture is a tap gesture (it shows or hides the controls); anywhere else it is activity.
    if (ev.pointerType !== "touch" || !(ev.target as Element).classList.contains("player-surface")) this.poke();
  };
}
