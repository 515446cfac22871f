import Hls, { type Level } from "hls.js";
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { renewPlayback, type Playback } from "../data/api.ts";
import { abrChoice, hlsConfigFor } from "./config.ts";
import { TokenHolder, tokenLoader } from "./token-loader.ts";

const PATHWAY_IN_URL = /\/cdn\/([A-Za-z0-9_-]{1,16})\//;

/** Tells the steering server a pathway failed us (feeds its per-region health; fire and forget). */
function reportPathwayError(url: string | undefined): void {
  const pathway = url ? PATHWAY_IN_URL.exec(url)?.[1] : undefined;
  if (!pathway) return;
  const body = JSON.stringify({ pathway, kind: "error" });
  if (!navigator.sendBeacon?.("/api/steering/report", body)) {
    void fetch("/api/steering/report", { method: "POST", body, keepalive: true }).catch(() => {});
  }
}

/** Renew this long before the token expires. */
const RENEW_BEFORE_MS = 60_000;
/** hls.js's error policy: recover a fatal media error at most this often, then give up. */
const MEDIA_RECOVERY_INTERVAL_MS = 5000;

export interface PlayerProps {
  playback: Playback;
  titleId: string;
  episodeId?: number;
  /** Exposes the hls.js instance as window.__marqueeHls (browser tests). */
  debug?: boolean;
}

interface Choice {
  id: number;
  label: string;
}

/**
 * The player: one hls.js instance around a <video>, destroyed on cleanup; native
 * HLS where MediaSource is missing (Safari on iOS). Quality (Auto shows its pick),
 * audio and subtitle menus; the playback token is renewed in the background.
 */
export function Player(props: PlayerProps) {
  let video!: HTMLVideoElement;
  let hls: Hls | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  const holder = new TokenHolder(props.playback.token);
  const [levels, setLevels] = createSignal<Choice[]>([]);
  const [level, setLevel] = createSignal(-1);
  const [autoPick, setAutoPick] = createSignal<string>("");
  const [audio, setAudio] = createSignal<Choice[]>([]);
  const [audioTrack, setAudioTrack] = createSignal(0);
  const [subs, setSubs] = createSignal<Choice[]>([]);
  const [subTrack, setSubTrack] = createSignal(-1);
  const [error, setError] = createSignal<string | null>(null);

  function scheduleRenewal(expiresAt: number) {
    clearTimeout(renewTimer);
    const inMs = Math.max(5000, expiresAt - Date.now() - RENEW_BEFORE_MS);
    renewTimer = setTimeout(async () => {
      try {
        const fresh = await renewPlayback(props.titleId, props.episodeId, props.playback.assetId);
        holder.token = fresh.token;
        scheduleRenewal(fresh.expiresAt);
      } catch {
        renewTimer = setTimeout(() => scheduleRenewal(expiresAt), 10_000);
      }
    }, inMs);
  }

  const heightLabel = (l: Level) => `${l.height}p`;

  onMount(() => {
    const url = props.playback.masterUrl;
    scheduleRenewal(props.playback.expiresAt);
    if (!Hls.isSupported()) {
      // Safari on iOS: native HLS (content steering and renewal happen in the OS player).
      video.src = url;
      return;
    }
    const abr = abrChoice();
    hls = new Hls({ ...hlsConfigFor(abr, { manualLevel: () => level() }), loader: tokenLoader(holder) });
    video.dataset.abr = abr;
    if (props.debug) (window as unknown as { __marqueeHls?: Hls }).__marqueeHls = hls;
    let lastRecovery = 0;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      const list = hls!.levels.map((l, i) => ({ id: i, label: heightLabel(l) }));
      // One entry per height: content steering lists each rendition once per pathway.
      const seen = new Set<string>();
      setLevels(list.filter((c) => !seen.has(c.label) && seen.add(c.label)));
      void video.play().catch(() => {});
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
      const l = hls!.levels[data.level];
      if (l) setAutoPick(heightLabel(l));
      video.dataset.height = String(l?.height ?? "");
    });
    hls.on(Hls.Events.AUDIO_TRACKS_UPDATED, () => {
      setAudio(hls!.audioTracks.map((t, i) => ({ id: i, label: t.name || t.lang || `Audio ${i + 1}` })));
      setAudioTrack(hls!.audioTrack);
    });
    hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, () => {
      setSubs(hls!.subtitleTracks.map((t, i) => ({ id: i, label: t.name || t.lang || `Subtitles ${i + 1}` })));
    });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) reportPathwayError(data.frag?.url ?? data.context?.url);
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && Date.now() - lastRecovery > MEDIA_RECOVERY_INTERVAL_MS) {
        lastRecovery = Date.now();
        hls!.recoverMediaError();
        return;
      }
      setError(data.type === Hls.ErrorTypes.NETWORK_ERROR ? "The video could not be loaded. Check your connection and try again." : "Playback failed.");
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  });

  onCleanup(() => {
    clearTimeout(renewTimer);
    hls?.destroy();
    if (props.debug) delete (window as unknown as { __marqueeHls?: Hls }).__marqueeHls;
  });

  function chooseLevel(value: number) {
    setLevel(value);
    if (!hls) return;
    if (value === -1) hls.currentLevel = -1;
    else {
      const height = hls.levels[value]?.height;
      // Prefer the chosen height on the current pathway.
      const same = hls.levels.findIndex((l, i) => l.height === height && (hls!.levels[i]?.pathwayId ?? "") === (hls!.levels[hls!.currentLevel]?.pathwayId ?? ""));
      hls.currentLevel = same >= 0 ? same : value;
    }
  }

  return (
    <div class="player">
      <video ref={video} class="player-video" controls playsinline crossorigin="anonymous" preload="auto" />
      <Show when={error()}>
        <p class="player-error" role="alert">{error()}</p>
      </Show>
      <div class="player-menus" role="group" aria-label="Playback settings">
        <label>
          <span>Quality</span>
          <select value={level()} onChange={(e) => chooseLevel(Number(e.currentTarget.value))}>
            <option value={-1}>Auto{autoPick() ? ` (${autoPick()})` : ""}</option>
            <For each={levels()}>{(l) => <option value={l.id}>{l.label}</option>}</For>
          </select>
        </label>
        <Show when={audio().length > 1}>
          <label>
            <span>Audio</span>
            <select value={audioTrack()} onChange={(e) => { const v = Number(e.currentTarget.value); setAudioTrack(v); if (hls) hls.audioTrack = v; }}>
              <For each={audio()}>{(a) => <option value={a.id}>{a.label}</option>}</For>
            </select>
          </label>
        </Show>
        <Show when={subs().length > 0}>
          <label>
            <span>Subtitles</span>
            <select
              value={subTrack()}
              onChange={(e) => {
                const v = Number(e.currentTarget.value);
                setSubTrack(v);
                if (hls) {
                  hls.subtitleTrack = v;
                  hls.subtitleDisplay = v >= 0;
                }
              }}
            >
              <option value={-1}>Off</option>
              <For each={subs()}>{(s) => <option value={s.id}>{s.label}</option>}</For>
            </select>
          </label>
        </Show>
      </div>
    </div>
  );
}
