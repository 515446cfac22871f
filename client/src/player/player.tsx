/**
 * The player: our own controls around one PlaybackEngine (hls.js, or native HLS
 * where MediaSource is missing). This component composes one controller per
 * concern (controllers/, each with registerListeners / unregisterListeners /
 * destroy, as hls.js's own) and renders the picture, the overlays and the
 * control bar (control-bar.tsx). How to add a controller: README.md here.
 */
import { A } from "@solidjs/router";
import { createMemo, createSignal, onCleanup, onMount, Show } from "solid-js";
import { listStreams, releaseLicence, renewLicence, renewPlayback, stopStream, type Playback } from "../data/api.ts";
import type { MediaPrefetch } from "../data/prefetch.ts";
import { ControlBar } from "./control-bar.tsx";
import { ActivityController } from "./controllers/activity.ts";
import type { PlayerController } from "./controllers/controller.ts";
import { GestureController } from "./controllers/gestures.ts";
import { KeyboardController } from "./controllers/keyboard.ts";
import { LiveEdgeController } from "./controllers/live-edge.ts";
import { MediaSessionController } from "./controllers/media-session.ts";
import { MediaState } from "./controllers/media-state.ts";
import { NextEpisodeController, NEXT_COUNTDOWN_S } from "./controllers/next-episode.ts";
import { PlaybackActions } from "./controllers/playback-actions.ts";
import { ProgressReporter, type ProgressSink } from "./controllers/progress-reporting.ts";
import { newQoeViewId, qoeCmcdConfig, QoeReporter } from "./controllers/qoe-reporting.ts";
import { ResumeOfferController } from "./controllers/resume-offer.ts";
import { StatsController } from "./controllers/stats.ts";
import { emeConfig, LicenceRenewalController } from "./controllers/licence.ts";
import { TokenRenewalController } from "./controllers/token-renewal.ts";
import { TracksController } from "./controllers/tracks.ts";
import { TrickplayLoadingController } from "./controllers/trickplay-loading.ts";
import { premiereHlsConfig, PremiereSyncController } from "./controllers/premiere-sync.ts";
import { PlaybackEngine, type EngineOptions } from "./engine.ts";
import { apiProblem, keysProblem, type PlayerProblem } from "./errors.ts";
import { Icon } from "./icons.tsx";
import { markRanges, skipAt } from "./markers.ts";
import { offlineLoader } from "./offline-loader.ts";
import { ErrorScreen, NextEpisodeCard, ResumePrompt, ShortcutsHelp, StatsOverlay } from "./overlays.tsx";
import { preferredAudioLanguage, viewerProfile } from "./profile.ts";
import { playerWords } from "../i18n/pages/player/index.ts";
import { SettingsMenu, type MenuPage } from "./settings-menu.tsx";
import { loadPrefs, type PlayerPrefs } from "./prefs.ts";
import { baselineStart, startPositionSeconds, type ResumeField } from "./start.ts";
import { TokenHolder } from "./token-holder.ts";
import type { TrickplayStore } from "./trickplay.ts";
import "./player.css";

/** The player's words (i18n/pages/player): loaded with the player, not with Home. */
const { t } = playerWords;

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
  /**
   * A download played from this device (offline/): media from IndexedDB through the offline
   * loader, keys from the stored licence, progress to the device's queue; nothing is renewed.
   * `prepared`: its pipeline built before Play (offline/pipeline.ts) — the element, its keys
   * set, and the engine, paused — which the player adopts instead of making its own (then
   * `mediaKeys` is not needed).
   */
  offline?: { mediaKeys?: MediaKeys | Promise<MediaKeys>; progress: ProgressSink; prepared?: PreparedPlayback };
}

/** A playback pipeline built before Play: the player's element and an engine on it made with `playerStart`'s options and `autoplay: false`. */
export interface PreparedPlayback {
  video: HTMLVideoElement;
  engine: PlaybackEngine;
}

/**
 * The player's <video> (a pipeline prepared before Play makes the same one, adopted into the page's document:
 * Solid clones it from a template, whose inert document has no window, where a media element loads nothing).
 */
export const playerVideo = () => (<video class="player-video" playsinline crossorigin="anonymous" preload="auto" />) as HTMLVideoElement;

/**
 * What the engine's start depends on besides the playback: where it starts, the
 * viewer's choices and the baseline switch. The player's engine starts with these,
 * and a pipeline prepared before Play is used only while they are still the same.
 */
export function playerStart(playback: Playback, startAt: number | undefined, prefs: PlayerPrefs = loadPrefs()) {
  return {
    startPosition: startPositionSeconds({ resume: (playback as { resume?: ResumeField }).resume ?? null, durationSeconds: playback.durationSeconds ?? 0 }, startAt),
    qualityHeight: prefs.qualityHeight,
    audioLanguage: preferredAudioLanguage(prefs.audioLanguage),
    subtitleLanguage: prefs.subtitles.language,
    baseline: baselineStart(),
  } satisfies Partial<EngineOptions>;
}

/** The hls.js configuration of a download's playback: media from IndexedDB, keys set by the player (not hls.js's EME). */
export const offlineHlsConfig = () => ({ loader: offlineLoader(), emeEnabled: false });

export function Player(props: PlayerProps) {
  let root!: HTMLDivElement;
  let surface!: HTMLDivElement;
  let settingsButton: HTMLButtonElement | undefined;
  let engine: PlaybackEngine | undefined;
  const holder = new TokenHolder(props.playback.token);
  const duration0 = props.playback.durationSeconds ?? 0;
  const markers = props.playback.markers;
  const next = props.playback.nextEpisode;
  const episodeId = props.episodeId ?? props.playback.episode?.id ?? null;
  const baseline = baselineStart();
  const profile = createMemo(viewerProfile, null, { equals: (a, b) => a?.profileId === b?.profileId && a?.autoplay === b?.autoplay });

  // UI state.
  const [hoverControls, setHoverControls] = createSignal(false);
  const [scrubbing, setScrubbing] = createSignal(false);
  const [menu, setMenu] = createSignal<MenuPage | null>(null);
  const [help, setHelp] = createSignal(false);
  const [problem, setProblem] = createSignal<PlayerProblem | null>(null);
  const [retrying, setRetrying] = createSignal(false);
  const [engineReady, setEngineReady] = createSignal<PlaybackEngine | null>(null);
  const [trickplay, setTrickplay] = createSignal<TrickplayStore | null>(null);
  let lastMenuCloseMs = 0;

  // A pipeline prepared before Play (offline/pipeline.ts): its element and engine are this player's.
  const prepared = props.offline?.prepared;
  const video = prepared?.video ?? playerVideo();
  let closed = false;

  // Controllers whose state the markup reads exist from the start; the rest start with the engine (onMount).
  const activity = new ActivityController();
  const tracks = new TracksController({ video, profile, flash: (t) => activity.flash(t) });
  const shownProblem = () => problem() ?? engineReady()?.problem() ?? null;
  const controlsShown = (): boolean => !media.playing() || activity.active() || hoverControls() || scrubbing() || menu() !== null || !!shownProblem() || resume.offer() !== null;
  const media = new MediaState(
    video,
    { timeSeconds: 0, durationSeconds: duration0, volume: tracks.prefs.volume, muted: tracks.prefs.muted, speed: tracks.prefs.speed },
    () => controlsShown(),
  );
  const actions = new PlaybackActions({
    video,
    media,
    engine: () => engine,
    fullscreenTarget: () => props.fullscreenTarget?.() ?? root,
    flash: (t, side) => activity.flash(t, side),
    onPlayPressed: () => resume.dismiss(),
    onSeek: () => premiereSync?.viewerSeeked(),
  });
  /** A premiere's wall-clock sync (set once the engine is up); it hears the viewer's seeks. */
  let premiereSync: PremiereSyncController | undefined;
  const resume = new ResumeOfferController({
    video,
    playback: props.playback,
    titleId: Number(props.titleId),
    episodeId,
    startAt: props.startAt,
    media,
    profile,
    seekTo: (t) => actions.seekTo(t),
    play: () => actions.play(),
    onEpisode: props.onEpisode,
  });
  media.setTime(props.startAt ?? resume.startOffer?.positionSeconds ?? 0);
  const nextEpisode = new NextEpisodeController({
    video,
    next,
    creditsStart: markers.creditsStart,
    media,
    busy: () => !!shownProblem() || scrubbing(),
    autoplay: () => profile()?.autoplay ?? true,
    onNext: () => next && props.onEpisode?.(next.id),
  });
  const stats = new StatsController(!!props.debug);
  const controllers: PlayerController[] = [activity, tracks, media, resume, nextEpisode, stats];
  /** A live broadcast: the DVR window, the LIVE badge, ±10 s inside the window, "Stream interrupted". */
  const live = props.playback.live
    ? new LiveEdgeController({
        video,
        media,
        engine: () => engine,
        seekTo: (t) => actions.seekTo(t),
        flash: (t, side) => activity.flash(t, side),
        onRecovered: () => activity.flash(t("player.backLive")),
      })
    : undefined;
  if (live) controllers.push(live);
  const seeker = live ?? actions;
  let renewal: TokenRenewalController | undefined;
  /** One view of a streamed playback: its QoE beacons and its CMCD share this id. */
  const qoeViewId = newQoeViewId();
  let licence: LicenceRenewalController | undefined;

  function openMenu(page: MenuPage) {
    setMenu((m) => (m === page ? null : page));
  }
  function closeMenu() {
    if (menu() === null) return;
    setMenu(null);
    lastMenuCloseMs = performance.now();
    settingsButton?.focus({ preventScroll: true });
  }

  async function retry() {
    const e = engine;
    if (!e) return;
    setRetrying(true);
    const at = video.currentTime || media.time();
    try {
      if (renewal && (renewal.expiringSoon() || shownProblem()?.renewToken)) await renewal.renewNow();
      // A stopped stream or a full plan may have cleared since: the licence service says so first.
      if (licence && !(await licence.renewNow())) return;
      setProblem(null);
      e.retry(at);
    } catch (err) {
      setProblem(apiProblem(err));
    } finally {
      setRetrying(false);
    }
  }

  /** What only a streamed playback has: token and licence renewal, QoE beacons, trickplay thumbnails. */
  function startOnline(e: PlaybackEngine) {
    renewal = new TokenRenewalController({
      holder,
      expiresAt: props.playback.expiresAt,
      // Through the API client, which refreshes an expired session itself.
      renew: () => renewPlayback(props.titleId, props.episodeId, props.playback.assetId, props.playback.streamId),
    });
    controllers.push(renewal);
    controllers.push(new QoeReporter({ viewId: qoeViewId, video, engine: e, titleId: Number(props.titleId), autoplay: resume.startOffer === null, live: !!props.playback.live }));
    licence = new LicenceRenewalController({
      licence: props.playback.licence,
      holder,
      renew: renewLicence,
      release: releaseLicence,
      onRefused: (err) => {
        e.halt();
        setProblem(apiProblem(err));
      },
    });
    controllers.push(licence);
    // A premiere: every viewer at the same wall-clock position (controllers/premiere-sync.ts).
    const premiere = props.playback.premiere;
    if (premiere) controllers.push((premiereSync = new PremiereSyncController({ video, hls: () => e.hls, endsAt: premiere.endsAt })));
    const sheet = props.playback.trickplay;
    if (sheet) controllers.push(new TrickplayLoadingController({ video, sheet, holder, now: baseline, onReady: setTrickplay }));
  }

  onMount(() => {
    video.volume = tracks.prefs.volume;
    video.muted = tracks.prefs.muted;
    video.playbackRate = tracks.prefs.speed;
    const offline = props.offline;
    const onAutoplayBlocked = () => media.setWaiting(false);
    let e: PlaybackEngine;
    if (prepared) {
      // Put in the page only once the player is (connected): Solid builds the player's markup in a template's inert document, and a
      // media element moved from one document to another loads again from nothing (Chromium), losing what was prepared.
      const place = (): void => {
        if (root.isConnected) root.insertBefore(video, root.firstChild);
        else if (!closed) requestAnimationFrame(place);
      };
      place();
      // Its keys are set and its playlists and first fragments loaded: it only has to play.
      e = prepared.engine;
      e.adopt({ autoplay: resume.startOffer === null, onAutoplayBlocked });
    } else {
      // A download's keys (made before Play, or still being made) are set on the element before hls.js attaches (engine.ts `mediaReady`).
      const keys = offline?.mediaKeys;
      const keysSet = keys ? Promise.resolve(keys).then((k) => video.setMediaKeys(k)) : undefined;
      keysSet?.catch(() => setProblem(keysProblem()));
      e = new PlaybackEngine(video, {
        mediaReady: keysSet,
        playback: props.playback,
        holder,
        debug: !!props.debug,
        ...playerStart(props.playback, props.startAt, tracks.prefs),
        autoplay: resume.startOffer === null,
        onAutoplayBlocked,
        prefetched: props.prefetched,
        hlsConfig: offline ? offlineHlsConfig() : { ...emeConfig(props.playback.licence, holder), ...qoeCmcdConfig(qoeViewId, Number(props.titleId)), ...(props.playback.premiere ? premiereHlsConfig() : {}) },
      });
    }
    engine = e;
    setEngineReady(e);
    activity.attach(root);
    if (!offline) startOnline(e);
    tracks.attachEngine(e);
    // A live view (a broadcast, a premiere on air) writes no resume position: its time is the broadcast's, not the film's (the server ignores one too).
    if (!props.playback.live) {
      controllers.push(new ProgressReporter(video, { titleId: Number(props.titleId), episodeId, durationSeconds: duration0 }, profile, offline?.progress));
    }
    controllers.push(
      new MediaSessionController({
        title: props.subheading ? `${props.heading} · ${props.subheading}` : props.heading,
        actions,
        seeker,
        seekTo: live ? (seconds) => live.seekInWindow(seconds) : undefined,
        playNext: next ? () => nextEpisode.playNext() : undefined,
      }),
      new KeyboardController({
        actions,
        seeker,
        toggleCaptions: () => tracks.toggleCaptions(),
        helpOpen: help,
        toggleHelp: () => setHelp((h) => !h),
        menuOpen: () => menu() !== null,
        closeMenu,
        problemShown: () => !!shownProblem(),
        poke: () => activity.poke(),
      }),
      new GestureController({
        surface,
        actions,
        seeker,
        menuClosedAtMs: () => lastMenuCloseMs,
        controlsShown,
        playing: media.playing,
        poke: () => activity.poke(),
        idle: () => activity.idle(),
      }),
    );
    // Offline there is no session to wait for: positions are queued on the device for the account.
    if (offline) (controllers.find((c) => c instanceof ProgressReporter) as ProgressReporter | undefined)?.enable();
    activity.poke();
  });

  onCleanup(() => {
    closed = true;
    // Controllers first (the progress reporter's last beacon reads the position), then the engine.
    for (const c of controllers.reverse()) c.destroy();
    // A prepared engine is this player's from the start, mounted or not.
    (engine ?? prepared?.engine)?.destroy();
    if (document.pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => {});
  });

  const marks = createMemo(() => markRanges(markers, media.duration()));
  const skip = () => {
    if (shownProblem() || resume.offer() || scrubbing() || menu() !== null) return null;
    return skipAt(markers, { timeSeconds: media.time(), durationSeconds: media.duration(), ended: media.ended(), hasNext: !!next });
  };
  const e = () => engineReady();

  return (
    <div
      ref={root}
      class="player"
      classList={{ "player-idle": !controlsShown(), "player-fs": media.fullscreen() }}
      data-sub-size={tracks.subtitleStyle().size}
      data-sub-bg={tracks.subtitleStyle().background}
    >
      {prepared ? null : video}
      <div ref={surface} class="player-surface" aria-hidden="true" />

      <Show when={media.waiting() && !shownProblem() && !live?.interrupted() && (media.playing() || !media.started()) && resume.offer() === null}>
        <div class="player-spinner" role="status" aria-label={t("player.loading")}>
          <span class="player-spinner-ring" aria-hidden="true" />
        </div>
      </Show>

      <Show when={live?.interrupted() && !shownProblem()}>
        <div class="player-interrupted" role="status">
          <Icon name="signalOff" size={40} />
          <p class="player-interrupted-title">{t("player.interrupted")}</p>
          <p class="player-interrupted-body">{t("player.interruptedBody")}</p>
        </div>
      </Show>

      <Show when={activity.osd()}>
        {(o) => (
          <div class="player-osd" classList={{ "osd-left": o().side === "left", "osd-right": o().side === "right" }} aria-hidden="true">
            {o().text}
          </div>
        )}
      </Show>
      <div class="visually-hidden" aria-live="polite">{activity.announcement()}</div>

      <div class="player-top">
        <A href={props.backHref} class="player-back pbtn-icon" aria-label={t("player.backToTitle")}>
          <Icon name="arrowBack" />
        </A>
        <div class="player-titles">
          <h1 class="player-title">{props.heading}</h1>
          <Show when={props.subheading}><p class="player-subtitle">{props.subheading}</p></Show>
        </div>
      </div>

      <Show when={!media.playing() && !media.ended() && (media.started() || !media.waiting()) && !shownProblem() && resume.offer() === null}>
        <button type="button" class="player-bigplay" aria-label={t("player.play")} onClick={() => actions.play()}>
          <Icon name="play" size={48} />
        </button>
      </Show>
      <Show when={media.ended() && !next && !shownProblem()}>
        <div class="player-end">
          <button type="button" class="pbtn pbtn-primary" onClick={() => actions.play()}>
            <Icon name="replay" /> {t("player.watchAgain")}
          </button>
          <A class="pbtn" href={props.backHref}>{t("player.backToTitle")}</A>
        </div>
      </Show>

      <Show when={skip()}>
        {(s) => (
          <button
            type="button"
            class="skip-button"
            onClick={() => {
              const { to, kind } = s();
              actions.seekTo(to);
              activity.flash(kind === "intro" ? t("skip.introDone") : t("skip.creditsDone"));
            }}
          >
            {s().kind === "intro" ? t("skip.intro") : t("skip.credits")}
          </button>
        )}
      </Show>

      <Show when={nextEpisode.cardShown() && next}>
        <NextEpisodeCard
          next={next!}
          countdown={(profile()?.autoplay ?? true) ? Math.max(0, nextEpisode.countdown()) : null}
          total={NEXT_COUNTDOWN_S}
          ended={media.ended()}
          backHref={props.backHref}
          onPlay={() => nextEpisode.playNext()}
          onDismiss={() => nextEpisode.dismiss()}
        />
      </Show>

      <Show when={shownProblem() ? null : resume.offer()}>
        {(o) => (
          <ResumePrompt
            offer={o()}
            onResume={() => resume.accept(o())}
            onStartOver={() => (actions.seekTo(0), actions.play())}
            onDismiss={() => resume.dismiss()}
          />
        )}
      </Show>

      <ControlBar
        media={media}
        actions={actions}
        heading={props.heading}
        subheading={props.subheading}
        marks={marks()}
        trickplay={trickplay()}
        sheet={props.playback.trickplay}
        onScrubbing={setScrubbing}
        onHover={setHoverControls}
        nextName={next?.name}
        onNext={() => nextEpisode.playNext()}
        hasSubtitles={(e()?.subtitleTracks().length ?? 0) > 0}
        subtitlesOn={(e()?.subtitleTrack() ?? -1) >= 0}
        menu={menu()}
        onSubtitlesMenu={() => openMenu("subtitles")}
        onSettingsMenu={() => setMenu((m) => (m === null ? "main" : null))}
        settingsButton={(el) => (settingsButton = el)}
        dpadActive={() => !help() && !shownProblem()}
        live={live}
      />

      <Show when={menu() !== null && e()}>
        {(eng) => (
          <SettingsMenu
            page={menu()!}
            onPage={setMenu}
            onClose={closeMenu}
            qualities={eng().qualities()}
            manualHeight={eng().manualHeight()}
            playingHeight={eng().playingHeight()}
            onQuality={(h) => (tracks.chooseQuality(h), closeMenu())}
            speed={media.speed()}
            onSpeed={(s) => (tracks.chooseSpeed(s), closeMenu())}
            audioTracks={eng().audioTracks()}
            audioTrack={eng().audioTrack()}
            onAudio={(id) => (tracks.chooseAudio(id), closeMenu())}
            subtitleTracks={eng().subtitleTracks()}
            subtitleTrack={eng().subtitleTrack()}
            onSubtitle={(id) => tracks.chooseSubtitle(id)}
            subtitleStyle={tracks.subtitleStyle()}
            onSubtitleStyle={(c) => tracks.chooseSubtitleStyle(c)}
            stats={stats.shown()}
            onStats={(on) => (stats.show(on), closeMenu())}
          />
        )}
      </Show>

      <Show when={stats.shown() && e()}>
        {(eng) => <StatsOverlay read={() => eng().stats()} onClose={() => stats.show(false)} />}
      </Show>

      <Show when={help()}>
        <ShortcutsHelp onClose={() => setHelp(false)} />
      </Show>

      <Show when={shownProblem()}>
        {(p) => (
          <ErrorScreen
            problem={p()}
            onRetry={() => void retry()}
            retrying={retrying()}
            backHref={props.backHref}
            streams={p().code === "stream_limit" ? { list: listStreams, stop: async (id) => { await stopStream(id); await retry(); } } : undefined}
          />
        )}
      </Show>
    </div>
  );
}
