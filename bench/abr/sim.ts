/**
 * A trace-driven ABR simulator on a simulated clock (no wall time), shaped like
 * Pensieve's fixed environment (sim/fixed_env.py): a download's time integrates
 * the trace's throughput × 0.95 (payload share), plus one RTT before the first
 * byte; the trace loops; the buffer is capped (the player idles in 0.5 s steps
 * above it); every algorithm starts at the same point of the same trace.
 * Controllers see only what a player sees: declared bitrates, their own
 * downloads (bytes, time, time to first byte), the buffer and the clock; never
 * the trace, and never the size of a segment before it arrives.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const PAYLOAD_SHARE = 0.95;
export const RTT_S = 0.08;
export const DRAIN_STEP_S = 0.5;
/** Pensieve's linear QoE: bitrate (Mbps) − 4.3 × rebuffer (s) − |Δbitrate| (Mbps). */
export const REBUFFER_PENALTY = 4.3;

export interface Trace {
  name: string;
  /** Seconds from 0, ascending. */
  timesS: number[];
  mbps: number[];
}

/** Parses Pensieve's format ("time_s Mbps" per line); times are shifted to start at 0. */
export function parseTrace(name: string, text: string): Trace {
  const timesS: number[] = [];
  const mbps: number[] = [];
  for (const line of text.split("\n")) {
    const [t, b] = line.trim().split(/\s+/).map(Number);
    if (t === undefined || b === undefined || !Number.isFinite(t) || !Number.isFinite(b)) continue;
    // Drop repeated or out-of-order timestamps (a zero-length span carries nothing).
    if (timesS.length && t <= timesS[timesS.length - 1]!) continue;
    timesS.push(t);
    mbps.push(Math.max(0, b));
  }
  const t0 = timesS[0] ?? 0;
  return { name, timesS: timesS.map((t) => t - t0), mbps };
}

/** Every trace file in a folder (sorted by name), skipping ones too short to loop. */
export function loadTraces(dir: string): Trace[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith("."))
    .sort()
    .map((f) => parseTrace(f, readFileSync(join(dir, f), "utf8")))
    .filter((t) => t.timesS.length >= 3 && t.timesS[t.timesS.length - 1]! > 0 && t.mbps.slice(1).some((b) => b > 0));
}

/**
 * The network: Pensieve's link model. Sample i's throughput holds over
 * (t[i-1], t[i]]; at the end the trace loops to its start.
 */
export class Link {
  private ptr = 1;
  private lastS = 0;
  readonly trace: Trace;

  constructor(trace: Trace) {
    this.trace = trace;
  }

  private advance(): void {
    this.lastS = this.trace.timesS[this.ptr]!;
    this.ptr++;
    if (this.ptr >= this.trace.timesS.length) {
      this.ptr = 1;
      this.lastS = 0;
    }
  }

  /**
   * Receives up to `bytes` within at most `budgetS` seconds; returns the bytes
   * received and the seconds spent (stops early when the bytes are done).
   */
  receive(bytes: number, budgetS: number): { bytes: number; seconds: number } {
    let got = 0;
    let spent = 0;
    for (let guard = 0; guard < 1e7; guard++) {
      const bytesPerS = (this.trace.mbps[this.ptr]! * 1e6) / 8 * PAYLOAD_SHARE;
      const spanS = this.trace.timesS[this.ptr]! - this.lastS;
      const leftS = budgetS - spent;
      const canS = Math.min(spanS, leftS);
      if (bytesPerS > 0 && got + bytesPerS * canS >= bytes) {
        const needS = (bytes - got) / bytesPerS;
        this.lastS += needS;
        return { bytes, seconds: spent + needS };
      }
      got += bytesPerS * canS;
      spent += canS;
      if (canS < spanS) {
        this.lastS += canS;
        return { bytes: got, seconds: spent };
      }
      this.advance();
    }
    throw new Error(`trace ${this.trace.name} delivers nothing`);
  }

  /** Lets time pass with nothing on the wire. */
  idle(seconds: number): void {
    let left = seconds;
    for (;;) {
      const spanS = this.trace.timesS[this.ptr]! - this.lastS;
      if (spanS > left) {
        this.lastS += left;
        return;
      }
      left -= spanS;
      this.advance();
    }
  }
}

export interface Video {
  name: string;
  segmentS: number;
  bitratesBps: number[];
  heightsPx: number[];
  /** sizesBytes[level][segment] */
  sizesBytes: number[][];
}

export interface Download {
  level: number;
  bytes: number;
  /** From request to last byte, seconds (RTT included). */
  seconds: number;
  ttfbS: number;
  endS: number;
  abandoned: boolean;
}

/** What a player knows when it picks the next segment. */
export interface PlayerView {
  nowS: number;
  bufferS: number;
  playing: boolean;
  segmentIndex: number;
  segmentsLeft: number;
  segmentS: number;
  /** The most the player buffers ahead (its own setting: hls.js's maxBufferLength). */
  bufferCapS: number;
  bitratesBps: readonly number[];
  heightsPx: readonly number[];
  /** Rung of the last segment buffered, -1 before the first. */
  lastLevel: number;
  /** Every download so far, abandoned ones included, oldest first. */
  downloads: readonly Download[];
  /** Became true once since the last call if the buffer ran dry while playing. */
  stalledSinceLastCall: boolean;
}

/** What a player knows while a download is in flight. */
export interface Progress {
  level: number;
  loadedBytes: number;
  /** Declared bitrate × duration (the real size is not known before it arrives). */
  expectedBytes: number;
  elapsedS: number;
  ttfbS: number;
  bufferS: number;
  playing: boolean;
  nowS: number;
}

export interface Choice {
  level: number;
  /** Fetch but throw away (hls.js's bandwidth-test fragment). */
  probe?: boolean;
  /** Pause this many seconds (at most the buffer) before requesting (BOLA's pause). */
  delayS?: number;
}

export interface Algorithm {
  readonly name: string;
  choose(view: PlayerView): Choice;
  /** Called every PROGRESS_STEP_S during a download: a rung to abandon for, or -1. */
  progress?(view: PlayerView, p: Progress): number;
  /** Called once when the session ends (the last segment in), as the player's controller is destroyed. */
  end?(view: PlayerView): void;
}

export interface SessionResult {
  /** Mean per-segment QoE_lin over segments 2..N (Pensieve's convention: the first segment's startup is left out). */
  qoe: number;
  meanBitrateMbps: number;
  rebufferS: number;
  /** Stall time / (stall + playback), startup excluded. */
  rebufferRatio: number;
  startupS: number;
  switches: number;
  abandoned: number;
  levels: number[];
  /** Simulated time each segment finished downloading (seconds from the session's start). */
  levelEndS: number[];
  /** Stall charged to each segment (the first one's is startup, not a stall). */
  stallsS: number[];
}

export const PROGRESS_STEP_S = 0.1;

export interface SimOptions {
  bufferCapS: number;
  /** Start this far into the trace (tuning draws several sessions from one long trace). */
  startS?: number;
}

/** Plays one video over one trace with one algorithm. */
export function simulate(video: Video, trace: Trace, algorithm: Algorithm, options: SimOptions): SessionResult {
  const link = new Link(trace);
  if (options.startS) link.idle(options.startS);
  const n = video.sizesBytes[0]!.length;
  const downloads: Download[] = [];
  const levels: number[] = [];
  const levelEndS: number[] = [];
  const stallPerSegment: number[] = [];
  let nowS = 0;
  let bufferS = 0;
  let playing = false;
  let startupS = 0;
  let stalled = false;
  let abandonedCount = 0;

  /** Time passes: the buffer drains while playing, stalls accumulate. */
  const pass = (seconds: number): number => {
    nowS += seconds;
    if (!playing) return 0;
    if (bufferS >= seconds) {
      bufferS -= seconds;
      return 0;
    }
    const stall = seconds - bufferS;
    stalled = true;
    bufferS = 0;
    return stall;
  };

  const view = (i: number): PlayerView => {
    const v: PlayerView = {
      nowS,
      bufferS,
      playing,
      segmentIndex: i,
      segmentsLeft: n - i,
      segmentS: video.segmentS,
      bufferCapS: options.bufferCapS,
      bitratesBps: video.bitratesBps,
      heightsPx: video.heightsPx,
      lastLevel: levels.length ? levels[levels.length - 1]! : -1,
      downloads,
      stalledSinceLastCall: stalled,
    };
    stalled = false;
    return v;
  };

  for (let i = 0; i < n; ) {
    let choice = algorithm.choose(view(i));
    if (choice.delayS && choice.delayS > 0 && playing) {
      const wait = Math.min(choice.delayS, bufferS);
      link.idle(wait);
      pass(wait);
    }
    let stallS = 0;
    for (;;) {
      const level = Math.max(0, Math.min(video.bitratesBps.length - 1, Math.floor(choice.level)));
      const size = video.sizesBytes[level]![i]!;
      const startS = nowS;
      link.idle(RTT_S);
      stallS += pass(RTT_S);
      let loaded = 0;
      let abandonFor = -1;
      while (loaded < size) {
        const step = link.receive(size - loaded, algorithm.progress && playing ? PROGRESS_STEP_S : Number.POSITIVE_INFINITY);
        loaded += step.bytes;
        stallS += pass(step.seconds);
        if (loaded < size && algorithm.progress && playing) {
          abandonFor = algorithm.progress(view(i), {
            level,
            loadedBytes: loaded,
            expectedBytes: (video.bitratesBps[level]! * video.segmentS) / 8,
            elapsedS: nowS - startS,
            ttfbS: RTT_S,
            bufferS,
            playing,
            nowS,
          });
          if (abandonFor >= 0 && abandonFor < level) break;
          abandonFor = -1;
        }
      }
      const abandoned = abandonFor >= 0;
      downloads.push({ level, bytes: loaded, seconds: nowS - startS, ttfbS: RTT_S, endS: nowS, abandoned });
      if (abandoned) {
        abandonedCount++;
        choice = { level: abandonFor };
        continue;
      }
      if (choice.probe) {
        choice = algorithm.choose(view(i));
        continue;
      }
      levels.push(level);
      levelEndS.push(nowS);
      break;
    }
    if (!playing) {
      startupS = nowS;
      playing = true;
      stallS = 0;
    }
    stallPerSegment.push(stallS);
    bufferS += video.segmentS;
    i++;
    if (bufferS > options.bufferCapS) {
      const sleepS = Math.ceil((bufferS - options.bufferCapS) / DRAIN_STEP_S) * DRAIN_STEP_S;
      link.idle(sleepS);
      pass(sleepS);
    }
  }

  algorithm.end?.(view(n));
  let qoeSum = 0;
  let switches = 0;
  let bitrateSum = 0;
  for (let k = 0; k < n; k++) {
    const mbps = video.bitratesBps[levels[k]!]! / 1e6;
    bitrateSum += mbps;
    if (k === 0) continue;
    const prev = video.bitratesBps[levels[k - 1]!]! / 1e6;
    if (levels[k] !== levels[k - 1]) switches++;
    qoeSum += mbps - REBUFFER_PENALTY * stallPerSegment[k]! - Math.abs(mbps - prev);
  }
  const rebufferS = stallPerSegment.slice(1).reduce((a, b) => a + b, 0);
  const playedS = n * video.segmentS;
  return {
    qoe: qoeSum / (n - 1),
    meanBitrateMbps: bitrateSum / n,
    rebufferS,
    rebufferRatio: rebufferS / (rebufferS + playedS),
    startupS,
    switches,
    abandoned: abandonedCount,
    levels,
    levelEndS,
    stallsS: stallPerSegment,
  };
}

/**
 * What a player on this link measured in the `seconds` before the session (the
 * traces loop, so that is the trace's tail): payload bits over time, bits/s —
 * what our controller's estimate (time to first byte taken out) converges to.
 */
export function linkRateBefore(trace: Trace, seconds: number): number {
  const endS = trace.timesS[trace.timesS.length - 1]!;
  const fromS = Math.max(0, endS - seconds);
  let bits = 0;
  for (let i = 1; i < trace.timesS.length; i++) {
    const spanS = Math.max(0, trace.timesS[i]! - Math.max(fromS, trace.timesS[i - 1]!));
    bits += spanS * trace.mbps[i]! * 1e6 * PAYLOAD_SHARE;
  }
  return bits / (endS - fromS);
}

/** Synthetic links of constant throughput (the 0.5–50 Mbps), 20 minutes each. */
export const CONSTANT_LINKS_MBPS = [0.5, 1, 3, 10, 25, 50];
export function constantTraces(mbps: readonly number[] = CONSTANT_LINKS_MBPS): Trace[] {
  return mbps.map((b) => ({ name: `constant-${b}mbps`, timesS: [0, 1200], mbps: [b, b] }));
}

/**
 * Seconds until the first segment at the highest rung the link sustains (declared bitrate ≤ its
 * payload throughput) finished downloading, or null when the session never got there.
 */
export function secondsToSustainableTop(video: Video, linkMbps: number, result: SessionResult): number | null {
  let top = 0;
  for (let q = 0; q < video.bitratesBps.length; q++) if (video.bitratesBps[q]! <= linkMbps * 1e6 * PAYLOAD_SHARE) top = q;
  const i = result.levels.findIndex((l) => l >= top);
  return i < 0 ? null : result.levelEndS[i]!;
}

/** Pensieve's six-rung EnvivioDash3 video with its real chunk sizes (48 × 4 s). */
export function envivioVideo(dir: string): Video {
  const bitratesKbps = [300, 750, 1200, 1850, 2850, 4300];
  const sizesBytes = bitratesKbps.map((_, q) =>
    readFileSync(join(dir, `video_size_${q}`), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .slice(0, 48)
      .map(Number),
  );
  return { name: "envivio", segmentS: 4, bitratesBps: bitratesKbps.map((k) => k * 1000), heightsPx: [180, 360, 432, 576, 720, 1080], sizesBytes };
}

/**
 * Our own ladder (tools/ingest/ladder.ts, 4 s segments as ingest's default), with
 * Envivio's per-segment complexity (each segment's size relative to its rung's
 * mean, averaged over rungs) so segment sizes vary as in a real encode.
 */
export function marqueeVideo(envivio: Video, ladder: { height: number; videoKbps: number }[], name = "marquee"): Video {
  const n = envivio.sizesBytes[0]!.length;
  const rel = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (const row of envivio.sizesBytes) s += row[i]! / (row.reduce((a, b) => a + b, 0) / n);
    return s / envivio.sizesBytes.length;
  });
  const bitratesBps = ladder.map((r) => r.videoKbps * 1000);
  return {
    name,
    segmentS: 4,
    bitratesBps,
    heightsPx: ladder.map((r) => r.height),
    sizesBytes: bitratesBps.map((b) => rel.map((x) => Math.round((b * 4 * x) / 8))),
  };
}
