/** Spanish: the title actions' words (My List, rating). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const es: Words<typeof en> = {
  "actions.myList": "Mi lista",
  "actions.rate": "Valorar {{ title }}",
  "actions.notForMe": "No es para mí",
  "actions.like": "Me gusta",
  "actions.love": "¡Me encanta!",
  "actions.addFailed": "No se pudo añadir a Mi lista: {{ reason }}",
  "actions.removeFailed": "No se pudo quitar de Mi lista: {{ reason }}",
  "actions.rateFailed": "No se pudo guardar tu valoración: {{ reason }}",
};

export default es;
