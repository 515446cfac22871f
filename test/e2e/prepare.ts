/**
 * Prepares the browser suite's two state templates (the demo catalog alone,
 * and with its demo media) before any file runs, so files running side by
 * side never prepare one twice. `.ci/run` starts it beside `npm test`.
 *
 *   node test/e2e/prepare.ts
 */
import { preparedTemplate } from "./browser.ts";

const started = Date.now();
for (const media of [false, true]) {
  const dir = await preparedTemplate(media);
  console.log(`e2e state ${media ? "with demo media" : "catalog only"}: ${dir}`);
}
console.log(`e2e states ready in ${Math.round((Date.now() - started) / 1000)} s`);
