/** Spanish: Search's words (the box, results, suggestions). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const es: Words<typeof en> = {
  "search.title": "Buscar",
  "search.pageTitle": "«{{ q }}» · Buscar",
  "search.label": "Buscar títulos, personas y géneros",
  "search.placeholder": "Títulos, personas, géneros",
  "search.none": "No hay resultados para «{{ q }}».",
  "search.tryInstead": "Prueba en su lugar",
  "search.hint": "Revisa la ortografía, prueba con menos palabras o empieza por aquí:",
  "search.popular": "Popular ahora mismo",
  "search.byGenre": "Explorar por género",
  "search.results": { one: "{{ count }} resultado", other: "{{ count }} resultados" },
};

export default es;
