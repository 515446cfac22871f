/**
 * `npm run keys:rotate [-- --persist-to DIR]`: re-wraps every content key in
 * D1 under the current key-encryption key of `CONTENT_KEKS` (read from the
 * environment, else .dev.vars through wrangler, as the local Worker reads it).
 * Rotate by adding a new kid to CONTENT_KEKS and making it current, deploying
 * (the Worker unwraps with any listed KEK), running this, and only then
 * removing the old kid. Nothing is re-encoded. It works on the local state
 * (`npm start`'s, or `--persist-to`); the deployed database has no target here yet.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { database } from "../../worker/db/client.ts";
import { contentKeks, parseKekSet } from "../../worker/lib/content-keys.ts";
import { rewrapAll } from "../../worker/licence/rotate-keks.ts";
import { localPlatform } from "../dev/platform.ts";

const { values } = parseArgs({ options: { "persist-to": { type: "string" } } });
const proxy = await localPlatform(values["persist-to"]);
try {
  const fromEnv = process.env.CONTENT_KEKS;
  const keks = fromEnv ? await parseKekSet(fromEnv) : await contentKeks(proxy.env.CONTENT_KEKS as string | undefined, true);
  const { rewrapped, perKek } = await rewrapAll(database(proxy.env.DB), keks);
  console.log(`re-wrapped ${rewrapped} content key${rewrapped === 1 ? "" : "s"} under KEK ${keks.currentKid}; keys per KEK: ${perKek.map((k) => `${k.kekId}=${k.n}`).join(", ") || "none"}`);
} finally {
  await proxy.dispose();
}
