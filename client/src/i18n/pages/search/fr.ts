/** French: Search's words (the box, results, suggestions). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const fr: Words<typeof en> = {
  "search.title": "Rechercher",
  "search.pageTitle": "« {{ q }} » · Rechercher",
  "search.label": "Rechercher des titres, des personnes, des genres",
  "search.placeholder": "Titres, personnes, genres",
  "search.none": "Aucun résultat pour « {{ q }} ».",
  "search.tryInstead": "Essayez plutôt",
  "search.hint": "Vérifiez l'orthographe, essayez moins de mots — ou partez d'ici :",
  "search.popular": "Populaire en ce moment",
  "search.byGenre": "Parcourir par genre",
  "search.results": { one: "{{ count }} résultat", other: "{{ count }} résultats" },
};

export default fr;
