/** The title page's and the person page's namespace: each locale (English too) a chunk of its own, loaded with the page. */
import { defineNamespace } from "../../namespace.ts";
import type en from "./en.ts";

export const titleWords = defineNamespace<typeof en>("title", {
  en: () => import("./en.ts"),
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// The importing page renders only once the current locale's words are in (no English flash).
await titleWords.ready;
