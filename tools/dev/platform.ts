/**
 * The local state's bindings for the tools (seed, ingest's publish, admin, key
 * rotation): wrangler's platform proxy over `.wrangler/state` (or `persistTo`),
 * where wrangler keeps its state under `<persistTo>/v3`.
 *
 * The proxy reads the whole wrangler.toml and, starting, warns that the Durable
 * Objects bound there "will not work in local development" and that their
 * classes are not exported. Both are about the proxy's own worker, which has
 * none: the tools touch only D1, KV and R2, and under `npm start` the Durable
 * Objects run in wrangler dev as usual. On a newcomer's first `npm start` those
 * lines read as a broken setup, so they are dropped while the proxy starts;
 * every other line passes.
 */
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";

/** The proxy's start-up warnings about Durable Objects, line by line (and the blank lines of their block). */
const DO_NOTICE = /internal Durable Objects|^\s*- \{"name":|will not work in local development|in a separate Worker, with a separate configuration|Durable Objects section here|DurableObjectNamespace in the config referenced the class|^\s*$/;

type Write = typeof process.stdout.write;

/** Runs `start` with DO_NOTICE lines dropped from this process's stdout and stderr. */
async function withoutDoNotice<T>(start: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  streams.forEach((s, i) => {
    const write = writes[i]!.bind(s) as (chunk: unknown, ...rest: unknown[]) => boolean;
    s.write = ((chunk: unknown, ...rest: unknown[]) => {
      const kept = String(chunk).split(/(?<=\n)/).filter((line) => !DO_NOTICE.test(line)).join("");
      return kept === "" ? true : write(kept, ...rest);
    }) as Write;
  });
  try {
    return await start();
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]!));
  }
}

/** The local state's bindings (`dispose()` when done). */
export function localPlatform(persistTo?: string): ReturnType<typeof getPlatformProxy<Env>> {
  return withoutDoNotice(() => getPlatformProxy<Env>({ persist: persistTo ? { path: join(persistTo, "v3") } : true }));
}
