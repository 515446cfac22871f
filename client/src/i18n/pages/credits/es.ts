/** Spanish words of the title page's credits (crew jobs). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const es: Words<typeof en> = {
  "job.director": "Dirección",
  "job.writer": "Guionista",
  "job.screenplay": "Guion",
  "job.story": "Argumento",
  "job.novel": "Novela",
  "job.characters": "Personajes",
  "job.creator": "Creación",
  "job.showrunner": "Showrunner",
  "job.producer": "Producción",
  "job.executiveProducer": "Producción ejecutiva",
  "job.coProducer": "Coproducción",
  "job.composer": "Composición",
  "job.originalMusicComposer": "Música original",
  "job.music": "Música",
  "job.directorOfPhotography": "Dirección de fotografía",
  "job.editor": "Montaje",
  "job.casting": "Selección de reparto",
  "job.productionDesign": "Diseño de producción",
  "job.artDirection": "Dirección de arte",
  "job.costumeDesign": "Diseño de vestuario",
  "job.visualEffectsSupervisor": "Supervisión de efectos visuales",
  "job.soundDesigner": "Diseño de sonido",
};

export default es;
