/** German words of the title page's credits (crew jobs). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const de: Words<typeof en> = {
  "job.director": "Regie",
  "job.writer": "Buch",
  "job.screenplay": "Drehbuch",
  "job.story": "Geschichte",
  "job.novel": "Romanvorlage",
  "job.characters": "Figuren",
  "job.creator": "Idee",
  "job.showrunner": "Showrunner",
  "job.producer": "Produktion",
  "job.executiveProducer": "Ausführende Produktion",
  "job.coProducer": "Koproduktion",
  "job.composer": "Komposition",
  "job.originalMusicComposer": "Originalmusik",
  "job.music": "Musik",
  "job.directorOfPhotography": "Kamera",
  "job.editor": "Schnitt",
  "job.casting": "Besetzung",
  "job.productionDesign": "Szenenbild",
  "job.artDirection": "Künstlerische Leitung",
  "job.costumeDesign": "Kostümbild",
  "job.visualEffectsSupervisor": "Leitung visuelle Effekte",
  "job.soundDesigner": "Sounddesign",
};

export default de;
