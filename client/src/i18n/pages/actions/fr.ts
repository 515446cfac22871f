/** French: the title actions' words (My List, rating). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const fr: Words<typeof en> = {
  "actions.myList": "Ma liste",
  "actions.rate": "Noter {{ title }}",
  "actions.notForMe": "Pas pour moi",
  "actions.like": "J'aime",
  "actions.love": "J'adore !",
  "actions.addFailed": "Impossible de l'ajouter à Ma liste : {{ reason }}",
  "actions.removeFailed": "Impossible de le retirer de Ma liste : {{ reason }}",
  "actions.rateFailed": "Impossible d'enregistrer votre note : {{ reason }}",
};

export default fr;
