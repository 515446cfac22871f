/** Arabic: the title actions' words (My List, rating). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ar: Words<typeof en> = {
  "actions.myList": "قائمتي",
  "actions.rate": "قيّم {{ title }}",
  "actions.notForMe": "ليس لي",
  "actions.like": "أعجبني",
  "actions.love": "أحببته!",
  "actions.addFailed": "تعذّرت الإضافة إلى قائمتي: {{ reason }}",
  "actions.removeFailed": "تعذّرت الإزالة من قائمتي: {{ reason }}",
  "actions.rateFailed": "تعذّر حفظ تقييمك: {{ reason }}",
};

export default ar;
