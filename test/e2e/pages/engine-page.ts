/**
 * A bare page around the player's own PlaybackEngine (client/src/player/engine.ts),
 * bundled by a browser test and served beside a packaged asset folder: it plays
 * `/a/master.m3u8` from the start, Auto, and exposes the engine's hls.js as
 * `window.__marqueeHls` (the engine's debug switch).
 */
import type { Playback } from "../../../client/src/data/api.ts";
import { PlaybackEngine } from "../../../client/src/player/engine.ts";
import { TokenHolder } from "../../../client/src/player/token-holder.ts";

const video = document.querySelector("video")!;
const playback = { masterUrl: "/a/master.m3u8", assetId: "a" } as unknown as Playback;
(window as unknown as { engine: PlaybackEngine }).engine = new PlaybackEngine(video, {
  playback, holder: new TokenHolder(""), debug: true, startPosition: -1, autoplay: true,
  qualityHeight: null, audioLanguage: null, subtitleLanguage: null,
});
