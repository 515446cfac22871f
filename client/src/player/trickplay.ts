/**
 * Trickplay thumbnails for the seek bar: the asset's WebVTT maps time ranges to
 * a tile of a sprite sheet (`sprite_0001.jpg#xywh=x,y,w,h`). Sheets are fetched
 * (through the token holder, so a renewed token is used) and shown as blob: URLs,
 * which the CSP allows for images whichever CDN pathway served them.
 */

export interface TrickplayCue {
  startS: number;
  endS: number;
  /** Absolute URL of the sprite sheet. */
  sheetUrl: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}(?:\.\d{1,3})?)\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}(?:\.\d{1,3})?)/;
const XYWH = /#xywh=(\d+),(\d+),(\d+),(\d+)\s*$/;

/** "01:02:03.500" or "02:03.5" → seconds. */
export function parseTimestamp(stamp: string): number {
  const parts = stamp.split(":").map(Number);
  return parts.reduce((acc, n) => acc * 60 + n, 0);
}

/** Parses a trickplay WebVTT; sheet URLs are resolved against `baseUrl` (the VTT's own URL). Malformed cues are skipped. */
export function parseTrickplayVtt(text: string, baseUrl: string): TrickplayCue[] {
  const cues: TrickplayCue[] = [];
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    const at = lines.findIndex((l) => TIMING.test(l));
    if (at < 0 || at + 1 >= lines.length) continue;
    const timing = TIMING.exec(lines[at]!)!;
    const payload = lines[at + 1]!.trim();
    const box = XYWH.exec(payload);
    if (!box) continue;
    let sheetUrl: string;
    try {
      sheetUrl = new URL(payload.slice(0, box.index), baseUrl).href;
    } catch {
      continue;
    }
    const [x, y, w, h] = box.slice(1).map(Number) as [number, number, number, number];
    cues.push({ startS: parseTimestamp(timing[1]!), endS: parseTimestamp(timing[2]!), sheetUrl, x, y, w, h });
  }
  return cues.sort((a, b) => a.startS - b.startS);
}

/** The cue showing time `t` (binary search; before the first cue → the first, after the last → the last). */
export function cueAt(cues: readonly TrickplayCue[], t: number): TrickplayCue | undefined {
  if (cues.length === 0) return undefined;
  let lo = 0;
  let hi = cues.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cues[mid]!.startS <= t) lo = mid;
    else hi = mid - 1;
  }
  return cues[lo];
}

/** Loads the VTT once and sprite sheets on demand, as blob: URLs; `destroy` revokes them. */
export class TrickplayStore {
  cues: TrickplayCue[] = [];
  private readonly sheets = new Map<string, Promise<string | undefined>>();
  private readonly blobs: string[] = [];
  private destroyed = false;
  private readonly rewrite: (url: string) => string;
  private readonly get: (url: string) => Promise<Response>;

  /** `rewrite` puts the current playback token into a media URL; `get` fetches one (the API client's fetchMedia). */
  constructor(rewrite: (url: string) => string, get: (url: string) => Promise<Response>) {
    this.rewrite = rewrite;
    this.get = get;
  }

  /** Fetches and parses the VTT; resolves false (no thumbnails) on any failure. */
  async load(vttUrl: string): Promise<boolean> {
    try {
      // Sheets are named relative to the VTT, which the playback API gives as a path.
      const absolute = new URL(vttUrl, location.href).href;
      const res = await this.get(this.rewrite(absolute));
      if (!res.ok) return false;
      this.cues = parseTrickplayVtt(await res.text(), absolute);
      return this.cues.length > 0;
    } catch {
      return false;
    }
  }

  /** A blob: URL for the sheet (fetched once; undefined if it failed). */
  sheet(url: string): Promise<string | undefined> {
    let pending = this.sheets.get(url);
    if (!pending) {
      pending = this.get(this.rewrite(url))
        .then((r) => (r.ok ? r.blob() : undefined))
        .then((blob) => {
          if (!blob || this.destroyed) return undefined;
          const objectUrl = URL.createObjectURL(blob);
          this.blobs.push(objectUrl);
          return objectUrl;
        })
        .catch(() => undefined);
      this.sheets.set(url, pending);
    }
    return pending;
  }

  destroy(): void {
    this.destroyed = true;
    for (const b of this.blobs) URL.revokeObjectURL(b);
    this.blobs.length = 0;
    this.sheets.clear();
  }
}
