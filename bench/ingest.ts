/**
 * `npm run bench:ingest [-- --seconds 20 --runs 3 --preset veryfast --source FILE]`
 *
 * Encode speed of the ingest ladder. Generates a synthetic 1280×720 source with
 * real detail (testsrc2 plus temporal noise, a tone for audio) in a temp folder,
 * then times, round-robin so drift hits every case, `--runs` times each:
 *   - the ladder: the pipeline's own ffmpeg command (`encodeArgs`) writing every
 *     rendition, the audio rendition and the trickplay sprites, as ingest does;
 *   - each rendition alone, same settings (same `encodeArgs`, one rung, no audio/trickplay);
 *   - the baseline: one plain `ffmpeg -i src -c:v libx264 -preset <p> -b:v <top rung> out.mp4`.
 * Prints medians as × realtime and time ratios to the baseline, bytes per
 * rendition from the ladder's files, then one JSON line.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audioDirs, encodeArgs, type EncodePlan } from "../tools/ingest/encode.ts";
import { capture, ffTools, runFfmpeg } from "../tools/ingest/ffmpeg.ts";
import { selectLadder } from "../tools/ingest/ladder.ts";
import { measurePlaylist } from "../tools/ingest/playlists.ts";
import { probeSource } from "../tools/ingest/probe.ts";
import { benchmark, numbers } from "./harness.ts";
import { printTable, round } from "./stats.ts";

const bench = benchmark("ingest", {
  seconds: { type: "string", default: "20" },
  runs: { type: "string", default: "3" },
  preset: { type: "string", default: "veryfast" },
  source: { type: "string" },
  "segment-seconds": { type: "string", default: "4" },
});
const { values } = bench;
const { seconds, runs, "segment-seconds": segmentSeconds } = numbers(values, "seconds", "runs", "segment-seconds");
const preset = values.preset;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const work = mkdtempSync(join(tmpdir(), "marquee-bench-ingest-"));
try {
  const { ffmpeg } = ffTools();
  let sourcePath = values.source;
  if (!sourcePath) {
    sourcePath = join(work, "source.mp4");
    console.log(`generating a ${seconds} s 1280×720 25 fps source (testsrc2 + temporal noise, 440 Hz tone) in ${work}…`);
    // High-quality intermediate (crf 18) so the source's own artefacts do not flatter the ladder encode.
    await capture(ffmpeg.path, [
      "-v", "error", "-y",
      "-f", "lavfi", "-t", String(seconds), "-i", "testsrc2=size=1280x720:rate=25,noise=alls=5:allf=t+u,format=yuv420p",
      "-f", "lavfi", "-t", String(seconds), "-i", "sine=frequency=440:sample_rate=48000",
      "-map", "0:v", "-map", "1:a",
      "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
      "-c:a", "aac", "-b:a", "160k",
      sourcePath,
    ]);
  }
  const source = await probeSource(sourcePath);
  const durationSeconds = source.durationSeconds;
  const ladder = selectLadder(source.video.width, source.video.height);
  const top = ladder.at(-1)!;
  // The same plan prepareAsset builds for the CLI's defaults (4 s segments, 128 kbps audio, trickplay every 2 s under 2 min).
  const plan = (outDir: string): EncodePlan => ({
    source,
    ladder,
    segmentSeconds,
    outDir,
    trickplay: { intervalSeconds: durationSeconds <= 120 ? 2 : 10, tileWidth: 160, tileHeight: 90, columns: 5, rows: 5 },
    preset,
    audioKbps: 128,
  });
  console.log(
    `source: ${source.video.width}×${source.video.height} ${source.video.frameRate} fps, ${round(durationSeconds, 1)} s, ` +
      `${round(statSync(sourcePath).size / 1e6, 1)} MB; ladder ${ladder.map((r) => `${r.height}p@${r.videoKbps}k`).join(", ")}; preset ${preset}; ffmpeg from ${ffmpeg.source}`,
  );

  const cases: { name: string; args: (outDir: string) => string[] }[] = [
    { name: "ladder", args: (dir) => encodeArgs(plan(dir)) },
    ...ladder.map((r) => ({
      name: `${r.height}p`,
      args: (dir: string) => encodeArgs({ ...plan(dir), ladder: [r], trickplay: null, source: { ...source, audio: [] } }),
    })),
    { name: "single", args: (dir) => ["-i", source.path, "-c:v", "libx264", "-preset", preset, "-b:v", `${top.videoKbps}k`, join(dir, "out.mp4")] },
  ];
  const wallSeconds: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
  let ladderDir = "";
  let singleBytes = 0;
  for (let run = 1; run <= runs; run++) {
    for (const c of cases) {
      const dir = join(work, `run${run}-${c.name}`);
      mkdirSync(dir, { recursive: true });
      const args = c.args(dir);
      const started = performance.now();
      await runFfmpeg(args, { durationSeconds, label: c.name, show: false });
      const s = (performance.now() - started) / 1000;
      wallSeconds[c.name]!.push(s);
      console.log(`  run ${run}/${runs} ${c.name.padEnd(7)} ${round(s, 2)} s (${round(durationSeconds / s)}× realtime)`);
      if (c.name === "single") singleBytes = statSync(join(dir, "out.mp4")).size;
      if (c.name === "ladder" && run === runs) ladderDir = dir;
      else rmSync(dir, { recursive: true, force: true });
    }
  }

  const med = (name: string) => median(wallSeconds[name]!);
  const single = med("single");
  const measured = ladder.map((r) => measurePlaylist(ladderDir, `video/${r.height}p`));
  const audio = measurePlaylist(ladderDir, audioDirs(source)[0]!.dir);
  const separatelySeconds = ladder.reduce((t, r) => t + med(`${r.height}p`), 0);
  const rows: (string | number)[][] = [
    ...ladder.map((r, i) => {
      const s = med(`${r.height}p`);
      const m = measured[i]!;
      return [`${r.height}p alone (${r.width}×${r.height}, ${r.videoKbps}k)`, round(s), round(durationSeconds / s), `${round(s / single)}×`, m.bytes, round(m.averageBps / 1000, 0)];
    }),
    [`ladder (${ladder.length} renditions + audio + trickplay)`, round(med("ladder")), round(durationSeconds / med("ladder")), `${round(med("ladder") / single)}×`, measured.reduce((t, m) => t + m.bytes, 0) + audio.bytes, "—"],
    ["renditions one by one (sum)", round(separatelySeconds), round(durationSeconds / separatelySeconds), `${round(separatelySeconds / single)}×`, "—", "—"],
    [`single plain encode (${top.height}p ${top.videoKbps}k, baseline)`, round(single), round(durationSeconds / single), "1×", singleBytes, "—"],
  ];
  console.log(`\ningest: ${round(durationSeconds, 1)} s source, preset ${preset}, median of ${runs} runs (wall seconds); bytes from the last ladder run\n`);
  printTable(["encode", "seconds", "× realtime", "time / single", "bytes", "avg kbps"], rows);
  console.log(`  audio rendition: ${audio.bytes} bytes, ${round(audio.averageBps / 1000, 0)} kbps avg`);

  bench.summary({
    source: values.source ? "file" : "testsrc2+noise",
    width: source.video.width,
    height: source.video.height,
    source_seconds: round(durationSeconds, 2),
    preset,
    runs,
    ladder_x_realtime: round(durationSeconds / med("ladder")),
    single_x_realtime: round(durationSeconds / single),
    ladder_vs_single_encode: round(med("ladder") / single),
    separately_vs_ladder: round(separatelySeconds / med("ladder")),
    renditions: Object.fromEntries(
      ladder.map((r, i) => [`${r.height}p`, { x_realtime: round(durationSeconds / med(`${r.height}p`)), bytes: measured[i]!.bytes, avg_kbps: round(measured[i]!.averageBps / 1000, 0), peak_kbps: round(measured[i]!.peakBps / 1000, 0) }]),
    ),
    audio_bytes: audio.bytes,
    single_bytes: singleBytes,
    wall_seconds: Object.fromEntries(Object.entries(wallSeconds).map(([k, v]) => [k, v.map((x) => round(x))])),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
