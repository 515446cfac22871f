/** The title page's credits (crew jobs): English in the title page's chunk, the rest loaded per locale. */
import { defineNamespace } from "../../namespace.ts";
import en from "./en.ts";

export const creditsWords = defineNamespace("credits", en, {
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// The title page renders only once the current locale's words are in (no English flash).
await creditsWords.ready;
