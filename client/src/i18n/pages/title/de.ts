/** German: the title page's and a person's page's words (seasons, episodes, audio and subtitles, cast and crew, known for). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const de: Words<typeof en> = {
  "title.suitableFrom": "Freigegeben ab {{ age }} Jahren",
  "title.seasons": { one: "{{ count }} Staffel", other: "{{ count }} Staffeln" },
  "title.play": "Abspielen",
  "title.resume": "Fortsetzen",
  "title.resumeLeft": "Fortsetzen · {{ left }}",
  "title.watched": "Angesehen",
  "title.audio": "Audio",
  "title.subtitles": "Untertitel",
  "title.leaving": "Verfügbar bis",
  "title.leavingIn": "{{ date }} ({{ relative }})",
  "title.episodes": "Folgen",
  "title.season": "Staffel",
  "title.playEpisode": "Folge {{ episode }} abspielen: {{ name }}",
  "title.watchedOfEpisode": "Angesehener Teil von Folge {{ episode }}",
  "title.downloadEpisode": "Folge {{ episode }} herunterladen",
  "title.credits": "Besetzung und Team",
  "title.cast": "Besetzung",
  "title.crew": "Team",
  "title.as": "als {{ character }}",
  "title.originalTitle": "Originaltitel",
  "person.knownFor": "Bekannt für",
  "person.none": "In deiner Region sind keine Titel verfügbar.",
};

export default de;
