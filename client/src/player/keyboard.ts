/**
 * The player's keyboard shortcuts (YouTube's and Netflix's set): one table the
 * key handler and the `?` overlay both read, so the overlay never drifts from
 * what the keys do.
 */

export type PlayerAction =
  | { kind: "toggle-play" }
  | { kind: "seek-by"; seconds: number }
  | { kind: "volume-by"; delta: number }
  | { kind: "toggle-mute" }
  | { kind: "toggle-fullscreen" }
  | { kind: "toggle-captions" }
  | { kind: "toggle-help" }
  | { kind: "seek-to-fraction"; fraction: number };

/** What a shortcut does, as the overlay names it (the player namespace's `key.<id>`). */
export type ShortcutId = "playPause" | "back10" | "forward10" | "back5" | "forward5" | "volumeUp" | "volumeDown" | "mute" | "fullscreen" | "captions" | "help";

interface Shortcut {
  keys: string[];
  /** How the overlay shows the keys ("Space" is worded by the overlay in the interface language). */
  label: string;
  id: ShortcutId;
  action: PlayerAction;
}

export const SHORTCUTS: readonly Shortcut[] = [
  // Enter is a remote's OK button; on a focused control it activates the control instead.
  { keys: [" ", "k", "K", "Enter"], label: "Space / K", id: "playPause", action: { kind: "toggle-play" } },
  { keys: ["j", "J"], label: "J", id: "back10", action: { kind: "seek-by", seconds: -10 } },
  { keys: ["l", "L"], label: "L", id: "forward10", action: { kind: "seek-by", seconds: 10 } },
  { keys: ["ArrowLeft"], label: "←", id: "back5", action: { kind: "seek-by", seconds: -5 } },
  { keys: ["ArrowRight"], label: "→", id: "forward5", action: { kind: "seek-by", seconds: 5 } },
  { keys: ["ArrowUp"], label: "↑", id: "volumeUp", action: { kind: "volume-by", delta: 0.05 } },
  { keys: ["ArrowDown"], label: "↓", id: "volumeDown", action: { kind: "volume-by", delta: -0.05 } },
  { keys: ["m", "M"], label: "M", id: "mute", action: { kind: "toggle-mute" } },
  { keys: ["f", "F"], label: "F", id: "fullscreen", action: { kind: "toggle-fullscreen" } },
  { keys: ["c", "C"], label: "C", id: "captions", action: { kind: "toggle-captions" } },
  { keys: ["?"], label: "?", id: "help", action: { kind: "toggle-help" } },
];

/** Digits 0–9 jump to 0 %–90 % of the video (not listed in the overlay's main table). */
const DIGIT = /^[0-9]$/;

/** The action for a key press, or null when the key is not a player shortcut (or a modifier other than Shift is held). */
export function actionForKey(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): PlayerAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  for (const s of SHORTCUTS) if (s.keys.includes(e.key)) return s.action;
  if (DIGIT.test(e.key)) return { kind: "seek-to-fraction", fraction: Number(e.key) / 10 };
  return null;
}
