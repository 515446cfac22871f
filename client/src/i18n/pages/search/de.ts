/** German: Search's words (the box, results, suggestions). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const de: Words<typeof en> = {
  "search.title": "Suche",
  "search.pageTitle": "„{{ q }}“ · Suche",
  "search.label": "Titel, Personen, Genres suchen",
  "search.placeholder": "Titel, Personen, Genres",
  "search.none": "Keine Ergebnisse für „{{ q }}“.",
  "search.tryInstead": "Versuch es hiermit",
  "search.hint": "Prüfe die Schreibweise, versuche weniger Wörter – oder fang hier an:",
  "search.popular": "Gerade beliebt",
  "search.byGenre": "Nach Genre stöbern",
  "search.results": { one: "{{ count }} Ergebnis", other: "{{ count }} Ergebnisse" },
};

export default de;
