/** Browse's namespace: English in the importing chunk, the rest loaded per locale. */
import { defineNamespace } from "../../namespace.ts";
import en from "./en.ts";

export const browseWords = defineNamespace("browse", en, {
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// The importing page renders only once the current locale's words are in (no English flash).
await browseWords.ready;
