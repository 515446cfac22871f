/** French: the title page's and a person's page's words (seasons, episodes, audio and subtitles, cast and crew, known for). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const fr: Words<typeof en> = {
  "title.suitableFrom": "Déconseillé aux moins de {{ age }} ans",
  "title.seasons": { one: "{{ count }} saison", other: "{{ count }} saisons" },
  "title.play": "Lecture",
  "title.resume": "Reprendre",
  "title.resumeLeft": "Reprendre · {{ left }}",
  "title.watched": "Vu",
  "title.audio": "Audio",
  "title.subtitles": "Sous-titres",
  "title.leaving": "Disponible jusqu'au",
  "title.leavingIn": "{{ date }} ({{ relative }})",
  "title.episodes": "Épisodes",
  "title.season": "Saison",
  "title.playEpisode": "Lire l'épisode {{ episode }} : {{ name }}",
  "title.watchedOfEpisode": "Partie vue de l'épisode {{ episode }}",
  "title.downloadEpisode": "Télécharger l'épisode {{ episode }}",
  "title.credits": "Distribution et équipe",
  "title.cast": "Distribution",
  "title.crew": "Équipe",
  "title.as": "dans le rôle de {{ character }}",
  "title.originalTitle": "Titre original",
  "person.knownFor": "Connu pour",
  "person.none": "Aucun titre disponible dans votre région.",
};

export default fr;
