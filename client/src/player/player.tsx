/**
 * The player: our own controls around one PlaybackEngine (hls.js, or native HLS
 * where MediaSource is missing). Seek bar with trickplay thumbnails, elapsed and
 * remaining time, volume, fullscreen, picture-in-picture, speed, quality / audio
 * / subtitle menus (choices kept on this device and, for subtitles, on the
 * profile), skip intro / credits, the next-episode card, the resume prompt
 * (including a newer position saved on another device), keyboard shortcuts and
 * touch gestures, buffering, errors with retry, and stats for nerds. Reports
 * progress while signed in and renews the playback token before it expires.
 */
import { A } from "@solidjs/router";
import { batch, createEffect, createMemo, createSignal, on, onCleanup, onMount, Show, untrack, type Accessor } from "solid-js";
import { renewPlayback, type Playback } from "../data/api.ts";
import type { MediaPrefetch } from "../data/prefetch.ts";
import { acquireLiveProgress, deviceId, ProgressReporter, type ProgressEntry } from "../data/progress.ts";
import { PlaybackEngine } from "./engine.ts";
import { apiProblem, type PlayerProblem } from "./errors.ts";
import { Icon } from "./icons.tsx";
import { actionForKey, type PlayerAction } from "./keyboard.ts";
import { ErrorScreen, NextEpisodeCard, ResumePrompt, ShortcutsHelp, StatsOverlay, type ResumeOffer } from "./overlays.tsx";
import { loadPrefs, savePrefs, type PlayerPrefs } from "./prefs.ts";
import { saveProfileSubtitles, viewerProfile, type SubtitlePrefs } from "./profile.ts";
import { SeekBar } from "./seek-bar.tsx";
import { baselineStart, resumeOffer, startPositionSeconds, type ResumeField } from "./start.ts";
import { qualityLabel, SettingsMenu, speedLabel, type MenuPage } from "./settings-menu.tsx";
import { formatTime } from "./time.ts";
import { TokenHolder } from "./token-holder.ts";
import { TrickplayStore } from "./trickplay.ts";
import "./player.css";

/** Renew this long before the token expires. */
const RENEW_BEFORE_MS = 60_000;
/** Controls hide after this long without pointer or key activity while playing. */
const IDLE_HIDE_MS = 3000;
/** Two taps closer than this are a double tap. */
const DOUBLE_TAP_MS = 300;
/** The next-episode countdown, in seconds. */
const NEXT_COUNTDOWN_S = 10;
/** Without a credits marker, the next-episode card shows this close to the end (long videos only). */
const NEXT_CARD_BEFORE_END_S = 20;
/** Trickplay thumbnails wait for the first frame (they would compete with it), or this long at most. */
const TRICKPLAY_AFTER_MS = 3000;

export interface PlayerProps {
  playback: Playback;
  titleId: string;
  episodeId?: number;
  /** Exposes the hls.js instance as window.__marqueeHls and opens stats for nerds. */
  debug?: boolean;
  /** Start here (seconds; a `?t=` link) instead of offering to resume. */
  startAt?: number;
  backHref: string;
  heading: string;
  subheading?: string;
  /** What goes full screen (the watch page, so it stays full screen from one episode to the next). */
  fullscreenTarget?: () => HTMLElement | undefined;
  /** Go to an episode of this series (next episode, or one another device was watching), optionally at a position. */
  onEpisode?: (episodeId: number, atSeconds?: number) => void;
  /** Responses fetched before Play for this playback (data/prefetch.ts). */
  prefetched?: MediaPrefetch;
}

export function Player(props: PlayerProps) {
  let root!: HTMLDivElement;
  let video!: HTMLVideoElement;
  let settingsButton!: HTMLButtonElement;
  let engine: PlaybackEngine | undefined;
  let reporter: ProgressReporter | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let osdTimer: ReturnType<typeof setTimeout> | undefined;
  const holder = new TokenHolder(props.playback.token);
  let expiresAt = props.playback.expiresAt;
  const titleIdNum = Number(props.titleId);
  const duration0 = props.playback.durationSeconds ?? 0;
  const markers = props.playback.markers;
  const next = props.playback.nextEpisode;
  const myDevice = deviceId();

  const prefs: PlayerPrefs = loadPrefs();
  const resume = ((props.playback as { resume?: ResumeField }).resume ?? null) as ResumeField;
  const resumable = resumeOffer({ resume, durationSeconds: duration0 }, props.startAt);
  const startOffer: ResumeOffer | null = resumable ? { positionSeconds: resumable.positionSeconds, deviceName: resumable.deviceName, source: "start" } : null;
  const baseline = baselineStart();

  // Media state.
  const [playing, setPlaying] = createSignal(false);
  const [started, setStarted] = createSignal(false);
  const [ended, setEnded] = createSignal(false);
  const [waiting, setWaiting] = createSignal(true);
  const [time, setTime] = createSignal(props.startAt ?? startOffer?.positionSeconds ?? 0);
  const [duration, setDuration] = createSignal(duration0);
  const [bufferedEnd, setBufferedEnd] = createSignal(0);
  const [volume, setVolume] = createSignal(prefs.volume);
  const [muted, setMuted] = createSignal(prefs.muted);
  const [speed, setSpeed] = createSignal(prefs.speed);
  const [fullscreen, setFullscreen] = createSignal(false);
  const [pip, setPip] = createSignal(false);
  // UI state.
  const [active, setActive] = createSignal(true);
  const [hoverControls, setHoverControls] = createSignal(false);
  const [scrubbing, setScrubbing] = createSignal(false);
  const [menu, setMenu] = createSignal<MenuPage | null>(null);
  const [help, setHelp] = createSignal(false);
  const [stats, setStats] = createSignal(!!props.debug);
  const [osd, setOsd] = createSignal<{ text: string; side?: "left" | "right" } | null>(null);
  const [announcement, setAnnouncement] = createSignal("");
  const [offer, setOffer] = createSignal<ResumeOffer | null>(startOffer);
  const [cardDismissed, setCardDismissed] = createSignal(false);
  const [countdown, setCountdown] = createSignal(NEXT_COUNTDOWN_S);
  const profile = createMemo(viewerProfile, null, { equals: (a, b) => a?.profileId === b?.profileId && a?.autoplay === b?.autoplay });
  const [liveLatest, setLiveLatest] = createSignal<Accessor<ReadonlyMap<number, ProgressEntry>> | null>(null);
  const [subStyle, setSubStyle] = createSignal<Pick<SubtitlePrefs, "size" | "background">>({ size: prefs.subtitles.size, background: prefs.subtitles.background });
  const [problem, setProblem] = createSignal<PlayerProblem | null>(null);
  const [retrying, setRetrying] = createSignal(false);
  const [engineReady, setEngineReady] = createSignal<PlaybackEngine | null>(null);
  const [trickplay, setTrickplay] = createSignal<TrickplayStore | null>(null);
  let lastMenuCloseMs = 0;
  let lastPointerType = "";

  const shownProblem = () => problem() ?? engineReady()?.problem() ?? null;
  const controlsShown = () => !playing() || active() || hoverControls() || scrubbing() || menu() !== null || !!shownProblem() || offer() !== null;

  // ---- activity and on-screen feedback ----
  function poke() {
    setActive(true);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => setActive(false), IDLE_HIDE_MS);
  }
  function flash(text: string, side?: "left" | "right") {
    setOsd({ text, side });
    setAnnouncement(text);
    clearTimeout(osdTimer);
    osdTimer = setTimeout(() => setOsd(null), 900);
  }

  // ---- playback actions ----
  function play() {
    setOffer(null);
    if (ended()) video.currentTime = 0;
    void video.play().catch(() => {});
  }
  function togglePlay() {
    if (video.paused || video.ended) play();
    else video.pause();
  }
  function seekTo(seconds: number) {
    const d = duration();
    const t = Math.max(0, d > 0 ? Math.min(seconds, d) : seconds);
    if (engine) engine.seek(t);
    else video.currentTime = t;
    setTime(t);
  }
  function seekBy(delta: number, side?: "left" | "right") {
    seekTo(video.currentTime + delta);
    flash(`${delta > 0 ? "+" : "−"}${Math.abs(delta)} s`, side);
  }
  function changeVolume(v: number) {
    const clamped = Math.round(Math.min(1, Math.max(0, v)) * 100) / 100;
    video.volume = clamped;
    video.muted = clamped === 0;
  }
  function toggleMute() {
    video.muted = !video.muted;
    if (!video.muted && video.volume === 0) video.volume = 0.5;
    flash(video.muted ? "Muted" : `Volume ${Math.round(video.volume * 100)}%`);
  }
  const fsTarget = () => props.fullscreenTarget?.() ?? root;
  async function toggleFullscreen() {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else if (fsTarget().requestFullscreen) {
        await fsTarget().requestFullscreen({ navigationUI: "hide" });
        // Phones: turn to landscape while full screen, where the browser allows it.
        await (screen.orientation as ScreenOrientation & { lock?: (o: string) => Promise<void> })?.lock?.("landscape").catch(() => {});
      } else (video as HTMLVideoElement & { webkitEnterFullscreen?: () => void }).webkitEnterFullscreen?.();
    } catch {
      // Refused (no user gesture, or an iframe without permission): nothing to do.
    }
  }
  const pipSupported = typeof document !== "undefined" && document.pictureInPictureEnabled === true;
  async function togglePip() {
    try {
      if (document.pictureInPictureElement) await document.exitPictureInPicture();
      else await video.requestPictureInPicture();
    } catch {
      // Not allowed now (no metadata yet, or disabled by policy).
    }
  }

  // ---- tracks and settings ----
  function persist(change: Partial<PlayerPrefs>) {
    Object.assign(prefs, change);
    savePrefs(prefs);
  }
  let profileSaveTimer: ReturnType<typeof setTimeout> | undefined;
  function persistSubtitles(change: Partial<SubtitlePrefs>) {
    persist({ subtitles: { ...prefs.subtitles, ...change } });
    const p = profile();
    if (!p) return;
    // One PATCH for a burst of changes (size then background, say).
    clearTimeout(profileSaveTimer);
    profileSaveTimer = setTimeout(() => saveProfileSubtitles(p.profileId, prefs.subtitles), 800);
  }
  function chooseQuality(height: number | null) {
    engine?.setQuality(height);
    persist({ qualityHeight: height });
    flash(height === null ? "Quality: Auto" : `Quality: ${qualityLabel(height)}`);
  }
  function chooseSpeed(s: number) {
    video.playbackRate = s;
    persist({ speed: s });
    flash(`Speed: ${speedLabel(s)}`);
  }
  function chooseAudio(id: number) {
    engine?.setAudioTrack(id);
    const track = engine?.audioTracks().find((t) => t.id === id);
    persist({ audioLanguage: track?.language ?? null });
    flash(`Audio: ${track?.label ?? "Default"}`);
  }
  function chooseSubtitle(id: number) {
    engine?.setSubtitleTrack(id);
    const track = engine?.subtitleTracks().find((t) => t.id === id);
    persistSubtitles({ language: track?.language ?? null });
    flash(track ? `Subtitles: ${track.label}` : "Subtitles off");
  }
  function chooseSubStyle(change: Partial<Pick<SubtitlePrefs, "size" | "background">>) {
    setSubStyle((s) => ({ ...s, ...change }));
    persistSubtitles(change);
  }
  let lastSubtitleLanguage: string | null = prefs.subtitles.language;
  function toggleCaptions() {
    const e = engine;
    if (!e || e.subtitleTracks().length === 0) return flash("No subtitles for this video");
    if (e.subtitleTrack() >= 0) {
      lastSubtitleLanguage = e.subtitleTracks().find((t) => t.id === e.subtitleTrack())?.language ?? lastSubtitleLanguage;
      chooseSubtitle(-1);
    } else {
      const track = e.subtitleTracks().find((t) => t.language === lastSubtitleLanguage) ?? e.subtitleTracks()[0]!;
      chooseSubtitle(track.id);
    }
  }
  function openMenu(page: MenuPage) {
    setMenu((m) => (m === page ? null : page));
  }
  function closeMenu() {
    if (menu() === null) return;
    setMenu(null);
    lastMenuCloseMs = performance.now();
    settingsButton?.focus({ preventScroll: true });
  }

  function run(action: PlayerAction) {
    switch (action.kind) {
      case "toggle-play": togglePlay(); break;
      case "seek-by": seekBy(action.seconds); break;
      case "seek-to-fraction": if (duration() > 0) seekTo(duration() * action.fraction); break;
      case "volume-by":
        changeVolume((video.muted ? 0 : video.volume) + action.delta);
        flash(video.muted ? "Muted" : `Volume ${Math.round(video.volume * 100)}%`);
        break;
      case "toggle-mute": toggleMute(); break;
      case "toggle-fullscreen": void toggleFullscreen(); break;
      case "toggle-captions": toggleCaptions(); break;
      case "toggle-help": setHelp((h) => !h); break;
    }
  }

  // ---- keyboard ----
  function onKeyDown(e: KeyboardEvent) {
    if (e.defaultPrevented || help()) return;
    const target = e.target as HTMLElement;
    if (target.closest?.("input:not([type=range]), textarea, select, [contenteditable='true']")) return;
    poke();
    if (e.key === "Escape") {
      if (menu() !== null) (e.preventDefault(), closeMenu());
      return;
    }
    if (shownProblem()) return;
    const onControl = target.closest?.("button, a, [role^=menuitem]");
    if ((e.key === " " || e.key === "Enter") && onControl) return;
    if (target instanceof HTMLInputElement && target.type === "range" && e.key.startsWith("Arrow")) return;
    // In the control bar, arrows move between controls (a toolbar; a TV remote's D-pad) instead of seeking.
    if (onControl && target.closest(".player-bottom") && e.key.startsWith("Arrow")) return moveFocus(e, target);
    if (target.closest?.(".seek") && (e.key === "ArrowUp" || e.key === "ArrowDown")) return moveFocus(e, target);
    const action = actionForKey(e);
    if (!action) return;
    e.preventDefault();
    run(action);
  }
  function moveFocus(e: KeyboardEvent, from: HTMLElement) {
    const bar = root.querySelector<HTMLElement>(".player-bottom .seek");
    const buttons = [...root.querySelectorAll<HTMLElement>(".player-toolbar button, .player-toolbar input")];
    const at = buttons.indexOf(from);
    e.preventDefault();
    if (e.key === "ArrowUp") (at >= 0 ? bar : root.querySelector<HTMLElement>(".skip-button, .player-back"))?.focus();
    else if (e.key === "ArrowDown") (at >= 0 ? undefined : buttons.find((b) => b.classList.contains("play-toggle")))?.focus();
    else if (at >= 0) buttons[Math.min(buttons.length - 1, Math.max(0, at + (e.key === "ArrowRight" ? 1 : -1)))]?.focus();
  }

  // ---- touch and mouse on the picture ----
  let lastTap = { at: 0, side: "" as "left" | "right" | "", timer: undefined as ReturnType<typeof setTimeout> | undefined };
  function onSurfaceUp(e: PointerEvent) {
    if (e.button !== 0) return;
    if (performance.now() - lastMenuCloseMs < 400) return;
    const rect = root.getBoundingClientRect();
    const side = e.clientX - rect.left < rect.width / 2 ? "left" : "right";
    if (e.pointerType === "mouse") {
      togglePlay();
      return;
    }
    const now = performance.now();
    if (now - lastTap.at < DOUBLE_TAP_MS && lastTap.side === side) {
      clearTimeout(lastTap.timer);
      lastTap = { at: now, side, timer: undefined };
      seekBy(side === "left" ? -10 : 10, side);
      return;
    }
    const wasShown = controlsShown();
    lastTap = {
      at: now,
      side,
      // A single tap toggles the controls, once it is clear no second tap follows.
      timer: setTimeout(() => {
        if (wasShown && playing()) (clearTimeout(idleTimer), setActive(false));
        else poke();
      }, DOUBLE_TAP_MS),
    };
  }

  // ---- token renewal ----
  function scheduleRenewal(at: number) {
    clearTimeout(renewTimer);
    const inMs = Math.max(5000, at - Date.now() - RENEW_BEFORE_MS);
    renewTimer = setTimeout(() => void renewNow().catch(() => (renewTimer = setTimeout(() => scheduleRenewal(expiresAt), 10_000))), inMs);
  }
  async function renewNow(): Promise<void> {
    // renewPlayback goes through the API client, which refreshes an expired session itself.
    const fresh = await renewPlayback(props.titleId, props.episodeId, props.playback.assetId);
    holder.token = fresh.token;
    expiresAt = fresh.expiresAt;
    scheduleRenewal(fresh.expiresAt);
  }
  async function retry() {
    const e = engine;
    if (!e) return;
    setRetrying(true);
    const at = video.currentTime || time();
    try {
      const code = shownProblem()?.code ?? "";
      if (expiresAt - Date.now() < RENEW_BEFORE_MS || /token|403|asset_changed|session/.test(code)) await renewNow();
      setProblem(null);
      e.retry(at);
    } catch (err) {
      setProblem(apiProblem(err));
    } finally {
      setRetrying(false);
    }
  }

  // ---- next episode ----
  const inCredits = () => {
    const t = time();
    if (markers.creditsStart != null) return t >= markers.creditsStart;
    return duration() >= 120 && duration() - t <= NEXT_CARD_BEFORE_END_S;
  };
  const cardShown = () => !!next && !shownProblem() && !scrubbing() && (ended() || (inCredits() && !cardDismissed()));
  const autoplayNext = () => profile()?.autoplay ?? true;
  function playNext() {
    if (next) props.onEpisode?.(next.id);
  }
  createEffect(
    on(cardShown, (shown) => {
      setCountdown(NEXT_COUNTDOWN_S);
      if (!shown || !autoplayNext()) return;
      const tick = setInterval(() => {
        // The countdown runs while the credits play or after the end, not while paused.
        if (!playing() && !ended()) return;
        const left = countdown() - 0.25;
        setCountdown(left);
        if (left <= 0) {
          clearInterval(tick);
          playNext();
        }
      }, 250);
      onCleanup(() => clearInterval(tick));
    }),
  );

  // ---- resume from another device (live sync) ----
  let liveBaseline = 0;
  function liveOffer(entry: ProgressEntry | undefined) {
    if (!entry || entry.deviceId === myDevice || entry.finished || entry.updatedAt <= liveBaseline) return;
    // Each saved position is considered once: arriving mid-play it is ignored, not offered at the next pause.
    liveBaseline = entry.updatedAt;
    if (playing() && started()) return;
    const sameEpisode = (entry.episodeId ?? null) === (props.episodeId ?? props.playback.episode?.id ?? null);
    if (sameEpisode && Math.abs(entry.positionSeconds - video.currentTime) < 5) return;
    if (!sameEpisode && (entry.episodeId === null || !props.onEpisode)) return;
    setOffer({ positionSeconds: entry.positionSeconds, deviceName: entry.deviceName || null, source: "live", episodeId: sameEpisode ? null : entry.episodeId });
  }
  function acceptOffer(o: ResumeOffer) {
    if (o.episodeId) return props.onEpisode?.(o.episodeId, o.positionSeconds);
    seekTo(o.positionSeconds);
    play();
  }

  // ---- lifecycle ----
  onMount(() => {
    video.volume = prefs.volume;
    video.muted = prefs.muted;
    video.playbackRate = prefs.speed;
    const e = new PlaybackEngine(video, {
      playback: props.playback,
      holder,
      debug: !!props.debug,
      startPosition: startPositionSeconds({ resume, durationSeconds: duration0 }, props.startAt),
      autoplay: startOffer === null,
      qualityHeight: prefs.qualityHeight,
      audioLanguage: prefs.audioLanguage,
      subtitleLanguage: prefs.subtitles.language,
      onAutoplayBlocked: () => setWaiting(false),
      prefetched: props.prefetched,
      baseline,
    });
    engine = e;
    setEngineReady(e);
    scheduleRenewal(props.playback.expiresAt);

    const sheet = props.playback.trickplay;
    if (sheet) {
      const store = new TrickplayStore((u) => holder.rewrite(u));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const loadTrickplay = () => {
        clearTimeout(timer);
        video.removeEventListener("playing", loadTrickplay);
        void store.load(sheet.url).then((ok) => ok && setTrickplay(store));
      };
      if (baseline) loadTrickplay();
      else {
        video.addEventListener("playing", loadTrickplay);
        timer = setTimeout(loadTrickplay, TRICKPLAY_AFTER_MS);
      }
      onCleanup(() => (clearTimeout(timer), video.removeEventListener("playing", loadTrickplay), store.destroy()));
    }

    reporter = new ProgressReporter(video, {
      titleId: titleIdNum,
      episodeId: props.episodeId ?? props.playback.episode?.id ?? null,
      durationSeconds: duration0,
    });
    // Signed in with a profile: report progress, follow the profile's subtitle choice, join live sync.
    createEffect(
      on(
        () => profile()?.profileId,
        (profileId) => {
          const p = untrack(profile);
          if (!profileId || !p) return;
          reporter?.enable();
          if (p.subtitles) {
            setSubStyle({ size: p.subtitles.size, background: p.subtitles.background });
            if (p.subtitles.language !== prefs.subtitles.language) e.setSubtitleLanguage(p.subtitles.language);
            persist({ subtitles: { ...p.subtitles } });
            lastSubtitleLanguage = p.subtitles.language ?? lastSubtitleLanguage;
          }
          const live = acquireLiveProgress(profileId);
          liveBaseline = Math.max(resume?.updatedAt ?? 0, live.latest().get(titleIdNum)?.updatedAt ?? 0);
          setLiveLatest(() => live.latest);
          onCleanup(() => (setLiveLatest(null), live.release()));
        },
      ),
    );
    createEffect(() => {
      const latest = liveLatest();
      if (latest) {
        const entry = latest().get(titleIdNum);
        untrack(() => liveOffer(entry));
      }
    });

    const ms = navigator.mediaSession;
    if (ms && typeof MediaMetadata !== "undefined") {
      ms.metadata = new MediaMetadata({ title: props.subheading ? `${props.heading} · ${props.subheading}` : props.heading, artist: "Marquee" });
      const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
        ["play", () => play()],
        ["pause", () => video.pause()],
        ["seekbackward", () => seekBy(-10)],
        ["seekforward", () => seekBy(10)],
        ["seekto", (d) => d.seekTime !== undefined && seekTo(d.seekTime)],
      ];
      if (next) handlers.push(["nexttrack", () => playNext()]);
      for (const [action, handler] of handlers) {
        try {
          ms.setActionHandler(action, handler);
        } catch {
          // Action not supported by this browser.
        }
      }
      onCleanup(() => handlers.forEach(([a]) => { try { ms.setActionHandler(a, null); } catch { /* unsupported */ } }));
    }

    const onFs = () => setFullscreen(!!document.fullscreenElement);
    document.addEventListener("fullscreenchange", onFs);
    document.addEventListener("keydown", onKeyDown);
    poke();
    onCleanup(() => {
      document.removeEventListener("fullscreenchange", onFs);
      document.removeEventListener("keydown", onKeyDown);
    });
  });

  onCleanup(() => {
    clearTimeout(renewTimer);
    clearTimeout(idleTimer);
    clearTimeout(osdTimer);
    clearTimeout(profileSaveTimer);
    clearTimeout(lastTap.timer);
    if (profileSaveTimer !== undefined && profile()) saveProfileSubtitles(profile()!.profileId, prefs.subtitles);
    reporter?.destroy();
    engine?.destroy();
    if (document.pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => {});
  });

  // Smooth progress while playing with the controls up; timeupdate (4 Hz) otherwise.
  createEffect(() => {
    if (!playing() || !controlsShown()) return;
    let frame = requestAnimationFrame(function step() {
      setTime(video.currentTime);
      frame = requestAnimationFrame(step);
    });
    onCleanup(() => cancelAnimationFrame(frame));
  });

  function updateBuffered() {
    const b = video.buffered;
    let end = 0;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= video.currentTime + 0.5) end = Math.max(end, b.end(i));
    setBufferedEnd(end);
  }

  const marks = createMemo(() => {
    const list: { start: number; end: number; kind: string }[] = [];
    if (markers.introStart != null && markers.introEnd != null) list.push({ start: markers.introStart, end: markers.introEnd, kind: "intro" });
    if (markers.creditsStart != null && duration() > 0) list.push({ start: markers.creditsStart, end: duration(), kind: "credits" });
    return list;
  });
  const skip = () => {
    const t = time();
    if (shownProblem() || offer() || scrubbing() || menu() !== null) return null;
    if (markers.introStart != null && markers.introEnd != null && t >= markers.introStart && t < markers.introEnd - 0.5) {
      return { label: "Skip intro", to: markers.introEnd };
    }
    if (!next && markers.creditsStart != null && t >= markers.creditsStart && !ended() && duration() > 0) {
      return { label: "Skip credits", to: duration() };
    }
    return null;
  };
  const volumeIcon = () => (muted() || volume() === 0 ? "muted" : volume() < 0.5 ? "volumeLow" : "volume");
  const e = () => engineReady();

  return (
    <div
      ref={root}
      class="player"
      classList={{ "player-idle": !controlsShown(), "player-fs": fullscreen() }}
      data-sub-size={subStyle().size}
      data-sub-bg={subStyle().background}
      onPointerMove={(ev) => ev.pointerType === "mouse" && poke()}
      onPointerDown={(ev) => {
        lastPointerType = ev.pointerType;
        // A touch on the picture is a tap gesture (it shows or hides the controls); anywhere else it is activity.
        if (ev.pointerType !== "touch" || !(ev.target as Element).classList.contains("player-surface")) poke();
      }}
    >
      <video
        ref={video}
        class="player-video"
        playsinline
        crossorigin="anonymous"
        preload="auto"
        onPlay={() => batch(() => (setPlaying(true), setEnded(false), setOffer((o) => (o?.source === "live" ? null : o))))}
        onPause={() => setPlaying(false)}
        onPlaying={() => batch(() => (setWaiting(false), setStarted(true), setOffer(null)))}
        onWaiting={() => setWaiting(true)}
        onCanPlay={() => setWaiting(false)}
        onSeeking={() => setTime(video.currentTime)}
        onSeeked={() => (setTime(video.currentTime), updateBuffered())}
        onTimeUpdate={() => (setTime(video.currentTime), updateBuffered())}
        onProgress={updateBuffered}
        onDurationChange={() => Number.isFinite(video.duration) && video.duration > 0 && setDuration(video.duration)}
        onEnded={() => batch(() => (setEnded(true), setPlaying(false), setCardDismissed(false)))}
        onVolumeChange={() => {
          batch(() => (setVolume(video.volume), setMuted(video.muted)));
          persist({ volume: video.volume, muted: video.muted });
        }}
        onRateChange={() => setSpeed(video.playbackRate)}
        onEnterPictureInPicture={() => setPip(true)}
        onLeavePictureInPicture={() => setPip(false)}
      />
      <div class="player-surface" aria-hidden="true" onPointerUp={onSurfaceUp} onDblClick={() => lastPointerType === "mouse" && void toggleFullscreen()} />

      <Show when={waiting() && !shownProblem() && (playing() || !started()) && offer() === null}>
        <div class="player-spinner" role="status" aria-label="Loading">
          <span class="player-spinner-ring" aria-hidden="true" />
        </div>
      </Show>

      <Show when={osd()}>
        {(o) => (
          <div class="player-osd" classList={{ "osd-left": o().side === "left", "osd-right": o().side === "right" }} aria-hidden="true">
            {o().text}
          </div>
        )}
      </Show>
      <div class="visually-hidden" aria-live="polite">{announcement()}</div>

      <div class="player-top">
        <A href={props.backHref} class="player-back pbtn-icon" aria-label="Back to title">
          <Icon name="arrowBack" />
        </A>
        <div class="player-titles">
          <h1 class="player-title">{props.heading}</h1>
          <Show when={props.subheading}><p class="player-subtitle">{props.subheading}</p></Show>
        </div>
      </div>

      <Show when={!playing() && !ended() && (started() || !waiting()) && !shownProblem() && offer() === null}>
        <button type="button" class="player-bigplay" aria-label="Play" onClick={() => play()}>
          <Icon name="play" size={48} />
        </button>
      </Show>
      <Show when={ended() && !next && !shownProblem()}>
        <div class="player-end">
          <button type="button" class="pbtn pbtn-primary" onClick={() => play()}>
            <Icon name="replay" /> Watch again
          </button>
          <A class="pbtn" href={props.backHref}>Back to title</A>
        </div>
      </Show>

      <Show when={skip()}>
        {(s) => (
          <button
            type="button"
            class="skip-button"
            onClick={() => {
              const { to, label } = s();
              seekTo(to);
              flash(label === "Skip intro" ? "Intro skipped" : "Credits skipped");
            }}
          >
            {s().label}
          </button>
        )}
      </Show>

      <Show when={cardShown() && next}>
        <NextEpisodeCard
          next={next!}
          countdown={autoplayNext() ? Math.max(0, countdown()) : null}
          total={NEXT_COUNTDOWN_S}
          ended={ended()}
          backHref={props.backHref}
          onPlay={playNext}
          onDismiss={() => setCardDismissed(true)}
        />
      </Show>

      <Show when={shownProblem() ? null : offer()}>
        {(o) => (
          <ResumePrompt
            offer={o()}
            onResume={() => acceptOffer(o())}
            onStartOver={() => (seekTo(0), play())}
            onDismiss={() => setOffer(null)}
          />
        )}
      </Show>

      <div class="player-bottom" onPointerEnter={(ev) => ev.pointerType === "mouse" && setHoverControls(true)} onPointerLeave={() => setHoverControls(false)}>
        <div class="player-timeline">
          <span class="player-time">
            <span class="visually-hidden">Elapsed </span>
            {formatTime(time())}
          </span>
          <SeekBar
            currentTime={time()}
            duration={duration()}
            bufferedEnd={bufferedEnd()}
            marks={marks()}
            trickplay={trickplay()}
            sheet={props.playback.trickplay}
            onSeek={seekTo}
            onScrubbing={setScrubbing}
          />
          <span class="player-time player-remaining">
            <span class="visually-hidden">Remaining </span>
            <span aria-hidden="true">−</span>
            {formatTime(Math.max(0, duration() - time()))}
          </span>
        </div>
        <div class="player-toolbar" role="toolbar" aria-label="Player controls">
          <button type="button" class="pbtn-icon play-toggle" aria-label={playing() ? "Pause" : "Play"} onClick={togglePlay}>
            <Icon name={playing() ? "pause" : ended() ? "replay" : "play"} />
          </button>
          <button type="button" class="pbtn-icon seek-step" aria-label="Back 10 seconds" onClick={() => seekBy(-10)}>
            <Icon name="back10" />
          </button>
          <button type="button" class="pbtn-icon seek-step" aria-label="Forward 10 seconds" onClick={() => seekBy(10)}>
            <Icon name="fwd10" />
          </button>
          <div class="player-volume">
            <button type="button" class="pbtn-icon" aria-label={muted() ? "Unmute" : "Mute"} onClick={toggleMute}>
              <Icon name={volumeIcon()} />
            </button>
            <input
              type="range"
              class="player-volume-slider"
              min="0"
              max="1"
              step="0.05"
              aria-label="Volume"
              aria-valuetext={`${Math.round((muted() ? 0 : volume()) * 100)}%`}
              value={muted() ? 0 : volume()}
              style={{ "--v": String(muted() ? 0 : volume()) }}
              onInput={(ev) => changeVolume(Number(ev.currentTarget.value))}
            />
          </div>
          <div class="player-toolbar-title" aria-hidden="true">
            {props.heading}
            <Show when={props.subheading}> · <span>{props.subheading}</span></Show>
          </div>
          <Show when={next}>
            <button type="button" class="pbtn-icon" aria-label={`Next episode: ${next!.name}`} onClick={playNext}>
              <Icon name="next" />
            </button>
          </Show>
          <button
            type="button"
            class="pbtn-icon"
            classList={{ "pbtn-on": (e()?.subtitleTrack() ?? -1) >= 0 }}
            aria-label="Subtitles"
            aria-haspopup="menu"
            aria-expanded={menu() === "subtitles"}
            data-menu-button
            onClick={() => openMenu("subtitles")}
          >
            <Icon name="subtitles" />
          </button>
          <button
            ref={settingsButton}
            type="button"
            class="pbtn-icon"
            aria-label="Settings"
            aria-haspopup="menu"
            aria-expanded={menu() !== null && menu() !== "subtitles"}
            data-menu-button
            onClick={() => setMenu((m) => (m === null ? "main" : null))}
          >
            <Icon name="settings" />
          </button>
          <Show when={pipSupported}>
            <button type="button" class="pbtn-icon player-pip" aria-label={pip() ? "Exit picture-in-picture" : "Picture-in-picture"} onClick={() => void togglePip()}>
              <Icon name="pip" />
            </button>
          </Show>
          <button type="button" class="pbtn-icon" aria-label={fullscreen() ? "Exit full screen" : "Full screen"} onClick={() => void toggleFullscreen()}>
            <Icon name={fullscreen() ? "exitFullscreen" : "fullscreen"} />
          </button>
        </div>
      </div>

      <Show when={menu() !== null && e()}>
        {(eng) => (
          <SettingsMenu
            page={menu()!}
            onPage={setMenu}
            onClose={closeMenu}
            qualities={eng().qualities()}
            manualHeight={eng().manualHeight()}
            playingHeight={eng().playingHeight()}
            onQuality={(h) => (chooseQuality(h), closeMenu())}
            speed={speed()}
            onSpeed={(s) => (chooseSpeed(s), closeMenu())}
            audioTracks={eng().audioTracks()}
            audioTrack={eng().audioTrack()}
            onAudio={(id) => (chooseAudio(id), closeMenu())}
            subtitleTracks={eng().subtitleTracks()}
            subtitleTrack={eng().subtitleTrack()}
            onSubtitle={chooseSubtitle}
            subtitleStyle={subStyle()}
            onSubtitleStyle={chooseSubStyle}
            stats={stats()}
            onStats={(on) => (setStats(on), closeMenu())}
          />
        )}
      </Show>

      <Show when={stats() && e()}>
        {(eng) => <StatsOverlay read={() => eng().stats()} onClose={() => setStats(false)} />}
      </Show>

      <Show when={help()}>
        <ShortcutsHelp onClose={() => setHelp(false)} />
      </Show>

      <Show when={shownProblem()}>
        {(p) => <ErrorScreen problem={p()} onRetry={() => void retry()} retrying={retrying()} backHref={props.backHref} />}
      </Show>
    </div>
  );
}
