/** French words of the title page's credits (crew jobs). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const fr: Words<typeof en> = {
  "job.director": "Réalisation",
  "job.writer": "Scénariste",
  "job.screenplay": "Scénario",
  "job.story": "Histoire",
  "job.novel": "Roman",
  "job.characters": "Personnages",
  "job.creator": "Création",
  "job.showrunner": "Showrunner",
  "job.producer": "Production",
  "job.executiveProducer": "Production exécutive",
  "job.coProducer": "Coproduction",
  "job.composer": "Composition",
  "job.originalMusicComposer": "Musique originale",
  "job.music": "Musique",
  "job.directorOfPhotography": "Direction de la photographie",
  "job.editor": "Montage",
  "job.casting": "Distribution des rôles",
  "job.productionDesign": "Décors",
  "job.artDirection": "Direction artistique",
  "job.costumeDesign": "Costumes",
  "job.visualEffectsSupervisor": "Supervision des effets visuels",
  "job.soundDesigner": "Conception sonore",
};

export default fr;
