/** Japanese: the title actions' words (My List, rating). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ja: Words<typeof en> = {
  "actions.myList": "マイリスト",
  "actions.rate": "{{ title }} を評価",
  "actions.notForMe": "好みではない",
  "actions.like": "好き",
  "actions.love": "大好き！",
  "actions.addFailed": "マイリストに追加できませんでした：{{ reason }}",
  "actions.removeFailed": "マイリストから削除できませんでした：{{ reason }}",
  "actions.rateFailed": "評価を保存できませんでした：{{ reason }}",
};

export default ja;
