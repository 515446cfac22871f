/** A throwaway local wrangler state (migrated and seeded with the demo catalog) for tools tests. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import { prepareState, root, run } from "../../tools/dev/server.ts";

export const SHARED = join(root, "../shared/data");

export async function freshState(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "marquee-tools-"));
  await prepareState({ persistTo: dir, quiet: true, media: false });
  return dir;
}

/** Bindings over a state folder, as the Worker sees them. */
export function bindings(persistTo: string) {
  return getPlatformProxy<Env>({ persist: { path: join(persistTo, "v3") } });
}

/** Runs the ingest CLI; resolves with its exit code and output. */
export async function ingestCli(args: string[]): Promise<{ code: number; output: string }> {
  try {
    await run(process.execPath, [join(root, "tools/ingest/cli.ts"), ...args], { quiet: true });
    return { code: 0, output: "" };
  } catch (e) {
    const message = (e as Error).message;
    const code = Number(/exited with (\d+)/.exec(message)?.[1] ?? 1);
    return { code, output: message };
  }
}
