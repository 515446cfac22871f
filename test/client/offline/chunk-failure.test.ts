import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkFailureKind, failedChunkUrl, isChunkLoadError, isNetworkFailure, probeServer, reloadOnceForNewBuild, type Probe } from "../../../client/src/offline/chunk-failure.ts";

/** The messages Chromium, Firefox and Safari give a failed dynamic import, and Vite's failed CSS preload. */
const chromium = new TypeError("Failed to fetch dynamically imported module: http://127.0.0.1:1/assets/downloads-AbC123.js");
const firefox = new TypeError("error loading dynamically imported module: http://127.0.0.1:1/assets/downloads-AbC123.js");
const safari = new TypeError("Importing a module script failed.");
const css = new Error("Unable to preload CSS for http://127.0.0.1:1/assets/player-x1.css");

describe("a lazy import that did not load", () => {
  it("is told apart from a fault of the page's own code", () => {
    for (const err of [chromium, firefox, safari, css]) expect(isChunkLoadError(err)).toBe(true);
    expect(isChunkLoadError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isChunkLoadError("Failed to fetch dynamically imported module")).toBe(false);
    expect(isChunkLoadError(null)).toBe(false);
  });

  it("names the chunk when the browser's message does", () => {
    expect(failedChunkUrl(chromium)).toBe("http://127.0.0.1:1/assets/downloads-AbC123.js");
    expect(failedChunkUrl(firefox)).toBe("http://127.0.0.1:1/assets/downloads-AbC123.js");
    expect(failedChunkUrl(css)).toBe("http://127.0.0.1:1/assets/player-x1.css");
    expect(failedChunkUrl(safari)).toBeNull();
  });
});

describe("a request of the page's that got no answer", () => {
  const noAnswer = [new TypeError("Failed to fetch"), new TypeError("NetworkError when attempting to fetch resource."), new TypeError("Load failed")];

  it("is told apart from a chunk that did not load, an HTTP answer and a fault of the page", () => {
    for (const err of noAnswer) expect(isNetworkFailure(err)).toBe(true);
    for (const err of [chromium, firefox, safari, css, new Error("Failed to fetch"), new TypeError("Cannot read properties of undefined (reading 'id')"), "Failed to fetch", null]) {
      expect(isNetworkFailure(err)).toBe(false);
    }
  });

  it("means offline while the device is, and otherwise never a new build (nothing is probed or reloaded)", async () => {
    const probe: Probe = () => Promise.reject(new Error("not asked"));
    for (const err of noAnswer) {
      expect(await chunkFailureKind(err, false, probe)).toBe("offline");
      expect(await chunkFailureKind(err, true, probe)).toBe("unavailable");
    }
  });
});

describe("what a chunk failure means, asked of a real server", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    // A site after a deploy: one chunk still there, one gone (404), one answered by the SPA's index.html.
    server = createServer((req, res) => {
      if (req.url === "/assets/there.js") return res.writeHead(200, { "content-type": "text/javascript" }).end("export default 1;");
      if (req.url === "/assets/fallback.js" || req.url === "/") return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html>");
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const failed = (path: string) => new TypeError(`Failed to fetch dynamically imported module: ${base}${path}`);
  const fromSite: Probe = (url) => probeServer(new URL(url, base).href);

  it("is offline when the browser says so, whatever the server would answer", async () => {
    expect(await chunkFailureKind(failed("/assets/gone.js"), false, fromSite)).toBe("offline");
  });

  it("is a new build when the server has no such chunk, or answers its page instead", async () => {
    expect(await chunkFailureKind(failed("/assets/gone.js"), true, fromSite)).toBe("stale");
    expect(await chunkFailureKind(failed("/assets/fallback.js"), true, fromSite)).toBe("stale");
  });

  it("is neither when the chunk is there after all", async () => {
    expect(await chunkFailureKind(failed("/assets/there.js"), true, fromSite)).toBe("unavailable");
  });

  it("is offline when nothing answers, though the browser believes it is online", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await chunkFailureKind(new TypeError(`Failed to fetch dynamically imported module: http://127.0.0.1:${port}/assets/a.js`), true)).toBe("offline");
  });

  it("without the chunk's URL (Safari), an answering site means a new build", async () => {
    expect(await chunkFailureKind(safari, true, fromSite)).toBe("stale");
  });
});

describe("reloading onto a new build", () => {
  it("reloads once per build, never twice for the same one", () => {
    const stored = new Map<string, string>();
    const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
    let reloads = 0;
    const reload = () => void reloads++;
    expect(reloadOnceForNewBuild("/assets/index-old.js", storage, reload)).toBe(true);
    expect(reloadOnceForNewBuild("/assets/index-old.js", storage, reload)).toBe(false);
    expect(reloads).toBe(1);
    // The reload brought a newer build, and that one lost a chunk too: it may reload once more.
    expect(reloadOnceForNewBuild("/assets/index-new.js", storage, reload)).toBe(true);
    expect(reloads).toBe(2);
  });

  it("never reloads where session storage refuses (it could not tell it already had)", () => {
    const storage = { getItem: () => { throw new Error("SecurityError"); }, setItem: () => {} };
    let reloads = 0;
    expect(reloadOnceForNewBuild("/assets/index.js", storage, () => void reloads++)).toBe(false);
    expect(reloads).toBe(0);
  });
});
