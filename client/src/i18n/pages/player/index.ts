/** The player's overlays and problems (next episode, resume, shortcuts, stats, error screen): English in the player's chunk, the rest loaded per locale. */
import { defineNamespace } from "../../namespace.ts";
import en from "./en.ts";

export const playerWords = defineNamespace("player", en, {
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// The player renders only once the current locale's words are in (no English flash).
await playerWords.ready;
