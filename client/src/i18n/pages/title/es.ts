/** Spanish: the title page's and a person's page's words (seasons, episodes, audio and subtitles, cast and crew, known for). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const es: Words<typeof en> = {
  "title.suitableFrom": "Apto a partir de {{ age }} años",
  "title.seasons": { one: "{{ count }} temporada", other: "{{ count }} temporadas" },
  "title.play": "Reproducir",
  "title.resume": "Reanudar",
  "title.resumeLeft": "Reanudar · {{ left }}",
  "title.watched": "Visto",
  "title.audio": "Audio",
  "title.subtitles": "Subtítulos",
  "title.leaving": "Disponible hasta",
  "title.leavingIn": "{{ date }} ({{ relative }})",
  "title.episodes": "Episodios",
  "title.season": "Temporada",
  "title.playEpisode": "Reproducir episodio {{ episode }}: {{ name }}",
  "title.watchedOfEpisode": "Visto del episodio {{ episode }}",
  "title.downloadEpisode": "Descargar episodio {{ episode }}",
  "title.credits": "Reparto y equipo",
  "title.cast": "Reparto",
  "title.crew": "Equipo",
  "title.as": "como {{ character }}",
  "title.originalTitle": "Título original",
  "person.knownFor": "Conocido por",
  "person.none": "No hay títulos disponibles en tu región.",
};

export default es;
