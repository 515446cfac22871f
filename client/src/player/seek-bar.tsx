/**
 * The seek bar: played and buffered ranges, intro and credits marks, and a
 * trickplay thumbnail with its time while hovering, dragging (mouse or touch)
 * or stepping with the arrow keys. Dragging seeks on release; it is a slider
 * for assistive technology (aria-valuenow/valuetext), operable by keyboard
 * (←/→, Page Up/Down, Home/End; ↑/↓ leave it while the control bar's D-pad zone is active).
 */
import { createEffect, createSignal, For, on, onCleanup, Show } from "solid-js";
import { zoneTakesKey } from "../tv/navigation.ts";
import { formatTime, spokenTime } from "./time.ts";
import { cueAt, type TrickplayStore } from "./trickplay.ts";
import { playerWords } from "../i18n/pages/player/index.ts";

/** The player's words (i18n/pages/player): loaded with the player, not with Home. */
const { t } = playerWords;

export interface SeekBarProps {
  currentTime: number;
  duration: number;
  bufferedEnd: number;
  /** Ranges to mark on the bar (intro, credits), in seconds. */
  marks: { start: number; end: number; kind: string }[];
  trickplay: TrickplayStore | null;
  /** Sheet geometry: columns × rows tiles of tileWidth × tileHeight. */
  sheet: { columns: number; rows: number; tileWidth: number; tileHeight: number } | null;
  onSeek: (seconds: number) => void;
  /** Dragging started (true) or ended (false): the player keeps its controls up meanwhile. */
  onScrubbing?: (active: boolean) => void;
  /** The preview's label for a time on the bar (default "12:34"; live: how far behind, "−0:06"). */
  format?: (seconds: number) => string;
  /** What assistive technology reads for a time (default "12 minutes of 1 hour"; live: "6 sec behind live"). */
  valueText?: (seconds: number) => string;
}

/** Preview width in CSS px: the tile scaled to fit the screen (smaller on phones). */
function previewWidth(barWidth: number): number {
  return Math.round(Math.min(240, Math.max(128, barWidth * 0.18)));
}

export function SeekBar(props: SeekBarProps) {
  let bar!: HTMLDivElement;
  const [previewT, setPreviewT] = createSignal<number | null>(null);
  const [dragT, setDragT] = createSignal<number | null>(null);
  const [sheetBlob, setSheetBlob] = createSignal<string | undefined>();
  const [barWidth, setBarWidth] = createSignal(0);
  let keyPreviewTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(keyPreviewTimer));

  const fraction = (t: number) => (props.duration > 0 ? Math.min(1, Math.max(0, t / props.duration)) : 0);
  const shownTime = () => dragT() ?? props.currentTime;
  const timeAt = (clientX: number) => {
    const rect = bar.getBoundingClientRect();
    setBarWidth(rect.width);
    return props.duration * Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
  };

  const cue = () => {
    const t = previewT();
    return t === null || !props.trickplay ? undefined : cueAt(props.trickplay.cues, t);
  };
  createEffect(
    on(
      () => cue()?.sheetUrl,
      (url) => {
        if (!url || !props.trickplay) return setSheetBlob(undefined);
        void props.trickplay.sheet(url).then((blob) => {
          if (cue()?.sheetUrl === url) setSheetBlob(blob);
        });
      },
    ),
  );

  function onPointerDown(e: PointerEvent) {
    if (e.button !== 0 || props.duration <= 0) return;
    bar.setPointerCapture(e.pointerId);
    const t = timeAt(e.clientX);
    setDragT(t);
    setPreviewT(t);
    props.onScrubbing?.(true);
    e.preventDefault();
  }
  function onPointerMove(e: PointerEvent) {
    if (props.duration <= 0) return;
    const t = timeAt(e.clientX);
    if (dragT() !== null) setDragT(t);
    if (dragT() !== null || e.pointerType === "mouse") setPreviewT(t);
  }
  function endDrag(commit: boolean) {
    const t = dragT();
    if (t === null) return;
    setDragT(null);
    setPreviewT(null);
    props.onScrubbing?.(false);
    if (commit) props.onSeek(t);
  }
  function onKeyDown(e: KeyboardEvent) {
    const d = props.duration;
    // ↑/↓ belong to the control bar's D-pad path (to the LIVE badge, the skip button or Back), not to the value.
    if (d <= 0 || zoneTakesKey(bar, e.key)) return;
    const steps: Record<string, number> = { ArrowLeft: -5, ArrowRight: 5, ArrowDown: -5, ArrowUp: 5, PageDown: -d / 10, PageUp: d / 10 };
    let t: number | undefined;
    if (e.key in steps) t = props.currentTime + steps[e.key]!;
    else if (e.key === "Home") t = 0;
    else if (e.key === "End") t = d;
    if (t === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    t = Math.min(d, Math.max(0, t));
    props.onSeek(t);
    setBarWidth(bar.getBoundingClientRect().width);
    setPreviewT(t);
    clearTimeout(keyPreviewTimer);
    keyPreviewTimer = setTimeout(() => setPreviewT(null), 1200);
  }

  const thumbWidth = () => previewWidth(barWidth());
  const previewLeft = () => {
    const t = previewT();
    if (t === null) return 0;
    const half = (props.trickplay?.cues.length ? thumbWidth() : 56) / 2;
    return Math.min(Math.max(fraction(t) * barWidth(), half), Math.max(half, barWidth() - half));
  };

  return (
    <div
      ref={bar}
      class="seek"
      classList={{ "seek-active": dragT() !== null }}
      role="slider"
      tabindex="0"
      aria-label={t("player.seek")}
      aria-valuemin={0}
      aria-valuemax={Math.round(props.duration)}
      aria-valuenow={Math.round(shownTime())}
      aria-valuetext={props.valueText ? props.valueText(shownTime()) : `${spokenTime(shownTime())} of ${spokenTime(props.duration)}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => endDrag(true)}
      onPointerCancel={() => endDrag(false)}
      onPointerLeave={(e) => e.pointerType === "mouse" && dragT() === null && setPreviewT(null)}
      onKeyDown={onKeyDown}
    >
      <div class="seek-track">
        <div class="seek-buffered" style={{ transform: `scaleX(${fraction(props.bufferedEnd)})` }} />
        <For each={props.marks}>
          {(m) => (
            <div
              class={`seek-mark seek-mark-${m.kind}`}
              style={{ left: `${fraction(m.start) * 100}%`, width: `${(fraction(m.end) - fraction(m.start)) * 100}%` }}
            />
          )}
        </For>
        <div class="seek-played" style={{ transform: `scaleX(${fraction(shownTime())})` }} />
      </div>
      <div class="seek-knob" style={{ left: `${fraction(shownTime()) * 100}%` }} />
      <Show when={previewT() !== null}>
        <div class="seek-preview" style={{ left: `${previewLeft()}px` }} aria-hidden="true">
          <Show when={cue()}>
            {(c) => {
              const scale = () => thumbWidth() / c().w;
              return (
                <div
                  class="seek-thumb"
                  classList={{ "seek-thumb-loading": !sheetBlob() }}
                  style={{
                    width: `${thumbWidth()}px`,
                    height: `${Math.round(c().h * scale())}px`,
                    "background-image": sheetBlob() ? `url("${sheetBlob()}")` : "none",
                    "background-position": `-${c().x * scale()}px -${c().y * scale()}px`,
                    "background-size": props.sheet
                      ? `${props.sheet.columns * props.sheet.tileWidth * scale()}px ${props.sheet.rows * props.sheet.tileHeight * scale()}px`
                      : "auto",
                  }}
                />
              );
            }}
          </Show>
          <span class="seek-preview-time">{(props.format ?? formatTime)(previewT()!)}</span>
        </div>
      </Show>
    </div>
  );
}
