/** German: Browse's words (filters and sort orders). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const de: Words<typeof en> = {
  "browse.filters": "Filter",
  "browse.genre": "Genre",
  "browse.allGenres": "Alle Genres",
  "browse.type": "Art",
  "browse.filmsAndSeries": "Filme und Serien",
  "browse.films": "Filme",
  "browse.series": "Serien",
  "browse.sort": "Sortieren",
  "browse.popular": "Beliebt",
  "browse.newest": "Neu hinzugefügt",
  "browse.year": "Erscheinungsjahr",
  "browse.title": "A–Z",
  "browse.empty": "Hier passt nichts zu diesen Filtern.",
  "browse.retry": "Erneut versuchen",
};

export default de;
