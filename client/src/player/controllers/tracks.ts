/**
 * Tracks and settings: quality, speed, audio and subtitles chosen from the
 * menus or keys, kept on this device (prefs.ts) and, for subtitles, on the
 * profile (one PATCH for a burst of changes). A signed-in profile's subtitle
 * choice is followed when the player starts.
 */
import { createEffect, createSignal, on, untrack, type Accessor } from "solid-js";
import type { PlaybackEngine } from "../engine.ts";
import { loadPrefs, savePrefs, type PlayerPrefs } from "../prefs.ts";
import { saveProfileSubtitles, type SubtitlePrefs, type ViewerProfile } from "../profile.ts";
import { playerWords } from "../../i18n/pages/player/index.ts";
import { qualityLabel, speedLabel } from "../settings-menu.tsx";
import { reactiveScope, type PlayerController } from "./controller.ts";

/** The player's words: the flashes name the choice in the viewer's language. */
const { t } = playerWords;

/** Subtitle changes within this long are saved to the profile together. */
const PROFILE_SAVE_DELAY_MS = 800;

export type SubtitleStyle = Pick<SubtitlePrefs, "size" | "background">;

export interface TracksOptions {
  video: HTMLVideoElement;
  profile: Accessor<ViewerProfile | null>;
  flash: (text: string) => void;
}

export class TracksController implements PlayerController {
  /** This device's stored choices (read once; written on every change). */
  readonly prefs: PlayerPrefs = loadPrefs();
  readonly subtitleStyle: Accessor<SubtitleStyle>;
  private readonly setSubtitleStyle: (v: SubtitleStyle | ((s: SubtitleStyle) => SubtitleStyle)) => void;
  private readonly o: TracksOptions;
  private engine: PlaybackEngine | undefined;
  private lastSubtitleLanguage: string | null;
  private profileSaveTimer: ReturnType<typeof setTimeout> | undefined;
  private disposeScope: (() => void) | undefined;

  constructor(options: TracksOptions) {
    this.o = options;
    this.lastSubtitleLanguage = this.prefs.subtitles.language;
    const [style, setStyle] = createSignal<SubtitleStyle>({ size: this.prefs.subtitles.size, background: this.prefs.subtitles.background });
    this.subtitleStyle = style;
    this.setSubtitleStyle = setStyle;
    this.registerListeners();
  }

  /** Starts driving `engine`; from now on a chosen profile's subtitle preferences apply. */
  attachEngine(engine: PlaybackEngine): void {
    this.engine = engine;
    this.disposeScope = reactiveScope(() => {
      createEffect(
        on(
          () => this.o.profile()?.profileId,
          (profileId) => {
            const p = untrack(this.o.profile);
            if (!profileId || !p?.subtitles) return;
            this.setSubtitleStyle({ size: p.subtitles.size, background: p.subtitles.background });
            if (p.subtitles.language !== this.prefs.subtitles.language) engine.setSubtitleLanguage(p.subtitles.language);
            this.persist({ subtitles: { ...p.subtitles } });
            this.lastSubtitleLanguage = p.subtitles.language ?? this.lastSubtitleLanguage;
          },
        ),
      );
    });
  }

  protected registerListeners(): void {
    this.o.video.addEventListener("volumechange", this.onVolumeChange);
  }

  protected unregisterListeners(): void {
    this.o.video.removeEventListener("volumechange", this.onVolumeChange);
  }

  /** Stops; a subtitle change still waiting is saved to the profile now. */
  destroy(): void {
    this.unregisterListeners();
    this.disposeScope?.();
    clearTimeout(this.profileSaveTimer);
    const p = this.o.profile();
    if (this.profileSaveTimer !== undefined && p) saveProfileSubtitles(p.profileId, this.prefs.subtitles);
  }

  chooseQuality(height: number | null): void {
    this.engine?.setQuality(height);
    this.persist({ qualityHeight: height });
    this.o.flash(t("flash.quality", { value: height === null ? t("player.auto") : qualityLabel(height) }));
  }

  chooseSpeed(speed: number): void {
    this.o.video.playbackRate = speed;
    this.persist({ speed });
    this.o.flash(t("flash.speed", { value: speedLabel(speed) }));
  }

  chooseAudio(id: number): void {
    this.engine?.setAudioTrack(id);
    const track = this.engine?.audioTracks().find((t) => t.id === id);
    this.persist({ audioLanguage: track?.language ?? null });
    this.o.flash(t("flash.audio", { value: track?.label ?? t("player.default") }));
  }

  chooseSubtitle(id: number): void {
    this.engine?.setSubtitleTrack(id);
    const track = this.engine?.subtitleTracks().find((t) => t.id === id);
    this.persistSubtitles({ language: track?.language ?? null });
    this.o.flash(track ? t("flash.subtitles", { value: track.label }) : t("flash.subtitlesOff"));
  }

  chooseSubtitleStyle(change: Partial<SubtitleStyle>): void {
    this.setSubtitleStyle((s) => ({ ...s, ...change }));
    this.persistSubtitles(change);
  }

  /** Subtitles off, or back on in the last language used (the C key). */
  toggleCaptions(): void {
    const e = this.engine;
    if (!e || e.subtitleTracks().length === 0) return this.o.flash(t("flash.noSubtitles"));
    if (e.subtitleTrack() >= 0) {
      this.lastSubtitleLanguage = e.subtitleTracks().find((t) => t.id === e.subtitleTrack())?.language ?? this.lastSubtitleLanguage;
      this.chooseSubtitle(-1);
    } else {
      const track = e.subtitleTracks().find((t) => t.language === this.lastSubtitleLanguage) ?? e.subtitleTracks()[0]!;
      this.chooseSubtitle(track.id);
    }
  }

  private persist(change: Partial<PlayerPrefs>): void {
    Object.assign(this.prefs, change);
    savePrefs(this.prefs);
  }

  private persistSubtitles(change: Partial<SubtitlePrefs>): void {
    this.persist({ subtitles: { ...this.prefs.subtitles, ...change } });
    const p = this.o.profile();
    if (!p) return;
    clearTimeout(this.profileSaveTimer);
    this.profileSaveTimer = setTimeout(() => saveProfileSubtitles(p.profileId, this.prefs.subtitles), PROFILE_SAVE_DELAY_MS);
  }

  private readonly onVolumeChange = () => this.persist({ volume: this.o.video.volume, muted: this.o.video.muted });
}
