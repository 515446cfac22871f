/**
 * A static site for browser tests that need no Worker (second-codec, HDR): a
 * page at `/`, a few scripts held in memory, and a packaged asset folder under
 * `/a/`, on a free port of 127.0.0.1.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = { ".m3u8": "application/vnd.apple.mpegurl", ".mp4": "video/mp4", ".m4s": "video/iso.segment", ".js": "text/javascript", ".html": "text/html" };

export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves `page` at `/`, each of `scripts` (path → JavaScript, or a file to read) at its path, and `assetDir` under `/a/`. */
export async function serveStatic(page: string, scripts: Map<string, string | { file: string }>, assetDir: string): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") return void res.writeHead(200, { "content-type": "text/html" }).end(page);
    const script = scripts.get(path);
    if (typeof script === "string") return void res.writeHead(200, { "content-type": TYPES[".js"] }).end(script);
    const file = script ? script.file : path.startsWith("/a/") ? join(assetDir, normalize(path.slice(3)).replace(/^(\.\.[/\\])+/, "")) : null;
    if (!file || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    origin: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
