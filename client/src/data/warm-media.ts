/**
 * What to fetch before Play for one prepared playback (data/prefetch.ts): the
 * master playlist, then the start rendition's and the audio's media playlists,
 * then their init segments and the segments at the start position — the
 * requests hls.js makes first, with the same choices (player/start.ts rules,
 * the viewer's stored quality and audio language).
 */
import type { Playback } from "./api.ts";
import { absolute, type MediaPrefetch } from "./media-prefetch.ts";
import { warmKeySystem } from "../player/key-system.ts";
import { firstPlaylists, readMaster, segmentsAt } from "../player/playlists.ts";
import { loadPrefs } from "../player/prefs.ts";
import { preferredAudioLanguage } from "../player/profile.ts";
import { startPositionSeconds } from "../player/start.ts";
import { videoRanges } from "../player/video-range.ts";

const saveData = () => (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;

/** Fetches the playlists and first segments hls.js will ask for, at the start position (Save-Data: playlists only). */
export async function warmMedia(playback: Playback, media: MediaPrefetch, startAt: number | undefined): Promise<void> {
  const prefs = loadPrefs();
  const masterUrl = absolute(playback.masterUrl);
  const masterText = new TextDecoder().decode((await media.fetch(masterUrl)).data);
  const master = readMaster(masterText, masterUrl);
  // An encrypted title: the decryption module gets ready now rather than after Play (player/key-system.ts).
  const keyFormat = playback.licence.keySystem.replaceAll(".", "\\.");
  if (new RegExp(`^#EXT-X-SESSION-KEY:.*KEYFORMAT="${keyFormat}"`, "m").test(masterText)) {
    warmKeySystem(playback.licence.keySystem, master.variants.flatMap((v) => (v.codecs ? [v.codecs] : [])));
  }
  const first = firstPlaylists(master, prefs.qualityHeight, preferredAudioLanguage(prefs.audioLanguage), undefined, await videoRanges());
  if (!first) return;
  media.startRung = { heightPx: first.heightPx, bitrateBps: first.bitrateBps };
  const positionS = startPositionSeconds(playback, startAt);
  const playlists = [first.video, first.audio].filter((u): u is string => u !== null);
  await Promise.all(
    playlists.map(async (url) => {
      const text = new TextDecoder().decode((await media.fetch(url)).data);
      if (saveData()) return;
      const { init, segment } = segmentsAt(text, url, positionS);
      for (const u of [init, segment]) if (u) void media.fetch(u).catch(() => {});
    }),
  );
}
