/** Subtitles: SRT converted to WebVTT, VTT passed through (validated), each offered as a one-segment HLS playlist. */

const SRT_TIME = /(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})/g;

/** Converts SRT text to WebVTT (timestamps with dots, cue numbers dropped, tags kept). */
export function srtToVtt(srt: string): string {
  const text = srt.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").trim();
  const cues = text.split(/\n{2,}/).flatMap((block) => {
    const lines = block.split("\n");
    const timing = lines.findIndex((l) => l.includes("-->"));
    if (timing < 0) return [];
    const time = lines[timing]!.replace(SRT_TIME, (_m, h, m, s, ms) => `${h.padStart(2, "0")}:${m}:${s}.${ms.padEnd(3, "0")}`);
    const body = lines.slice(timing + 1).filter((l) => l.trim() !== "");
    if (body.length === 0) return [];
    return [`${time}\n${body.join("\n")}`];
  });
  return `WEBVTT\n\n${cues.join("\n\n")}\n`;
}

/** Normalises a subtitle file to WebVTT; throws when it holds no cues. */
export function toWebVtt(text: string, fileName: string): string {
  const clean = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const vtt = /^WEBVTT/.test(clean) ? clean : srtToVtt(clean);
  if (!vtt.includes("-->")) throw new Error(`${fileName}: no subtitle cues found`);
  return vtt.endsWith("\n") ? vtt : `${vtt}\n`;
}

/** A VOD media playlist holding the whole WebVTT file as one segment. */
export function subtitlePlaylist(durationSeconds: number, vttName = "subtitles.vtt"): string {
  const target = Math.ceil(durationSeconds);
  return `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:${target}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:${durationSeconds.toFixed(3)},\n${vttName}\n#EXT-X-ENDLIST\n`;
}
