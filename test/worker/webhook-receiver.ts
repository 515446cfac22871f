/**
 * A real HTTP receiver on 127.0.0.1 for the worker tests (vitest globalSetup, in
 * Node): it keeps every POST body by path, and answers `GET <path>` with the JSON
 * bodies received there so far. A path starting `/fail/` answers 503, for
 * delivery failures. Tests reach it with `inject("webhookReceiver")`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

export default async function setup(project: TestProject) {
  const received = new Map<string, unknown[]>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.get(path) ?? []));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const list = received.get(path) ?? [];
      list.push(JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"));
      received.set(path, list);
      res.writeHead(path.startsWith("/fail/") ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("webhookReceiver", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
