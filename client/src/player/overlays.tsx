/**
 * What the player lays over the picture besides its controls: the next-episode
 * card with its countdown, the resume prompt, the keyboard-shortcut overlay,
 * "stats for nerds", and the error screen.
 */
import { A } from "@solidjs/router";
import { createResource, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import type { EngineStats, LiveStats } from "./engine.ts";
import type { PlayerProblem } from "./errors.ts";
import { formatBitrate, formatPercent, formatSecondsPrecise } from "../i18n/format.ts";
import { playerWords } from "../i18n/pages/player/index.ts";
import { SHORTCUTS } from "./keyboard.ts";
import { formatTime } from "./time.ts";

const { t } = playerWords;

/** Focus `el` unless the viewer is busy elsewhere (typing, or inside a menu). */
export function focusIfIdle(el: HTMLElement | undefined): void {
  const active = document.activeElement;
  if (!el || (active && active !== document.body && active.closest(".player-menu, input, select, textarea"))) return;
  el.focus({ preventScroll: true });
}

export interface NextEpisodeInfo {
  id: number;
  seasonNumber: number;
  number: number;
  name: string;
  stillUrl?: string | null;
}

/** The next-episode card; `countdown` is the seconds left before it plays by itself (null: no autoplay). */
export function NextEpisodeCard(props: {
  next: NextEpisodeInfo;
  countdown: number | null;
  total: number;
  /** After the end there are no credits left to watch: the second button leads back to the title. */
  ended: boolean;
  backHref: string;
  onPlay: () => void;
  onDismiss: () => void;
}) {
  let play!: HTMLButtonElement;
  onMount(() => focusIfIdle(play));
  return (
    <section class="next-card" aria-label={t("next.label")} aria-live="polite">
      <Show when={props.next.stillUrl}>
        <img class="next-still" src={props.next.stillUrl!} alt="" width="160" height="90" loading="lazy" decoding="async" />
      </Show>
      <div class="next-body">
        <p class="next-kicker">{t("next.label")}</p>
        <p class="next-name">{t("next.name", { season: props.next.seasonNumber, episode: props.next.number, name: props.next.name })}</p>
        <div class="next-actions">
          <button ref={play} type="button" class="pbtn pbtn-primary next-play" onClick={() => props.onPlay()}>
            <Show when={props.countdown !== null} fallback={<span aria-hidden="true">▶ </span>}>
              <span class="next-ring" aria-hidden="true" style={{ "--p": String(1 - (props.countdown ?? 0) / props.total) }} />
            </Show>
            {props.countdown !== null ? t("next.in", { seconds: Math.ceil(props.countdown) }) : t("next.play")}
          </button>
          <Show
            when={!props.ended}
            fallback={<A class="pbtn next-dismiss" href={props.backHref}>{t("player.backToTitle")}</A>}
          >
            <button type="button" class="pbtn next-dismiss" onClick={() => props.onDismiss()}>
              {t("next.credits")}
            </button>
          </Show>
        </div>
      </div>
    </section>
  );
}

export interface ResumeOffer {
  positionSeconds: number;
  deviceName: string | null;
  /** "start": from the playback response; "live": another device just saved a newer position. */
  source: "start" | "live";
  /** Set when the position is in another episode of the series. */
  episodeId?: number | null;
}

export function ResumePrompt(props: { offer: ResumeOffer; onResume: () => void; onStartOver: () => void; onDismiss: () => void }) {
  let resume!: HTMLButtonElement;
  onMount(() => focusIfIdle(resume));
  const where = () => (props.offer.deviceName ? ` ${t("resume.watchedOn", { device: props.offer.deviceName })}` : "");
  return (
    <section class="resume-card" role="dialog" aria-label={t("resume.label")} onKeyDown={(e) => e.key === "Escape" && (e.stopPropagation(), props.onDismiss())}>
      <Show when={props.offer.source === "live"}>
        <p class="resume-kicker">{t("resume.live")}</p>
      </Show>
      <button ref={resume} type="button" class="pbtn pbtn-primary resume-go" onClick={() => props.onResume()}>
        <span aria-hidden="true">▶ </span>
        {t(props.offer.episodeId ? "resume.episodeFrom" : "resume.from", { time: formatTime(props.offer.positionSeconds) })}
        {where()}
      </button>
      <Show
        when={props.offer.source === "start"}
        fallback={<button type="button" class="pbtn" onClick={() => props.onDismiss()}>{t("resume.stay")}</button>}
      >
        <button type="button" class="pbtn" onClick={() => props.onStartOver()}>
          {t("resume.startOver")}
        </button>
      </Show>
    </section>
  );
}

/** A modal dialog: focus moves in, Tab stays in, Escape or the button closes, focus goes back. */
function useDialogFocus(getDialog: () => HTMLElement, onClose: () => void) {
  const before = document.activeElement as HTMLElement | null;
  onMount(() => getDialog().querySelector<HTMLElement>("button")?.focus());
  onCleanup(() => before?.isConnected && before.focus({ preventScroll: true }));
  return (e: KeyboardEvent) => {
    if (e.key === "Escape" || e.key === "?") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === "Tab") {
      const focusable = [...getDialog().querySelectorAll<HTMLElement>("button, [href], [tabindex='0']")];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (e.shiftKey && document.activeElement === first) (e.preventDefault(), last?.focus());
      else if (!e.shiftKey && document.activeElement === last) (e.preventDefault(), first?.focus());
    }
  };
}

export function ShortcutsHelp(props: { onClose: () => void }) {
  let dialog!: HTMLDivElement;
  const onKeyDown = useDialogFocus(() => dialog, props.onClose);
  return (
    <div class="player-modal" onPointerDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div ref={dialog} class="help-card" role="dialog" aria-modal="true" aria-labelledby="player-help-title" onKeyDown={onKeyDown}>
        <h2 id="player-help-title">{t("help.title")}</h2>
        <table class="help-table">
          <tbody>
            <For each={SHORTCUTS}>
              {(s) => (
                <tr>
                  <th scope="row"><kbd>{s.label.replace("Space", t("help.space"))}</kbd></th>
                  <td>{t(`key.${s.id}`)}</td>
                </tr>
              )}
            </For>
            <tr>
              <th scope="row"><kbd>0</kbd>–<kbd>9</kbd></th>
              <td>{t("help.digits", { from: formatPercent(0), to: formatPercent(0.9) })}</td>
            </tr>
          </tbody>
        </table>
        <p class="help-touch">{t("help.touch")}</p>
        <button type="button" class="pbtn pbtn-primary" onClick={() => props.onClose()}>{t("help.close")}</button>
      </div>
    </div>
  );
}

/** "2.9 s to edge · 3.4 s behind real time · target 3.0 s · 1.05×" (— where hls.js has no figure yet). */
export function liveLatency(l: LiveStats): string {
  const s = (v: number | null) => (v === null ? "—" : formatSecondsPrecise(v));
  return t("stats.latency", { edge: s(l.latencySeconds), clock: s(l.programDateLatencySeconds), target: s(l.targetLatencySeconds), rate: l.playbackRate.toFixed(2) });
}

export function StatsOverlay(props: { read: () => EngineStats; onClose: () => void }) {
  const [stats, setStats] = createSignal(props.read());
  const timer = setInterval(() => setStats(props.read()), 500);
  onCleanup(() => clearInterval(timer));
  const rows = () => {
    const s = stats();
    const kbps = (v: number | null) => (v === null ? "—" : formatBitrate(v));
    return [
      ["Engine", `${s.engine} · ABR ${s.abr}`],
      ["Rendition", `${s.rendition} · ${s.mode}`],
      ["Bitrate", kbps(s.bitrateKbps)],
      ["Codecs", s.codecs],
      ["Buffer", formatSecondsPrecise(s.bufferSeconds)],
      ["Bandwidth", kbps(s.bandwidthKbps)],
      ["Pathway", `${s.pathway} (${t("stats.priority", { priority: s.pathwayPriority })})`],
      ["Dropped", `${s.droppedFrames} / ${s.totalFrames}`],
      ["Viewport", s.viewport],
      ["Asset", s.assetId],
      ...(s.live ? ([["Latency", liveLatency(s.live)]] as const) : []),
    ] as const;
  };
  return (
    <aside class="stats" aria-label={t("player.stats")}>
      <button type="button" class="stats-close" aria-label={t("stats.close")} onClick={() => props.onClose()}>×</button>
      <dl>
        <For each={rows()}>
          {([k, v]) => (
            <>
              <dt>{t(`stats.${k}`)}</dt>
              <dd data-stat={k}>{v}</dd>
            </>
          )}
        </For>
      </dl>
    </aside>
  );
}

/** The account's streams holding the screens, each with a Stop button (shown on `stream_limit`). */
function StreamsInUse(props: { list: () => Promise<StreamRow[]>; stop: (streamId: string) => Promise<void> }) {
  const [streams, { refetch }] = createResource(props.list);
  const [stopping, setStopping] = createSignal<string | null>(null);
  return (
    <Show when={(streams.latest ?? []).length > 0}>
      <ul class="player-streams" aria-label={t("streams.label")}>
        <For each={streams.latest}>
          {(s) => (
            <li data-stream={s.streamId}>
              <span>
                <strong>{s.deviceName}</strong> · {s.profileName} · {s.titleName}
              </span>
              <button
                type="button"
                class="pbtn"
                disabled={stopping() !== null}
                onClick={async () => {
                  setStopping(s.streamId);
                  try {
                    await props.stop(s.streamId);
                  } finally {
                    setStopping(null);
                    void refetch();
                  }
                }}
              >
                {stopping() === s.streamId ? t("streams.stopping") : t("streams.stop", { device: s.deviceName })}
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

type StreamRow = { streamId: string; deviceName: string; profileName: string; titleName: string };

export function ErrorScreen(props: {
  problem: PlayerProblem;
  onRetry?: () => void;
  backHref: string;
  retrying?: boolean;
  /** On a stream limit: the streams in use and how to stop one. */
  streams?: { list: () => Promise<StreamRow[]>; stop: (streamId: string) => Promise<void> };
}) {
  let card!: HTMLDivElement;
  onMount(() => card.querySelector<HTMLElement>(".pbtn")?.focus({ preventScroll: true }));
  return (
    <div ref={card} class="player-error" role="alert" aria-labelledby="player-error-title">
      <div class="player-error-card">
        <svg class="player-error-icon" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
          <path fill="currentColor" d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm-1 11h2v2h-2zm0-8h2v6h-2z" />
        </svg>
        <h2 id="player-error-title">{props.problem.title}</h2>
        <p>{props.problem.message}</p>
        <Show when={props.streams}>{(st) => <StreamsInUse list={st().list} stop={st().stop} />}</Show>
        <div class="player-error-actions">
          <Show when={props.problem.retry && props.onRetry}>
            <button type="button" class="pbtn pbtn-primary" disabled={props.retrying} onClick={() => props.onRetry!()}>
              {props.retrying ? t("error.retrying") : t("error.retry")}
            </button>
          </Show>
          <A class="pbtn" href={props.backHref}>{t("player.backToTitle")}</A>
        </div>
        <p class="player-error-code">
          {t("error.code")} <code>{props.problem.code}</code>
        </p>
      </div>
    </div>
  );
}
