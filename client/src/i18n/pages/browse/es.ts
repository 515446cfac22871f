/** Spanish: Browse's words (filters and sort orders). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const es: Words<typeof en> = {
  "browse.filters": "Filtros",
  "browse.genre": "Género",
  "browse.allGenres": "Todos los géneros",
  "browse.type": "Tipo",
  "browse.filmsAndSeries": "Películas y series",
  "browse.films": "Películas",
  "browse.series": "Series",
  "browse.sort": "Ordenar",
  "browse.popular": "Populares",
  "browse.newest": "Añadidos recientemente",
  "browse.year": "Año de estreno",
  "browse.title": "A–Z",
  "browse.empty": "Nada coincide con estos filtros.",
  "browse.retry": "Reintentar",
};

export default es;
