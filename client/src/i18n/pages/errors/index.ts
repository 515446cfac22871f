/** What a failed request means, in words, for every code the Worker answers: English with the pages that send requests, the rest loaded per locale. */
import { defineNamespace } from "../../namespace.ts";
import en from "./en.ts";

export const errorWords = defineNamespace("errors", en, {
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
  return typeof code === "string" && Object.hasOwn(en, code) ? errorWords.t(code as keyof typeof en) : errorWords.t("http_error");
}
