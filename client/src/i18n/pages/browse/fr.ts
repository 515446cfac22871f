/** French: Browse's words (filters and sort orders). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const fr: Words<typeof en> = {
  "browse.filters": "Filtres",
  "browse.genre": "Genre",
  "browse.allGenres": "Tous les genres",
  "browse.type": "Type",
  "browse.filmsAndSeries": "Films et séries",
  "browse.films": "Films",
  "browse.series": "Séries",
  "browse.sort": "Trier",
  "browse.popular": "Populaires",
  "browse.newest": "Ajouts récents",
  "browse.year": "Année de sortie",
  "browse.title": "A–Z",
  "browse.empty": "Rien ne correspond à ces filtres ici.",
  "browse.retry": "Réessayer",
};

export default fr;
