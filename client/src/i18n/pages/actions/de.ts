/** German: the title actions' words (My List, rating). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const de: Words<typeof en> = {
  "actions.myList": "Meine Liste",
  "actions.rate": "{{ title }} bewerten",
  "actions.notForMe": "Nichts für mich",
  "actions.like": "Gefällt mir",
  "actions.love": "Liebe ich!",
  "actions.addFailed": "Konnte nicht zu Meiner Liste hinzugefügt werden: {{ reason }}",
  "actions.removeFailed": "Konnte nicht aus Meiner Liste entfernt werden: {{ reason }}",
  "actions.rateFailed": "Deine Bewertung konnte nicht gespeichert werden: {{ reason }}",
};

export default de;
