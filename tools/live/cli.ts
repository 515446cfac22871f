/**
 * `npm run live -- <file | --test-pattern> --channel <slug>`: goes live on a
 * channel of the local site (`npm start`), or of a deployed one with
 * `--remote URL`. Creates the channel the first time (see channel.ts), encodes in
 * real time with ffmpeg and pushes parts to the ingest endpoint. Ctrl-C ends the
 * broadcast (ENDLIST; the recording becomes the title's VOD); a killed run
 * leaves it live, and the next run continues it after a discontinuity.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ffTools } from "../ingest/ffmpeg.ts";
import { localTarget, remoteTarget } from "../ingest/publish.ts";
import { CHANNEL_SLUG } from "../../worker/live/edge.ts";
import { ensureChannel, savedSecret } from "./channel.ts";
import { AUDIO_KBPS, codecsOf, completedFragments, FRAME_RATE, ffmpegArgs, ingestRequest, LIVE_RUNGS, pushRendition, startFfmpeg, type Pusher } from "./encoder.ts";

const USAGE = `usage: npm run live -- <source file | --test-pattern> --channel <slug> [options]
  --channel SLUG            the channel (created on first use, with a title "Live: SLUG" unless --title)
  --title ID                attach a new channel to this catalog title
  --heights 360,540         rungs (default 360,540; any of ${LIVE_RUNGS.map((r) => r.height).join(",")})
  --part-seconds 1          part duration (a keyframe each)
  --parts-per-segment 4     parts to a segment (segment = 4 s)
  --standard                standard HLS instead of LL-HLS: 4 s segments, no parts (bench:live's latency baseline)
  --dvr-seconds 7200        DVR window of a new channel
  --duration SECONDS        stop (and end the broadcast) after this long
  --new                     start a new broadcast even if one is live
  --url URL                 the local site (default http://127.0.0.1:8787)
  --persist-to DIR          local wrangler state (default .wrangler/state)
  --remote URL              a deployed site (the channel is created in its D1 through wrangler)
  --secret SECRET           the channel's ingest secret (else the saved one, else MARQUEE_LIVE_SECRET)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      channel: { type: "string" },
      title: { type: "string" },
      "test-pattern": { type: "boolean", default: false },
      standard: { type: "boolean", default: false },
      heights: { type: "string", default: "360,540" },
      "part-seconds": { type: "string", default: "1" },
      "parts-per-segment": { type: "string", default: "4" },
      "dvr-seconds": { type: "string", default: "7200" },
      duration: { type: "string" },
      new: { type: "boolean", default: false },
      url: { type: "string", default: "http://127.0.0.1:8787" },
      "persist-to": { type: "string" },
      remote: { type: "string" },
      secret: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  const number = (name: string, raw: string | undefined, min: number, max: number) => {
    const n = Number(raw);
    if (raw === undefined || !Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  if (values.help) return console.log(USAGE), 0;
  const slug = values.channel;
  if (!slug || !CHANNEL_SLUG.test(slug)) throw new Error(`--channel must be a slug (a-z, 0-9, -)\n${USAGE}`);
  const file = positionals[0];
  if (!file && !values["test-pattern"]) throw new Error(`give a source file or --test-pattern\n${USAGE}`);
  const heights = values.heights.split(",").map((h) => Number(h));
  const rungs = LIVE_RUNGS.filter((r) => heights.includes(r.height));
  if (rungs.length !== heights.length) throw new Error(`--heights: choose from ${LIVE_RUNGS.map((r) => r.height).join(",")}`);
  // Standard HLS: each 4 s segment is pushed as the one part of its segment, and the playlists list segments only.
  const lowLatency = !values.standard;
  const partSeconds = lowLatency ? number("part-seconds", values["part-seconds"], 0.5, 2) : 4;
  const partsPerSegment = lowLatency ? number("parts-per-segment", values["parts-per-segment"], 1, 12) : 1;
  const durationSeconds = values.duration === undefined ? undefined : number("duration", values.duration, 1, 86_400);
  const log = (line: string) => console.log(`live: ${line}`);

  const remote = values.remote !== undefined;
  const url = (values.remote ?? values.url).replace(/\/$/, "");
  // Locally the channel is always checked (and created) in the state; remotely a given or saved secret is trusted.
  let secret = values.secret ?? process.env.MARQUEE_LIVE_SECRET ?? (remote ? savedSecret(slug, remote) : undefined);
  if (!secret) {
    const target = remote ? remoteTarget("marquee-media") : await localTarget(values["persist-to"]);
    try {
      secret = await ensureChannel(target, slug, {
        titleId: values.title === undefined ? undefined : number("title", values.title, 1, Number.MAX_SAFE_INTEGER),
        remote,
        dvrWindowSeconds: number("dvr-seconds", values["dvr-seconds"], 60, 7 * 86_400),
        log,
      });
    } finally {
      await target.close();
    }
  }
  const pusher: Pusher = { url, slug, secret, log };

  const { ffmpeg } = ffTools();
  log(`ffmpeg: ${ffmpeg.path} (${ffmpeg.source})`);
  const dir = mkdtempSync(join(tmpdir(), "marquee-live-"));
  const run = startFfmpeg(ffmpeg.path, ffmpegArgs({ file, testPattern: values["test-pattern"] }, rungs, partSeconds, dir));
  let stopping = false;
  let ffmpegExited = false;
  run.exited.then(() => (ffmpegExited = true));
  const stop = () => {
    if (stopping) return;
    stopping = true;
    run.child.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  if (durationSeconds !== undefined) setTimeout(stop, durationSeconds * 1000).unref();

  // The inits tell the codecs (read once ffmpeg lists a first fragment, so the init is complete); then the broadcast starts (or continues) and parts flow.
  while (!rungs.every((r) => completedFragments(join(dir, r.name)).length > 0)) {
    if (ffmpegExited) throw new Error("ffmpeg stopped before writing its first fragment");
    await new Promise((r) => setTimeout(r, 50));
  }
  const start = await ingestRequest(pusher, "POST", "start", JSON.stringify({
    renditions: rungs.map((r) => ({
      name: r.name, width: r.width, height: r.height, frameRate: FRAME_RATE,
      bandwidthBps: Math.round((r.videoKbps * 1.1 + AUDIO_KBPS) * 1000),
      codecs: codecsOf(readFileSync(join(dir, r.name, "init.mp4"))),
    })),
    partTargetSeconds: partSeconds,
    partsPerSegment,
    resume: !values.new,
    lowLatency,
  }), "application/json");
  if (!start.ok) throw new Error(`start: ${start.status} ${await start.text()}`);
  const { folder, nextMsn, resumed } = (await start.json()) as { folder: string; nextMsn: number; resumed: boolean };
  log(`${resumed ? "continuing" : "started"} broadcast ${folder} at segment ${nextMsn} on ${url} (${rungs.map((r) => r.name).join(", ")}; ${lowLatency ? `${partSeconds} s parts, ${partsPerSegment} a segment` : `standard HLS, ${partSeconds} s segments`})`);
  let parts = 0;
  const pushed = rungs.map((r) =>
    pushRendition(pusher, r, join(dir, r.name), nextMsn, partsPerSegment, () => ffmpegExited, () => {
      parts++;
      if (parts % (20 * rungs.length) === 0) log(`${parts / rungs.length} parts pushed per rendition`);
    }),
  );
  try {
    await Promise.all(pushed);
  } catch (err) {
    stop();
    throw err;
  }
  const code = await run.exited;
  rmSync(dir, { recursive: true, force: true });
  if (!stopping) throw new Error(`ffmpeg exited on its own (code ${code})`);
  const end = await ingestRequest(pusher, "POST", "end", undefined, "application/json");
  log(end.ok ? `ended: ${JSON.stringify(await end.json())}` : `end: ${end.status} ${await end.text()}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`live: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
