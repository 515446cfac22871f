/**
 * The benchmarks' harness (bench/harness.ts). `npm run bench:web` once rebuilt
 * dist/client underneath a running `npm start`, which then answered 404 for `/`
 * and every `/assets/*` file: a benchmark's site serves its own build and leaves
 * dist/client exactly as it was.
 */
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmark, benchSite, buildClientInto, clientFingerprint, SITE_CLIENT } from "../../bench/harness.ts";

/** A port nobody listens on right now (other checkouts run their own sites on this machine). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("bench harness", () => {
  it("refuses to build into dist/client", async () => {
    await expect(buildClientInto(SITE_CLIENT)).rejects.toThrow(/running site serves it/);
    await expect(buildClientInto(`${SITE_CLIENT}/`)).rejects.toThrow(/running site serves it/);
  });

  it("a benchmark that measures the SPA serves its own build and leaves dist/client as it was", async () => {
    const before = clientFingerprint();
    const state = mkdtempSync(join(tmpdir(), "marquee-bench-harness-"));
    const site = await benchSite({ name: "harness-test", port: await freePort(), persistTo: state, client: "own", media: false, demoAccount: false });
    try {
      expect(site.clientDir).not.toBe(SITE_CLIENT);
      const index = await fetch(`${site.url}/`);
      expect(index.status).toBe(200);
      const html = await index.text();
      const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(entry, "the page names its entry script").toBeDefined();
      expect((await fetch(`${site.url}${entry}`)).status).toBe(200);
    } finally {
      await site.stop();
      rmSync(state, { recursive: true, force: true });
      rmSync(site.clientDir, { recursive: true, force: true });
    }
    expect(clientFingerprint(), `${SITE_CLIENT} is unchanged`).toBe(before);
  });

  it("reads its options strictly and ends with one JSON summary naming the load figure load_1m", () => {
    const argv = process.argv;
    const log = console.log;
    const lines: string[] = [];
    try {
      process.argv = [argv[0]!, "bench.ts", "--seconds", "3"];
      console.log = (line: string) => lines.push(line);
      const bench = benchmark("check", { seconds: { type: "string", default: "8" } });
      expect(bench.values.seconds).toBe("3");
      bench.summary({ answer: 42 });
      process.argv = [argv[0]!, "bench.ts", "--secnds", "3"];
      expect(() => benchmark("check", { seconds: { type: "string", default: "8" } })).toThrow(/secnds/);
    } finally {
      process.argv = argv;
      console.log = log;
    }
    const summary = JSON.parse(lines.at(-1)!) as { bench: string; answer: number; load_1m: [number, number] };
    expect(summary.bench).toBe("check");
    expect(summary.answer).toBe(42);
    expect(summary.load_1m).toHaveLength(2);
    for (const x of summary.load_1m) expect(x).toBeGreaterThanOrEqual(0);
  });
});
