/** The title actions' namespace (My List, rating): English in the importing chunk, the rest loaded per locale. */
import { defineNamespace } from "../../namespace.ts";
import en from "./en.ts";

export const actionWords = defineNamespace("actions", en, {
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// The importing page renders only once the current locale's words are in (no English flash).
await actionWords.ready;
