/**
 * The control bar: the timeline (elapsed, seek bar with trickplay, remaining)
 * and the toolbar (play, ±10 s, volume, title, next episode, subtitles,
 * settings, picture-in-picture, full screen). Its arrow-key order is a focus
 * zone of the app's one D-pad path (tv/navigation.ts): ←/→ along the toolbar,
 * ↑ to the seek bar and from there to the skip button or Back, ↓ back to Play.
 * Live, the timeline is the DVR window's, ↑ from the seek bar goes to the LIVE
 * badge and from there to Back. The timeline runs left to right in every
 * language: it is a clock, not text.
 */
import { onCleanup, onMount, Show } from "solid-js";
import type { Playback } from "../data/api.ts";
import { addFocusZone } from "../tv/navigation.ts";
import type { MediaState } from "./controllers/media-state.ts";
import type { LiveEdgeController } from "./controllers/live-edge.ts";
import type { PlaybackActions, Seeker } from "./controllers/playback-actions.ts";
import { Icon } from "./icons.tsx";
import { SeekBar } from "./seek-bar.tsx";
import type { MenuPage } from "./settings-menu.tsx";
import { AT_EDGE_TOLERANCE_S, behindLabel } from "./live.ts";
import { formatTime } from "./time.ts";
import { formatDuration } from "../i18n/format.ts";
import { playerWords } from "../i18n/pages/player/index.ts";
import type { TrickplayStore } from "./trickplay.ts";

/** The player's words (i18n/pages/player): loaded with the player, not with Home. */
const { t } = playerWords;

export interface ControlBarProps {
  media: MediaState;
  actions: PlaybackActions;
  heading: string;
  subheading?: string;
  marks: { start: number; end: number; kind: string }[];
  trickplay: TrickplayStore | null;
  sheet: Playback["trickplay"];
  onScrubbing: (scrubbing: boolean) => void;
  /** A mouse is over the bar (the controls stay up). */
  onHover: (over: boolean) => void;
  /** The next episode's name, when there is one, and going there. */
  nextName?: string;
  onNext: () => void;
  /** The asset has subtitle tracks (without any, there is no subtitles button). */
  hasSubtitles: boolean;
  subtitlesOn: boolean;
  menu: MenuPage | null;
  onSubtitlesMenu: () => void;
  onSettingsMenu: () => void;
  settingsButton: (el: HTMLButtonElement) => void;
  /** Whether arrows move between the controls now (not while a dialog or an error has the keys). */
  dpadActive: () => boolean;
  /** A live broadcast: the DVR window's timeline with the LIVE badge, and ±10 s inside the window. */
  live?: LiveEdgeController;
}

export function ControlBar(props: ControlBarProps) {
  let bar!: HTMLDivElement;
  const m = props.media;
  const seeker = (): Seeker => props.live ?? props.actions;
  const volumeIcon = () => (m.muted() || m.volume() === 0 ? "muted" : m.volume() < 0.5 ? "volumeLow" : "volume");

  onMount(() => {
    const root = bar.closest<HTMLElement>(".player") ?? bar;
    const toolbar = () => [...bar.querySelectorAll<HTMLElement>(".player-toolbar button, .player-toolbar input")];
    const removeZone = addFocusZone({
      claims: (el, direction) => {
        if (!props.dpadActive() || !bar.contains(el)) return false;
        if (el.closest("button, a, [role^=menuitem]")) return true;
        return !!el.closest(".seek") && (direction === "up" || direction === "down");
      },
      next: (from, direction) => {
        const buttons = toolbar();
        const at = buttons.indexOf(from as HTMLElement);
        const seek = bar.querySelector<HTMLElement>(".seek");
        const badge = bar.querySelector<HTMLElement>(".live-badge");
        if (badge && from === badge) {
          if (direction === "up") return root.querySelector<HTMLElement>(".player-back");
          if (direction === "down") return buttons.find((b) => b.classList.contains("play-toggle"));
          return direction === "left" ? seek : undefined;
        }
        if (direction === "up") return at >= 0 ? seek : (badge ?? root.querySelector<HTMLElement>(".skip-button, .player-back"));
        if (direction === "down") return at >= 0 ? undefined : buttons.find((b) => b.classList.contains("play-toggle"));
        return at >= 0 ? buttons[Math.min(buttons.length - 1, Math.max(0, at + (direction === "right" ? 1 : -1)))] : undefined;
      },
    });
    onCleanup(removeZone);
  });

  return (
    <div ref={bar} class="player-bottom" onPointerEnter={(ev) => ev.pointerType === "mouse" && props.onHover(true)} onPointerLeave={() => props.onHover(false)}>
      <Show
        when={props.live}
        fallback={<OnDemandTimeline media={m} actions={props.actions} marks={props.marks} trickplay={props.trickplay} sheet={props.sheet} onScrubbing={props.onScrubbing} />}
      >
        {(live) => <LiveTimeline live={live()} bufferedEnd={m.bufferedEnd()} onScrubbing={props.onScrubbing} />}
      </Show>
      <div class="player-toolbar" dir="ltr" role="toolbar" aria-label={t("player.controls")}>
        <button type="button" class="pbtn-icon play-toggle" aria-label={m.playing() ? t("player.pause") : t("player.play")} onClick={() => props.actions.togglePlay()}>
          <Icon name={m.playing() ? "pause" : m.ended() ? "replay" : "play"} />
        </button>
        <button type="button" class="pbtn-icon seek-step" aria-label={t("player.back10")} onClick={() => seeker().seekBy(-10)}>
          <Icon name="back10" />
        </button>
        <button type="button" class="pbtn-icon seek-step" aria-label={t("player.forward10")} onClick={() => seeker().seekBy(10)}>
          <Icon name="fwd10" />
        </button>
        <div class="player-volume">
          <button type="button" class="pbtn-icon" aria-label={m.muted() ? t("player.unmute") : t("player.mute")} onClick={() => props.actions.toggleMute()}>
            <Icon name={volumeIcon()} />
          </button>
          <input
            type="range"
            class="player-volume-slider"
            min="0"
            max="1"
            step="0.05"
            aria-label={t("player.volume")}
            aria-valuetext={`${Math.round((m.muted() ? 0 : m.volume()) * 100)}%`}
            value={m.muted() ? 0 : m.volume()}
            style={{ "--v": String(m.muted() ? 0 : m.volume()) }}
            onInput={(ev) => props.actions.changeVolume(Number(ev.currentTarget.value))}
          />
        </div>
        <div class="player-toolbar-title" aria-hidden="true">
          {props.heading}
          <Show when={props.subheading}> · <span>{props.subheading}</span></Show>
        </div>
        <Show when={props.nextName !== undefined}>
          <button type="button" class="pbtn-icon" aria-label={t("player.nextEpisode", { name: props.nextName ?? "" })} onClick={() => props.onNext()}>
            <Icon name="next" />
          </button>
        </Show>
        <Show when={props.hasSubtitles}>
          <button
            type="button"
            class="pbtn-icon"
            classList={{ "pbtn-on": props.subtitlesOn }}
            aria-label={t("player.subtitles")}
            aria-haspopup="menu"
            aria-expanded={props.menu === "subtitles"}
            data-menu-button
            onClick={() => props.onSubtitlesMenu()}
          >
            <Icon name="subtitles" />
          </button>
        </Show>
        <button
          ref={props.settingsButton}
          type="button"
          class="pbtn-icon"
          aria-label={t("player.settings")}
          aria-haspopup="menu"
          aria-expanded={props.menu !== null && props.menu !== "subtitles"}
          data-menu-button
          onClick={() => props.onSettingsMenu()}
        >
          <Icon name="settings" />
        </button>
        <Show when={props.actions.pipSupported}>
          <button type="button" class="pbtn-icon player-pip" aria-label={m.pip() ? "Exit picture-in-picture" : "Picture-in-picture"} onClick={() => void props.actions.togglePip()}>
            <Icon name="pip" />
          </button>
        </Show>
        <button type="button" class="pbtn-icon" aria-label={m.fullscreen() ? t("player.exitFullscreen") : t("player.fullscreen")} onClick={() => void props.actions.toggleFullscreen()}>
          <Icon name={m.fullscreen() ? "exitFullscreen" : "fullscreen"} />
        </button>
      </div>
    </div>
  );
}

/** An on-demand video's timeline: elapsed, the seek bar with marks and trickplay, remaining. */
function OnDemandTimeline(props: {
  media: MediaState;
  actions: PlaybackActions;
  marks: ControlBarProps["marks"];
  trickplay: TrickplayStore | null;
  sheet: Playback["trickplay"];
  onScrubbing: (scrubbing: boolean) => void;
}) {
  const m = props.media;
  return (
    <div class="player-timeline" dir="ltr">
      <span class="player-time">
        <span class="visually-hidden">{t("player.elapsed")} </span>
        {formatTime(m.time())}
      </span>
      <SeekBar
        currentTime={m.time()}
        duration={m.duration()}
        bufferedEnd={m.bufferedEnd()}
        marks={props.marks}
        trickplay={props.trickplay}
        sheet={props.sheet}
        onSeek={(t) => props.actions.seekTo(t)}
        onScrubbing={props.onScrubbing}
      />
      <span class="player-time player-remaining">
        <span class="visually-hidden">{t("player.remaining")} </span>
        <span aria-hidden="true">−</span>
        {formatTime(Math.max(0, m.duration() - m.time()))}
      </span>
    </div>
  );
}

/**
 * A broadcast's timeline: the DVR window as a seek bar (its right end is the
 * edge; labels say how far behind live), how far behind the viewer is, and the
 * LIVE badge — lit at the edge, and "Go to live" while behind. At the edge the
 * bar is full: the seconds of hold-back are not a place the viewer can go.
 */
function LiveTimeline(props: { live: LiveEdgeController; bufferedEnd: number; onScrubbing: (scrubbing: boolean) => void }) {
  const view = () => props.live.view();
  const start = () => view()?.start ?? 0;
  const span = () => {
    const v = view();
    return v ? v.edge - v.start : 0;
  };
  const behindAt = (seconds: number) => Math.max(0, span() - seconds);
  const spoken = (seconds: number) =>
    behindAt(seconds) <= AT_EDGE_TOLERANCE_S ? t("player.liveAtEdge") : t("player.behindLiveSpoken", { time: formatDuration(behindAt(seconds)) });
  return (
    <div class="player-timeline player-timeline-live" dir="ltr">
      <SeekBar
        currentTime={props.live.atEdge() ? span() : Math.max(0, (view()?.position ?? 0) - start())}
        duration={span()}
        bufferedEnd={Math.max(0, Math.min(span(), props.bufferedEnd - start()))}
        marks={[]}
        trickplay={null}
        sheet={null}
        onSeek={(seconds) => props.live.seekInWindow(start() + seconds)}
        onScrubbing={props.onScrubbing}
        format={(seconds) => (behindAt(seconds) <= AT_EDGE_TOLERANCE_S ? t("player.liveBadge") : behindLabel(behindAt(seconds)))}
        valueText={spoken}
      />
      <span class="player-time player-behind">
        <Show when={!props.live.atEdge()}>
          <span class="visually-hidden">{t("player.behindLive")} </span>
          {behindLabel(view()?.behindSeconds ?? 0)}
        </Show>
      </span>
      <button
        type="button"
        class="live-badge"
        classList={{ "live-badge-on": props.live.atEdge() }}
        aria-label={props.live.atEdge() ? t("player.liveAtEdge") : t("player.goLive")}
        title={props.live.atEdge() ? undefined : t("player.goLive")}
        onClick={() => props.live.goLive()}
      >
        <span class="live-dot" aria-hidden="true" />
        <span aria-hidden="true">{t("player.liveBadge")}</span>
      </button>
    </div>
  );
}
