/**
 * The resume offer, client side of resume sync: at the start, "Resume from
 * 12:34" when the playback answer carries a resumable position; while the
 * player is open, the same offer when another device of the profile saves a
 * newer position (live sync, data/progress.ts) — for this episode, or another
 * episode of the series. Each saved position is considered once: arriving
 * mid-play it is ignored, not offered at the next pause.
 */
import { createEffect, createSignal, on, onCleanup, untrack, type Accessor } from "solid-js";
import type { Playback } from "../../data/api.ts";
import { acquireLiveProgress, deviceId, type ProgressEntry } from "../../data/progress.ts";
import type { ResumeOffer } from "../overlays.tsx";
import type { ViewerProfile } from "../profile.ts";
import { resumeOffer, worthResuming, type ResumeField } from "../start.ts";
import { reactiveScope, type PlayerController } from "./controller.ts";
import type { MediaState } from "./media-state.ts";

/** A position this close to where the player is is no news. */
const SAME_PLACE_S = 5;

export interface ResumeOfferOptions {
  video: HTMLVideoElement;
  playback: Playback;
  titleId: number;
  episodeId: number | null;
  /** A `?t=` start: no offer at the start. */
  startAt: number | undefined;
  media: MediaState;
  profile: Accessor<ViewerProfile | null>;
  /** Seek and play (accepting an offer for this episode). */
  seekTo: (seconds: number) => void;
  play: () => void;
  /** Switch to another episode at a position; without it, offers for other episodes are not made. */
  onEpisode?: (episodeId: number, atSeconds?: number) => void;
}

export class ResumeOfferController implements PlayerController {
  /** The resume position the playback answer carried (null: none). */
  readonly resume: ResumeField;
  /** The offer made at the start, if any. */
  readonly startOffer: ResumeOffer | null;
  /** The offer on screen, if any. */
  readonly offer: Accessor<ResumeOffer | null>;
  private readonly setOffer: (v: ResumeOffer | null | ((o: ResumeOffer | null) => ResumeOffer | null)) => void;
  private readonly o: ResumeOfferOptions;
  private readonly myDevice = deviceId();
  private liveBaseline = 0;
  private readonly disposeScope: () => void;

  constructor(options: ResumeOfferOptions) {
    this.o = options;
    this.resume = ((options.playback as { resume?: ResumeField }).resume ?? null) as ResumeField;
    const resumable = resumeOffer({ resume: this.resume, durationSeconds: options.playback.durationSeconds ?? 0 }, options.startAt);
    this.startOffer = resumable ? { positionSeconds: resumable.positionSeconds, deviceName: resumable.deviceName, source: "start" } : null;
    const [offer, setOffer] = createSignal<ResumeOffer | null>(this.startOffer);
    this.offer = offer;
    this.setOffer = setOffer;
    this.registerListeners();
    this.disposeScope = reactiveScope(() => this.followLiveSync());
  }

  protected registerListeners(): void {
    this.o.video.addEventListener("play", this.onPlay);
    this.o.video.addEventListener("playing", this.onPlaying);
  }

  protected unregisterListeners(): void {
    this.o.video.removeEventListener("play", this.onPlay);
    this.o.video.removeEventListener("playing", this.onPlaying);
  }

  destroy(): void {
    this.unregisterListeners();
    this.disposeScope();
  }

  /** Takes the offer: seek there and play, or switch to its episode. */
  accept(offer: ResumeOffer): void {
    if (offer.episodeId) return this.o.onEpisode?.(offer.episodeId, offer.positionSeconds);
    this.o.seekTo(offer.positionSeconds);
    this.o.play();
  }

  /** The offer goes away (declined, or answered by pressing Play). */
  dismiss(): void {
    this.setOffer(null);
  }

  /** Signed in with a profile: join live sync and offer newer positions saved elsewhere. */
  private followLiveSync(): void {
    const [latest, setLatest] = createSignal<Accessor<ReadonlyMap<number, ProgressEntry>> | null>(null);
    createEffect(
      on(
        () => this.o.profile()?.profileId,
        (profileId) => {
          if (!profileId) return;
          const live = acquireLiveProgress(profileId);
          this.liveBaseline = Math.max(this.resume?.updatedAt ?? 0, live.latest().get(this.o.titleId)?.updatedAt ?? 0);
          setLatest(() => live.latest);
          onCleanup(() => (setLatest(null), live.release()));
        },
      ),
    );
    createEffect(() => {
      const entries = latest();
      if (entries) {
        const entry = entries().get(this.o.titleId);
        untrack(() => this.liveOffer(entry));
      }
    });
  }

  private liveOffer(entry: ProgressEntry | undefined): void {
    if (!entry || entry.deviceId === this.myDevice || entry.finished || entry.updatedAt <= this.liveBaseline) return;
    this.liveBaseline = entry.updatedAt;
    // "Resume from 0:00" (another device just opened the title) or from the very end is no offer.
    if (!worthResuming(entry.positionSeconds, entry.durationSeconds)) return;
    const { media, video } = this.o;
    if (media.playing() && media.started()) return;
    const sameEpisode = (entry.episodeId ?? null) === this.o.episodeId;
    if (sameEpisode && Math.abs(entry.positionSeconds - video.currentTime) < SAME_PLACE_S) return;
    if (!sameEpisode && (entry.episodeId === null || !this.o.onEpisode)) return;
    this.setOffer({ positionSeconds: entry.positionSeconds, deviceName: entry.deviceName || null, source: "live", episodeId: sameEpisode ? null : entry.episodeId });
  }

  private readonly onPlay = () => this.setOffer((o) => (o?.source === "live" ? null : o));
  private readonly onPlaying = () => this.setOffer(null);
}
