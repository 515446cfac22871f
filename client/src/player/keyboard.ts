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

interface Shortcut {
  keys: string[];
  /** How the overlay shows the keys. */
  label: string;
  description: string;
  action: PlayerAction;
}

export const SHORTCUTS: readonly Shortcut[] = [
  // Enter is a remote's OK button; on a focused control it activates the control instead.
  { keys: [" ", "k", "K", "Enter"], label: "Space / K", description: "Play or pause", action: { kind: "toggle-play" } },
  { keys: ["j", "J"], label: "J", description: "Back 10 seconds", action: { kind: "seek-by", seconds: -10 } },
  { keys: ["l", "L"], label: "L", description: "Forward 10 seconds", action: { kind: "seek-by", seconds: 10 } },
  { keys: ["ArrowLeft"], label: "←", description: "Back 5 seconds", action: { kind: "seek-by", seconds: -5 } },
  { keys: ["ArrowRight"], label: "→", description: "Forward 5 seconds", action: { kind: "seek-by", seconds: 5 } },
  { keys: ["ArrowUp"], label: "↑", description: "Volume up", action: { kind: "volume-by", delta: 0.05 } },
  { keys: ["ArrowDown"], label: "↓", description: "Volume down", action: { kind: "volume-by", delta: -0.05 } },
  { keys: ["m", "M"], label: "M", description: "Mute or unmute", action: { kind: "toggle-mute" } },
  { keys: ["f", "F"], label: "F", description: "Full screen", action: { kind: "toggle-fullscreen" } },
  { keys: ["c", "C"], label: "C", description: "Subtitles on or off", action: { kind: "toggle-captions" } },
  { keys: ["?"], label: "?", description: "Show these shortcuts", action: { kind: "toggle-help" } },
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
