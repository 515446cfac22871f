/**
 * `npm run seed -- [--reset] [--titles N --episodes M]`
 *
 * Seeds the local D1 that `npm start` / `wrangler dev` serve (.wrangler/state):
 * the demo catalog by default, or a synthetic catalog of the given size for
 * benchmarks, loaded in slices. `--persist-to DIR` targets another state folder.
 */
import { parseArgs } from "node:util";
import { database } from "../../worker/db/client.ts";
import { demoCatalog, scaleCatalog } from "./generate.ts";
import { clearCatalog, loadCatalog, titleCount } from "./load.ts";
import { localPlatform } from "../dev/platform.ts";

const { values } = parseArgs({
  options: {
    reset: { type: "boolean", default: false },
    "if-empty": { type: "boolean", default: false },
    titles: { type: "string" },
    episodes: { type: "string" },
    "persist-to": { type: "string" },
  },
});

const proxy = await localPlatform(values["persist-to"]);
try {
  const db = database(proxy.env.DB);
  const existing = await titleCount(db);
  if (values["if-empty"] && existing > 0) {
    console.log(`catalog already seeded (${existing} titles)`);
  } else {
    if (existing > 0 || values.reset) await clearCatalog(db);
    const nowMs = Date.now();
    if (values.titles) {
      const titleTotal = Number(values.titles);
      const episodeTotal = Number(values.episodes ?? 0);
      if (!Number.isInteger(titleTotal) || titleTotal < 1 || !Number.isInteger(episodeTotal) || episodeTotal < 0) {
        throw new Error("--titles and --episodes must be whole numbers");
      }
      const started = performance.now();
      let done = 0;
      let episodesDone = 0;
      for (const slice of scaleCatalog(nowMs, titleTotal, episodeTotal)) {
        await loadCatalog(db, slice);
        done += slice.titles.length;
        episodesDone += slice.episodes.length;
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(`\rseeded ${done}/${titleTotal} titles, ${episodesDone} episodes (${seconds.toFixed(0)} s)`);
      }
      process.stdout.write("\n");
    } else {
      const rows = demoCatalog(nowMs);
      await loadCatalog(db, rows);
      console.log(`seeded the demo catalog: ${rows.titles.length} titles, ${rows.episodes.length} episodes, ${rows.people.length} people`);
    }
  }
} finally {
  await proxy.dispose();
}
