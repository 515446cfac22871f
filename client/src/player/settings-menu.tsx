/**
 * The player's settings menu: a main page (quality, speed, audio, subtitles,
 * stats) and one page per setting. A WAI-ARIA menu: arrow keys move between
 * items (a D-pad works the same), Enter/Space choose, ← (or Back) returns to
 * the main page, Escape closes, and focus returns to the button that opened it.
 */
import { createEffect, For, on, onCleanup, onMount, Show, type JSX } from "solid-js";
import type { SubtitlePrefs } from "./profile.ts";
import type { TrackChoice } from "./engine.ts";
import { SPEEDS } from "./prefs.ts";
import { playerWords } from "../i18n/pages/player/index.ts";

/** The player's words (i18n/pages/player): loaded with the player, not with Home. */
const { t } = playerWords;
type PlayerKey = Parameters<typeof playerWords.t>[0];

export type MenuPage = "main" | "quality" | "speed" | "audio" | "subtitles";

export interface SettingsMenuProps {
  page: MenuPage;
  onPage: (page: MenuPage) => void;
  onClose: () => void;
  qualities: number[];
  manualHeight: number | null;
  playingHeight: number | null;
  onQuality: (height: number | null) => void;
  speed: number;
  onSpeed: (speed: number) => void;
  audioTracks: TrackChoice[];
  audioTrack: number;
  onAudio: (id: number) => void;
  subtitleTracks: TrackChoice[];
  subtitleTrack: number;
  onSubtitle: (id: number) => void;
  subtitleStyle: Pick<SubtitlePrefs, "size" | "background">;
  onSubtitleStyle: (style: Partial<Pick<SubtitlePrefs, "size" | "background">>) => void;
  stats: boolean;
  onStats: (on: boolean) => void;
}

export const speedLabel = (s: number) => (s === 1 ? t("player.normal") : `${s}×`);
export const qualityLabel = (h: number) => `${h}p${h >= 2160 ? " 4K" : h >= 720 ? " HD" : ""}`;
/** "Auto (720p)" once Auto has picked a rendition. */
export const autoLabel = (playing: number | null) => (playing ? t("player.autoAt", { height: playing }) : t("player.auto"));

const SIZES = [["small", "player.small"], ["medium", "player.medium"], ["large", "player.large"]] as const satisfies readonly (readonly [string, PlayerKey])[];
const BACKGROUNDS = [["none", "player.none"], ["semi", "player.semi"], ["solid", "player.solid"]] as const satisfies readonly (readonly [string, PlayerKey])[];

function Radio(props: { checked: boolean; onChoose: () => void; children: JSX.Element; hint?: string }) {
  return (
    <button type="button" role="menuitemradio" aria-checked={props.checked} class="menu-item" onClick={() => props.onChoose()}>
      <span class="menu-check" aria-hidden="true">{props.checked ? "✓" : ""}</span>
      <span class="menu-label">{props.children}</span>
      <Show when={props.hint}><span class="menu-hint">{props.hint}</span></Show>
    </button>
  );
}

function SubmenuItem(props: { label: string; value: string; onOpen: () => void }) {
  return (
    <button type="button" role="menuitem" aria-haspopup="menu" class="menu-item menu-item-sub" data-submenu onClick={() => props.onOpen()}>
      <span class="menu-label">{props.label}</span>
      <span class="menu-value">{props.value}</span>
      <span class="menu-chevron" aria-hidden="true">›</span>
    </button>
  );
}

export function SettingsMenu(props: SettingsMenuProps) {
  let panel!: HTMLDivElement;
  const items = () => [...panel.querySelectorAll<HTMLElement>("[role^=menuitem]")];
  const focusInitial = () => {
    const list = items();
    (list.find((el) => el.getAttribute("role") === "menuitemradio" && el.getAttribute("aria-checked") === "true") ?? list.find((el) => !el.classList.contains("menu-back")) ?? list[0])?.focus({ preventScroll: true });
  };
  onMount(focusInitial);
  createEffect(on(() => props.page, () => queueMicrotask(focusInitial), { defer: true }));

  function back() {
    if (props.page === "main") props.onClose();
    else props.onPage("main");
  }

  function onKeyDown(e: KeyboardEvent) {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => list[(to + list.length) % list.length]?.focus();
    switch (e.key) {
      case "ArrowDown": move(at + 1); break;
      case "ArrowUp": move(at - 1); break;
      case "Home": move(0); break;
      case "End": move(list.length - 1); break;
      case "ArrowRight":
        if (list[at]?.hasAttribute("data-submenu")) list[at]!.click();
        break;
      case "ArrowLeft":
      case "Backspace":
        back();
        break;
      case "Escape":
        props.onClose();
        break;
      case "Tab":
        props.onClose();
        return;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  // A click or tap outside closes the menu.
  const onOutside = (e: PointerEvent) => {
    const t = e.target as Element | null;
    if (!panel.contains(t) && !t?.closest?.("[data-menu-button]")) props.onClose();
  };
  document.addEventListener("pointerdown", onOutside, true);
  onCleanup(() => document.removeEventListener("pointerdown", onOutside, true));

  const audioLabel = () => props.audioTracks.find((t) => t.id === props.audioTrack)?.label ?? t("player.default");
  const subtitleLabel = () => props.subtitleTracks.find((t) => t.id === props.subtitleTrack)?.label ?? t("player.off");
  const titles = (): Record<MenuPage, string> => ({ main: t("player.settings"), quality: t("player.quality"), speed: t("player.playbackSpeed"), audio: t("player.audio"), subtitles: t("player.subtitles") });

  return (
    <div ref={panel} class="player-menu" role="menu" aria-label={titles()[props.page]} onKeyDown={onKeyDown}>
      <Show when={props.page !== "main"}>
        <button type="button" role="menuitem" class="menu-item menu-back" aria-label={t("player.backFrom", { page: titles()[props.page] })} onClick={() => props.onPage("main")}>
          <span aria-hidden="true">‹</span> <span class="menu-label">{titles()[props.page]}</span>
        </button>
      </Show>
      <Show when={props.page === "main"}>
        <SubmenuItem label={t("player.quality")} value={props.manualHeight === null ? autoLabel(props.playingHeight) : qualityLabel(props.manualHeight)} onOpen={() => props.onPage("quality")} />
        <SubmenuItem label={t("player.speed")} value={speedLabel(props.speed)} onOpen={() => props.onPage("speed")} />
        <Show when={props.audioTracks.length > 1}>
          <SubmenuItem label={t("player.audio")} value={audioLabel()} onOpen={() => props.onPage("audio")} />
        </Show>
        <SubmenuItem label={t("player.subtitles")} value={subtitleLabel()} onOpen={() => props.onPage("subtitles")} />
        <button type="button" role="menuitemcheckbox" aria-checked={props.stats} class="menu-item" onClick={() => props.onStats(!props.stats)}>
          <span class="menu-label">{t("player.stats")}</span>
          <span class="menu-switch" classList={{ "menu-switch-on": props.stats }} aria-hidden="true" />
        </button>
      </Show>
      <Show when={props.page === "quality"}>
        <div role="group" aria-label={t("player.quality")}>
          <Radio checked={props.manualHeight === null} onChoose={() => props.onQuality(null)} hint={t("player.autoHint")}>
            {autoLabel(props.playingHeight)}
          </Radio>
          <For each={props.qualities}>
            {(h) => <Radio checked={props.manualHeight === h} onChoose={() => props.onQuality(h)}>{qualityLabel(h)}</Radio>}
          </For>
        </div>
      </Show>
      <Show when={props.page === "speed"}>
        <div role="group" aria-label={t("player.playbackSpeed")}>
          <For each={SPEEDS}>{(s) => <Radio checked={props.speed === s} onChoose={() => props.onSpeed(s)}>{speedLabel(s)}</Radio>}</For>
        </div>
      </Show>
      <Show when={props.page === "audio"}>
        <div role="group" aria-label={t("player.audio")}>
          <For each={props.audioTracks}>{(t) => <Radio checked={props.audioTrack === t.id} onChoose={() => props.onAudio(t.id)}>{t.label}</Radio>}</For>
        </div>
      </Show>
      <Show when={props.page === "subtitles"}>
        <div role="group" aria-label={t("player.subtitleLanguage")} class="menu-group">
          <Radio checked={props.subtitleTrack < 0} onChoose={() => props.onSubtitle(-1)}>{t("player.off")}</Radio>
          <For each={props.subtitleTracks}>{(t) => <Radio checked={props.subtitleTrack === t.id} onChoose={() => props.onSubtitle(t.id)}>{t.label}</Radio>}</For>
        </div>
        <div role="group" aria-label={t("player.subtitleSize")} class="menu-group">
          <div class="menu-heading" aria-hidden="true">{t("player.size")}</div>
          <For each={SIZES}>{([v, label]) => <Radio checked={props.subtitleStyle.size === v} onChoose={() => props.onSubtitleStyle({ size: v })}>{t(label)}</Radio>}</For>
        </div>
        <div role="group" aria-label={t("player.subtitleBackground")} class="menu-group">
          <div class="menu-heading" aria-hidden="true">{t("player.background")}</div>
          <For each={BACKGROUNDS}>{([v, label]) => <Radio checked={props.subtitleStyle.background === v} onChoose={() => props.onSubtitleStyle({ background: v })}>{t(label)}</Radio>}</For>
        </div>
      </Show>
    </div>
  );
}
