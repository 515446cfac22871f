/**
 * Finding and running ffmpeg/ffprobe: `FFMPEG_PATH`/`FFPROBE_PATH`, then `PATH`,
 * then the static builds shipped in npm packages (@ffmpeg-installer, @ffprobe-installer).
 * Long encodes show a progress bar read from ffmpeg's own `-progress` output.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface Tool {
  path: string;
  /** Where it came from, for the log line. */
  source: string;
}

function onPath(name: string): string | null {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : null;
}

function fromPackage(pkg: string): string | null {
  try {
    const p = (require(pkg) as { path: string }).path;
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function locate(name: "ffmpeg" | "ffprobe", envVar: string, pkg: string): Tool {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar} points at ${fromEnv}, which does not exist`);
    return { path: fromEnv, source: envVar };
  }
  const path = onPath(name);
  if (path) return { path, source: "PATH" };
  const bundled = fromPackage(pkg);
  if (bundled) return { path: bundled, source: `npm package ${pkg}` };
  throw new Error(`${name} not found: set ${envVar}, install it on PATH, or run npm install (${pkg})`);
}

let tools: { ffmpeg: Tool; ffprobe: Tool } | undefined;

/** The ffmpeg and ffprobe this process uses (resolved once). */
export function ffTools(): { ffmpeg: Tool; ffprobe: Tool } {
  tools ??= {
    ffmpeg: locate("ffmpeg", "FFMPEG_PATH", "@ffmpeg-installer/ffmpeg"),
    ffprobe: locate("ffprobe", "FFPROBE_PATH", "@ffprobe-installer/ffprobe"),
  };
  return tools;
}

/** Runs a binary and collects stdout (as a Buffer) and stderr; rejects on a non-zero exit. */
export function capture(path: string, args: string[]): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve({ stdout: Buffer.concat(out), stderr: err });
      else reject(new Error(`${path.split("/").at(-1)} exited with ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}`));
    });
  });
}

export interface ProgressOptions {
  /** Length of the media being processed, to turn out_time into a percentage. */
  durationSeconds: number;
  label: string;
  /** Print a progress bar (default: when stderr is a terminal or MARQUEE_PROGRESS=1). */
  show?: boolean;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** One progress line: `label [#####.....] 42% 3.1x ETA 00:12`. */
export function progressLine(label: string, fraction: number, speed: number, etaSeconds: number, width = 24): string {
  const f = Math.min(Math.max(fraction, 0), 1);
  const filled = Math.round(f * width);
  return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${speed.toFixed(1)}x ETA ${formatEta(etaSeconds)}`;
}

/** Runs ffmpeg with `-progress pipe:1`, drawing a progress bar (percent, speed, ETA) on stderr. */
export function runFfmpeg(args: string[], progress: ProgressOptions): Promise<void> {
  const { ffmpeg } = ffTools();
  const show = progress.show ?? (process.stderr.isTTY || process.env.MARQUEE_PROGRESS === "1");
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg.path, ["-hide_banner", "-nostats", "-loglevel", "error", "-progress", "pipe:1", "-y", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const started = performance.now();
    let speed = 0;
    let err = "";
    let buffered = "";
    let lastDraw = 0;
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      buffered += d;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [key, value] = line.split("=");
        if ((key === "out_time_us" || key === "out_time_ms") && show && value) {
          const doneSeconds = Number(value) / 1e6;
          const wallSeconds = (performance.now() - started) / 1000;
          speed = wallSeconds > 0 ? doneSeconds / wallSeconds : 0;
          const fraction = doneSeconds / progress.durationSeconds;
          const now = performance.now();
          if (now - lastDraw > 200) {
            lastDraw = now;
            process.stderr.write(`\r${progressLine(progress.label, fraction, speed, speed > 0 ? (progress.durationSeconds - doneSeconds) / speed : Infinity)}`);
          }
        }
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const overall = progress.durationSeconds / Math.max((performance.now() - started) / 1000, 0.001);
      if (show) process.stderr.write(`\r${progressLine(progress.label, code === 0 ? 1 : 0, code === 0 ? overall : speed, 0)}\n`);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg failed (${code}): ${err.trim().split("\n").slice(-4).join(" | ")}`));
    });
  });
}
