/** What a failed request means, in words, for every code the Worker answers: each locale (English too) a chunk of its own, loaded with the page. */
import { defineNamespace } from "../../namespace.ts";
import type en from "./en.ts";

export const errorWords = defineNamespace<typeof en>("errors", {
  en: () => import("./en.ts"),
  es: () => import("./es.ts"),
  fr: () => import("./fr.ts"),
  de: () => import("./de.ts"),
  ja: () => import("./ja.ts"),
  ar: () => import("./ar.ts"),
});
// A page that imports it renders only once the current locale's words are in (no English flash).
await errorWords.ready;

/** What a failed request's code means to a viewer, in the interface language; a code we do not know gets the general words. */
export function errorText(code: unknown): string {
  return typeof code === "string" && errorWords.knows(code) ? errorWords.t(code) : errorWords.t("http_error");
}
