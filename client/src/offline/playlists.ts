/**
 * The playlists of a download (pure, no storage): which files a media
 * playlist names, the playlist as stored offline (token-free URIs are already
 * relative; the #EXT-X-KEY lines go, as the keys come from the stored
 * licence), and the one-rendition master written for it.
 */
import type { DownloadGranted } from "../data/api.ts";

/** The media URIs a playlist names (init segment and segments), relative to the playlist. */
export function playlistUris(text: string): string[] {
  const uris: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#EXT-X-MAP:")) {
      const m = /URI="([^"]+)"/.exec(line);
      if (m) uris.push(m[1]!);
    } else if (line && !line.startsWith("#")) uris.push(line);
  }
  return uris;
}

/** The playlist as stored: without #EXT-X-KEY lines (the keys come from the stored licence). */
export function offlinePlaylist(text: string): string {
  return text.split(/\r?\n/).filter((l) => !l.startsWith("#EXT-X-KEY")).join("\n");
}

/** `uri` resolved against `playlistPath`, as a path under the media folder. */
export function resolvePath(playlistPath: string, uri: string): string {
  return new URL(uri, `https://media.invalid/${playlistPath}`).pathname.slice(1);
}

const quote = (s: string | null | undefined) => `"${(s ?? "").replaceAll('"', "'")}"`;

/** The master playlist of a download: its one rendition, its audio and its subtitle tracks. */
export function offlineMaster(media: DownloadGranted["media"]): string {
  const v = media.video;
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"];
  const a = media.audio;
  if (a) lines.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME=${quote(a.label ?? a.language ?? "Audio")},${a.language ? `LANGUAGE=${quote(a.language)},` : ""}DEFAULT=YES,AUTOSELECT=YES${a.channels ? `,CHANNELS="${a.channels}"` : ""},URI=${quote(a.path)}`);
  for (const s of media.subtitles) {
    lines.push(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME=${quote(s.label)},LANGUAGE=${quote(s.language)},DEFAULT=${s.isDefault ? "YES" : "NO"},AUTOSELECT=YES,FORCED=${s.isForced ? "YES" : "NO"},URI=${quote(s.path)}`);
  }
  const codecs = [v.codecs, a?.codecs].filter(Boolean).join(",");
  const attrs = [
    `BANDWIDTH=${v.bandwidthBps + (a?.bandwidthBps ?? 0)}`,
    `AVERAGE-BANDWIDTH=${v.averageBandwidthBps}`,
    v.width && v.height ? `RESOLUTION=${v.width}x${v.height}` : "",
    `CODECS=${quote(codecs)}`,
    v.frameRate ? `FRAME-RATE=${v.frameRate.toFixed(3)}` : "",
    a ? 'AUDIO="aud"' : "",
    media.subtitles.length ? 'SUBTITLES="subs"' : "",
  ].filter(Boolean);
  lines.push(`#EXT-X-STREAM-INF:${attrs.join(",")}`, v.path, "");
  return lines.join("\n");
}

/**
 * The files hls.js reads before the first frame: every playlist, and the first
 * two files each playlist lists (its init segment and first segment), in the
 * order the downloader planned them (playlist, then its files).
 */
export function startFiles(files: { path: string }[]): string[] {
  const out: string[] = [];
  let afterPlaylist = 0;
  for (const { path } of files) {
    if (path.endsWith(".m3u8")) {
      out.push(path);
      afterPlaylist = path === "master.m3u8" ? 0 : 2;
    } else if (afterPlaylist > 0) {
      out.push(path);
      afterPlaylist--;
    }
  }
  return out;
}
