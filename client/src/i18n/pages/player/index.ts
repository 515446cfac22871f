/** The player's overlays and problems (next episode, resume, shortcuts, stats, error screen): each locale (English too) a chunk of its own, loaded with the page. */
import { defineNamespace } from "../../namespace.ts";
import type en from "./en.ts";

export const playerWords = defineNamespace<typeof en>("player", {
  en: () => import("./en.ts"),
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// The player renders only once the current locale's words are in (no English flash).
await playerWords.ready;
